# csmap signals: the table, JSON and CSV of a small workspace as of
# 2026-03-31.  acme's numbers are worked out by hand in docs/signals.md
# ("A worked example"); zeta signs up after the date and is not listed.
--- file csmap.json
{
  "onboarding": {
    "steps": [
      {"name": "connect_source", "event": "^source\\.connected$"},
      {"name": "first_report", "event": "^report\\.created$"}
    ],
    "first_value_event": "^report\\.shared$"
  },
  "usage": {"core_events": ["^report\\.", "^dashboard\\.viewed$"]},
  "support": {"topics": {"billing": ["invoice"], "sso": ["saml"]}}
}
--- file accounts.csv
account_id,name,segment,seats,arr,owner,signup_date
acme,Acme Corp,smb,5,12000,Ann,2026-01-05
beta,Beta Ltd,mid,,,Bob,2026-03-20
zeta,Zeta,smb,,,Zoe,2026-04-02
--- file events.csv
account_id,user_id,event,timestamp
acme,u1,source.connected,2026-01-06T10:00:00Z
acme,u1,report.created,2026-01-08T10:00:00Z
acme,u2,report.shared,2026-01-09T10:00:00Z
acme,u2,report.viewed,2026-03-30T23:30:00-02:00
acme,u3,report.viewed,2026-04-01T01:00:00Z
beta,u9,source.connected,2026-03-21T08:00:00Z
--- file tickets.csv
ticket_id,account_id,created_at,resolved_at,priority,status,subject
t1,acme,2026-03-20T10:00:00Z,2026-03-20T14:00:00Z,normal,solved,Invoice wrong
t2,acme,2026-03-25T09:00:00Z,,high,open,SAML setup
--- file contracts.csv
account_id,start_date,end_date,seats,arr
acme,2025-06-01,2026-05-15,2,15000
--- file contacts.csv
contact_id,account_id,name,is_sponsor,first_seen,left_at
c1,acme,Sam Sponsor,true,2026-01-05,2026-03-31
c2,acme,Nia New,false,2026-03-15,
--- file feedback.csv
account_id,date,kind,score,text
acme,2026-03-01,nps,9,
acme,2026-02-01,nps,6,
--- sh
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
