# 'cache stats' counts entries, the last run's hit rate, and tokens and
# cost by artifact and by month; 'cache prune' removes old entries.
--- sh
: > csmap.db
--- run
cache stats
--- stdout
entries: 0
last run: none

ARTIFACT                ENTRIES       INPUT      OUTPUT        COST

MONTH                   ENTRIES       INPUT      OUTPUT        COST
--- sh
python3 - <<'PY'
import sqlite3, time
now = int(time.time())
c = sqlite3.connect("csmap.db")
c.executemany("INSERT INTO cache_entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
    ("aa" * 32, "health-brief", "A1", 19675, "health-brief", "2", "openai",
     "m", "x", None, 1200, 300, 0.5, 900, 1700000000),
    ("bb" * 32, "health-brief", "A2", 19675, "health-brief", "2", "openai",
     "m", "y", None, 800, 100, 0.25, 900, 1700100000),
    ("cc" * 32, "renewal-packet", "A2", 19675, "renewal-packet", "1",
     "openai", "m", "z", None, 1000, 100, 1.0, 800, now)])
c.execute("INSERT INTO cache_run (started_at, finished_at, hits, misses) "
          "VALUES (1, 2, 1, 9)")
c.execute("INSERT INTO cache_run (started_at, finished_at, hits, misses) "
          "VALUES (3, 4, 3, 1)")
c.commit()
PY
--- run
cache stats --format json
--- stdout ~
"entries":\s*3
"last_run_hits":\s*3
"last_run_misses":\s*1
"last_run_hit_rate":\s*0.75
"name":\s*"health-brief",\s*"entries":\s*2,\s*"input_tokens":\s*2000,\s*"output_tokens":\s*400,\s*"cost":\s*0.75
"name":\s*"2023-11",\s*"entries":\s*2
--- run
cache stats
--- stdout ~
^entries: 3$
^last run: 3 hits, 1 misses, hit rate 75%$
^health-brief                  2        2000         400      0.7500$
^renewal-packet                1        1000         100      1.0000$
^2023-11                       2        2000         400      0.7500$
--- run
cache prune --older-than 30
--- stderr
csmap: removed 2 entries older than 30 days
--- run
cache stats
--- stdout ~
^entries: 1$
--- run
cache prune --older-than soon
--- exit 2
--- stderr ~
--older-than: 'soon' is not a number of days
--- run
cache prune
--- exit 2
--- stderr ~
prune needs --older-than DAYS
