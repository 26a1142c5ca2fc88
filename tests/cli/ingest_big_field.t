# A 10 MB description is under the 16 MB record cap and loads whole; a
# 17 MB record is refused with a clear error.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
--- sh
{ printf 'ticket_id,account_id,created_at,description\nt1,acme,2024-05-01T10:00:00Z,"'; head -c 10485760 /dev/zero | tr '\0' x; printf '"\nt2,acme,2024-05-01T10:00:00Z,short\n'; } > tickets.csv
{ printf 'ticket_id,account_id,created_at,description\nt3,acme,2024-05-01T10:00:00Z,'; head -c 17825792 /dev/zero | tr '\0' y; printf '\n'; } > huge.csv
--- run
ingest accounts.csv tickets.csv
--- stderr ~
tickets.csv: tickets, 2 read, 2 loaded, 0 replaced, 0 rejected, 0 skipped
--- sh
test "$(sqlite3 csmap.db "SELECT length(description) FROM ticket WHERE ticket_id = 't1'")" = 10485760
--- run
ingest huge.csv
--- exit 65
--- stderr ~
^csmap: error: huge.csv:2: record longer than 16 MB
huge.csv: tickets, 1 read, 0 loaded, 0 replaced, 1 rejected, 0 skipped
