# csmap alerts: each alert names the account, the owner, the artifact and
# whether it also held seven days earlier.  The table groups by owner, in
# stage order.
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
alerts --as-of 2026-03-31
--- stdout
  STATUS     ACCOUNT            ALERT            ARTIFACT       VALUE
Onboarding lead (1)
  new        beta               stuck_onboarding stuck-alert    'first_report' for 10 days
CS lead (1)
  new        acme               sponsor_left     health-brief   no sponsor remains
--- run
alerts --as-of 2026-04-07 --format json
--- stdout ~
"alert":\t"sponsor_left",
"alert":\t"stuck_onboarding",
"value":\t"'first_report' for 17 days",
"alert":\t"dormant",
"value":\t"no core event yet",
"status":\t"continuing"
"status":\t"new"
--- run
alerts --as-of 2026-04-07 --format csv
--- stdout
account_id,name,alert,stage,owner,signal,value,artifact,status
acme,Acme Corp,sponsor_left,health,CS lead,sponsor.sponsor_left_90d,no sponsor remains,health-brief,continuing
beta,Beta Ltd,stuck_onboarding,onboarding,Onboarding lead,onboarding.days_since_progress,'first_report' for 17 days,stuck-alert,continuing
beta,Beta Ltd,dormant,usage,CS lead,usage.days_since_core,no core event yet,usage-anomaly,new
--- run
alerts --as-of 2026-01-06
--- stdout
--- stderr ~
^csmap: no alerts as of 2026-01-06$
