# Zendesk exports as they come: a ticket deleted in Zendesk (the
# incremental export keeps them) leaves the store; a ticket without an
# organization is a bad row that names the ticket; a first record whose
# null members were left out is still read as a Zendesk ticket; a
# gzip-compressed export is refused with what to do.
--- file accounts.csv
account_id,name,signup_date,external_ids
acme,Acme,2024-01-05,zendesk:3601
--- file first.jsonl
{"id": 10, "organization_id": 3601, "created_at": "2024-05-01T10:00:00Z", "status": "open", "subject": "spam: buy followers"}
{"id": 11, "organization_id": 3601, "created_at": "2024-05-02T10:00:00Z", "status": "open", "subject": "Invoice"}
--- file later.jsonl
{"url": "https://example.zendesk.com/api/v2/tickets/10.json", "id": 10, "created_at": "2024-05-01T10:00:00Z", "status": "deleted", "subject": "spam: buy followers"}
{"url": "https://example.zendesk.com/api/v2/tickets/12.json", "id": 12, "created_at": "2024-05-03T10:00:00Z", "status": "deleted"}
{"url": "https://example.zendesk.com/api/v2/tickets/13.json", "id": 13, "organization_id": null, "created_at": "2024-05-03T10:00:00Z", "status": "new"}
{"url": "https://example.zendesk.com/api/v2/tickets/14.json", "id": 14, "organization_id": 3601, "created_at": "2024-05-04T10:00:00Z", "status": "hold"}
--- sh
"$CSMAP" -q ingest accounts.csv first.jsonl
printf '\037\213\010\000\000\000\000\000' > export.json.gz
--- run
ingest later.jsonl
--- exit 65
--- stderr
csmap: error: later.jsonl:3: organization_id: the ticket has no organization, so no account [ticket 13]
csmap: later.jsonl: skipped 2 deleted tickets (1 removed from the store)
csmap: later.jsonl: tickets (zendesk), 4 read, 1 loaded, 0 replaced, 1 rejected, 2 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT group_concat(ticket_id, ' ') FROM (SELECT ticket_id FROM ticket ORDER BY ticket_id)")" = '11 14'
--- run
ingest export.json.gz
--- exit 65
--- stderr
csmap: error: export.json.gz: the file is gzip-compressed; decompress it first (gunzip -k export.json.gz)
--- file clash.csv
account_id,name,signup_date,external_ids
a3,Three,2024-01-05,zendesk:100
zendesk:100,Named Like An Id,2024-01-05,
--- file clash.jsonl
{"id": 20, "organization_id": 100, "created_at": "2024-05-01T10:00:00Z", "status": "open"}
--- sh
"$CSMAP" -q ingest clash.csv clash.jsonl
test "$(sqlite3 csmap.db "SELECT a.account_id FROM ticket t JOIN account a ON a.id = t.account WHERE ticket_id = '20'")" = a3
