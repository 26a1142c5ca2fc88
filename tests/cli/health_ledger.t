# csmap health prints the ledger; --compare shows what moved the score.
# acme is 70.0 as of 2026-03-31, green at the band's edge; a week before
# it was dormant (60.0, yellow).  docs/signals.md works both out.
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
health --as-of 2026-03-31 --account acme
--- stdout
acme  Acme Corp  score 70.0  band green  coverage 100%
  component  weight  score  points
  usage        0.40  100.0     0.0
  support      0.20   80.0    -4.0
  sponsor      0.20   10.0   -18.0
  feedback     0.20   60.0    -8.0
  drivers:
    sponsor.sponsor_present                 false  -12.0
    sponsor.sponsor_left_90d                 true   -6.0
    feedback.nps_180d                        0.00   -4.0
    feedback.sentiment_90d                  -0.50   -4.0
    support.high_priority_90d                1.00   -2.0
    support.open_tickets                     1.00   -2.0
--- run
health --as-of 2026-03-31 --segment mid
--- stdout ~
^beta  Beta Ltd  score -  band -  coverage 0%$
^  usage        0.40      -       -  \(no data\)$
--- run
health --as-of 2026-03-31 --account acme --compare 2026-03-24
--- stdout ~
^acme  health 60.0 \(yellow\) on 2026-03-24 -> 70.0 \(green\) on 2026-03-31  change \+10.0$
^  usage            30.0      100.0   \+70.0$
^  sponsor         100.0       10.0   -90.0$
^    usage.dormant                          20.0 ->    0.0$
^    sponsor.sponsor_present                 0.0 ->   12.0$
--- run
health --as-of 2026-03-31 --format csv
--- stdout ~
^account_id,name,segment,health.usage,health.support,health.sponsor,health.feedback,health.score,health.band,health.drivers,health.coverage$
^acme,Acme Corp,smb,100,80,10,60,70,green,sponsor.sponsor_present:false:12:sponsor;
^beta,Beta Ltd,mid,,,,,,,,0$
--- run
health --as-of 2026-03-31 --account acme --compare 2026-03-24 --format json
--- stdout ~
^\t"from":\t"2026-03-24",$
^\t"to":\t"2026-03-31",$
^\t\t"score":\t60,$
^\t\t"score":\t70,$
"signal":\t"usage.dormant",\n\t\t\t"points_from":\t20,\n\t\t\t"points_to":\t0
--- run
health --as-of 2026-03-31 --account acme --compare 2026-03-24 --format csv
--- exit 2
--- stderr ~
--compare prints a table or json
