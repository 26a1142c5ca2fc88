#!/usr/bin/env python3
"""An independent reading of DESIGN.md section 6, for checking csmap.

It reads the raw input files (CSV, csmap JSON Lines, Segment JSON Lines,
Zendesk JSON) itself, applies the ingest rules of section 5 and the signal
definitions of section 6, and compares every field whose definition the
contract fixes with `csmap signals --format json`.  Health components,
sentiment, themes, risk and potential are csmap's own documented methods
and are not compared here.

    signals.py CSMAP CONFIG AS_OF FILE...     prints mismatches, then
                                              "N passed, N failed"
"""
import csv
import datetime as dt
import json
import math
import re
import subprocess
import sys
import tempfile
import os

EPOCH = dt.date(1970, 1, 1)


def day_of(s):
    """A date or timestamp (ISO 8601, any zone) as a UTC day number."""
    s = s.strip()
    if len(s) == 10:
        return (dt.date.fromisoformat(s) - EPOCH).days
    return ts_of(s) // 86400


def ts_of(s):
    s = s.strip().replace(" ", "T", 1)
    if len(s) == 10:
        return (dt.date.fromisoformat(s) - EPOCH).days * 86400
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:[.,]\d+)?(.*)$", s)
    base, zone = m.group(1), m.group(2)
    if len(base) == 16:
        base += ":00"
    t = dt.datetime.fromisoformat(base).replace(tzinfo=dt.timezone.utc)
    off = 0
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        z = zone[1:].replace(":", "")
        off = sign * (int(z[:2]) * 3600 + (int(z[2:4]) * 60 if len(z) > 2 else 0))
    return int(t.timestamp()) - off


def fmt(day):
    return None if day is None else (EPOCH + dt.timedelta(days=day)).isoformat()


def boolean(v):
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("true", "1", "yes")


def r2(x):
    """Round half away from zero to two decimals."""
    if x is None:
        return None
    return math.copysign(math.floor(abs(x) * 100 + 0.5 + 1e-9) / 100, x)


def strip_comments(text):
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1]); i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True; out.append(c)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        else:
            out.append(c)
        i += 1
    return json.loads("".join(out))


