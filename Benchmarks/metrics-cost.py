#!/usr/bin/env python3
"""What metrics and request log lines cost an answer, through the real nginx and fcgi-app (release builds).

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/metrics-cost.py --before /path/to/older/fcgi-app [--seconds 10] [--rounds 3]

`/api/healthz` (it reads the database) and a static file, with wrk (Debian's package), alternating
round by round between: the older fcgi-app given (say, the build before metrics), this build, and
this build at log level `notice` (no line per request). Prints requests/s, p50 and p99 of each run,
fcgi-app's own CPU time per request (steadier than requests/s on a machine others load too), and
wrk's CPU use, so that a figure limited by the client is seen as such."""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / ".build" / "release"
sys.path.insert(0, str(REPO / "Tests" / "integration"))
import stack as stack_module  # noqa: E402

SCRIPT = """
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f\\n", summary.requests, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(url, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(SCRIPT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", handle.name, url],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(handle.name)
    requests, errors, micros, p50, p99 = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return int(requests) / (int(micros) / 1e6), int(errors), float(p50), float(p99), cpu / (int(micros) / 1e6)


def cpu_seconds(pid):
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(label, bin_dir, app_args, seconds, connections):
    stack_module.BIN = Path(bin_dir)
    running = stack_module.Stack(app_args=app_args).start()
    try:
        for name, path in (("/api/healthz", "/api/healthz"), ("static", "/index.html")):
            app_before = cpu_seconds(running.app_pid())
            rate, errors, p50, p99, cpu = wrk(running.base + path, seconds, connections)
            app_cpu = cpu_seconds(running.app_pid()) - app_before
            per_request = f"app CPU {app_cpu / (rate * seconds) * 1e6:5.1f} us/request" if name != "static" else ""
            print(f"{label:28} {name:13} {rate:9,.0f}/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
                  f"errors {errors}  wrk CPU {cpu:.2f} cores  {per_request}", flush=True)
    finally:
        running.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="the older fcgi-app binary to compare with")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    # The older binary beside this build's sitegen (the site is the same for both).
    older = Path(tempfile.mkdtemp(prefix="gq-older-"))
    shutil.copy(options.before, older / "fcgi-app")
    os.symlink(RELEASE / "sitegen", older / "sitegen")
    try:
        for round_number in range(1, options.rounds + 1):
            print(f"round {round_number}")
            run("before (older build)", older, [], options.seconds, options.connections)
            run("this build", RELEASE, [], options.seconds, options.connections)
            run("this build, log level notice", RELEASE, ["--log-level", "notice"], options.seconds, options.connections)
    finally:
        shutil.rmtree(older, ignore_errors=True)


if __name__ == "__main__":
    main()
