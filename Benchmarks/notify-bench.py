#!/usr/bin/env python3
"""Messages to citizens: how fast `fcgi-app worker` dispatches, and what it costs bookings.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/notify-bench.py [--messages 10000] [--seconds 10] [--rounds 2]

In one run, on one stack (release build, real nginx + fcgi-app):
1. Dispatch: --messages pending SMS to the local HTTP gateway stub (Tests/integration), the same
   number to the local sink, and a tenth as many e-mails to a local SMTP relay (aiosmtpd, STARTTLS and
   login): messages per second per channel, from the first claim to the last recorded. The stubs run
   in this process: its CPU is printed, so that a figure limited by the stub is seen as such.
2. Bookings per second through nginx (wrk) with no worker, and with a worker running that sends
   each booking's confirmation to the gateway stub as it comes, alternating, beside /api/healthz and
   a static file of the same run, with wrk's own CPU."""
import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("GUVNL_BIN_DIR", str(REPO / ".build" / "release"))
sys.path.insert(0, str(REPO / "Tests" / "integration"))
sys.path.insert(0, str(REPO / "Benchmarks"))
from sms_gateway_stub import SMSGatewayStub  # noqa: E402
from stack import Stack  # noqa: E402
from worker import Worker, wait_for  # noqa: E402

durability = __import__("durability-bench")


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fill(stack, count, channel):
    now = int(time.time() * 1000)
    recipient = (lambda n: f"bench{n}@example.com") if channel == "email" else (lambda n: str(9_600_000_000 + n))
    with sqlite3.connect(stack.database) as db:
        db.execute("DELETE FROM outbox")
        db.executemany(
            "INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, next_attempt_at, created_at) "
            "VALUES ('VAD-247', 'called', ?, 'gu', ?, ?, ?, ?)",
            [(channel, recipient(n), json.dumps({"number": f"BC-{n:05d}", "counter": "2", "office": "વડોદરા"}), now, now)
             for n in range(count)])


def sent(stack):
    with sqlite3.connect(stack.database) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE state IN ('sent', 'delivered')").fetchone()[0]


def dispatch(stack, name, count, channel, *worker_args, env=None):
    fill(stack, count, channel)
    started, cpu_before = time.monotonic(), cpu()
    worker = Worker(stack, "--batch", "100", "--turn-near-ahead", "0", *worker_args, name=f"bench-{name}", env=env)
    try:
        wait_for(lambda: sent(stack) == count, timeout=3600, step=0.2)
        seconds = time.monotonic() - started
    finally:
        worker.stop()
    rate = count / seconds
    print(f"dispatch {name:8} {count:6} messages in {seconds:6.1f} s: {rate:7.0f}/s   (stub and bench process CPU "
          f"{(cpu() - cpu_before) / seconds:.2f} cores)", flush=True)
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--turn-near-every", default="5", help="the worker's --turn-near-every in the booking runs")
    parser.add_argument("--skip-dispatch", action="store_true", help="only the booking runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gq-notify-", dir=REPO / "var" if (REPO / "var").exists() else None))
    stack = Stack(check_logs=False, database=folder / "queue.sqlite", nginx_env={"GUVNL_BOOKING_RATE": "1000000r/s", "GUVNL_BOOKING_BURST": "1000000"})
    stack.start()
    gateway = SMSGatewayStub()
    try:
        with sqlite3.connect(stack.database) as db:
            db.execute("UPDATE office_service SET daily_cap = 100000")
        rates = {"sms": 0, "sink": 0, "email": 0}
        if not args.skip_dispatch:
            rates = {"sms": dispatch(stack, "sms", args.messages, "sms", "--sms-url", gateway.url),
                     "sink": dispatch(stack, "sink", args.messages, "sms")}
            from smtp_peer import SMTPPeer
            peer = SMTPPeer(folder)
            try:
                rates["email"] = dispatch(stack, "email", max(100, args.messages // 10), "email", "--smtp-url", peer.url,
                                          "--smtp-username", "queue", "--smtp-ca-file", str(peer.cert),
                                          env={"GUVNL_SMTP_PASSWORD": "relay-pass-2026"})
            finally:
                peer.stop()

        results = {}
        for round_number in range(args.rounds):
            for mode in (("alone", "with worker") if round_number % 2 == 0 else ("with worker", "alone")):
                with sqlite3.connect(stack.database) as db:
                    # The last run's queue ends as a day-end would end it (expired), not cancelled: a booking
                    # counts the service's cancelled tokens for its daily cap, so a run after thousands of
                    # cancellations paid for them, and the second run of each round looked slower for it.
                    db.execute("UPDATE token SET state = 'expired', finished_at = created_at WHERE state = 'waiting'")
                    db.execute("DELETE FROM outbox")
                worker = (Worker(stack, "--sms-url", gateway.url, "--turn-near-every", args.turn_near_every, name="bench-booking")
                          if mode == "with worker" else None)
                try:
                    run = round_number * 2 + (mode == "with worker")
                    stub_cpu = cpu()
                    for name, path, script in (("static", "/assets/icon.svg", durability.PLAIN_LUA),
                                               ("healthz", "/api/healthz", durability.PLAIN_LUA),
                                               (f"booking {mode}", "/api/v1/tokens", durability.BOOKING_LUA.replace("RUN", str(run + 1)))):
                        figure = durability.wrk(stack.base + path, script, args.seconds, args.connections)
                        results.setdefault(name, []).append(figure)
                        print(f"round {round_number + 1} {name:20} {figure['per_second']:9.0f}/s  p50 {figure['p50_ms']:6.2f} ms"
                              f"  p99 {figure['p99_ms']:6.2f} ms  non-2xx {figure['non_2xx']}  wrk CPU {figure['client_cpu']:.2f} cores",
                              flush=True)
                    if worker:
                        print(f"         the gateway stub (this process) used {(cpu() - stub_cpu) / args.seconds:.2f} cores while the bookings ran",
                              flush=True)
                        with sqlite3.connect(stack.database) as db:
                            total, done = db.execute("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM outbox").fetchone()
                        print(f"         the worker had sent {done} of the {total} confirmations when the run ended", flush=True)
                finally:
                    if worker:
                        worker.stop()
        print("\n| what | per second | p50 | p99 | wrk CPU (cores) |\n| --- | --- | --- | --- | --- |")
        for name, figures in results.items():
            mean = lambda key: sum(f[key] for f in figures) / len(figures)
            print(f"| {name} | {mean('per_second'):,.0f} | {mean('p50_ms'):.2f} ms | {mean('p99_ms'):.2f} ms | {mean('client_cpu'):.2f} |")
        alone, beside = (sum(f["per_second"] for f in results[f"booking {m}"]) for m in ("alone", "with worker"))
        print(f"\nDispatch: SMS {rates['sms']:,.0f}/s, sink {rates['sink']:,.0f}/s, e-mail {rates['email']:,.0f}/s. "
              f"Bookings with the worker running: {beside / alone:.0%} of the rate without it.")
    finally:
        gateway.stop()
        stack.stop()
        subprocess.run(["rm", "-rf", str(folder)])


if __name__ == "__main__":
    main()
