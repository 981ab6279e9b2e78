#!/usr/bin/env python3
"""Bookings in an office with a recent priority walk-in, beside an office of walk-ins only, the way
users meet them: through the real nginx and fcgi-app (release build), on a stack of its own per run.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/priority-booking.py [--rounds 3] [--seconds 8] [--waiting 3000]

A booking's answer extends the office's last forecast play when the office has walk-ins only; with
a priority walk-in in the last two hours the forecast expects more of them, and each new version
of the office is played in full. Each round runs both, alternating: the office filled to --waiting
with 16 staffed counters, then (for the priority arm) one senior citizen booked, then bookings from
32 connections (wrk), then /api/healthz on the same stack (the limit of the moment).
"""
import argparse
import importlib.util
import json
import os
import subprocess
from pathlib import Path

spec = importlib.util.spec_from_file_location("live_bench", Path(__file__).resolve().parent / "live-bench.py")
live = importlib.util.module_from_spec(spec)
spec.loader.exec_module(live)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--waiting", type=int, default=3000)
    args = parser.parse_args()
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    print("| round | office | bookings | p99 | non-2xx | /api/healthz |\n| --- | --- | --- | --- | --- | --- |")
    for round_number in range(args.rounds):
        for arm, priority in enumerate((False, True)):
            run = round_number * 2 + arm
            stack, counters = live.start_stack(16)
            try:
                live.fill(stack, args.waiting, 50 + run)
                cookie, csrf = live.sign_in(stack)
                live.staff_present(stack, counters, cookie, csrf)
                if priority:
                    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Senior", "phone": "7000000001",
                              "priority": "senior_citizen"}
                    status, _, body = stack.request("POST", "/api/v1/tokens", headers={"Content-Type": "application/json"},
                                                    body=json.dumps(fields).encode())
                    assert status == 201, body
                booked = live.wrk(stack.base + "/api/v1/tokens", live.BOOKING.replace("__RUN__", str(run % 10)), args.seconds, 32)
                health = live.wrk(stack.base + "/api/healthz", live.RESULT, 3, 16)
                print(f"| {round_number + 1} | {'a priority walk-in just before' if priority else 'walk-ins only'} | "
                      f"{booked['per_second']:,.0f}/s | {booked['p99']:.1f} ms | {booked['non_2xx']} | {health['per_second']:,.0f}/s |",
                      flush=True)
            finally:
                stack.stop()


if __name__ == "__main__":
    main()
