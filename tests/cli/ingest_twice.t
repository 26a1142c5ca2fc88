# The same file twice: the second run loads nothing new, replaces every row,
# and leaves the store as it was.
--- file accounts.csv
account_id,name,signup_date,seats,external_ids
acme,Acme,2024-01-05,10,zendesk:3601
beta,Beta,2024-02-01,,
--- file events.jsonl
{"account_id": "acme", "user_id": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z"}
{"account_id": "zendesk:3601", "user_id": 7, "event": "login", "timestamp": "2024-05-01T10:00:00Z", "message_id": "m1"}
{"account_id": "beta", "user_id": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z", "message_id": null}
--- run
ingest accounts.csv events.jsonl
--- stderr ~
accounts.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
events.jsonl: events, 3 read, 3 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
sqlite3 csmap.db "SELECT * FROM account; SELECT * FROM account_ext; SELECT * FROM event_day; SELECT * FROM event_seen ORDER BY key" > before.txt
--- run
ingest accounts.csv events.jsonl
--- stderr ~
accounts.csv: accounts, 2 read, 0 loaded, 2 replaced, 0 rejected, 0 skipped
events.jsonl: events, 3 read, 0 loaded, 3 replaced, 0 rejected, 0 skipped
--- sh
sqlite3 csmap.db "SELECT * FROM account; SELECT * FROM account_ext; SELECT * FROM event_day; SELECT * FROM event_seen ORDER BY key" > after.txt
cmp before.txt after.txt
test "$(sqlite3 csmap.db "SELECT sum(n) FROM event_day")" = 3
