# A JSON array of records streams element by element; a bad element is a
# bad row at the line where it starts; nesting 100,000 levels deep is a bad
# row, not a crash.
--- file accounts.json
[
  {"account_id": "acme", "name": "Acme", "signup_date": "2024-01-05",
   "seats": 10, "arr": 1200.5, "colour": "blue"},
  {"account_id": "beta", "name": "Beta", "signup_date": "2024-02-01",
   "seats": "ten"},
  {"account_id": "gamma", "name": ["not", "text"], "signup_date": "2024-02-01"},
  "just a string",
  {"account_id": "delta", "name": "Delta", "signup_date": "2024-02-01",
   "seats": null}
]
--- run
ingest accounts.json
--- exit 65
--- stderr
csmap: warning: accounts.json:2: unknown field 'colour' ignored
csmap: error: accounts.json:4: seats: 'ten' is not a whole number of 0 or more
csmap: error: accounts.json:6: name: expected a string, a number or a boolean
csmap: error: accounts.json:7: expected a JSON object
csmap: accounts.json: accounts, 5 read, 2 loaded, 0 replaced, 3 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT seats || ' ' || arr FROM account WHERE account_id = 'acme'")" = '10 1200.5'
python3 -c "print('[\n' + '[' * 100000 + ']' * 100000 + ',\n{\"account_id\": \"eps\", \"name\": \"Eps\", \"signup_date\": \"2024-01-01\"}]')" > deep.json
--- run
ingest --kind accounts deep.json
--- exit 65
--- stderr
csmap: error: deep.json:2: invalid JSON: nested deeper than 1000 levels
csmap: deep.json: accounts, 2 read, 1 loaded, 0 replaced, 1 rejected, 0 skipped
--- file events.jsonl
{"account_id": "acme", "user_id": "u1", "event": "login", "timestamp": "2024-05-01T10:00:00Z"}
{"account_id": "acme", "user_id": "u1", "event": login}

{"account_id": "acme", "user_id": "u1", "event": "login", "timestamp": "2024-05-01T10:00:01Z", "message_id": 17}
--- file empty.json
[ ]
--- run
ingest events.jsonl empty.json
--- exit 65
--- stderr
csmap: error: events.jsonl:2: invalid JSON at byte 50 of the record
csmap: events.jsonl: events, 3 read, 2 loaded, 0 replaced, 1 rejected, 0 skipped
csmap: warning: empty.json: no records
