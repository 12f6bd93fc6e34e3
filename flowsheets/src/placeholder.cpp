namespace reesx { int flowsheets_placeholder = 0; }
