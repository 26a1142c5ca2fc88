"""Secrets: a sentinel API key run through every command, at -vv, against
servers that echo it, into fixtures (--record), with the key in the
environment and in a key file; then no output, log or file may hold it.
Also: a key file readable by others is refused, the store and its WAL are
private, csmap cannot dump core, and 'csmap doctor' reports permissions,
reachability and redaction."""
import os
import stat
import subprocess
import sys
import time

import hardlib as h

SENTINEL = "sk-SENTINEL-7f3a9c0e5b1d42a8"
SENTINEL_FILE = "sk-FILEKEY-91c2d7e4a05b3f68"


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def files_holding(root, needles):
    hits = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            hits += ["%s (%s)" % (p, s) for s in needles
                     if s.encode() in data]
    return hits


def all_commands(acc):
    """Every command a user runs, each run at -vv."""
    a = ["-vv"]
    return [
        a + ["ingest"] + h.demo_inputs(),
        a + ["signals", "--format", "json", "--as-of", h.AS_OF],
        a + ["alerts", "--as-of", h.AS_OF],
        a + ["health", "--as-of", h.AS_OF],
        a + ["generate", "health-brief", "--account", acc, "--as-of",
             h.AS_OF, "--dry-run"],
        a + ["generate", "health-brief", "--account", acc, "--as-of",
             h.AS_OF, "--record", "rec", "-o", "gen"],
        a + ["generate", "stuck-alert", "--all", "--as-of", h.AS_OF,
             "--refresh", "--record", "rec"],
        a + ["weekly", "--as-of", h.AS_OF, "-o", "out"],
        a + ["map", "--as-of", h.AS_OF, "--format", "html", "-o", "map.html"],
        a + ["cache", "ls", "--format", "json"],
        a + ["cache", "stats"],
        a + ["doctor"],
    ]


def sentinel_runs(t):
    """Every command against the mock in ok, 401 and 400 modes (the last
    two echo the key back in their error)."""
    occurrences = 0
    runs = 0
    for keyfile in (False, True):
        for mode in ("ok", "401", "400"):
            d = h.tmpdir("secrets")
            # csmap's environment always holds SENTINEL; the mock expects
            # the file's key when there is a file, so it must win.
            env = h.env_with_key(SENTINEL)
            want = h.env_with_key(SENTINEL_FILE if keyfile else SENTINEL)
            with h.Mock("--mode", mode, "--expect-key-env", h.KEY_VAR,
                        env=want) as mock:
                extra = {}
                if keyfile:
                    kf = os.path.join(d, "key")
                    with open(kf, "w") as f:
                        f.write(SENTINEL_FILE + "\n")
                    os.chmod(kf, 0o600)
                    extra = {"api_key_file": kf}
                h.write_config(os.path.join(d, "csmap.json"), mock.url,
                               max_retries=0, **extra)
                text = []
                for argv in all_commands("acme-co"):
                    r = h.run(argv, d, env=env, timeout=60)
                    runs += 1
                    text += [r.out, r.err]
                    t.check(not r.timed_out and r.code is not None and
                            r.code >= 0, "%s: %s ends" % (mode, argv[1]),
                            repr(r))
                ok_key = mock.stats()
            name = "%s key, %s mode" % ("file" if keyfile else "env", mode)
            t.check(ok_key["auth_match"] > 0 and ok_key["auth_mismatch"] == 0,
                    name + ": the mock received the right key",
                    str({k: ok_key[k] for k in ("auth_match",
                                                 "auth_mismatch",
                                                 "auth_none")}))
            out_hits = sum(x.count(SENTINEL) + x.count(SENTINEL_FILE)
                           for x in text)
            file_hits = [f for f in files_holding(d, [SENTINEL,
                                                      SENTINEL_FILE])
                         if not f.startswith(os.path.join(d, "key "))]
            occurrences += out_hits + len(file_hits)
            t.check(out_hits == 0, name + ": no output holds the key",
                    "%d occurrences" % out_hits)
            t.check(not file_hits, name + ": no file holds the key",
                    ", ".join(file_hits[:5]))
            if mode == "ok":
                t.check(os.path.isdir(os.path.join(d, "rec")),
                        name + ": fixtures were recorded")
                check_modes(t, d, name)
            h.rmtree(d)
    t.note("sentinel key: %d runs, %d occurrences in outputs and files"
           % (runs, occurrences))


def check_modes(t, d, name):
    db = os.path.join(d, "csmap.db")
    for p in (db, db + "-wal", db + "-shm"):
        if os.path.exists(p):
            t.check(mode_of(p) == 0o600, "%s: %s is 0600" %
                    (name, os.path.basename(p)), oct(mode_of(p)))
    art = os.path.join(d, "gen", "health-brief", "acme-co.md")
    t.check(os.path.exists(art) and mode_of(art) == 0o600,
            name + ": a generated artifact is 0600",
            oct(mode_of(art)) if os.path.exists(art) else "missing")
    arts = [os.path.join(dp, n) for dp, _, ns in
            os.walk(os.path.join(d, "out")) for n in ns
            if os.path.basename(dp) != "out"]
    t.check(arts and all(mode_of(a) == 0o600 for a in arts),
            name + ": weekly's artifact files are 0600",
            ", ".join("%s %o" % (a, mode_of(a)) for a in arts[:3]))
    m = os.path.join(d, "map.html")
    t.check(os.path.exists(m) and mode_of(m) == 0o644,
            name + ": 'map -o FILE' writes 0644 as asked")


