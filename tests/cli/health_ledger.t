# csmap health prints the ledger; --compare shows what moved the score.
# acme is 70.0 as of 2026-03-31, green at the band's edge; a week before
# it was dormant (60.0, yellow).  docs/signals.md works both out.
--- sh
cp "$CSMAP_ROOT"/tests/cli/data/small/* .
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
