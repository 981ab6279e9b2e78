"""Backups that restore: `fcgi-app backup` copies the database while citizens keep booking through
nginx, the copy restores into a fresh folder and holds every booking acknowledged before the backup
began, and the restored database serves again. Health reports the newest backup's age."""
import json
import os
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from disk import small_disk
from stack import BIN, Stack

JSON = {"Content-Type": "application/json"}
# The round-the-clock office's services with room for a day's bookings (daily caps 400, 300, 200).
SERVICES = ("bill-complaint", "meter-complaint", "reconnection")


def fcgi_app(*args):
    return subprocess.run([BIN / "fcgi-app", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def backed_up_stack():
    backups = Path(tempfile.mkdtemp(prefix="gq-backups-"))
    running = Stack(app_args=["--backup-dir", str(backups)])
    running.backups = backups
    running.start()
    yield running
    running.stop()
    subprocess.run(["rm", "-rf", str(backups)])


class Booker:
    """Citizens booking without pause from several threads; each acknowledged booking is noted with
    the moment its 201 arrived. Paced a little, so that the day's caps last the whole test."""
    def __init__(self, stack, threads=3):
        self.stack, self.stop_flag, self.lock = stack, threading.Event(), threading.Lock()
        self.acknowledged, self.refused = [], []
        self.threads = [threading.Thread(target=self.run, args=(index,)) for index in range(threads)]

    def run(self, index):
        count = 0
        while not self.stop_flag.is_set() and count < 150:
            count += 1
            time.sleep(0.02)
            service = SERVICES[count % len(SERVICES)]
            body = json.dumps({"office": "VAD-247", "service": service, "name": "Backup Test",
                               "phone": f"93{index:02d}{count:06d}"}).encode()
            status, _, answer = self.stack.request("POST", "/api/v1/tokens", body=body, headers=JSON)
            at = time.monotonic()
            with self.lock:
                if status == 201:
                    token = json.loads(answer)
                    self.acknowledged.append((at, token["token"]["id"], token["token"]["number"], token["secret"]))
                else:
                    self.refused.append((status, answer[:200]))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for thread in self.threads:
            thread.join()


def test_a_backup_taken_under_load_restores_every_booking_acknowledged_before_it(backed_up_stack, tmp_path):
    stack = backed_up_stack
    # Given no backup yet: health serves (200) but says one is missing
    status, _, body = stack.get("/api/healthz")
    assert status == 200 and "last_backup" not in json.loads(body) and "backup_missing" in json.loads(body)["warnings"]
    # When citizens book continuously and a backup is taken in the middle of it
    with Booker(stack) as booker:
        time.sleep(1.5)
        began = time.monotonic()
        backup = fcgi_app("backup", "--database", stack.database, "--backup-dir", stack.backups, "--keep", "3")
        ended = time.monotonic()
        time.sleep(1.0)
    assert backup.returncode == 0, backup.stderr
    assert booker.refused == [], booker.refused
    before = [entry for entry in booker.acknowledged if entry[0] < began]
    after = [entry for entry in booker.acknowledged if entry[0] > ended]
    assert len(before) >= 20 and len(after) >= 20, (len(before), len(after))
    during = len(booker.acknowledged) - len(before) - len(after)
    print(f"backup took {ended - began:.3f} s; bookings acknowledged before {len(before)}, while it ran {during}, after {len(after)}")
    files = sorted(stack.backups.glob("guvnl-queue-*.sqlite"))
    assert len(files) == 1 and "integrity ok" in backup.stdout
    assert [path.name for path in stack.backups.iterdir()] == [files[0].name], "no partial file beside the backup"

    # Then health reports a fresh backup and no backup warning
    health = json.loads(stack.get("/api/healthz")[2])
    assert 0 <= health["last_backup"]["age_seconds"] < 60
    assert not {"backup_missing", "backup_old"} & set(health["warnings"])

    # When the backup is restored into a fresh folder
    fresh = tmp_path / "restored" / "queue.sqlite"
    restore = fcgi_app("restore", files[0], "--database", fresh)
    assert restore.returncode == 0, restore.stderr
    # Then it passes SQLite's integrity check and holds every token acknowledged before the backup began
    with sqlite3.connect(fresh) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        restored = dict(db.execute("SELECT id, number FROM token").fetchall())
    missing = [(token_id, number) for _, token_id, number, _ in before if restored.get(token_id) != number]
    assert missing == [], f"{len(missing)} acknowledged bookings lost: {missing[:5]}"
    # and nothing it holds was invented: every restored token was one a citizen booked
    booked = {token_id: number for _, token_id, number, _ in booker.acknowledged}
    assert all(booked.get(token_id) == number for token_id, number in restored.items())

    # And the restored database serves again: a citizen from before the backup reads their token through nginx
    again = Stack(database=fresh).start()
    try:
        _, token_id, number, secret = before[0]
        status, _, body = again.get(f"/api/v1/tokens/{token_id}?secret={secret}")
        assert status == 200 and json.loads(body)["token"]["number"] == number
    finally:
        again.stop()


def test_restore_refuses_while_the_server_runs_and_changes_nothing(backed_up_stack):
    stack = backed_up_stack
    backup = fcgi_app("backup", "--database", stack.database, "--backup-dir", stack.backups)
    assert backup.returncode == 0, backup.stderr
    before = stack.database.stat()
    # When an operator restores over the database of the running server
    restore = fcgi_app("restore", next(stack.backups.glob("*.sqlite")), "--database", stack.database)
    # Then it is refused, saying how to stop the server, and the database is the same file as before
    assert restore.returncode != 0
    assert "in use by a running server" in restore.stderr and "systemctl stop" in restore.stderr
    assert stack.database.stat().st_ino == before.st_ino
    assert not list(stack.database.parent.glob("*.replaced-*"))
    assert stack.get("/api/healthz")[0] == 200


def test_restore_refuses_a_damaged_backup(tmp_path):
    damaged = tmp_path / "guvnl-queue-20261205T000000.000Z.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    restore = fcgi_app("restore", damaged, "--database", tmp_path / "db" / "queue.sqlite")
    assert restore.returncode != 0 and "Error:" in restore.stderr
    assert not (tmp_path / "db" / "queue.sqlite").exists()


def test_a_backup_onto_a_full_disk_fails_clearly_and_leaves_nothing(backed_up_stack):
    # Given a backup folder on a disk too small for the database (a 64 KiB tmpfs)
    with small_disk("64k") as disk:
        # When a backup is taken into it
        backup = fcgi_app("backup", "--database", backed_up_stack.database, "--backup-dir", disk)
        # Then it fails, says the disk is full, and leaves no file behind
        assert backup.returncode != 0
        assert "disk is full" in backup.stderr, backup.stderr
        assert os.listdir(disk) == []
