# csmap alerts: each alert names the account, the owner, the artifact and
# whether it also held seven days earlier.  The table groups by owner, in
# stage order.
--- sh
cp "$CSMAP_ROOT"/tests/cli/data/small/* .
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
