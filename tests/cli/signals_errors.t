# csmap signals, health and alerts refuse bad input with a clear message.
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
signals --as-of 2026-02-30
--- exit 2
--- stderr ~
^csmap: error: --as-of: '2026-02-30' is not a date \(expected YYYY-MM-DD\)$
--- run
signals --as-of=yesterday
--- exit 2
--- run
signals --account nope --as-of 2026-03-31
--- exit 1
--- stderr ~
^csmap: error: unknown account 'nope'$
--- run
alerts --segment enterprise --as-of 2026-03-31
--- exit 1
--- stderr ~
^csmap: error: no account in segment 'enterprise' as of 2026-03-31$
--- run
signals --format xml
--- exit 2
--- stderr ~
--format: 'xml' is not table, json or csv
--- run
health --frobnicate
--- exit 2
--- stderr ~
^csmap: error: health: unknown option '--frobnicate'
--- run
health --compare 2026-03-01
--- exit 2
--- stderr ~
--compare needs --account
--- run
health --account acme --compare 2026-3-1
--- exit 2
--- stderr ~
^csmap: error: --compare: '2026-3-1' is not a date
--- run
signals --as-of 2025-12-31
--- exit 1
--- stderr ~
^csmap: error: no accounts in 'csmap.db' as of 2025-12-31; load them with 'csmap ingest'$
--- run
--config missing.json signals
--- exit 1
--- stderr ~
^csmap: error: no configuration 'missing.json'
--- file bad.json
{"onboarding": {"steps": [{"name": "s", "event": "(unclosed"}],
                "first_value_event": "x"},
 "usage": {"core_events": ["y"]}}
--- run
--config bad.json signals
--- exit 1
--- stderr ~
^csmap: error: bad.json: onboarding.steps\[0\].event: invalid regex at offset 9
--- file empty.json
{}
--- run
--config empty.json alerts
--- exit 1
--- stderr ~
onboarding.steps: missing
--- run
--db none.db signals
--- exit 1
--- stderr ~
^csmap: error: no store at 'none.db'
