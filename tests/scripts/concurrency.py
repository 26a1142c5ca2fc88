"""Two csmap processes on one workspace: weekly while map and signals
read, two ingests at once, two weekly runs at once, ingest while generate
writes the cache.  Both must succeed (one may wait for the other) and
neither may fail with 'database is locked'."""
import os
import subprocess
import sys
import time

import hardlib as h


def start(argv, cwd, env=None):
    return subprocess.Popen([h.CSMAP] + argv, cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(p, timeout=120):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return h.Run(None, out.decode(), err.decode(), timeout, True)
    return h.Run(p.returncode, out.decode(errors="replace"),
                 err.decode(errors="replace"), 0, False)


def no_lock(r):
    return "locked" not in r.err and "busy" not in r.err


def readers_during_weekly(t, d, env):
    """map and signals, over and over, while weekly writes."""
    w = start(["-q", "weekly", "--as-of", h.AS_OF, "--jobs", "4", "-o",
               "out"], d, env)
    reads = bad = 0
    while w.poll() is None and reads < 400:
        for argv in (["map", "--as-of", h.AS_OF, "--format", "json"],
                     ["signals", "--format", "json", "--as-of", h.AS_OF]):
            r = h.run(argv, d, env=env, timeout=60)
            reads += 1
            if r.code != 0 or not no_lock(r):
                bad += 1
                t.check(False, "a read during weekly succeeds", repr(r))
    r = finish(w)
    t.check(r.code == 0 and no_lock(r), "weekly succeeds while others read",
            repr(r))
    t.check(reads >= 4, "reads ran while weekly did", str(reads))
    t.check(bad == 0, "every read during weekly succeeded",
            "%d of %d failed" % (bad, reads))
    t.note("weekly with readers: %d reads, %d failed" % (reads, bad))


def two_weekly(t, d, env):
    h.query(os.path.join(d, "csmap.db"), "DELETE FROM cache_entry")
    ps = [start(["-q", "weekly", "--as-of", h.AS_OF, "--jobs", "4", "-o",
                 "out%d" % i], d, env) for i in range(2)]
    rs = [finish(p) for p in ps]
    for i, r in enumerate(rs):
        t.check(r.code == 0 and no_lock(r), "weekly %d of 2 succeeds" % i,
                repr(r))
    db = os.path.join(d, "csmap.db")
    t.check(not h.query(db, "SELECT artifact, subject, as_of FROM "
                        "cache_entry GROUP BY 1, 2, 3 HAVING count(*) > 1"),
            "two weekly runs leave one cache row per artifact and subject")
    t.check(h.integrity(db) == "ok", "the store is sound after two weekly")


def two_ingests(t, env):
    d = h.tmpdir("conc-ingest")
    data = os.path.join(d, "data")
    subprocess.run([h.GEN, "--accounts", "100", "--events", "120000",
                    "--formats", "csv,jsonl", "-o", data], check=True,
                   stdout=subprocess.DEVNULL)
    h.write_config(os.path.join(d, "csmap.json"))
    firsts = [os.path.join(data, n) for n in
              ("accounts.csv", "contracts.csv", "contacts.csv")]
    r = h.run(["-q", "ingest"] + firsts, d)
    t.check(r.code == 0, "the accounts load", repr(r))
    ref = os.path.join(d, "ref")
    os.mkdir(ref)
    h.copy_store(os.path.join(d, "csmap.db"), os.path.join(ref, "csmap.db"))
    h.write_config(os.path.join(ref, "csmap.json"))
    files = [os.path.join(data, "events.csv"),
             os.path.join(data, "events.jsonl"),
             os.path.join(data, "tickets.csv"),
             os.path.join(data, "feedback.jsonl")]
    for f in files:
        h.run(["-q", "ingest", f], ref, timeout=120)
    for rnd in range(3):
        ps = [start(["-q", "ingest", f], d) for f in files]
        rs = [finish(p) for p in ps]
        for f, r in zip(files, rs):
            t.check(r.code == 0 and no_lock(r), "round %d: ingest of %s "
                    "beside three others succeeds" % (rnd, os.path.basename(f)),
                    repr(r))
    db = os.path.join(d, "csmap.db")
    t.check(h.integrity(db) == "ok", "the store is sound after 4 ingests")
    count = ("SELECT (SELECT count(*) FROM event_seen), (SELECT count(*) "
             "FROM ticket), (SELECT count(*) FROM feedback)")
    got = h.query(db, count)
    want = h.query(os.path.join(ref, "csmap.db"), count)
    t.check(got == want, "concurrent ingests load what sequential ones do",
            "%s, want %s" % (got, want))
    a = h.run(["signals", "--format", "json", "--as-of", h.AS_OF], d)
    b = h.run(["signals", "--format", "json", "--as-of", h.AS_OF], ref)
    t.check(a.code == 0 and a.out == b.out,
            "concurrent ingests give the sequential signals")
    h.rmtree(d)


def create_race(t):
    """Two ingests that both find no store and create it."""
    bad = 0
    for i in range(10):
        d = h.tmpdir("conc-create")
        h.write_config(os.path.join(d, "csmap.json"))
        ps = [start(["-q", "ingest", os.path.join(h.DEMO, f)], d)
              for f in ("accounts.csv", "accounts.csv", "accounts.csv")]
        rs = [finish(p) for p in ps]
        db = os.path.join(d, "csmap.db")
        ok = all(r.code == 0 and no_lock(r) for r in rs) and \
            h.integrity(db) == "ok" and \
            h.query(db, "SELECT count(*) FROM account")[0][0] == 40
        bad += not ok
        t.check(ok, "create race %d: three ingests into no store succeed" % i,
                "; ".join(repr(r) for r in rs))
        h.rmtree(d)
    t.note("store creation races: 10, failed %d" % bad)


def ingest_during_generate(t, d, env):
    h.query(os.path.join(d, "csmap.db"), "DELETE FROM cache_entry")
    g = start(["-q", "generate", "health-brief", "--all", "--jobs", "4",
               "--as-of", h.AS_OF], d, env)
    n = 0
    while g.poll() is None and n < 50:
        r = h.run(["-q", "ingest"] + h.demo_inputs(), d, env=env, timeout=60)
        n += 1
        t.check(r.code == 0 and no_lock(r),
                "re-ingest while generate writes succeeds", repr(r))
    r = finish(g)
    t.check(r.code == 0 and no_lock(r), "generate succeeds while ingest "
            "writes", repr(r))
    t.check(n >= 1, "ingest ran while generate did")


def main():
    t = h.Tally()
    env = h.env_with_key()
    with h.Mock("--delay-ms", "40") as mock:
        d = h.demo_workspace("conc", mock.url)
        began = time.monotonic()
        readers_during_weekly(t, d, env)
        two_weekly(t, d, env)
        ingest_during_generate(t, d, env)
        t.note("weekly, generate and readers: %.0f s"
               % (time.monotonic() - began))
        h.rmtree(d)
    began = time.monotonic()
    create_race(t)
    two_ingests(t, env)
    t.note("four ingests at once, three rounds: %.0f s"
           % (time.monotonic() - began))
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
