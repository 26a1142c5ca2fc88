# An independent Python reading of the signal dictionary (DESIGN section 6)
# checks every field with an exact definition against 'csmap signals
# --format json', on 60 random accounts full of edge cases (gen.py), at
# two dates.  Health, risk, sentiment and themes are csmap's own formulas
# (docs/signals.md) and are tested elsewhere.
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
  "support": {"topics": {"billing": ["invoice"], "sso": ["saml", "\\bsso\\b"]}}
}
--- file gen.py
# Writes a random but reproducible workspace around 2026-03-31 with the
# edge cases of the signal dictionary: clamped events, zones that cross
# midnight, tickets resolved after D, NPS 6/7/8/9, sponsors leaving on D,
# overlapping contracts and seats of 0 or none.
import datetime, random
R = random.Random(11)
D = datetime.date(2026, 3, 31)
EV = ["source.connected", "report.created", "report.shared", "report.viewed",
      "dashboard.viewed", "user.login", "settings.changed", "report.exported",
      "alert.created"]
SUBJ = ["Invoice is wrong", "SAML login fails", "Need a refund", "SSO setup",
        "Export too slow", "hello", "Cannot share report", "invoice and saml"]
ZONES = ["Z", "+02:00", "-05:00", "+05:30", "-11:00", "+14:00"]
def day(off): return (D + datetime.timedelta(days=off)).isoformat()
def ts(off, h, m, z): return "%sT%02d:%02d:00%s" % (day(off), h, m, z)
acc = open("accounts.csv", "w"); acc.write("account_id,name,segment,seats,arr,owner,signup_date\n")
evf = open("events.csv", "w"); evf.write("account_id,user_id,event,timestamp\n")
tkf = open("tickets.csv", "w"); tkf.write("ticket_id,account_id,created_at,resolved_at,priority,status,subject,description\n")
fbf = open("feedback.csv", "w"); fbf.write("account_id,date,kind,score,text\n")
ctf = open("contacts.csv", "w"); ctf.write("contact_id,account_id,name,is_sponsor,first_seen,left_at\n")
crf = open("contracts.csv", "w"); crf.write("account_id,start_date,end_date,seats,arr\n")
n_t = n_c = 0
for i in range(60):
    a = "acct%02d" % i
    signup = R.randint(-300, 3)
    seats = R.choice(["", "0", "3", "5", "20"])
    acc.write("%s,Account %d,%s,%s,%d,Owner %d,%s\n" % (a, i, R.choice(["smb", "mid", ""]), seats, 1000 * i, i % 4, day(signup)))
    users = ["u%d" % k for k in range(R.randint(1, 8))]
    for _ in range(R.randint(0, 250)):
        off = R.randint(signup - 20, 4)
        evf.write("%s,%s,%s,%s\n" % (a, R.choice(users), R.choice(EV), ts(off, R.randint(0, 23), R.randint(0, 59), R.choice(ZONES))))
    for _ in range(R.randint(0, 8)):
        n_t += 1
        off = R.randint(signup - 2, 3)
        res = "" if R.random() < 0.3 else ts(off + R.randint(0, 5), R.randint(0, 23), 0, "Z")
        tkf.write("t%d,%s,%s,%s,%s,open,%s,%s\n" % (n_t, a, ts(off, R.randint(0, 23), R.randint(0, 59), R.choice(ZONES)), res, R.choice(["urgent", "high", "normal", "low"]), R.choice(SUBJ), R.choice(["", "please help", "refund asked"])))
    for _ in range(R.randint(0, 7)):
        fbf.write("%s,%s,%s,%s,%s\n" % (a, day(R.randint(-200, 3)), R.choice(["nps", "nps", "csat", "survey"]), R.randint(0, 10), R.choice(["", "great product", "slow and broken"])))
    for _ in range(R.randint(0, 4)):
        n_c += 1
        fs = R.randint(signup - 5, 3)
        left = R.choice(["", "", day(0), day(1), day(R.randint(fs - signup if False else -120, 0))])
        ctf.write("c%d,%s,Person %d,%s,%s,%s\n" % (n_c, a, n_c, R.choice(["true", "false"]), day(fs), left))
    starts = set()
    for _ in range(R.randint(0, 3)):
        st = R.randint(-500, 5)
        if st in starts:
            continue
        starts.add(st)
        crf.write("%s,%s,%s,%s,%d\n" % (a, day(st), day(R.choice([60, 61, 0, -1, R.randint(1, 400)])), R.choice(["", "0", "4", "10"]), 100 * i))
