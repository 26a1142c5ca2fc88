# 'cache show' and 'cache rm' take a key or a unique prefix of it, as git
# does; an ambiguous or unknown prefix is an error.
--- sh
: > csmap.db
--- run
cache ls
--- sh
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("csmap.db")
c.executemany("INSERT INTO cache_entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
    ("3f2a" + "0" * 58 + "01", "health-brief", "A1", 19675, "health-brief",
     "2", "openai", "gpt-4o-mini", "## Health\nGreen.\n",
     '{"ungrounded":["42"]}', 1200, 300, 0.00036, 900, 1700000000),
    ("3f2b" + "0" * 58 + "02", "renewal-packet", "A2", 19675,
     "renewal-packet", "1", "openai", "gpt-4o-mini", "## Renewal\n", None,
     1000, 100, 0.00021, 800, 1702000000),
    ("3f2a" + "f" * 60, "renewal-packet", "A3", 19675, "renewal-packet",
     "1", "openai", "gpt-4o-mini", "## Renewal\n", None, 1000, 100,
     0.00021, 800, 1702000000)])
c.commit()
PY
--- run
cache show 3f2a0
--- stdout
key:       3f2a000000000000000000000000000000000000000000000000000000000001
artifact:  health-brief
subject:   A1
as-of:     2023-11-14
prompt:    health-brief 2
model:     openai gpt-4o-mini
tokens:    1200 in, 300 out
cost:      0.0004
latency:   900 ms
created:   2023-11-14 22:13 UTC
checks:    {"ungrounded":["42"]}

## Health
Green.
--- run
cache show 3f2
--- exit 2
--- stderr
csmap: error: '3f2' is not a cache key (give at least 4 of its hex digits)
--- run
cache show 3f2a
--- exit 2
--- stderr
csmap: error: the cache key prefix '3f2a' is ambiguous; give more digits
--- run
cache show 3F2B
--- stdout ~
^subject:   A2$
--- run
cache rm 3f2b 9999
--- exit 1
--- stderr
csmap: removed 3f2b00000000
csmap: error: no cache entry '9999'
--- run
cache show 3f2b
--- exit 1
--- stderr
csmap: error: no cache entry '3f2b'
--- run
cache show 3f2a0 --format json
--- stdout ~
"key":\s*"3f2a0{58}01"
"output":\s*"## Health\\nGreen.\\n"
"checks":\s*\{\s*"ungrounded":\s*\[\s*"42"\s*\]\s*\}
