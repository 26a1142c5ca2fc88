# csmap map writes one document to standard output, or with -o the index
# and one file per segment, mode 0644, and never half a map.
--- file csmap.json
{
  "onboarding": {
    "owner": "Olga",
    "steps": [
      {"name": "connect_source", "event": "^source\\.connected$"},
      {"name": "first_report", "event": "^report\\.created$"}
    ],
    "first_value_event": "^report\\.shared$"
  },
  "usage": {"core_events": ["^report\\.", "^dashboard\\.viewed$"]}
}
--- file accounts.csv
account_id,name,segment,seats,arr,owner,signup_date
acme,Acme <Co>,smb,5,12000,Ann,2026-01-05
bolt,Bolt | Ltd,smb,5,8000,Ann,2026-02-20
corp,Corp Inc,enterprise,50,150000,Ben,2025-06-01
--- file events.csv
account_id,user_id,event,timestamp
acme,u1,source.connected,2026-01-06T10:00:00Z
acme,u1,report.created,2026-01-07T10:00:00Z
acme,u1,report.shared,2026-01-08T10:00:00Z
acme,u2,dashboard.viewed,2026-02-25T10:00:00Z
bolt,u3,source.connected,2026-02-21T10:00:00Z
corp,u4,source.connected,2025-06-02T10:00:00Z
corp,u4,report.created,2025-06-03T10:00:00Z
corp,u4,report.shared,2025-06-04T10:00:00Z
corp,u5,dashboard.viewed,2026-02-27T10:00:00Z
--- run
ingest accounts.csv events.csv
--- run
map --as-of 2026-03-01
--- stdout ~
^# Customer success map$
^As of 2026-03-01; trends compare with 2026-02-01\.$
^- enterprise: 1 account, ARR 150k, at stake 0 \(0%\)\.$
^- smb: 2 accounts, ARR 20k, at stake 8\.0k \(40%\)\. Biggest risk: Onboarding: 8\.0k at stake \(Olga\)\.$
^#### Onboarding: 40% friction, !! problem \(↑ \+40 pts\)$
^Owner: Olga\. 1 account, 8\.0k ARR\.$
^- Stuck: 1 \(↑ \+1\)$
^\| Bolt \\\| Ltd \| 8\.0k \| 8\.0k \| !! \| -- \| -- \| -- \| -- \| -- \| ok \|$
^\| Acme \\<Co\\> \| 12k \|  \| ok \| ! \| -- \| -- \| ok \| -- \| ok \|$
^- onboarding: !! problem, stuck at first_report for 8 days$
--- run
map --as-of 2026-03-01 --segment smb --format json
--- stdout ~
"segment":\s"smb"
"account_count":\s2
"anchor":\s"a-bolt"
"why":\s"stuck at first_report for 8 days"
"arr_at_stake_share_text":\s"40%"
--- run
map --as-of 2026-03-01 -o out.html
--- stdout
--- sh
test -f out.html
test -f out-smb.html
test -f out-enterprise.html
test "$(stat -c %a out.html)" = 644
test "$(stat -c %a out-smb.html)" = 644
grep -q 'href="out-smb.html"' out.html
grep -q 'href="out.html">All segments' out-smb.html
grep -q 'Acme &lt;Co&gt;' out-smb.html
! grep -q 'Acme <Co>' out-smb.html
test "$(ls -a | grep -c '^\.out')" = 0
--- run
map --as-of 2026-03-01 --segment enterprise -o one.md
--- stdout
--- sh
test -f one.md
test ! -e one-enterprise.md
grep -q '^# Customer success map: enterprise$' one.md
--- run
map --as-of 2026-03-01 -o all.json
--- sh
test ! -e all-smb.json
python3 -c 'import json; m = json.load(open("all.json")); assert [p["segment"] for p in m["pages"]] == ["enterprise", "smb"]'
--- end
