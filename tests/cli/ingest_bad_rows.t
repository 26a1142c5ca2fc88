# Bad rows are reported as FILE:LINE: field: reason and skipped; the good
# rows load and the exit status is 65.  --strict loads nothing.
--- file accounts.csv
account_id,name,signup_date,seats,arr
acme,Acme,2024-01-05,10,1200.50
beta,Beta,2024-02-01,ten,
gamma,Gamma,2024-02-30,,
delta,,2024-02-01,,
eps,Eps,2024-02-01,,12k
--- run
ingest --strict accounts.csv
--- exit 65
--- stderr
csmap: error: accounts.csv:3: seats: 'ten' is not a whole number of 0 or more
csmap: error: accounts.csv:4: signup_date: '2024-02-30' is not a date (YYYY-MM-DD)
csmap: error: accounts.csv:5: name: required
csmap: error: accounts.csv:6: arr: '12k' is not a number
csmap: error: accounts.csv: nothing loaded: 4 rows rejected and --strict is given
csmap: accounts.csv: accounts, 5 read, 0 loaded, 0 replaced, 4 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT count(*) FROM account")" = 0
--- run
ingest accounts.csv
--- exit 65
--- stderr ~
^csmap: error: accounts.csv:3: seats: 'ten' is not a whole number of 0 or more$
^csmap: accounts.csv: accounts, 5 read, 1 loaded, 0 replaced, 4 rejected, 0 skipped$
--- file rows.csv
account_id,user_id,event,timestamp
acme,u1,login,2024-05-01T10:00:00Z
nosuch,u1,login,2024-05-01T10:00:00Z
acme,u1,login,yesterday
acme,u1,login,2024-05-01T10:00:00Z,extra
--- run
ingest rows.csv
--- exit 65
--- stderr
csmap: error: rows.csv:3: account_id: unknown account 'nosuch'
csmap: error: rows.csv:4: timestamp: 'yesterday' is not an ISO 8601 timestamp
csmap: error: rows.csv:5: 5 fields, but the header has 4
csmap: rows.csv: events, 4 read, 1 loaded, 0 replaced, 3 rejected, 0 skipped
