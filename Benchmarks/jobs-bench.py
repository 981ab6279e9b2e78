#!/usr/bin/env python3
"""What the scheduled jobs cost on a large day (release build of fcgi-app).

    swift build -c release --product fcgi-app
    python3 Benchmarks/jobs-bench.py [--open 5000] [--old 100000]

Two databases made alike with the fixture offices: one empty, one holding `--open` tokens left waiting
at the round-the-clock office yesterday (each with its `booked` event) and `--old` tokens of 100 days
ago with names, phones, e-mails, notes and an event reason each. `fcgi-app jobs run` runs every job
once on each (day-end for every office, retention, purge, checkpoint); the difference of their wall
times is the jobs' work. Rows are written with Python's sqlite3 to make the setup quick; the jobs run
through the real command."""
import argparse
import hashlib
import os
import sqlite3
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("GUVNL_BIN_DIR", REPO / ".build" / "release"))
INDIA = timezone(timedelta(hours=5, minutes=30))


def fcgi_app(*arguments):
    return subprocess.run([BIN / "fcgi-app", *arguments], check=True, capture_output=True, text=True)


def fill(path, open_tokens, old_tokens):
    now = datetime.now(INDIA)
    yesterday = (now - timedelta(days=1)).date().isoformat()
    long_ago = (now - timedelta(days=100)).date().isoformat()
    ms = int(time.time() * 1000)
    long_ago_ms = ms - 100 * 86_400_000
    db = sqlite3.connect(path)
    rows, events = [], []
    for index in range(open_tokens + old_tokens):
        old = index >= open_tokens
        day = long_ago if old else yesterday
        secret = hashlib.sha256(f"bench-{index}".encode()).hexdigest()
        rows.append((index + 1, secret, day, index + 1, f"BC-{index + 1:03d}", "served" if old else "waiting",
                     f"Citizen {index}", f"9{index:09d}", f"c{index}@example.in" if old else None,
                     "A note" if old else None, ms, ms))
        events.append((index + 1, "completed" if old else "booked", "A reason" if old else None, long_ago_ms if old else ms))
    db.executemany("""
        INSERT INTO token (id, view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number,
            kind, state, citizen_name, phone, email, staff_note, queued_at, created_at)
        VALUES (?, ?, 'VAD-247', 'bill-complaint', 'bill-complaint', ?, ?, ?, 'walk_in', ?, ?, ?, ?, ?, ?, ?)""", rows)
    db.executemany("INSERT INTO event (office_code, token_id, kind, actor, reason, at) VALUES ('VAD-247', ?, ?, 'citizen', ?, ?)", events)
    db.commit()
    db.close()


def timed_run(path):
    started = time.monotonic()
    out = fcgi_app("jobs", "run", "--database", path).stdout
    return time.monotonic() - started, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=5000)
    parser.add_argument("--old", type=int, default=100000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=REPO / "var" if (REPO / "var").exists() else None) as folder:
        empty, full = str(Path(folder) / "empty.sqlite"), str(Path(folder) / "full.sqlite")
        for path in (empty, full):
            fcgi_app("migrate", "--database", path, "--fixture-offices")
        fill(full, args.open, args.old)
        baseline, _ = timed_run(empty)
        loaded, out = timed_run(full)
        print(out.strip())
        print(f"jobs run, nothing to do: {baseline:.2f} s; with {args.open} open tokens and {args.old} old ones: {loaded:.2f} s; "
              f"the jobs' work: {loaded - baseline:.2f} s")
        db = sqlite3.connect(full)
        expired = db.execute("SELECT count(*) FROM token WHERE state = 'expired'").fetchone()[0]
        kept = db.execute("SELECT count(*) FROM token WHERE phone IS NOT NULL AND service_day < date('now', '-90 days')").fetchone()[0]
        print(f"checked: {expired} tokens expired, {kept} old tokens still holding a phone number")


if __name__ == "__main__":
    main()
