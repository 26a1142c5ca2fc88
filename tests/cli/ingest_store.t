# A store that cannot be created is a clear error with exit 1, and the
# input is not touched.
--- file accounts.csv
account_id,name,signup_date
acme,Acme,2024-01-05
--- run
--db nodir/csmap.db ingest accounts.csv
--- exit 1
--- stderr ~
^csmap: error: cannot create the store 'nodir/csmap.db': No such file or directory$
--- run
--db /proc/csmap.db ingest accounts.csv
--- exit 1
--- stderr ~
^csmap: error: cannot create the store '/proc/csmap.db'
--- sh
test -s accounts.csv
test ! -e nodir
