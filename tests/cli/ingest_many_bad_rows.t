# After 100 bad rows in a file the rest are counted, not shown; -v shows
# them all.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
--- sh
{ echo account_id,user_id,event,timestamp; i=0; while [ $i -lt 150 ]; do echo "nobody$i,u1,login,2024-05-01T10:00:00Z"; i=$((i+1)); done; echo acme,u1,login,2024-05-01T10:00:00Z; } > events.csv
--- run
ingest accounts.csv events.csv
--- exit 65
--- stderr ~
^csmap: error: events.csv:101: account_id: unknown account 'nobody99'$
^csmap: error: events.csv: more bad rows are counted but not shown \(-v shows them all\)$
^csmap: events.csv: events, 151 read, 1 loaded, 0 replaced, 150 rejected, 0 skipped$
--- sh
test "$($CSMAP ingest events.csv 2>&1 | grep -c 'unknown account')" = 100
test "$($CSMAP -v ingest events.csv 2>&1 | grep -c 'unknown account')" = 150
