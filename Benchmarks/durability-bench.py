#!/usr/bin/env python3
"""What durability costs a booking, through the real nginx and fcgi-app (release build).

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/durability-bench.py [--seconds 10] [--connections 8]

In one run, alternating, with fcgi-app restarted on the same database for each: bookings/s and their
latency with SQLite `synchronous = FULL` (the default: an acknowledged booking survives a power cut)
and with `NORMAL`; beside them the limits of the same run, `/api/healthz` and a static file. wrk is the
load client (Debian's package); its own CPU time is printed, so that a figure limited by the client is
seen as such. The database is on this machine's disk, not a tmpfs, which would make FULL free."""
import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("GUVNL_BIN_DIR", str(REPO / ".build" / "release"))
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from stack import Stack  # noqa: E402

# Each wrk thread of each run books with phone numbers of its own, so that the 3-per-phone limit never
# refuses one (RUN is replaced by the run's number).
BOOKING_LUA = """
local counter = RUN * 1000000
local thread_id = 0
local next_id = 0
function setup(thread) next_id = next_id + 1; thread:set("id", next_id) end
function init(args) thread_id = id end
function request()
  counter = counter + 1
  local phone = string.format("9%d%08d", thread_id, counter)
  local body = '{"office":"VAD-247","service":"bill-complaint","name":"Bench Citizen","phone":"' .. phone .. '"}'
  return wrk.format("POST", "/api/v1/tokens", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""

PLAIN_LUA = BOOKING_LUA.replace("RUN", "0").split("function request()")[0] + """
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk(url, script, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", handle.name, url],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(handle.name)
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, bad, micros = int(fields[0]), int(fields[1]), int(fields[2])
    client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"per_second": requests / (micros / 1e6), "non_2xx": bad, "p50_ms": float(fields[3]), "p99_ms": float(fields[4]),
            "max_ms": float(fields[5]), "client_cpu": client_cpu / (micros / 1e6)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    subprocess.run(["bash", str(REPO / "scripts" / "install-deps.sh")], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True) if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="gq-durability-", dir=REPO / "var" if (REPO / "var").exists() else None))
    stack = Stack(check_logs=False, database=folder / "queue.sqlite", nginx_env={"GUVNL_BOOKING_RATE": "1000000r/s", "GUVNL_BOOKING_BURST": "1000000"})
    stack.start()
    results = {}
    try:
        with sqlite3.connect(stack.database) as db:
            db.execute("UPDATE office_service SET daily_cap = 100000")
        for round_number in range(args.rounds):
            # Alternating which goes first, so that anything drifting over the run weighs on both alike.
            for mode in (("normal", "full") if round_number % 2 == 0 else ("full", "normal")):
                stack.app.send_signal(15)
                stack.app.wait(timeout=20)
                stack.app_args = ["--synchronous", mode]
                stack.start_app()
                stack.wait_until_up()
                # The same queue for every booking run: the cost of a booking grows with the queue
                # today (the live-picture issue), which would otherwise hide what durability costs.
                with sqlite3.connect(stack.database) as db:
                    db.execute("UPDATE token SET state = 'cancelled', finished_at = created_at WHERE state = 'waiting'")
                run = round_number * 2 + (mode == "full")
                for name, path, script in (("static", "/assets/icon.svg", PLAIN_LUA), ("healthz", "/api/healthz", PLAIN_LUA),
                                           (f"booking ({mode})", "/api/v1/tokens", BOOKING_LUA.replace("RUN", str(run + 1)))):
                    figure = wrk(stack.base + path, script, args.seconds, args.connections)
                    results.setdefault(name, []).append(figure)
                    print(f"round {round_number + 1} {name:16} {figure['per_second']:9.0f}/s  p50 {figure['p50_ms']:6.2f} ms"
                          f"  p99 {figure['p99_ms']:6.2f} ms  max {figure['max_ms']:7.2f} ms  non-2xx {figure['non_2xx']}"
                          f"  wrk CPU {figure['client_cpu']:.2f} cores", flush=True)
        with sqlite3.connect(stack.database) as db:
            booked = db.execute("SELECT count(*) FROM token").fetchone()[0]
        print(f"\n{booked} tokens booked in all; {args.connections} connections, {args.seconds} s per figure, "
              f"{args.rounds} rounds, alternating which mode goes first:\n")
        print("| what | per second (mean of rounds) | p50 | p99 | wrk CPU (cores) |\n| --- | --- | --- | --- | --- |")
        for name, figures in results.items():
            mean = lambda key: sum(figure[key] for figure in figures) / len(figures)
            print(f"| {name} | {mean('per_second'):,.0f} | {mean('p50_ms'):.2f} ms | {mean('p99_ms'):.2f} ms | {mean('client_cpu'):.2f} |")
        normal, full = (sum(f["per_second"] for f in results[f"booking ({m})"]) for m in ("normal", "full"))
        print(f"\nFULL books at {full / normal:.0%} of NORMAL's rate in this run.")
    finally:
        stack.stop()
        subprocess.run(["rm", "-rf", str(folder)])


if __name__ == "__main__":
    main()
