#!/usr/bin/env python3
"""Citizens' token statuses while a flood of wrong sign-ins arrives, through the real nginx and fcgi-app.

Each round runs on a stack of its own (release build, the local nginx, whose sign-in limit lets the
flood through as a flood spread over many addresses would get through): 200 waiting at VAD-247,
token statuses from 32 connections alone, then the same beside wrong sign-ins from `--flood`
connections, each under a made-up name (so each is checked against the decoy hash, as an unknown
name must be). Printed per round: the statuses' rate and latency alone and beside the flood, the
flood's answers by status (from fcgi-app's request metrics), fcgi-app's peak resident memory, and
what a clerk signing in with the right password meanwhile was told. With `--shift N`, then N
clerks under accounts of their own sign in at the same moment, each trying again a second after a
"busy" answer as the staff pages do: how many tries each took and when the last was in.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/sign-in-flood.py --rounds 2 --flood 32 --shift 20    # GUVNL_BIN_DIR picks other binaries
"""
import argparse
import importlib.util
import json
import re
import sqlite3
import threading
import time
from pathlib import Path

spec = importlib.util.spec_from_file_location("live_bench", Path(__file__).with_name("live-bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

FLOOD = """
function request()
  return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"},
    '{"username":"nobody-' .. math.random(1, 1000000000) .. '","password":"a-wrong-password"}')
end
""" + bench.RESULT


def sign_in_answers(stack):
    """fcgi-app's count of sign-in answers so far, by status."""
    text = stack.get("/api/metrics")[2].decode()
    counts = {}
    for line in text.splitlines():
        if line.startswith("guvnl_http_requests_total{") and 'route="/api/v1/auth/login"' in line:
            status = re.search(r'status="(\d+)"', line).group(1)
            counts[status] = counts.get(status, 0) + float(line.split()[-1])
    return counts


def clerk_signs_in(stack, told):
    """A clerk signing in meanwhile, three times half a second apart: what each was told, and how fast."""
    time.sleep(2)
    for _ in range(3):
        started = time.monotonic()
        status, _, body = stack.request("POST", "/api/v1/auth/login", headers={"Content-Type": "application/json"},
                                        body=b'{"username":"clerk-vad-247","password":"demo-clerk-2026"}')
        reason = "signed in" if status == 200 else json.loads(body)["error"].get("reason") or json.loads(body)["error"]["code"]
        told.append(f"{status} {reason} in {(time.monotonic() - started) * 1000:.0f} ms")
        time.sleep(0.5)


def shift_signs_in(stack, clerks):
    """`clerks` accounts (the demo clerk's password) signing in at the same moment, each trying again
    a second after a busy answer: the tries each took, and when the last was in."""
    with sqlite3.connect(stack.database) as database:
        for index in range(clerks):
            database.execute("""
                INSERT INTO staff_user (username, display_name, password_hash, role, office_code, created_at)
                SELECT 'shift-' || ?, 'Clerk', password_hash, role, office_code, created_at FROM staff_user WHERE username = 'clerk-vad-247'
                """, (index,))
    start, outcomes = threading.Barrier(clerks), []

    def clerk(index):
        start.wait()
        began, tries = time.monotonic(), 0
        while True:
            tries += 1
            status, _, _ = stack.request("POST", "/api/v1/auth/login", headers={"Content-Type": "application/json"},
                                         body=json.dumps({"username": f"shift-{index}", "password": "demo-clerk-2026"}).encode())
            if status != 503:
                break
            time.sleep(1)
        outcomes.append((status, tries, time.monotonic() - began))

    threads = [threading.Thread(target=clerk, args=(index,)) for index in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tries = sorted(outcome[1] for outcome in outcomes)
    return (f"{clerks} clerks at once: answers {sorted({outcome[0] for outcome in outcomes})}, "
            f"{tries.count(1)} in at the first try, at most {tries[-1]} tries, the last in after {max(o[2] for o in outcomes):.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--flood", type=int, default=32, help="wrk connections sending wrong sign-ins")
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--shift", type=int, default=0, help="clerks signing in at the same moment, after the flood")
    args = parser.parse_args()
    for round_number in range(args.rounds):
        stack, _ = bench.start_stack(4)
        try:
            tokens = []
            bench.fill(stack, 200, round_number + 3, tokens)
            script = bench.STATUS.replace("__PATHS__", ",".join(json.dumps(path) for path in tokens)).replace("__SEED__", "3")
            alone = bench.wrk(stack.base + "/", script, args.seconds, 32)
            peak, stop, told, flood = [0], [False], [], {}

            def watch():
                while not stop[0]:
                    peak[0] = max(peak[0], bench.rss_kib(stack.app.pid))
                    time.sleep(0.05)

            before = sign_in_answers(stack)
            helpers = [threading.Thread(target=lambda: flood.update(bench.wrk(stack.base + "/", FLOOD, args.seconds + 2, args.flood))),
                       threading.Thread(target=watch), threading.Thread(target=clerk_signs_in, args=(stack, told))]
            for helper in helpers:
                helper.start()
            time.sleep(1)
            beside = bench.wrk(stack.base + "/", script, args.seconds, 32)
            helpers[0].join()
            helpers[2].join()
            stop[0] = True
            helpers[1].join()
            after = sign_in_answers(stack)
            answers = ", ".join(f"{status}: {after[status] - before.get(status, 0):.0f}" for status in sorted(after))
            print(f"round {round_number + 1}: token status alone {alone['per_second']:,.0f}/s (p99 {alone['p99']:.1f} ms); "
                  f"beside the flood {beside['per_second']:,.0f}/s (p50 {beside['p50']:.1f} ms, p99 {beside['p99']:.1f} ms); "
                  f"flood answers by status (fcgi-app) {answers}; fcgi-app peak RSS {peak[0] / 1024:.0f} MiB; "
                  f"a clerk meanwhile: {'; '.join(told)}", flush=True)
            if args.shift:
                time.sleep(2)
                print(f"round {round_number + 1}: " + shift_signs_in(stack, args.shift), flush=True)
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
