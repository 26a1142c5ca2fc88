# 'cache ls' lists cached artifacts newest first, filters them, and prints
# JSON with --format json.
--- sh
: > csmap.db
--- run
cache ls
--- stderr
csmap: the cache is empty
--- sh
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("csmap.db")
c.executemany("INSERT INTO cache_entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
    ("3f2a" + "0" * 58 + "01", "health-brief", "A1", 19675, "health-brief",
     "2", "openai", "gpt-4o-mini", "## Health\nGreen.\n", None, 1200, 300,
     0.00036, 900, 1700000000),
    ("3f2b" + "0" * 58 + "02", "renewal-packet", "A2", 19675,
     "renewal-packet", "1", "openai", "gpt-4o-mini", "## Renewal\n", None,
     1000, 100, 0.00021, 800, 1702000000)])
c.commit()
PY
--- run
cache ls
--- stdout
KEY           ARTIFACT        SUBJECT  AS-OF         TOKENS       COST  CREATED
3f2b00000000  renewal-packet  A2       2023-11-14      1100     0.0002  2023-12-08 01:46
3f2a00000000  health-brief    A1       2023-11-14      1500     0.0004  2023-11-14 22:13
--- run
cache ls --artifact health-brief --format json
--- stdout ~
"key":\s*"3f2a0{58}01"
"subject":\s*"A1"
"input_tokens":\s*1200
--- run
cache ls --account A3
--- stderr
csmap: the cache is empty for this filter
--- run
cache ls --format yaml
--- exit 2
--- stderr ~
^csmap: error: cache: unknown format 'yaml'
--- run
cache ls --format csv -o ls.csv
--- sh
head -1 ls.csv | grep -q '^key,artifact,subject,as_of,prompt,prompt_version,provider,model,input_tokens,output_tokens,cost,latency_ms,created_at$'
test "$(wc -l < ls.csv)" -eq 3
--- run
cache stats --format csv
--- stdout ~
^group,name,entries,input_tokens,output_tokens,cost$
^artifact,health-brief,
^month,
