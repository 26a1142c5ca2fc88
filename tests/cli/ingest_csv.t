# CSV ingest: accounts and events, quoted fields, CRLF, a BOM, columns in any
# order, an unknown column reported once, and the per-file summary.
--- sh
printf '\357\273\277name,account_id,signup_date,plan,extra\r\n"Acme, ""Inc""",acme,2024-01-05,pro,x\r\nBeta,beta,2024-02-01T23:00:00-03:00,,y\r\n' > accounts.csv
--- file events.csv
timestamp,event,user_id,account_id
2024-05-01T10:00:00Z,login,u1,acme
2024-05-01T11:00:00+02:00,login,u1,acme
2024-05-02T08:00:00Z,report.created,u2,beta
--- run
ingest events.csv accounts.csv
--- stderr
csmap: warning: accounts.csv: unknown columns ignored: 'extra'
csmap: accounts.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: events.csv: events, 3 read, 3 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT name FROM account WHERE account_id = 'acme'")" = 'Acme, "Inc"'
test "$(sqlite3 csmap.db "SELECT signup_date FROM account WHERE account_id = 'beta'")" = 19755
test "$(sqlite3 csmap.db "SELECT sum(n) FROM event_day")" = 3
test "$(sqlite3 csmap.db "SELECT count(*) FROM event_day")" = 2
test "$(sqlite3 csmap.db "SELECT count(*) FROM ingest_log")" = 2
--- file twice.csv
account_id,name,signup_date,name
dup,Old Name,2024-01-05,New Name
--- run
ingest twice.csv
--- stderr
csmap: warning: twice.csv: columns 2 and 4 both give 'name'; column 4 is used
csmap: twice.csv: accounts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT name FROM account WHERE account_id = 'dup'")" = 'New Name'
--- file semi.csv
account_id;name;signup_date;arr
semi;"Semi; Colon";2024-01-05;1200.5
comma;Decimal Comma;2024-01-05;99,75
--- file tabs.tsv
account_id	name	signup_date
tabbed	Tab Co	2024-01-05
--- run
ingest semi.csv tabs.tsv
--- stderr
csmap: semi.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: tabs.tsv: accounts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT name || '|' || arr FROM account WHERE account_id = 'semi'")" = 'Semi; Colon|1200.5'
test "$(sqlite3 csmap.db "SELECT name FROM account WHERE account_id = 'tabbed'")" = 'Tab Co'
test "$(sqlite3 csmap.db "SELECT arr FROM account WHERE account_id = 'comma'")" = '99.75'