def key_file_refused(t):
    d = h.tmpdir("keyfile")
    with h.Mock() as mock:
        kf = os.path.join(d, "key")
        with open(kf, "w") as f:
            f.write(SENTINEL_FILE)
        for mode in (0o644, 0o640, 0o604):
            os.chmod(kf, mode)
            h.write_config(os.path.join(d, "csmap.json"), mock.url,
                           api_key_file=kf)
            h.run(["-q", "ingest", os.path.join(h.DEMO, "accounts.csv")], d)
            r = h.run(["generate", "health-brief", "--account", "acme-co",
                       "--as-of", h.AS_OF], d, env=h.env_with_key())
            t.check(r.code not in (0, None) and
                    "csmap: error: the API key file '%s' is readable by "
                    "group or others" % kf in r.err and "chmod 600" in r.err,
                    "a key file of mode %03o is refused clearly" % mode,
                    repr(r))
            t.check(SENTINEL_FILE not in r.err + r.out,
                    "the refusal does not print the key")
            doc = h.run(["doctor"], d, env=h.env_with_key())
            t.check(doc.code != 0 and "fail  key file" in doc.out and
                    "readable by others" in doc.out,
                    "doctor flags a key file of mode %03o" % mode, doc.out)
        t.check(mock.requests() == 0, "nothing is sent with a public key "
                "file", str(mock.requests()))
    h.rmtree(d)


def no_core(t):
    """csmap's own core-file limit is zero while it holds the key."""
    d = h.tmpdir("core")
    with h.Mock("--mode", "stall", "--stall-ms", "3000") as mock:
        h.write_config(os.path.join(d, "csmap.json"), mock.url,
                       max_retries=0, timeout_s=5)
        h.run(["-q", "ingest", os.path.join(h.DEMO, "accounts.csv")], d)
        p = subprocess.Popen([h.CSMAP, "generate", "health-brief",
                              "--account", "acme-co", "--as-of", h.AS_OF],
                             cwd=d, env=h.env_with_key(SENTINEL),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        limits = ""
        for _ in range(100):
            time.sleep(0.05)
            if mock.stats()["requests"] > 0:
                with open("/proc/%d/limits" % p.pid) as f:
                    limits = f.read()
                break
        p.kill()
        p.wait()
    line = [x for x in limits.splitlines() if x.startswith("Max core")]
    t.check(line and line[0].split()[4:6] == ["0", "0"],
            "csmap runs with no core file limit while holding a key",
            line[0] if line else "no limits read")
    h.rmtree(d)


def doctor(t):
    d = h.tmpdir("doctor")
    with h.Mock() as mock:
        h.write_config(os.path.join(d, "csmap.json"), mock.url)
        h.run(["-q", "ingest", os.path.join(h.DEMO, "accounts.csv")], d)
        r = h.run(["doctor"], d, env=h.env_with_key())
        t.check(r.code == 0, "doctor passes a sound workspace", repr(r) +
                r.out)
        for want in ("ok    store mode", "is private (mode 600)",
                     "ok    redaction", "reachable", "ok    api key"):
            t.check(want in r.out, "doctor reports '%s'" % want, r.out)
        os.chmod(os.path.join(d, "csmap.db"), 0o644)
        r = h.run(["doctor"], d, env=h.env_with_key())
        t.check(r.code != 0 and "fail  store mode" in r.out and
                "chmod 600" in r.out,
                "doctor fails a store readable by others", r.out)
        os.chmod(os.path.join(d, "csmap.db"), 0o600)
        port = mock.port
    # the mock is gone: the provider cannot be reached
    r = h.run(["doctor"], d, env=h.env_with_key())
    t.check(r.code != 0 and "fail  provider" in r.out and
            "127.0.0.1:%d" % port in r.out,
            "doctor says the provider cannot be reached", r.out)
    cfg = h.write_config(os.path.join(d, "csmap.json"),
                         "https://api.example.invalid/v1", redact=False)
    r = h.run(["doctor"], d, env=h.env_with_key())
    t.check("redaction" in r.out and
            "off: personal data goes to a hosted provider" in r.out,
            "doctor warns when redaction is off for a hosted provider",
            r.out)
    t.check(SENTINEL not in r.out, "doctor does not print the key")
    del cfg
    h.rmtree(d)


def main():
    t = h.Tally()
    sentinel_runs(t)
    key_file_refused(t)
    no_core(t)
    doctor(t)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