--- file ref.py
"""An independent reading of DESIGN section 6: every signal with an exact
definition, computed straight from the store with Python's re and
sqlite3, compared field by field with csmap's JSON.  Usage:
ref.py STORE CONFIG AS_OF SIGNALS.json; exits 1 on any mismatch."""
import json, re, sqlite3, sys, datetime, statistics, math

db, cfgpath, asof, jsonpath = sys.argv[1:5]
def strip_comments(t):
    out=[];i=0;ins=False
    while i<len(t):
        c=t[i]
        if ins:
            out.append(c)
            if c=='\\': out.append(t[i+1]); i+=2; continue
            if c=='"': ins=False
            i+=1; continue
        if c=='"': ins=True; out.append(c); i+=1; continue
        if t.startswith('//',i):
            while i<len(t) and t[i]!='\n': i+=1
            continue
        if t.startswith('/*',i):
            i=t.index('*/',i)+2; continue
        out.append(c); i+=1
    return ''.join(out)
cfg=json.loads(strip_comments(open(cfgpath).read()))
E=datetime.date(1970,1,1)
def dn(s): return (datetime.date.fromisoformat(s)-E).days
def ds(d): return None if d is None else (E+datetime.timedelta(days=d)).isoformat()
D=dn(asof)
steps=[(s['name'],re.compile(s['event'])) for s in cfg['onboarding']['steps']]
fv=re.compile(cfg['onboarding']['first_value_event'])
core=[re.compile(p) for p in cfg['usage']['core_events']]
ob=cfg['onboarding']; stuck_after=ob.get('stuck_after_days',7); owin=ob.get('window_days',90)
us=cfg['usage']; dormant_after=us.get('dormant_after_days',14); zthr=us.get('anomaly_z',2.0)
topics=[(k,[re.compile(p,re.I) for p in v]) for k,v in cfg['support']['topics'].items()]
repeat_min=cfg['support'].get('repeat_min',3)
rwin=cfg.get('renewal',{}).get('window_days',60)
def last(day,n): return D-n+1<=day<=D
def r2(x): return None if x is None else round(x+0.0,2)

con=sqlite3.connect(db)
names={i:n for i,n in con.execute('select id,name from event_name')}
iscore={i:any(p.search(n) for p in core) for i,n in names.items()}
mine={a['account_id']:a for a in json.load(open(jsonpath))}
bad=0; checked=0
def cmp(acc, path, want, got):
    global bad, checked
    checked+=1
    if isinstance(want,float) or isinstance(got,float):
        ok = (want is None and got is None) or (want is not None and got is not None and abs(want-got)<0.0051)
    else:
        ok = want==got
    if not ok:
        bad+=1
        if bad<40: print('MISMATCH',acc,path,'want',want,'got',got)

