# Segment: track calls become events; the account is context.groupId, else
# properties.account_id, else the user's latest earlier group call.  Other
# calls, and track calls with no account, are counted and skipped.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
beta,Beta,2024-01-05
--- file segment.jsonl
{"type": "identify", "userId": "u1", "traits": {"email": "a@acme.test"}}
{"type": "track", "userId": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z", "messageId": "s0"}
{"type": "group", "userId": "u1", "groupId": "acme"}
{"type": "track", "userId": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z", "messageId": "s1"}
{"type": "track", "userId": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z", "messageId": "s2", "context": {"groupId": "beta"}}
{"type": "track", "anonymousId": "anon-9", "event": "page.seen", "timestamp": "2024-05-01T10:00:00Z", "messageId": "s3", "properties": {"account_id": "beta"}}
{"type": "page", "userId": "u1", "name": "Home"}
{"type": "track", "userId": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z", "messageId": "s4", "context": {"groupId": "nosuch"}}
--- run
ingest accounts.csv segment.jsonl
--- exit 65
--- stderr
csmap: accounts.csv: accounts, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: error: segment.jsonl:8: account_id: unknown account 'nosuch'
csmap: segment.jsonl: skipped 3 calls other than track and 1 track call that names no account
csmap: segment.jsonl: events (segment), 8 read, 3 loaded, 0 replaced, 1 rejected, 4 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT group_concat(a.account_id || ':' || u.user_id, ' ') FROM (SELECT * FROM event_day ORDER BY account, user) d JOIN account a ON a.id = d.account JOIN app_user u ON u.id = d.user")" = 'acme:u1 beta:u1 beta:anon-9'
--- file numbers.csv
account_id,name,signup_date
1042,Numbered Co,2024-01-05
--- file numbers.jsonl
{"type": "track", "userId": 7, "event": "login", "timestamp": "2024-05-02T10:00:00Z", "messageId": "n1", "context": {"groupId": 1042}}
{"type": "group", "anonymousId": "anon-1", "groupId": 1042}
{"type": "track", "anonymousId": "anon-1", "event": "login", "timestamp": "2024-05-02T10:00:00Z", "messageId": "n2"}
{"type": "track", "userId": 8, "event": "login", "timestamp": "2024-05-02T10:00:00Z", "messageId": "n3", "properties": {"account_id": 1042}}
--- run
ingest numbers.csv numbers.jsonl
--- stderr
csmap: numbers.csv: accounts, 1 read, 1 loaded, 0 replaced, 0 rejected, 0 skipped
csmap: numbers.jsonl: skipped 1 call other than track and 0 track calls that name no account
csmap: numbers.jsonl: events (segment), 4 read, 3 loaded, 0 replaced, 0 rejected, 1 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT count(DISTINCT user) FROM event_day JOIN account a ON a.id = event_day.account WHERE a.account_id = '1042'")" = 3
--- file plain.jsonl
{"account_id": "acme", "user_id": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z"}
--- run
ingest --preset segment plain.jsonl
--- exit 65
--- stderr
csmap: error: plain.jsonl:1: type: required: not a Segment call (track, identify, group, page, screen or alias)
csmap: plain.jsonl: events (segment), 1 read, 0 loaded, 0 replaced, 1 rejected, 0 skipped
