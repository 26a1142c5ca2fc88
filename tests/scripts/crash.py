"""Crash safety: kill 'csmap weekly' (against a slow mock server) and
'csmap ingest' (of 200,000 generated events) with SIGKILL at random
points, rerun each, and check that the store is sound, that what had
finished is there once, that the final state equals an uninterrupted
run, and that the rerun asks the provider only for what was not cached.

CSMAP_LONG_TESTS=1 kills 60 times each instead of 20; CSMAP_SEED fixes
the kill points."""
import os
import random
import signal
import subprocess
import sys
import time

import hardlib as h

KILLS = 60 if h.LONG else 20
SEED = int(os.environ.get("CSMAP_SEED", str(int(time.time()))))


def start(argv, cwd, env):
    return subprocess.Popen([h.CSMAP] + argv, cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def kill_after(p, secs):
    """SIGKILL p after secs; whether it was still running."""
    try:
        p.wait(secs)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def signals_json(d):
    r = h.run(["signals", "--format", "json", "--as-of", h.AS_OF], d)
    return r.out if r.code == 0 else "exit %s: %s" % (r.code, r.err)


def cache_map(db):
    return {row[0]: row[4] for row in h.cache_rows(db)}


def one_per_subject(db):
    return not h.query(db, "SELECT artifact, subject, as_of FROM cache_entry "
                       "GROUP BY 1, 2, 3 HAVING count(*) > 1")


def weekly_kills(t, rng):
    d = h.demo_workspace("crash-weekly")
    db = os.path.join(d, "csmap.db")
    base = os.path.join(d, "base.db")
    h.copy_store(db, base)
    env = h.env_with_key()
    argv = ["-q", "weekly", "--as-of", h.AS_OF, "--jobs", "8", "-o", "out"]
    with h.Mock("--delay-ms", "50") as mock:
        h.write_config(os.path.join(d, "csmap.json"), mock.url,
                       max_retries=0, timeout_s=20)
        began = time.monotonic()
        r = h.run(argv, d, env=env)
        span = time.monotonic() - began
        total = mock.requests()
        ref = cache_map(db)
        ref_signals = signals_json(d)
        t.check(r.code == 0 and total == len(ref) and total > 20,
                "weekly: the reference run caches one artifact per request",
                "%r; %d requests, %d cached" % (r, total, len(ref)))
        kills = lost = mid = extra = 0
        for i in range(KILLS * 2):
            if kills == KILLS:
                break
            h.copy_store(base, db)
            h.rmtree(os.path.join(d, "out"))
            p = start(argv, d, env)
            if not kill_after(p, rng.uniform(0.02, span * 0.95)):
                continue
            kills += 1
            sound = h.integrity(db)
            t.check(sound == "ok", "weekly kill %d: store sound" % i, sound)
            before = cache_map(db)
            mid += 0 < len(before) < len(ref)
            t.check(one_per_subject(db), "weekly kill %d: one row each" % i)
            t.check(all(ref.get(k) == v for k, v in before.items()),
                    "weekly kill %d: what was cached is whole" % i)
            sent = mock.requests()
            r = h.run(argv, d, env=env, timeout=60)
            asked = mock.requests() - sent
            after = cache_map(db)
            t.check(r.code == 0, "weekly kill %d: the rerun succeeds" % i,
                    repr(r))
            gone = [k for k in before if after.get(k) != before[k]]
            lost += len(gone)
            t.check(not gone, "weekly kill %d: nothing cached is lost" % i,
                    str(gone[:3]))
            t.check(after == ref, "weekly kill %d: the cache equals the "
                    "uninterrupted run's" % i,
                    "%d entries, %d expected" % (len(after), len(ref)))
            extra += max(0, asked - (len(ref) - len(before)))
            t.check(asked == len(ref) - len(before),
                    "weekly kill %d: the rerun asks only for what is "
                    "missing" % i, "%d requests for %d missing" %
                    (asked, len(ref) - len(before)))
            t.check(one_per_subject(db), "weekly kill %d: one row each "
                    "after the rerun" % i)
            t.check(os.path.exists(os.path.join(d, "out", "index.md")),
                    "weekly kill %d: the rerun writes the index" % i)
        t.check(signals_json(d) == ref_signals,
                "weekly: signals equal the uninterrupted run's")
        t.check(kills == KILLS, "weekly: every kill point landed mid-run",
                "%d of %d" % (kills, KILLS))
    t.note("weekly: %d kill points (%d with part of the cache written), "
           "%d cached artifacts lost, %d requests repeated"
           % (kills, mid, lost, extra))
    h.rmtree(d)


def ingest_kills(t, rng):
    d = h.tmpdir("crash-ingest")
    data = os.path.join(d, "data")
    subprocess.run([h.GEN, "--accounts", "200", "--events", "200000",
                    "--formats", "csv", "-o", data], check=True,
                   stdout=subprocess.DEVNULL)
    h.write_config(os.path.join(d, "csmap.json"))
    db = os.path.join(d, "csmap.db")
    base = os.path.join(d, "base.db")
    firsts = [os.path.join(data, n) for n in
              ("accounts.csv", "contracts.csv", "contacts.csv")]
    r = h.run(["-q", "ingest"] + firsts, d)
    t.check(r.code == 0, "ingest: the accounts load", repr(r))
    h.checkpoint(db)
    h.copy_store(db, base)
    argv = ["-q", "ingest", os.path.join(data, "events.csv")]
    count = "SELECT (SELECT count(*) FROM event_seen), " \
        "(SELECT count(*) FROM event_day)"
    began = time.monotonic()
    r = h.run(argv, d, timeout=120)
    span = time.monotonic() - began
    full = h.query(db, count)[0]
    ref_signals = signals_json(d)
    t.check(r.code == 0 and full[0] > 100000,
            "ingest: the reference run loads the events", "%r %s" % (r, full))
    kills = partial = 0
    for i in range(KILLS * 2):
        if kills == KILLS:
            break
        h.copy_store(base, db)
        p = start(argv, d, None)
        if not kill_after(p, rng.uniform(0.01, span * 0.95)):
            continue
        kills += 1
        t.check(h.integrity(db) == "ok", "ingest kill %d: store sound" % i)
        got = h.query(db, count)[0]
        atomic = got in ((0, 0), full)
        partial += not atomic
        t.check(atomic, "ingest kill %d: the file is all in or all out" % i,
                "%s, full is %s" % (got, full))
        r = h.run(argv, d, timeout=120)
        span = min(span, r.secs)  # a warm run is the one to hit
        t.check(r.code == 0, "ingest kill %d: the rerun succeeds" % i,
                repr(r))
        t.check(h.query(db, count)[0] == full,
                "ingest kill %d: the rerun loads every event once" % i)
        if i % 5 == 0:
            t.check(signals_json(d) == ref_signals,
                    "ingest kill %d: signals equal the uninterrupted run's"
                    % i)
    t.check(kills == KILLS, "ingest: every kill point landed mid-run",
            "%d of %d" % (kills, KILLS))
    t.note("ingest: %d kill points, %d stores left half-loaded"
           % (kills, partial))
    h.rmtree(d)


def main():
    t = h.Tally()
    t.note("kill points seeded with CSMAP_SEED=%d" % SEED)
    rng = random.Random(SEED)
    began = time.monotonic()
    weekly_kills(t, rng)
    t.note("weekly: %.0f s" % (time.monotonic() - began))
    began = time.monotonic()
    ingest_kills(t, rng)
    t.note("ingest: %.0f s" % (time.monotonic() - began))
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
