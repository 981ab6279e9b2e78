#!/usr/bin/env python3
"""What a booking's INSERT and a counter's state changes cost inside SQLite, with the token table's
indexes as v20-token-write-indexes leaves them ("new") and as they were before it ("old"), side by side.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/token-write-bench.py --tokens 30000,100000 --rounds 3

The database is this build's (sitegen's catalogue, `fcgi-app migrate`, `import-catalog`); the old
shape is the same database with v20's index changes undone (a UNIQUE index on view_secret_hash costs
what the column's UNIQUE did). Both get the same tokens: history over 30 days at every office, 3,000
waiting today at VAD-247. Each round books N walk-ins, then calls, starts and completes N waiting
tokens, 50 statements a transaction (as group commit does), in WAL, the old and new shapes
alternating. It prints this process's CPU time per statement (Python's own share is about 1 us) and
the WAL written per statement (pages dirtied, the I/O a durable commit pays for).
"""
import argparse
import datetime
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("GUVNL_BIN_DIR", REPO / ".build" / "release"))
TODAY = datetime.date(2026, 12, 6)
BATCH = 50

# v20 undone: its three indexes out, the four it replaced and the secret's unique key back.
OLD_SHAPE = [
    "DROP INDEX token_queue", "DROP INDEX token_cancelled", "DROP INDEX token_by_phone",
    "CREATE UNIQUE INDEX token_view_secret ON token(view_secret_hash)",
    "CREATE INDEX token_queue ON token(office_code, service_day, state, service_code)",
    "CREATE INDEX token_issued ON token(office_code, booked_service_code, service_day, state)",
    "CREATE INDEX token_by_phone ON token(phone, service_day, state)",
    "CREATE INDEX token_open_by_day ON token(office_code, service_day) WHERE state IN ('booked', 'waiting', 'called', 'parked')",
]

INSERT = """
    INSERT INTO token (view_secret_hash, manage_secret_hash, office_code, service_code, booked_service_code, service_day,
        sequence, number, kind, state, priority, citizen_name, phone, language, queued_at, created_at, called_at, started_at,
        finished_at, counter_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'walk_in', ?, ?, 'Citizen', ?, 'gu', ?, ?, ?, ?, ?, ?)
    """


def migrated(folder):
    """This build's database with the catalogue, as the integration stack makes it."""
    subprocess.run([BIN / "sitegen", "build", "--root", REPO, "--output", folder / "public"], check=True, capture_output=True)
    database = folder / "base.sqlite"
    for command in (["migrate"], ["import-catalog", folder / "public" / "catalog.json"]):
        subprocess.run([BIN / "fcgi-app", *command, "--database", database], check=True, capture_output=True)
    return database


