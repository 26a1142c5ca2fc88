"""Allocation failure: walk CSMAP_FAIL_ALLOC=N over the ingest of a small
file and over a generate run against the mock server.  Every run must end
with a clear error (or succeed when the failing allocation was not
needed), never a signal or a sanitizer report, and leave a sound store.

The binary is built by alloc.sh with ALLOC_FAULTS=1 (SQLite and cJSON
allocate through mem_* there too).  By default every N up to 400 and then
a stride is walked; CSMAP_LONG_TESTS=1 walks every N."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import hardlib as h

BIN = os.environ["ALLOC_BIN"]
DENSE = 250
SAMPLES = 220


def count_allocs(argv, cwd, env):
    r = h.run(argv, cwd, env=dict(env, CSMAP_ALLOC_REPORT="1"), binary=BIN)
    m = re.search(r"csmap-alloc: (\d+) allocations", r.err)
    return r, int(m.group(1)) if m else 0


def points(total):
    if h.LONG or total <= DENSE + SAMPLES:
        return list(range(1, total + 2))
    stride = max(1, (total - DENSE) // SAMPLES)
    pts = list(range(1, DENSE + 1)) + list(range(DENSE + 1, total + 2, stride))
    return pts + [total, total + 1]


def walk(t, name, total, setup, argv, env, db_of, result_of):
    """Run argv once per failure point; check each outcome.  A run that
    succeeds must leave what the run without a failure left
    (result_of(store) equal for both)."""
    crashes = []
    failures = []
    wrong = []
    d = setup(0)
    h.run(argv, d, timeout=60, env=env, binary=BIN)
    want = result_of(db_of(d))
    h.rmtree(d)

    def one(n):
        d = setup(n)
        r = h.run(argv, d, timeout=60, env=dict(env, CSMAP_FAIL_ALLOC=str(n)),
                  binary=BIN)
        ok = h.clean_failure(r)
        sound = h.integrity(db_of(d))
        same = r.code != 0 or sound != "ok" or result_of(db_of(d)) == want
        h.rmtree(d)
        return n, r, ok, sound, same

    pts = points(total)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n, r, ok, sound, same in pool.map(one, pts):
            if not ok:
                crashes.append((n, r))
            if sound != "ok":
                failures.append((n, sound))
            if not same:
                wrong.append(n)
    t.check(not wrong, "%s: a run that succeeds leaves the right result"
            % name, "wrong at N=%s" % wrong[:10])
    t.check(not crashes, "%s: every failure point ends cleanly" % name,
            "; ".join("N=%d exit %s" % (n, r.code) for n, r in crashes[:5]))
    for n, r in crashes[:2]:
        t.note("N=%d, %r\n%s" % (n, r, r.err[-6000:]))
    t.check(not failures, "%s: the store passes integrity_check" % name,
            "; ".join("N=%d %s" % f for f in failures[:5]))
    t.note("%s: %d allocations, %d failure points walked, %d crashes, "
           "%d unsound stores" % (name, total, len(pts), len(crashes),
                                  len(failures)))


def main():
    t = h.Tally()
    base = h.tmpdir("alloc")
    small = os.path.join(base, "accounts.csv")
    with open(os.path.join(h.DEMO, "accounts.csv"), encoding="utf-8") as f:
        lines = f.readlines()
    with open(small, "w", encoding="utf-8") as f:
        f.writelines(lines[:9])
    env = h.env_with_key()

    with h.Mock() as mock:
        h.write_config(os.path.join(base, "csmap.json"), mock.url,
                       max_retries=0, timeout_s=20)

        # 1. ingest of a small file into a new store
        def fresh(n):
            d = os.path.join(base, "i%d" % n)
            os.mkdir(d)
            return d

        argv = ["--config", os.path.join(base, "csmap.json"), "ingest", small]
        d = fresh(0)
        r, total = count_allocs(argv, d, env)
        t.check(r.code == 0 and total > 0, "ingest runs in the alloc build",
                repr(r))
        rows = h.query(os.path.join(d, "csmap.db"),
                       "SELECT count(*) FROM account")[0][0]
        t.check(rows == 8, "the reference ingest loads 8 accounts", str(rows))
        h.rmtree(d)
        walk(t, "ingest", total, fresh, argv, env,
             lambda dd: os.path.join(dd, "csmap.db"),
             lambda db: h.query(db, "SELECT account_id, name, segment, "
                                "plan, seats, arr, signup_date FROM account "
                                "ORDER BY account_id"))

        # 2. generate one artifact against the mock, store already filled
        ref = os.path.join(base, "ref")
        os.mkdir(ref)
        r = h.run(argv, ref, env=env)
        t.check(r.code == 0, "the generate store is ingested", repr(r))
        h.checkpoint(os.path.join(ref, "csmap.db"))
        gargv = ["--config", os.path.join(base, "csmap.json"), "generate",
                 "health-brief", "--account", "acme-co", "--as-of", h.AS_OF]

        def copied(n):
            dd = os.path.join(base, "g%d" % n)
            os.mkdir(dd)
            h.copy_store(os.path.join(ref, "csmap.db"),
                         os.path.join(dd, "csmap.db"))
            return dd

        d = copied(0)
        r, total = count_allocs(gargv, d, env)
        t.check(r.code == 0 and total > 0 and "Next step" in r.out,
                "generate runs in the alloc build", repr(r))
        h.rmtree(d)
        walk(t, "generate", total, copied, gargv, env,
             lambda dd: os.path.join(dd, "csmap.db"),
             lambda db: h.query(db, "SELECT key, artifact, subject, output, "
                                "checks FROM cache_entry"))
    h.rmtree(base)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