accounts=con.execute('select id,account_id,seats,signup_date from account where signup_date<=? order by account_id',(D,)).fetchall()
cmp('-','accounts',[a[1] for a in accounts],sorted(mine))
for rid,aid,aseats,signup in accounts:
    m=mine[aid]
    ev=[(max(d,signup),e,u,n) for d,e,u,n in con.execute('select day,event,user,n from event_day where account=? and day<=?',(rid,D))]
    first={}
    for d,e,u,n in ev:
        if e not in first or d<first[e]: first[e]=d
    # onboarding
    done=0; cur=None; prog=signup
    for name,p in steps:
        ds_=[first[e] for e in first if p.search(names[e])]
        if ds_:
            done+=1; prog=max(prog,min(ds_))
        elif cur is None: cur=name
    o=m['onboarding']
    cmp(aid,'steps_done',done,o['steps_done']); cmp(aid,'current_step',cur,o['current_step'])
    cmp(aid,'activation_pct',r2(100*done/len(steps)),o['activation_pct'])
    fvd=[first[e] for e in first if fv.search(names[e])]
    fvd=min(fvd) if fvd else None
    cmp(aid,'first_value_date',ds(fvd),o['first_value_date'])
    cmp(aid,'ttfv_days',None if fvd is None else fvd-signup,o['ttfv_days'])
    cmp(aid,'days_since_progress',D-prog,o['days_since_progress'])
    act=done==len(steps)
    cmp(aid,'stuck',(not act) and D-signup<owin and D-prog>=stuck_after,o['stuck'])
    tk=con.execute('select created_at,resolved_at,priority,coalesce(subject,""),coalesce(description,"") from ticket where account=?',(rid,)).fetchall()
    tk=[(c//86400,c,r,p,s,dsc) for c,r,p,s,dsc in tk if c//86400<=D]
    cmp(aid,'onboarding_tickets',sum(1 for t in tk if signup<=t[0]<=signup+29),o['onboarding_tickets'])
    # usage
    u=m['usage']
    ce=[(d,e,us_,n) for d,e,us_,n in ev if iscore[e]]
    cmp(aid,'active_users_7d',len({x[2] for x in ce if last(x[0],7)}),u['active_users_7d'])
    a30=len({x[2] for x in ce if last(x[0],30)})
    cmp(aid,'active_users_30d',a30,u['active_users_30d'])
    cmp(aid,'core_events_7d',sum(x[3] for x in ce if last(x[0],7)),u['core_events_7d'])
    cmp(aid,'core_events_30d',sum(x[3] for x in ce if last(x[0],30)),u['core_events_30d'])
    cmp(aid,'features_30d',len({x[1] for x in ce if last(x[0],30)}),u['features_30d'])
    lcd=max((x[0] for x in ce),default=None)
    cmp(aid,'last_core_date',ds(lcd),u['last_core_date'])
    dsc=None if lcd is None else D-lcd
    cmp(aid,'days_since_core',dsc,u['days_since_core'])
    dorm = dsc>=dormant_after if dsc is not None else D-signup>=dormant_after
    cmp(aid,'dormant',dorm,u['dormant'])
    w=[sum(x[3] for x in ce if D-7*k-6<=x[0]<=D-7*k) for k in range(9)]
    ys=[w[7-x] for x in range(8)]; mean=sum(ys)/8
    if mean==0: tr=0.0
    else:
        slope=sum((x-3.5)*(ys[x]-mean) for x in range(8))/sum((x-3.5)**2 for x in range(8))
        tr=slope/mean*100
    cmp(aid,'trend_pct',r2(tr),u['trend_pct'])
    prev=w[1:9]; pm=sum(prev)/8; sd=math.sqrt(sum((v-pm)**2 for v in prev)/8)
    z=(w[0]-pm)/max(sd,1)
    cmp(aid,'anomaly_z',r2(z),u['anomaly_z'])
    cmp(aid,'anomaly',('drop' if z<0 else 'spike') if abs(z)>=zthr else None,u['anomaly'])
    # contract
    cons=con.execute('select start_date,end_date,seats from contract where account=?',(rid,)).fetchall()
    curc=[c for c in cons if c[0]<=D<=c[1]]
    curc=max(curc,key=lambda c:(c[1],c[0])) if curc else None
    seats = curc[2] if curc and curc[2] is not None else aseats
    seats = seats or 0
    cmp(aid,'seats',seats,u['seats'])
    cmp(aid,'seat_utilization',r2(a30/seats) if seats>0 else None,u['seat_utilization'])
    r=m['renewal']
    cmp(aid,'renewal_date',ds(curc[1]) if curc else None,r['renewal_date'])
    cmp(aid,'days_to_renewal',curc[1]-D if curc else None,r['days_to_renewal'])
    cmp(aid,'in_window',bool(curc) and 0<=curc[1]-D<=rwin,r['in_window'])
    # support
    s=m['support']
    cmp(aid,'tickets_30d',sum(1 for t in tk if last(t[0],30)),s['tickets_30d'])
    t90=[t for t in tk if last(t[0],90)]
    cmp(aid,'tickets_90d',len(t90),s['tickets_90d'])
    cmp(aid,'open_tickets',sum(1 for t in tk if t[2] is None or t[2]//86400>D),s['open_tickets'])
    cmp(aid,'high_priority_90d',sum(1 for t in t90 if t[3] in ('urgent','high')),s['high_priority_90d'])
    hrs=[(t[2]-t[1])/3600 for t in tk if t[2] is not None and last(t[2]//86400,90)]
    cmp(aid,'resolution_hours_median_90d',r2(statistics.median(hrs)) if hrs else None,s['resolution_hours_median_90d'])
    tc={}
    for t in t90:
        text=t[4]+'\n'+t[5]; name='other'
        for k,ps in topics:
            if any(p.search(text) for p in ps): name=k; break
        tc[name]=tc.get(name,0)+1
    cmp(aid,'topics_90d',tc,s['topics_90d'])
    rep=sorted([k for k in tc if k!='other' and tc[k]>=repeat_min],key=lambda k:(-tc[k],k))
    cmp(aid,'repeat_topics',rep,s['repeat_topics'])
    # feedback
    f=m['feedback']
    fb=con.execute('select date,kind,score from feedback where account=? and date<=?',(rid,D)).fetchall()
    def nps(rows):
        if not rows: return None
        p=sum(1 for x in rows if x>=9); d=sum(1 for x in rows if x<=6)
        return (p-d)/len(rows)*100
    n180=[x[2] for x in fb if x[1]=='nps' and x[2] is not None and last(x[0],180)]
    cmp(aid,'nps_180d',r2(nps(n180)),f['nps_180d'])
    cmp(aid,'nps_responses_180d',len(n180),f['nps_responses_180d'])
    a=nps([x[2] for x in fb if x[1]=='nps' and x[2] is not None and last(x[0],90)])
    b=nps([x[2] for x in fb if x[1]=='nps' and x[2] is not None and D-179<=x[0]<=D-90])
    cmp(aid,'nps_trend',r2(a-b) if a is not None and b is not None else None,f['nps_trend'])
    cmp(aid,'feedback_90d',sum(1 for x in fb if last(x[0],90)),f['feedback_90d'])
    # sponsor
    cs=con.execute('select name,is_sponsor,first_seen,left_at from contact where account=? and first_seen<=?',(rid,D)).fetchall()
    sp=m['sponsor']
    cmp(aid,'sponsor_present',any(c[1] and (c[3] is None or c[3]>D) for c in cs),sp['sponsor_present'])
    cmp(aid,'sponsor_left_90d',any(c[1] and c[3] is not None and last(c[3],90) for c in cs),sp['sponsor_left_90d'])
    cmp(aid,'sponsor_new_90d',any(c[1] and last(c[2],90) and c[2]>signup+30 for c in cs),sp['sponsor_new_90d'])
    x=m['expansion']
    cmp(aid,'new_stakeholders_30d',sum(1 for c in cs if last(c[2],30)),x['new_stakeholders_30d'])
    fc=min((first[e] for e in first if iscore[e]),default=None)
    nuc=sorted(names[e] for e in first if iscore[e] and last(first[e],30)) if fc is not None and fc<D-29 else []
    cmp(aid,'new_use_cases',nuc,sorted(x['new_use_cases']))
    cmp(aid,'new_use_cases_30d',len(nuc),x['new_use_cases_30d'])
    over=seats>0 and a30>seats
    cmp(aid,'over_plan',over,x['over_plan']); cmp(aid,'seat_overage',a30-seats if over else 0,x['seat_overage'])
print('accounts',len(accounts),'checked',checked,'mismatches',bad)
sys.exit(1 if bad or not accounts else 0)
--- sh
python3 gen.py
"$CSMAP" -q ingest accounts.csv contracts.csv contacts.csv events.csv tickets.csv feedback.csv
"$CSMAP" signals --as-of 2026-03-31 --format json > now.json
python3 ref.py csmap.db csmap.json 2026-03-31 now.json
"$CSMAP" signals --as-of 2026-02-14 --format json > then.json
python3 ref.py csmap.db csmap.json 2026-02-14 then.json
--- run
signals --as-of 2026-03-31 --account acct07 --format json
--- stdout ~
^\t\t"account_id":\t"acct07",$