def fill(path, total):
    """`total` tokens: history spread over the 30 days before today, and 3,000 waiting today at VAD-247."""
    db = sqlite3.connect(path, isolation_level=None)
    pairs = db.execute("SELECT office_code, service_code FROM office_service ORDER BY 1, 2").fetchall()
    counters = {}
    for counter, office in db.execute("SELECT id, office_code FROM counter"):
        counters.setdefault(office, []).append(counter)
    rnd, sequences = random.Random(1), {}
    db.execute("BEGIN")

    def add(office, service, day, state, at):
        key = (office, service, day)
        sequences[key] = sequences.get(key, 0) + 1
        sequence = sequences[key]
        counter = rnd.choice(counters.get(office, [None])) if state in ("served", "no_show") else None
        db.execute(INSERT, (hashlib.sha256(rnd.randbytes(16)).hexdigest(), hashlib.sha256(rnd.randbytes(16)).hexdigest(),
                            office, service, service, day, sequence, f"BC-{sequence:03d}", state,
                            rnd.choice(["none"] * 9 + ["senior_citizen"]), f"9{rnd.randrange(10**9):09d}",
                            at, at, at + 1000 if counter else None, at + 2000 if state == "served" else None,
                            at + 600_000 if state != "waiting" else None, None))
    history = total - 3000
    for index in range(history):
        day = TODAY - datetime.timedelta(days=1 + index * 30 // max(history, 1))
        office, service = rnd.choice(pairs)
        add(office, service, day.isoformat(), rnd.choice(["served"] * 8 + ["no_show", "cancelled", "expired"]),
            1_700_000_000_000 + index)
    here = [pair for pair in pairs if pair[0] == "VAD-247"]
    for index in range(3000):
        office, service = rnd.choice(here)
        add(office, service, TODAY.isoformat(), "waiting", 1_800_000_000_000 + index)
    db.execute("COMMIT")
    db.close()


def run(path, work_path, count):
    """CPU microseconds and WAL KiB per statement: insert, call, start, complete."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(path, work_path)
    db = sqlite3.connect(work_path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "wal_autocheckpoint = 0", "secure_delete = ON"):
        db.execute(f"PRAGMA {pragma}")
    rnd = random.Random(7)
    office, service, day = "VAD-247", "bill-complaint", TODAY.isoformat()
    base = db.execute("SELECT coalesce(max(sequence), 0) FROM token WHERE office_code = ? AND booked_service_code = ? AND service_day = ?",
                      (office, service, day)).fetchone()[0]
    counter = db.execute("SELECT min(id) FROM counter WHERE office_code = ?", (office,)).fetchone()[0]
    bookings = [(hashlib.sha256(rnd.randbytes(16)).hexdigest(), hashlib.sha256(rnd.randbytes(16)).hexdigest(), office, service,
                 service, day, base + i + 1, f"BC-{base + i + 1:03d}", "waiting", "none", f"9{rnd.randrange(10**9):09d}",
                 1, 1, None, None, None, None) for i in range(count)]
    waiting = [row[0] for row in db.execute("SELECT id FROM token WHERE office_code = ? AND service_day = ? AND state = 'waiting' ORDER BY id LIMIT ?",
                                             (office, day, count))]
    steps = [
        lambda i: db.execute(INSERT, bookings[i]),
        lambda i: db.execute("UPDATE token SET state = 'called', counter_id = ?, called_at = 2, target_counter_id = NULL, recalls = 0 "
                             "WHERE id = ? AND state = 'waiting'", (counter, waiting[i])),
        lambda i: db.execute("UPDATE token SET state = 'serving', started_at = 3 WHERE id = ?", (waiting[i],)),
        lambda i: db.execute("UPDATE token SET state = 'served', finished_at = 4 WHERE id = ?", (waiting[i],)),
    ]
    cpu, wal = [], []
    for step in steps:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        start = time.process_time()
        for first in range(0, count, BATCH):
            db.execute("BEGIN IMMEDIATE")
            for i in range(first, min(first + BATCH, count)):
                step(i)
            db.execute("COMMIT")
        cpu.append((time.process_time() - start) / count * 1e6)
        wal.append(os.path.getsize(f"{work_path}-wal") / count / 1024)
    db.close()
    return cpu, wal


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", default="30000,100000", help="table sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--statements", type=int, default=3000, help="bookings, and calls, starts and completions, per round")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="token-write-bench-") as temporary:
        folder = Path(temporary)
        base = migrated(folder)
        names = ["insert", "call", "start", "complete"]
        for total in (int(size) for size in options.tokens.split(",")):
            shapes = {"old": folder / f"old-{total}.sqlite", "new": folder / f"new-{total}.sqlite"}
            shutil.copy(base, shapes["new"])
            fill(shapes["new"], total)
            shutil.copy(shapes["new"], shapes["old"])
            db = sqlite3.connect(shapes["old"], isolation_level=None)
            for statement in OLD_SHAPE:
                db.execute(statement)
            db.close()  # (closing checkpoints the WAL into the file that each run copies)
            results = {shape: [] for shape in shapes}
            for _ in range(options.rounds):
                for shape, path in shapes.items():
                    results[shape].append(run(path, folder / "work.sqlite", options.statements))
            print(f"{total:,} tokens ({options.rounds} rounds alternating, median (each round))")
            for shape in shapes:
                cpu = [statistics.median(r[0][i] for r in results[shape]) for i in range(4)]
                rounds = [", ".join(f"{r[0][i]:.1f}" for r in results[shape]) for i in range(4)]
                wal = [results[shape][0][1][i] for i in range(4)]
                print(f"  {shape}: " + "  ".join(f"{n} {c:.1f} us ({r}), WAL {w:.1f} KiB" for n, c, r, w in zip(names, cpu, rounds, wal)))


if __name__ == "__main__":
    main()
