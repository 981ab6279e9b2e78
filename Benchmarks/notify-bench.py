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
   each booking's confirmation to a gateway stub as it comes, alternating, beside /api/healthz and
   a static file of the same run, with wrk's own CPU. Each booking run has a stack of its own on a
   fresh database seeded the same way, so that the two rates compare like with like (a run never
   inherits an earlier run's tokens, outbox, WAL or an fcgi-app that missed a reset made in SQL).
   The gateway stub of these runs is nginx answering every post with an id (`--gateway nginx`,
   the default): a real gateway is on another machine, and the Python stub (`--gateway python`)
   used 0.15-0.2 of this machine's two cores itself while the worker sent 700 a second."""
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


class NginxGateway:
    """A gateway stub that costs this machine as little as a remote gateway would: nginx answering
    every post with a JSON id, connections kept. It checks nothing (the Python stub does that in the
    tests and in the dispatch figures)."""

    def __init__(self):
        from stack import free_port
        self.dir = Path(tempfile.mkdtemp(prefix="gq-gateway-"))
        port = free_port()
        (self.dir / "logs").mkdir()
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(f"""worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    server {{
        listen 127.0.0.1:{port};
        location / {{ default_type application/json; return 200 '{{"id":"$request_id"}}'; }}
    }}
}}
""")
        subprocess.run(["nginx", "-p", str(self.dir), "-c", str(self.conf), "-e", str(self.dir / "logs" / "error.log")], check=True)
        self.url = f"http://127.0.0.1:{port}/sms/send"
        wait_for(lambda: (self.dir / "nginx.pid").exists(), timeout=10)

    def cpu(self):
        """CPU seconds of nginx's processes (master and worker)."""
        out = subprocess.run(["pgrep", "-f", str(self.conf)], capture_output=True, text=True).stdout.split()
        master = out[0] if out else None
        pids = out + (subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split() if master else [])
        return sum(process_cpu(int(p)) for p in set(pids))

    def stop(self):
        subprocess.run(["nginx", "-p", str(self.dir), "-c", str(self.conf), "-e", str(self.dir / "logs" / "error.log"), "-s", "stop"],
                       capture_output=True)
        subprocess.run(["rm", "-rf", str(self.dir)])


def process_cpu(pid):
    """CPU seconds a process has used, from /proc (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0


def fresh_stack(folder, name):
    """A stack on a new database, seeded as every run's is: the site's catalogue, demo staff, the 24x7
    office's three counters open, caps out of the way."""
    stack = Stack(check_logs=False, database=folder / name / "queue.sqlite",
                  nginx_env={"GUVNL_BOOKING_RATE": "1000000r/s", "GUVNL_BOOKING_BURST": "1000000"})
    stack.start()
    with sqlite3.connect(stack.database) as db:
        db.execute("UPDATE office_service SET daily_cap = 100000")
    return stack


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
    parser.add_argument("--gateway", choices=("nginx", "python"), default="nginx",
                        help="the SMS gateway stub of the booking runs (the dispatch figures always use the Python stub)")
    parser.add_argument("--worker-args", default="", help="more arguments for the booking runs' worker, such as '--gather-seconds 0'")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gq-notify-", dir=REPO / "var" if (REPO / "var").exists() else None))
    gateway = SMSGatewayStub()
    booking_gateway = NginxGateway() if args.gateway == "nginx" else gateway
    stack = None
    try:
        rates = {"sms": 0, "sink": 0, "email": 0}
        if not args.skip_dispatch:
            stack = fresh_stack(folder, "dispatch")
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
            stack.stop()
            stack = None

        results = {}
        for round_number in range(args.rounds):
            for mode in (("alone", "with worker") if round_number % 2 == 0 else ("with worker", "alone")):
                stack = fresh_stack(folder, f"run-{round_number + 1}-{mode.replace(' ', '-')}")
                worker = (Worker(stack, "--sms-url", booking_gateway.url, "--turn-near-every", args.turn_near_every,
                                 "--poll-seconds", "0.5", *args.worker_args.split(), name="bench-booking")
                          if mode == "with worker" else None)
                try:
                    run = round_number * 2 + (mode == "with worker")
                    stub_cpu = cpu() if args.gateway == "python" else booking_gateway.cpu()
                    for name, path, script in (("static", "/assets/icon.svg", durability.PLAIN_LUA),
                                               ("healthz", "/api/healthz", durability.PLAIN_LUA),
                                               (f"booking {mode}", "/api/v1/tokens", durability.BOOKING_LUA.replace("RUN", str(run + 1)))):
                        figure = durability.wrk(stack.base + path, script, args.seconds, args.connections)
                        results.setdefault(name, []).append(figure)
                        print(f"round {round_number + 1} {name:20} {figure['per_second']:9.0f}/s  p50 {figure['p50_ms']:6.2f} ms"
                              f"  p99 {figure['p99_ms']:6.2f} ms  non-2xx {figure['non_2xx']}  wrk CPU {figure['client_cpu']:.2f} cores",
                              flush=True)
                    if worker:
                        stub_used = (cpu() if args.gateway == "python" else booking_gateway.cpu()) - stub_cpu
                        print(f"         the gateway stub ({args.gateway}) used {stub_used / args.seconds:.2f} cores while the bookings ran",
                              flush=True)
                        with sqlite3.connect(stack.database) as db:
                            total, done = db.execute("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM outbox").fetchone()
                        print(f"         the worker had sent {done} of the {total} confirmations when the run ended", flush=True)
                finally:
                    if worker:
                        worker.stop()
                    stack.stop()
                    stack = None
                    subprocess.run(["rm", "-rf", str(folder / f"run-{round_number + 1}-{mode.replace(' ', '-')}")])
        print("\n| what | per second | p50 | p99 | wrk CPU (cores) |\n| --- | --- | --- | --- | --- |")
        for name, figures in results.items():
            mean = lambda key: sum(f[key] for f in figures) / len(figures)
            print(f"| {name} | {mean('per_second'):,.0f} | {mean('p50_ms'):.2f} ms | {mean('p99_ms'):.2f} ms | {mean('client_cpu'):.2f} |")
        # Each round's two runs are back to back, so their ratio is the least disturbed by what else runs.
        ratios = [w["per_second"] / a["per_second"] for a, w in zip(results["booking alone"], results["booking with worker"])]
        print("\nWith / without the worker, by round: " + ", ".join(f"{r:.0%}" for r in ratios) +
              f"; median {sorted(ratios)[len(ratios) // 2]:.0%}")
        alone, beside = (sum(f["per_second"] for f in results[f"booking {m}"]) for m in ("alone", "with worker"))
        print(f"\nDispatch: SMS {rates['sms']:,.0f}/s, sink {rates['sink']:,.0f}/s, e-mail {rates['email']:,.0f}/s. "
              f"Bookings with the worker running: {beside / alone:.0%} of the rate without it.")
    finally:
        gateway.stop()
        if booking_gateway is not gateway:
            booking_gateway.stop()
        if stack:
            stack.stop()
        subprocess.run(["rm", "-rf", str(folder)])


if __name__ == "__main__":
    main()