class Data:
    def __init__(self):
        self.accounts = {}      # account_id -> dict
        self.ext = {}           # "zendesk:1" -> account_id
        self.contacts = {}
        self.events = {}        # key -> (account, user, event, day)
        self.tickets = {}
        self.feedback = {}
        self.contracts = {}

    def account(self, ref):
        if ref is None:
            return None
        ref = str(ref)
        if ref in self.accounts:
            return ref
        return self.ext.get(ref)

    def load_accounts(self, rows):
        for r in rows:
            a = dict(r)
            a["signup"] = day_of(r["signup_date"])
            self.accounts[r["account_id"]] = a
            for pair in (r.get("external_ids") or "").split():
                self.ext[pair] = r["account_id"]

    def load_contracts(self, rows):
        for r in rows:
            acc = self.account(r["account_id"])
            if acc:
                start = day_of(r["start_date"])
                self.contracts[(acc, start)] = dict(r, account=acc, start=start,
                                                    end=day_of(r["end_date"]))

    def load_contacts(self, rows):
        for r in rows:
            acc = self.account(r["account_id"])
            if not acc:
                continue
            left = r.get("left_at")
            self.contacts[str(r["contact_id"])] = dict(
                account=acc, name=r.get("name") or None, sponsor=boolean(r.get("is_sponsor")),
                first_seen=day_of(r["first_seen"]),
                left_at=day_of(left) if left not in (None, "") else None)

    def add_event(self, acc, user, event, ts, mid):
        key = ("m", mid) if mid else ("i", acc, user, event, ts)
        self.events[key] = (acc, str(user), event, ts // 86400)

    def load_events(self, rows):
        for r in rows:
            acc = self.account(r["account_id"])
            if acc:
                self.add_event(acc, r["user_id"], r["event"], ts_of(r["timestamp"]),
                               r.get("message_id") or None)

    def load_segment(self, recs):
        groups = {}
        for r in recs:
            user = r.get("userId") or r.get("anonymousId")
            if r.get("type") == "group":
                groups[user] = r.get("groupId")
                continue
            if r.get("type") != "track":
                continue
            ref = ((r.get("context") or {}).get("groupId")
                   or (r.get("properties") or {}).get("account_id")
                   or groups.get(user))
            acc = self.account(ref)
            if acc:
                self.add_event(acc, user, r["event"], ts_of(r["timestamp"]),
                               r.get("messageId") or None)

    def add_ticket(self, tid, acc, created, resolved, priority, subject, desc):
        self.tickets[str(tid)] = dict(account=acc, created=created, resolved=resolved,
                                      priority=(priority or "").lower(),
                                      subject=subject or "", description=desc or "")

    def load_zendesk(self, tickets):
        for t in tickets:
            org = t.get("organization_id")
            acc = self.account("zendesk:%s" % org) or self.account(org)
            if not acc:
                continue
            ms = t.get("metric_set") or {}
            res = ms.get("solved_at") or t.get("solved_at")
            if not res and t.get("status") in ("solved", "closed"):
                res = t.get("updated_at")
            self.add_ticket(t["id"], acc, ts_of(t["created_at"]), ts_of(res) if res else None,
                            t.get("priority"), t.get("subject"), t.get("description"))

    def load_tickets(self, rows):
        for r in rows:
            acc = self.account(r["account_id"])
            if acc:
                res = r.get("resolved_at")
                self.add_ticket(r["ticket_id"], acc, ts_of(r["created_at"]),
                                ts_of(res) if res else None, r.get("priority"),
                                r.get("subject"), r.get("description"))

    def load_feedback(self, rows):
        for r in rows:
            acc = self.account(r["account_id"])
            if not acc:
                continue
            score = r.get("score")
            score = None if score in (None, "") else float(score)
            d = day_of(str(r["date"]))
            key = (acc, d, r["kind"], r.get("contact_email") or "", score, r.get("text") or "")
            self.feedback[key] = dict(account=acc, date=d, kind=r["kind"], score=score)


def read_rows(path):
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            return [{k: (v if v != "" else None) for k, v in row.items()}
                    for row in csv.DictReader(f)]
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def kind_of(path, rows):
    if isinstance(rows, dict):
        return "zendesk"
    first = rows[0] if rows else {}
    if "type" in first and ("userId" in first or "anonymousId" in first):
        return "segment"
    keys = set(first)
    for kind, need in (("events", {"event", "timestamp"}), ("tickets", {"ticket_id"}),
                       ("contacts", {"contact_id"}), ("feedback", {"kind", "date"}),
                       ("contracts", {"start_date", "end_date"}),
                       ("accounts", {"signup_date", "name"})):
        if need <= keys:
            return kind
    raise SystemExit("oracle: cannot tell the kind of %s" % path)


def load(files):
    data = Data()
    loaded = [(kind_of(f, rows), rows) for f in files for rows in [read_rows(f)]]
    order = {"accounts": 0, "contracts": 1}
    for kind, rows in sorted(loaded, key=lambda kr: order.get(kr[0], 2)):
        {"accounts": data.load_accounts, "contracts": data.load_contracts,
         "contacts": data.load_contacts, "events": data.load_events,
         "segment": data.load_segment, "tickets": data.load_tickets,
         "feedback": data.load_feedback,
         "zendesk": lambda r: data.load_zendesk(r["tickets"])}[kind](rows)
    return data


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def nps(scores):
    if not scores:
        return None
    pro = sum(1 for s in scores if s >= 9)
    det = sum(1 for s in scores if s <= 6)
    return (pro - det) / len(scores) * 100


def signals(data, cfg, D):
    ob, us, su = cfg["onboarding"], cfg["usage"], cfg.get("support", {})
    steps = [(s["name"], re.compile(s["event"])) for s in ob["steps"]]
    fv = re.compile(ob["first_value_event"])
    core = [re.compile(p) for p in us["core_events"]]
    topics = [(name, [re.compile(p, re.I) for p in (pats if isinstance(pats, list) else [pats])])
              for name, pats in su.get("topics", {}).items()]
    stuck_after = ob.get("stuck_after_days", 7)
    window = ob.get("window_days", 90)
    dormant_after = us.get("dormant_after_days", 14)
    zlimit = us.get("anomaly_z", 2.0)
    repeat_min = su.get("repeat_min", 3)
    renewal_window = cfg.get("renewal", {}).get("window_days", 60)

    def last(day, n):
        return D - n + 1 <= day <= D

    by_acc = {}
    for (acc, user, ev, day) in data.events.values():
        by_acc.setdefault(acc, []).append((user, ev, day))
    out = {}
    for aid, a in data.accounts.items():
        signup = a["signup"]
        if signup > D:
            continue
        evs = [(u, e, max(d, signup)) for (u, e, d) in by_acc.get(aid, []) if d <= D]
        r = {}
        # onboarding
        firsts = []
        current = None
        for name, rx in steps:
            ds = [d for (_, e, d) in evs if rx.search(e)]
            if ds:
                firsts.append(min(ds))
            elif current is None:
                current = name
        done = len(firsts)
        fvd = [d for (_, e, d) in evs if fv.search(e)]
        fvdate = min(fvd) if fvd else None
        dsp = D - (max(firsts) if firsts else signup)
        activated = done == len(steps)
        tickets = [t for t in data.tickets.values() if t["account"] == aid]
        r["onboarding"] = dict(
            steps_total=len(steps), steps_done=done,
            activation_pct=r2(100 * done / len(steps)), current_step=current,
            activated=activated, first_value_date=fmt(fvdate),
            ttfv_days=None if fvdate is None else fvdate - signup,
            days_since_progress=dsp,
            stuck=(not activated) and D - signup < window and dsp >= stuck_after,
            onboarding_tickets=sum(1 for t in tickets
                                   if signup <= t["created"] // 86400 <= min(signup + 29, D)))
        # usage
        cevs = [(u, e, d) for (u, e, d) in evs if any(rx.search(e) for rx in core)]
        lastcore = max((d for (_, _, d) in cevs), default=None)
        w = [sum(1 for (_, _, d) in cevs if D - 7 * k - 6 <= d <= D - 7 * k) for k in range(9)]
        ys = [w[7 - x] for x in range(8)]
        mean = sum(ys) / 8
        if mean == 0:
            trend = 0.0
        else:
            xm = 3.5
            slope = sum((x - xm) * (ys[x] - mean) for x in range(8)) / sum((x - xm) ** 2 for x in range(8))
            trend = slope / mean * 100
        hist = w[1:9]
        hm = sum(hist) / 8
        sd = math.sqrt(sum((h - hm) ** 2 for h in hist) / 8)
        z = (w[0] - hm) / max(sd, 1)
        contracts = [c for c in data.contracts.values() if c["account"] == aid]
        cur = [c for c in contracts if c["start"] <= D <= c["end"]]
        cur = max(cur, key=lambda c: (c["end"], c["start"])) if cur else None
        seats = None
        # A contract that states its seats decides, even when it says 0.
        if cur and cur.get("seats") not in (None, ""):
            seats = int(float(cur["seats"]))
        elif a.get("seats") not in (None, "", "0"):
            seats = int(float(a["seats"]))
        au30 = len({u for (u, _, d) in cevs if last(d, 30)})
        r["usage"] = dict(
            active_users_7d=len({u for (u, _, d) in cevs if last(d, 7)}),
            active_users_30d=au30,
            core_events_7d=sum(1 for (_, _, d) in cevs if last(d, 7)),
            core_events_30d=sum(1 for (_, _, d) in cevs if last(d, 30)),
            features_30d=len({e for (_, e, d) in cevs if last(d, 30)}),
            last_core_date=fmt(lastcore),
            days_since_core=None if lastcore is None else D - lastcore,
            dormant=(lastcore is not None and D - lastcore >= dormant_after)
            or (lastcore is None and D - signup >= dormant_after),
            trend_pct=r2(trend), anomaly_z=r2(z),
            anomaly=("drop" if z < 0 else "spike") if abs(z) >= zlimit else None,
            seats=seats or 0,
            seat_utilization=r2(au30 / seats) if seats else None)
        # support
        tk = [t for t in tickets if t["created"] // 86400 <= D]
        t30 = [t for t in tk if last(t["created"] // 86400, 30)]
        t90 = [t for t in tk if last(t["created"] // 86400, 90)]

        def topic(t):
            text = t["subject"] + "\n" + t["description"]
            for name, rxs in topics:
                if any(rx.search(text) for rx in rxs):
                    return name
            return "other"
        counts = {}
        for t in t90:
            counts[topic(t)] = counts.get(topic(t), 0) + 1
        res = [(t["resolved"] - t["created"]) / 3600 for t in data.tickets.values()
               if t["account"] == aid and t["resolved"] is not None and last(t["resolved"] // 86400, 90)]
        rep = sorted((n for n, c in counts.items() if n != "other" and c >= repeat_min),
                     key=lambda n: (-counts[n], n))
        r["support"] = dict(
            tickets_30d=len(t30), tickets_90d=len(t90),
            open_tickets=sum(1 for t in tk if t["resolved"] is None or t["resolved"] // 86400 > D),
            high_priority_90d=sum(1 for t in t90 if t["priority"] in ("urgent", "high")),
            resolution_hours_median_90d=r2(median(res)),
            topics_90d=counts, repeat_topics=rep)
        # feedback
        fb = [f for f in data.feedback.values() if f["account"] == aid and f["date"] <= D]
        npsr = [f for f in fb if f["kind"] == "nps" and f["score"] is not None]
        n180 = [f["score"] for f in npsr if last(f["date"], 180)]
        n90 = [f["score"] for f in npsr if last(f["date"], 90)]
        nprev = [f["score"] for f in npsr if D - 179 <= f["date"] <= D - 90]
        r["feedback"] = dict(
            nps_180d=r2(nps(n180)), nps_responses_180d=len(n180),
            nps_trend=r2(nps(n90) - nps(nprev)) if n90 and nprev else None,
            feedback_90d=sum(1 for f in fb if last(f["date"], 90)))
        # sponsor
        cs = [c for c in data.contacts.values() if c["account"] == aid]
        r["sponsor"] = dict(
            sponsor_present=any(c["sponsor"] and c["first_seen"] <= D and
                                (c["left_at"] is None or c["left_at"] > D) for c in cs),
            sponsor_left_90d=any(c["sponsor"] and c["left_at"] is not None and last(c["left_at"], 90)
                                 for c in cs),
            sponsor_new_90d=any(c["sponsor"] and last(c["first_seen"], 90) and
                                c["first_seen"] > signup + 30 for c in cs))
        # renewal
        r["renewal"] = dict(
            renewal_date=fmt(cur["end"]) if cur else None,
            days_to_renewal=cur["end"] - D if cur else None,
            in_window=bool(cur) and 0 <= cur["end"] - D <= renewal_window)
        # expansion
        newc = [c for c in cs if last(c["first_seen"], 30)]
        first_core = {}
        for (_, e, d) in cevs:
            first_core[e] = min(d, first_core.get(e, d))
        uses = []
        if first_core and min(first_core.values()) < D - 29:
            uses = sorted(e for e, d in first_core.items() if last(d, 30))
        over = bool(seats) and au30 > seats
        r["expansion"] = dict(
            new_stakeholders_30d=len(newc),
            new_stakeholders=sorted(c["name"] or "" for c in newc),
            new_use_cases_30d=len(uses), new_use_cases=uses,
            over_plan=over, seat_overage=au30 - seats if over else 0)
        out[aid] = r
    return out


def close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 0.011
    return a == b


def compare(want, got, as_of):
    passed = failed = 0
    got = {g["account_id"]: g for g in got}
    if set(want) != set(got):
        print("FAIL %s: accounts differ: only oracle %s, only csmap %s"
              % (as_of, sorted(set(want) - set(got)), sorted(set(got) - set(want))))
        failed += 1
    for aid in sorted(set(want) & set(got)):
        for stage, fields in want[aid].items():
            for name, value in fields.items():
                have = got[aid].get(stage, {}).get(name, "<missing>")
                if isinstance(value, list) and name == "new_stakeholders":
                    have = sorted(have) if isinstance(have, list) else have
                if close(value, have):
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s %s %s.%s: oracle %r, csmap %r"
                          % (as_of, aid, stage, name, value, have))
    return passed, failed


def main():
    csmap, cfg_path, dates, files = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
    cfg = strip_comments(open(cfg_path, encoding="utf-8").read())
    data = load(files)
    passed = failed = 0
    fields = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "o.db")
        subprocess.run([csmap, "-q", "--db", db, "--config", cfg_path, "ingest"] + files,
                       check=False)
        for as_of in dates:
            D = day_of(as_of)
            p = subprocess.run([csmap, "-q", "--db", db, "--config", cfg_path, "signals",
                                "--as-of", as_of, "--format", "json"],
                               capture_output=True, check=True)
            pa, fa = compare(signals(data, cfg, D), json.loads(p.stdout), as_of)
            print("signals as of %s: %d fields agree, %d differ" % (as_of, pa, fa))
            fields += pa + fa
            # One test per as-of date: it passes when every field agrees.
            passed += fa == 0
            failed += fa != 0
    print("%d fields compared" % fields)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
