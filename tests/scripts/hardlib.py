"""Shared pieces of the hardening tests (faults, crash, alloc, attack,
concurrency, secrets): paths, a pass/fail tally, the mock server, demo
workspaces, timed runs and store checks."""
import atexit
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)
CSMAP = os.path.join(BUILD, "csmap")
MOCK = os.path.join(BUILD, "tests", "mockllm")


def _private_copy(path):
    """A copy of the binary that a concurrent 'make' cannot replace while
    a test runs (the runs before and after a kill must be the same
    program)."""
    d = tempfile.mkdtemp(prefix="csmap-bin-")
    dst = os.path.join(d, os.path.basename(path))
    for _ in range(30):
        try:
            shutil.copy2(path, dst)
            subprocess.run([dst, "--version"], check=True,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            atexit.register(shutil.rmtree, d, True)
            return dst
        except (OSError, subprocess.CalledProcessError):
            time.sleep(1)
    return path


CSMAP = _private_copy(CSMAP)
GEN = os.path.join(BUILD, "csmap-gen")
DEMO = os.path.join(ROOT, "fixtures", "demo")
AS_OF = "2026-11-30"
LONG = os.environ.get("CSMAP_LONG_TESTS", "") not in ("", "0")
KEY_VAR = "CSMAP_TEST_KEY"
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")


class Tally:
    """Counts checks and prints one line per failure, then the total."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s" % (what, (": " + detail) if detail else ""))
            sys.stdout.flush()
        return cond

    def note(self, text):
        print(text)
        sys.stdout.flush()

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def strip_comments(text):
    return re.sub(r"(?m)^\s*//.*$", "", text)


def demo_config():
    with open(os.path.join(DEMO, "csmap.json"), encoding="utf-8") as f:
        return json.loads(strip_comments(f.read()))


class Mock:
    """A mock LLM server on a free port; stopped by stop() or at exit."""

    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen(
            [MOCK, "--port", "0", "--max-seconds", "900"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.port = int(self.proc.stdout.readline().decode().strip())
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def stats(self):
        with urllib.request.urlopen(
                "http://127.0.0.1:%d/stats" % self.port, timeout=5) as r:
            return json.loads(r.read().decode())

    def requests(self):
        return self.stats()["requests"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def llm_block(url, **extra):
    block = {"provider": "openai", "base_url": url, "model": "mock",
             "api_key_env": KEY_VAR, "jobs": 4, "max_retries": 2,
             "timeout_s": 10}
    block.update(extra)
    return block


def write_config(path, url=None, **llm):
    cfg = demo_config()
    if url:
        cfg["llm"] = llm_block(url, **llm)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=1)
    return cfg


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix="csmap-" + prefix + "-")


def env_with_key(key="test-key-not-secret", **more):
    env = dict(os.environ)
    env[KEY_VAR] = key
    env.pop("CSMAP_FAIL_ALLOC", None)
    env.update(more)
    return env


class Run:
    def __init__(self, code, out, err, secs, timed_out, rss_kb=0):
        self.code = code
        self.out = out
        self.err = err
        self.secs = secs
        self.timed_out = timed_out
        self.rss_kb = rss_kb

    def __repr__(self):
        return "exit %s after %.1fs%s; stderr: %s" % (
            self.code, self.secs, " (timed out)" if self.timed_out else "",
            self.err[-600:].strip())


def run(argv, cwd, timeout=60, env=None, stdin=None, binary=CSMAP):
    """Run csmap with argv in cwd; kill it after timeout seconds."""
    start = time.monotonic()
    pre = [sys.executable, "-c", _RSS_WRAPPER] if binary == sys.executable \
        else [binary]
    p = subprocess.Popen(pre + list(argv), cwd=cwd, env=env,
                         stdin=subprocess.PIPE if stdin is not None
                         else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timed_out = False
    try:
        out, err = p.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        p.kill()
        out, err = p.communicate()
    return Run(p.returncode, out.decode(errors="replace"),
               err.decode(errors="replace"), time.monotonic() - start,
               timed_out)


_RSS_WRAPPER = """
import os, sys
out = sys.argv[1]
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write("%d %d" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss))
"""


def run_rss(argv, cwd, timeout=60, env=None, binary=CSMAP):
    """Like run, with the child's peak RSS in kB.  A small wrapper forks
    it: the peak RSS a process reports includes its parent's at fork."""
    fd, res = tempfile.mkstemp(prefix="csmap-rss-")
    os.close(fd)
    r = run([res, binary] + list(argv), cwd, timeout=timeout, env=env,
            binary=sys.executable)
    r.code = None
    try:
        with open(res) as f:
            code, rss = f.read().split()
        r.code, r.rss_kb = int(code), int(rss)
    except (OSError, ValueError):
        r.rss_kb = 1 << 30
    os.unlink(res)
    return r


def clean_failure(r):
    """Whether a failed run failed the way csmap promises: an exit code,
    a 'csmap: error:' line, no signal, no sanitizer report."""
    if r.timed_out or r.code is None or r.code < 0:
        return False
    if any(m in r.err for m in SANITIZER_MARKS):
        return False
    return r.code == 0 or "csmap: error:" in r.err


def integrity(db):
    """PRAGMA integrity_check of a store, 'ok' when sound."""
    if not os.path.exists(db):
        return "ok"
    con = sqlite3.connect(db, timeout=30)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(r[0] for r in rows)
    finally:
        con.close()


def query(db, sql, args=()):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def demo_inputs():
    names = ["accounts.csv", "contracts.csv", "contacts.csv", "events.csv",
             "events.jsonl", "feedback.jsonl", "tickets.json"]
    return [os.path.join(DEMO, n) for n in names]


def demo_workspace(prefix, url=None, **llm):
    """A temporary workspace with the demo data ingested; its path."""
    d = tmpdir(prefix)
    write_config(os.path.join(d, "csmap.json"), url, **llm)
    r = run(["-q", "ingest"] + demo_inputs(), d, env=env_with_key())
    if r.code != 0:
        raise SystemExit("cannot ingest the demo data: %r" % r)
    checkpoint(os.path.join(d, "csmap.db"))
    return d


def checkpoint(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def copy_store(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.unlink(dst + suffix)
    shutil.copy2(src, dst)


def cache_rows(db):
    return query(db, "SELECT key, artifact, subject, as_of, output "
                 "FROM cache_entry")


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)
