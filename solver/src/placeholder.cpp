namespace reesx::solver { int solver_placeholder = 0; }
