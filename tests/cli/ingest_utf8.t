# Invalid UTF-8 rejects the row and says which field and byte.
--- sh
printf 'account_id,name,signup_date\nacme,Caf\303\251,2024-01-05\nbeta,B\377ta,2024-02-01\n' > accounts.csv
--- run
ingest accounts.csv
--- exit 65
--- stderr
csmap: error: accounts.csv:3: name: invalid UTF-8 at byte 2 of the value
csmap: accounts.csv: accounts, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
