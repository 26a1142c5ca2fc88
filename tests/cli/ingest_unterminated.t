# An unterminated quoted field is reported at the line where it started.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
beta,"Beta
and more,2024-02-01
gamma,Gamma,2024-02-01
--- run
ingest accounts.csv
--- exit 65
--- stderr
csmap: error: accounts.csv:3: unterminated quoted field starting on line 3
csmap: accounts.csv: accounts, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
