#!/usr/bin/env python3
"""Web Push dispatch: how many pushes a second `fcgi-app worker` signs (VAPID, ES256), encrypts
(aes128gcm: a P-256 key agreement per message) and posts over HTTPS to a push service.

    swift build --product fcgi-app && swift build --product sitegen     (or -c release, see below)
    python3 Benchmarks/push-bench.py [--tokens 300] [--bin .build/debug]

Books --tokens walk-ins through nginx, subscribes each to the local HTTPS push service stub
(Tests/integration/push_service_stub.py, in this process; its CPU is printed so that a figure limited
by the stub is seen as such), writes one pending push per token and times one worker from the first
claim to the last recorded. Every body the stub received is decrypted afterwards to check it."""
import argparse
import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser()
parser.add_argument("--tokens", type=int, default=300)
parser.add_argument("--bin", default=str(REPO / ".build" / "release"))
options = parser.parse_args()
os.environ["GUVNL_BIN_DIR"] = str(Path(options.bin).resolve())
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from push_service_stub import Browser, PushServiceStub  # noqa: E402
from stack import Stack  # noqa: E402
from worker import Worker, wait_for  # noqa: E402

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
SERVICES = ["bill-complaint", "meter-complaint", "new-lt-connection", "reconnection"]


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    stack = Stack().start()
    directory = Path(tempfile.mkdtemp(prefix="push-bench-"))
    stub = PushServiceStub(directory)
    phones = {}
    try:
        for n in range(options.tokens):
            fields = {"office": "VAD-247", "service": SERVICES[n % len(SERVICES)], "name": "Bench", "phone": str(9_700_000_000 + n),
                      "language": "gu", "notify_sms": False}
            status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)
            if status != 201:
                print(f"booking {n} refused ({status} {body[:200]!r}): dispatching {len(phones)}", flush=True)
                break
            booked = json.loads(body)
            phone = Browser(f"{stub.origin}/push/{booked['token']['id']}")
            path = f"/api/v1/tokens/{booked['token']['id']}/push-subscriptions?secret={booked['secret']}"
            assert stack.request("POST", path, body=json.dumps(phone.subscription()).encode(), headers=JSON)[0] == 201
            phones[booked["token"]["id"]] = phone
        print(f"{len(phones)} tokens booked and subscribed", flush=True)
        now = int(time.time() * 1000)
        with sqlite3.connect(stack.database) as db:
            db.execute("DELETE FROM outbox")
            db.executemany("INSERT INTO outbox (token_id, office_code, trigger, channel, language, recipient, params, next_attempt_at, "
                           "created_at) VALUES (?, 'VAD-247', 'called', 'push', 'gu', 'push', ?, ?, ?)",
                           [(token, json.dumps({"number": f"BC-{token:03d}", "counter": "2", "office": "વડોદરા"}), now, now)
                            for token in phones])
        stub_cpu = cpu()
        started = time.monotonic()
        worker = Worker(stack, "--push-ca-file", stub.cert, "--batch", "50", name="push-bench")
        count = lambda: sqlite3.connect(stack.database).execute("SELECT count(*) FROM outbox WHERE state = 'sent' AND trigger = 'called'").fetchone()[0]
        try:
            wait_for(lambda: count() == len(phones), timeout=60, step=0.1)
        except AssertionError:
            print(sqlite3.connect(stack.database).execute("SELECT state, last_error, count(*) FROM outbox GROUP BY 1, 2").fetchall())
            print(worker.log.read_text()[-2000:])
            raise
        elapsed = time.monotonic() - started
        worker.stop()
        stub_cpu = cpu() - stub_cpu
        opened = sum(1 for token, phone in phones.items() for _, body in stub.messages_to(f"/push/{token}")
                     if "કાઉન્ટર 2" in phone.decrypt(body)["body"])
        print(f"binaries: {options.bin}")
        print(f"pushes: {len(phones)} sent in {elapsed:.2f} s (worker start included): {len(phones) / elapsed:.0f}/s; "
              f"decrypted by the stub's browser keys: {opened}")
        print(f"this process (push service stub, TLS) CPU: {stub_cpu:.2f} s over the dispatch")
    finally:
        stub.stop()
        stack.stop()


if __name__ == "__main__":
    main()
