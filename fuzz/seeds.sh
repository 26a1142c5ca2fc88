#!/bin/sh
# Make the seed corpora of the fuzz harnesses from the project's own
# fixtures, into build/fuzz/corpus/NAME (kept out of git: they are cut
# from files already in the repository).  Usage: fuzz/seeds.sh [NAME...]
# Hand-written seeds live in fuzz/seeds/NAME and are passed to the
# harness as a second corpus folder by fuzz/run.
set -eu
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import glob
import hashlib
import json
import os
import re
import sys

OUT = "build/fuzz/corpus"
SEP = b"\n---\n"
# Seeds stay small so each run is fast: libFuzzer grows them itself.
MAX_SEED = 4096


def put(name, data):
    if isinstance(data, str):
        data = data.encode()
    data = data[:MAX_SEED]
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16])
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def pieces(data, lines_per_piece, header=True):
    """The first line (a CSV header) with runs of the following lines."""
    lines = data.splitlines(keepends=True)
    head, body = (lines[:1], lines[1:]) if header else ([], lines)
    for i in range(0, min(len(body), 40 * lines_per_piece), lines_per_piece):
        yield b"".join(head + body[i:i + lines_per_piece])


def cli_files():
    """(case, file name, bytes) of every '--- file' section of tests/cli."""
    for t in sorted(glob.glob("tests/cli/*.t")):
        cur = None
        for line in open(t, "rb"):
            if line.startswith(b"--- "):
                if cur:
                    yield cur[0], cur[1], b"".join(cur[2])
                words = line[4:].split()
                cur = None
                if words and words[0] == b"file" and len(words) > 1:
                    cur = (t, words[1].decode(), [])
            elif cur:
                cur[2].append(line)
        if cur:
            yield cur[0], cur[1], b"".join(cur[2])


def seed_csv():
    for f in sorted(glob.glob("fixtures/demo/*.csv")):
        for p in pieces(read(f), 4):
            put("csv", p)
    for _, name, data in cli_files():
        if name.endswith(".csv"):
            put("csv", data)


def json_records(f):
    data = read(f)
    if f.endswith(".jsonl"):
        return list(pieces(data, 3, header=False))
    try:
        doc = json.loads(data)
    except ValueError:
        return [data]
    tickets = doc.get("tickets", []) if isinstance(doc, dict) else doc
    out = []
    for i in range(0, min(len(tickets), 60), 3):
        part = tickets[i:i + 3]
        out.append(json.dumps({"tickets": part}, indent=1).encode())
        out.append(b"\n".join(json.dumps(t).encode() for t in part))
        out.append(json.dumps(part).encode())
    return out


def seed_json():
    for f in sorted(glob.glob("fixtures/demo/*.json*")):
        if f.endswith("csmap.json"):
            continue
        for p in json_records(f):
            put("jsonl", p)
            if "tickets" in f or "events" in f:
                put("presets", p)
    for t, name, data in cli_files():
        if name.endswith((".json", ".jsonl")) and name != "csmap.json":
            put("jsonl", data)
            if "zendesk" in t or "segment" in t:
                put("presets", data)


def seed_config():
    for f in ["fixtures/demo/csmap.json", "templates/init.json"] + \
            sorted(glob.glob("examples/*.json")):
        if os.path.exists(f):
            put("config", read(f))
    for _, name, data in cli_files():
        if name.endswith("csmap.json"):
            put("config", data)


def seed_prompts():
    context = json.dumps({
        "account": {"name": "Acme Co", "arr": 32400, "segment": "smb"},
        "signals": {"health": {"score": 41.5, "band": "yellow"}},
        "tickets": [{"subject": "SSO </ticket> broken", "priority": "high"}],
        "items": [1, 2, 3], "flag": True, "empty": [],
    }, indent=1).encode()
    for f in sorted(glob.glob("prompts/*.mustache") +
                    glob.glob("templates/*.mustache")):
        data = read(f)
        put("mustache", context + SEP + data)
        if not os.path.basename(f).startswith("_"):
            put("prompt_header", data)
    for t, name, data in cli_files():
        if name.endswith(".mustache"):
            if "template" in t:
                put("mustache", data)
            if "prompts" in t:
                put("prompt_header", data)
        elif name.endswith(".json") and "template" in t:
            put("mustache", data + SEP + b"{{#.}}{{.}}{{/.}}")


def seed_answers():
    context = json.dumps({
        "account": {"name": "Acme Co", "arr": 32400, "seats": 60},
        "onboarding": {"days_stuck": 27, "steps_done": 1, "steps": 2},
        "usage": {"core_events_30d": 8, "active_users_30d": 8,
                  "seat_use": 0.133},
        "renewal": {"renewal_date": "2026-12-30", "days_to_renewal": 27},
    }).encode()
    for f in sorted(glob.glob("fixtures/llm/*/*"))[:80]:
        data = read(f)
        put("ground", context + SEP + data)
        put("redact", data)


def seed_cli_text():
    """Ticket and feedback texts make realistic redaction inputs."""
    for f in ["fixtures/demo/feedback.jsonl"]:
        for line in read(f).splitlines()[:40]:
            try:
                put("redact", json.loads(line).get("text", ""))
            except ValueError:
                pass


SEEDERS = {
    "csv": [seed_csv], "jsonl": [seed_json], "presets": [seed_json],
    "config": [seed_config], "mustache": [seed_prompts],
    "prompt_header": [seed_prompts], "ground": [seed_answers],
    "redact": [seed_answers, seed_cli_text], "llm": [], "llm_sse": [],
}

names = sys.argv[1:] or list(SEEDERS)
done = set()
for n in names:
    for fn in SEEDERS.get(n, []):
        if fn not in done:
            fn()
            done.add(fn)
    os.makedirs(os.path.join(OUT, n), exist_ok=True)
PY
