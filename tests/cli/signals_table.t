# csmap signals: the table, JSON and CSV of a small workspace as of
# 2026-03-31.  acme's numbers are worked out by hand in docs/signals.md
# ("A worked example"); zeta signs up after the date and is not listed.
--- sh
cp "$CSMAP_ROOT"/tests/cli/data/small/* .
"$CSMAP" -q ingest accounts.csv contracts.csv contacts.csv events.csv tickets.csv feedback.csv
--- run
signals --as-of 2026-03-31
--- stdout
ACCOUNT       SEGMENT   STEPS USERS IDLE  TREND% TKT90 OPEN    NPS HEALTH BAND   RENEW RISK   EXPAND
acme          smb         2/2     1    0   +66.7     2    1      0   70.0 green     45 medium medium
beta          mid         1/2     0    -    +0.0     0    0      -      - -          - low    low
--- run
signals --as-of 2026-03-31 --format json
--- stdout ~
^\t\t"account_id":\t"acme",$
"ttfv_days":\t4,
"days_since_progress":\t82,
"last_core_date":\t"2026-03-31",
"weekly":\t\[0, 0, 0, 0, 0, 0, 0, 0, 1\],
"trend_pct":\t66.67,
"seat_utilization":\t0.5
"resolution_hours_median_90d":\t4,
"sso":\t1
"sentiment_90d":\t-0.5,
"sponsor_left_90d":\ttrue,
"score":\t70,
"renewal_date":\t"2026-05-15",
"days_to_renewal":\t45,
"new_stakeholders":\t\["Nia New"\],
"current_step":\t"first_report",
--- run
signals --as-of 2026-03-31 --segment mid --format csv
--- stdout ~
^account_id,name,segment,owner,onboarding.steps_total,onboarding.steps_done,
,support.topics_90d,support.repeat_topics,
^beta,Beta Ltd,mid,Bob,2,1,50,first_report,false,,,10,true,0,
--- run
signals --as-of 2026-03-31 --account zeta
--- exit 1
--- stderr ~
^csmap: error: account 'zeta' signs up on 2026-04-02, after the as-of date 2026-03-31$
--- run
signals --as-of 2026-03-31 --segment mid --format csv -o beta.csv
--- stdout
--- sh
grep -q '^beta,Beta Ltd,mid,Bob,2,1,50,first_report,false,' beta.csv
--- run
alerts --as-of 2026-03-31 --output nosuchdir/a.txt
--- exit 1
--- stderr ~
^csmap: error: cannot write 'nosuchdir/a.txt': No such file or directory$
