namespace reesx { int thermo_placeholder = 0; }
