"""The fault matrix: every mock server failure mode, at --jobs 1, 8 and 32,
each case several times.  Each run must finish within its timeout, exit
with the documented code, name every account that failed, and leave at
most one cache row per (artifact, subject, as-of).

CSMAP_LONG_TESTS=1 runs each case five times instead of twice."""
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import hardlib as h

ACCOUNTS = ["acme-co", "bluefin-logistics", "cobalt-health",
            "driftwood-media"]
# mode: (mock flags, exit code, accounts generated, llm settings)
CASES = {
    "ok": ([], 0, 4, {}),
    "429": ([], 75, 0, {}),
    "500": ([], 75, 0, {}),
    "503": ([], 75, 0, {}),
    "reset": ([], 75, 0, {}),
    "stall": (["--stall-ms", "1500"], 75, 0, {"max_retries": 0}),
    "truncated": ([], 75, 0, {}),
    "sse-cut": ([], 75, 0, {}),
    "malformed": ([], 65, 0, {}),
    "error200": ([], 65, 0, {}),
    "401": ([], 69, 0, {}),
    "404": ([], 69, 0, {}),
    "400": ([], 1, 0, {}),
    "big": ([], 1, 0, {}),
    # answers that fail their checks are kept, said, and fail the run
    "careless": ([], 65, 4, {}),
    "429-then-ok": ([], 0, 4, {}),
    "500-then-ok": ([], 0, 4, {}),
    "503-then-ok": ([], 0, 4, {}),
    "reset-then-ok": ([], 0, 4, {}),
    "truncated-then-ok": ([], 0, 4, {}),
    # the first three requests fail for good (no retries), the last works
    "500x3": (["--mode", "500", "--fail-times", "3"], 75, 1,
              {"max_retries": 0}),
    "401x2": (["--mode", "401", "--fail-times", "2"], 69, 2,
              {"max_retries": 0}),
}
JOBS = [1, 8, 32]
REPS = 5 if h.LONG else 3
TIMEOUT = 40


def one_case(base_db, mode, jobs, rep):
    flags, want_code, want_ok, llm = CASES[mode]
    args = flags if flags and flags[0] == "--mode" else ["--mode", mode] + flags
    d = h.tmpdir("fault")
    with h.Mock(*args) as mock:
        settings = {"max_retries": 1, "timeout_s": 1}
        settings.update(llm)
        h.write_config(os.path.join(d, "csmap.json"), mock.url, **settings)
        db = os.path.join(d, "csmap.db")
        h.copy_store(base_db, db)
        r = h.run(["generate", "health-brief", "--all", "--jobs", str(jobs),
                   "--as-of", h.AS_OF], d, timeout=TIMEOUT,
                  env=h.env_with_key())
        cached = [row[0] for row in
                  h.query(db, "SELECT subject FROM cache_entry")]
        dups = h.query(db, "SELECT artifact, subject, as_of, count(*) "
                       "FROM cache_entry GROUP BY 1, 2, 3 "
                       "HAVING count(*) > 1")
        sound = h.integrity(db)
    h.rmtree(d)
    return mode, jobs, rep, r, cached, dups, sound


def judge(t, result):
    mode, jobs, rep, r, cached, dups, sound = result
    _, want_code, want_ok, _ = CASES[mode]
    name = "%s --jobs %d #%d" % (mode, jobs, rep)
    t.check(not r.timed_out, name + ": finishes in time", repr(r))
    t.check(r.code == want_code, name + ": exit %d" % want_code, repr(r))
    t.check(not any(m in r.err for m in h.SANITIZER_MARKS),
            name + ": no sanitizer report", r.err[-400:])
    t.check(len(cached) == want_ok, name + ": %d cached" % want_ok,
            "cached %s" % cached)
    t.check(not dups, name + ": no duplicate cache row", str(dups))
    t.check(sound == "ok", name + ": store sound", sound)
    missing = [a for a in ACCOUNTS if a not in cached and
               not re.search(r"csmap: error: health-brief for '%s': " % a,
                             r.err)]
    t.check(not missing, name + ": every failed account is named",
            "not named: %s; stderr: %s" % (missing, r.err[-300:]))
    if mode == "careless":
        unsaid = [a for a in ACCOUNTS if not re.search(
            r"csmap: warning: health-brief for '%s': the answer lacks" % a,
            r.err)]
        t.check(not unsaid, name + ": every answer failing its checks is "
                "named", "not named: %s" % unsaid)
    m = re.search(r"(\d+) generated, (\d+) from cache, (\d+) failed", r.err)
    t.check(m is not None and int(m.group(1)) == want_ok and
            int(m.group(3)) == len(ACCOUNTS) - want_ok,
            name + ": the summary counts", r.err[-300:])
    return r.timed_out


def main():
    t = h.Tally()
    base = h.tmpdir("faults")
    small = os.path.join(base, "accounts.csv")
    with open(os.path.join(h.DEMO, "accounts.csv"), encoding="utf-8") as f:
        lines = f.readlines()
    with open(small, "w", encoding="utf-8") as f:
        f.writelines(lines[:5])
    h.write_config(os.path.join(base, "csmap.json"))
    r = h.run(["-q", "ingest", small], base)
    t.check(r.code == 0, "the four accounts load", repr(r))
    db = os.path.join(base, "csmap.db")
    h.checkpoint(db)
    t.check(sorted(x[0] for x in h.query(db, "SELECT account_id FROM account"))
            == ACCOUNTS, "the store holds the four accounts")

    work = [(m, j, rep) for rep in range(REPS) for j in JOBS for m in CASES]
    hangs = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for res in pool.map(lambda c: one_case(db, *c), work):
            hangs += judge(t, res)
    t.note("fault matrix: %d modes x %d job levels x %d runs = %d cases, "
           "%d hangs" % (len(CASES), len(JOBS), REPS, len(work), hangs))
    h.rmtree(base)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
