# Every kind loads with its field rules: contacts, tickets, feedback and
# contracts, detected from the header; priorities are stored lower-case.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
--- file contacts.csv
contact_id,account_id,name,email,is_sponsor,first_seen,left_at
c1,acme,Ann,ann@acme.test,YES,2024-01-05,
c2,acme,Bob,bob@acme.test,maybe,2024-01-05,
--- file tickets.csv
ticket_id,account_id,created_at,resolved_at,priority,status,subject
t1,acme,2024-05-01T10:00:00Z,2024-05-01T12:00:00Z,High,solved,Login fails
t2,acme,2024-05-01T10:00:00Z,,critical,open,x
--- file feedback.csv
account_id,date,kind,score,text
acme,2024-05-01,nps,11,wow
acme,2024-05-01,nps,9,great
--- file contracts.csv
account_id,start_date,end_date,arr,seats
acme,2024-01-01,2024-12-31,12000,10
--- run
ingest contacts.csv tickets.csv feedback.csv contracts.csv accounts.csv
--- exit 65
--- stderr
csmap: accounts.csv: accounts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: contracts.csv: contracts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: error: contacts.csv:3: is_sponsor: 'maybe' is not a boolean (true, false, yes, no, 1, 0)
csmap: contacts.csv: contacts, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
csmap: error: tickets.csv:3: priority: 'critical' is not one of urgent, high, normal, low
csmap: tickets.csv: tickets, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
csmap: error: feedback.csv:2: score: NPS score '11' is not a whole number from 0 to 10
csmap: feedback.csv: feedback, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT priority FROM ticket")" = high
test "$(sqlite3 csmap.db "SELECT is_sponsor FROM contact")" = 1
test "$(sqlite3 csmap.db "SELECT seats FROM contract")" = 10
