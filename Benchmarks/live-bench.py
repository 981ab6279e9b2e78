#!/usr/bin/env python3
"""The live picture's figures, the way users meet them: through the real nginx and fcgi-app (release
build), on a database and port of its own, side by side with the limits of the same run (a static
file and /api/healthz), with the load client's own CPU use.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/live-bench.py [--waiting 200,3000] [--seconds 8] [--streams 1000,10000] [--counters 16] [--stream-kinds board,full] [--booking-connections 8,32]

For each queue length, on a stack of its own: the limits (a static file, /api/healthz), token
status (tokens read at random), the office snapshot, call-next (each of --counters counters calling,
starting and completing in turn, and a citizen booking, so that the queue keeps its length; then
the same with the console's "done, next", which completes and calls in one request, with a booking
and, on a stack of its own filled beyond the queue length, without, then again with everyone
having joined three hours before, as in a long queue, so that all are overdue) and booking. Then
one booking fanned out to many office streams (the delay until each stream has it, and memory per
stream in fcgi-app and nginx), and /api/healthz while those streams are open and bookings arrive
at 100/s. wrk is the HTTP load client (Debian's package)."""
import argparse
import json
import os
import resource
import selectors
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("GUVNL_BIN_DIR", str(REPO / ".build" / "release"))
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from stack import Stack  # noqa: E402

RESULT = """
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""

# Each wrk thread books with phone numbers of its own (RUN makes each run's numbers new).
BOOKING = """
local counter = 0
local next_id = 0
function setup(thread) next_id = next_id + 1; thread:set("id", next_id) end
function request()
  counter = counter + 1
  local phone = string.format("9%d%d%07d", __RUN__, id, counter)
  local body = '{"office":"VAD-247","service":"bill-complaint","name":"Bench Citizen","phone":"' .. phone .. '"}'
  return wrk.format("POST", "/api/v1/tokens", {["Content-Type"] = "application/json"}, body)
end
""" + RESULT

# Each wrk thread (one connection) works one counter: call next, start, complete, and a citizen books,
# so that the queue stays as long as it was.
COUNTER = """
local next_id = 0
local step = 0
local booked = 0
function setup(thread) next_id = next_id + 1; thread:set("counter", (__COUNTERS__)[next_id]); thread:set("id", next_id) end
function request()
  step = step % 4 + 1
  if step == 4 then
    booked = booked + 1
    local body = '{"office":"VAD-247","service":"bill-complaint","name":"Bench","phone":"' ..
      string.format("7%02d%07d", id, booked) .. '"}'
    return wrk.format("POST", "/api/v1/tokens", {["Content-Type"] = "application/json"}, body)
  end
  local action = ({"call-next", "start", "complete"})[step]
  return wrk.format("POST", "/api/v1/counters/" .. counter .. "/" .. action,
    {["Content-Type"] = "application/json", ["Cookie"] = __COOKIE__, ["X-CSRF-Token"] = __CSRF__}, "{}")
end
""" + RESULT

# The same clerks with the console's "done, next" (one request completes the citizen and calls the
# next): each clerk starts serving whoever is called and then presses "done, next", and calls next
# when nobody is at the counter, as the desk each answer returns says (so that a request wrk loses
# at a reconnection cannot leave the steps out of turn); with __BOOK__ 1 a citizen books after each
# "done, next", so that the queue keeps its length, and with 0 the queue shortens.
DONE_NEXT = """
local next_id = 0
local action = "call-next"
local booked = 0
local book_next = false
function setup(thread) next_id = next_id + 1; thread:set("counter", (__COUNTERS__)[next_id]); thread:set("id", next_id) end
local sent = nil
function request()
  if book_next then
    book_next = false
    sent = "booking"
    booked = booked + 1
    local body = '{"office":"VAD-247","service":"bill-complaint","name":"Bench","phone":"' ..
      string.format("6%d%02d%06d", __RUN__, id, booked) .. '"}'
    return wrk.format("POST", "/api/v1/tokens", {["Content-Type"] = "application/json"}, body)
  end
  sent = action
  return wrk.format("POST", "/api/v1/counters/" .. counter .. "/" .. action,
    {["Content-Type"] = "application/json", ["Cookie"] = __COOKIE__, ["X-CSRF-Token"] = __CSRF__}, "{}")
end
function response(status, headers, body)
  if sent == "booking" then return end
  if status == 200 and string.find(body, '"current":null', 1, true) then action = "call-next"
  elseif status == 200 and string.find(body, '"state":"called"', 1, true) then action = "start"
  elseif status == 200 then action = "complete-and-call-next"
  elseif string.find(body, "counter_busy", 1, true) then action = "start"
  elseif string.find(body, "illegal_transition", 1, true) then
    action = sent == "start" and "complete-and-call-next" or "start"
  else action = "call-next" end
  book_next = status == 200 and __BOOK__ == 1 and sent == "complete-and-call-next"
end
""" + RESULT


def wrk(url, script, seconds, connections, threads=2):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", handle.name, url],
                         capture_output=True, text=True)
    out = run.stdout
    if "RESULT" not in out:
        raise RuntimeError(f"wrk failed: {run.stdout} {run.stderr} (script {script[:400]})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(handle.name)
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, bad, micros = int(fields[0]), int(fields[1]), int(fields[2])
    return {"per_second": requests / (micros / 1e6), "non_2xx": bad, "p50": float(fields[3]), "p99": float(fields[4]),
            "max": float(fields[5]), "client_cpu": ((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)) / (micros / 1e6)}


def show(name, figure, note=""):
    print(f"| {name} | {figure['per_second']:,.0f}/s | {figure['p50']:.2f} ms | {figure['p99']:.2f} ms | "
          f"{figure['client_cpu']:.2f} | {figure['non_2xx']} | {note}", flush=True)


def waiting(database):
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM token WHERE state = 'waiting' AND office_code = 'VAD-247'").fetchone()[0]


def book(stack, phone):
    status, headers, body = stack.request("POST", "/api/v1/tokens", headers={"Content-Type": "application/json"},
                                          body=json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": "Bench",
                                                           "phone": phone}).encode())
    assert status == 201, body
    return json.loads(body)


def fill(stack, target, run, tokens=None):
    """Books walk-ins one by one until `target` wait; keeps each token's status path in `tokens`."""
    missing = target - waiting(stack.database)
    index = 0
    while missing > 0:
        answer = book(stack, f"8{(run * 1_000_000 + index) % 10**9:09d}")
        if tokens is not None:
            tokens.append(f"/api/v1/tokens/{answer['token']['id']}?secret={answer['secret']}")
        index += 1
        missing -= 1


# Each request reads the status of a token picked at random among those waiting, as the citizens
# of a waiting hall do from their own phones (so no answer is simply the one before it again).
STATUS = """
local paths = {__PATHS__}
math.randomseed(__SEED__)
function request() return wrk.format("GET", paths[math.random(#paths)]) end
""" + RESULT


def commits(stack):
    """The queue's commits so far and the changes they held (fcgi-app's metrics)."""
    text = stack.get("/api/metrics")[2].decode()
    values = {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
              if line.startswith(("guvnl_database_commits_total ", "guvnl_database_changes_total "))}
    return values.get("guvnl_database_commits_total", 0), values.get("guvnl_database_changes_total", 0)


def per_commit(before, after):
    groups, changes = after[0] - before[0], after[1] - before[1]
    return f"{changes / groups:.1f} changes a commit" if groups else "no commits"


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def nginx_rss_kib(stack):
    """The resident memory of the stack's nginx workers (children of its master)."""
    master = int((stack.dir / "nginx" / "nginx.pid").read_text().split()[0])
    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return sum(rss_kib(int(pid)) for pid in workers)


class Streams:
    """Many office event streams, opened from several 127.0.0.x addresses, read with one selector."""

    def __init__(self, port, count, path="/api/v1/offices/VAD-247/events", batch=250):
        # Opened a batch at a time, as a waiting hall fills, rather than all in one instant (which
        # would only measure the accept backlogs).
        self.selector = selectors.DefaultSelector()
        self.sockets = []
        self.ended = set()
        for index in range(count):
            sock = socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.0.{10 + index % 200}", 0))
            sock.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ, bytearray())
            self.sockets.append(sock)
            if index % batch == batch - 1:
                self.drain(time.monotonic() + 0.3)

    def open_count(self):
        """How many streams were answered 200 and are still open."""
        return sum(1 for key in self.selector.get_map().values() if key.data.startswith(b"HTTP/1.1 200")
                   or key.data.startswith(b"HTTP/1.0 200"))

    def drain(self, until, marker=None):
        """Reads until `until` (monotonic); with a marker, returns when each stream has seen it, with each arrival time."""
        arrived = {}
        while time.monotonic() < until:
            for key, _ in self.selector.select(timeout=0.05):
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                if not data:
                    self.ended.add(key.fd)
                    self.selector.unregister(key.fileobj)
                    continue
                key.data.extend(data)
                if marker and key.fd not in arrived and marker in key.data:
                    arrived[key.fd] = time.monotonic()
                if len(key.data) > 1 << 20:
                    del key.data[:-4096]
            if marker and len(arrived) + len(self.ended) >= len(self.sockets):
                break
        return arrived

    def close(self):
        for sock in self.sockets:
            if sock.fileno() not in self.ended:
                self.selector.unregister(sock)
            sock.close()


def cpu_seconds(pid):
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def nginx_cpu_seconds(stack):
    master = int((stack.dir / "nginx" / "nginx.pid").read_text().split()[0])
    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return sum(cpu_seconds(int(pid)) for pid in workers)


def fan_out(stack, count, app_pid, path):
    before_app, before_nginx = rss_kib(app_pid), nginx_rss_kib(stack)
    streams = Streams(stack.port, count, path=path)
    streams.drain(time.monotonic() + max(3, count / 1000))  # every first snapshot
    opened = streams.open_count()
    app_per = (rss_kib(app_pid) - before_app) / count
    nginx_per = (nginx_rss_kib(stack) - before_nginx) / count
    time.sleep(1)  # past the coalescing interval of the first snapshots: the booking goes out at once
    token = book(stack, f"69{count:08d}")["token"]["number"]
    started = time.monotonic()
    # The snapshot that counts the booking carries its number only as a waiting count; the booking
    # event carries it by name. Board streams (snapshots only) are timed by the snapshot's new id.
    marker = f'"token":"{token}"'.encode() if "only=" not in path else None
    if marker is None:
        with sqlite3.connect(stack.database) as db:
            newest = db.execute("SELECT max(id) FROM event WHERE office_code = 'VAD-247'").fetchone()[0]
        marker = f"id: {newest}\nevent: snapshot".encode()
    arrived = streams.drain(started + 30, marker=marker)
    delays = sorted(moment - started for moment in arrived.values())
    # /api/healthz with the streams open and bookings arriving at 100/s
    stop = threading.Event()

    def trickle():
        index = 0
        while not stop.is_set():
            book(stack, f"7{count % 10}{index:08d}")
            index += 1
            time.sleep(0.01)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    app_cpu, nginx_cpu, wall = cpu_seconds(app_pid), nginx_cpu_seconds(stack), time.monotonic()
    booker = threading.Thread(target=trickle)
    booker.start()
    drainer = threading.Thread(target=lambda: streams.drain(time.monotonic() + 6))
    drainer.start()
    health = wrk(stack.base + "/api/healthz", RESULT, 5, 16)
    stop.set()
    booker.join()
    drainer.join()
    elapsed = time.monotonic() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    cores = {"stream client and booker": ((after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)) / elapsed,
             "fcgi-app": (cpu_seconds(app_pid) - app_cpu) / elapsed, "nginx": (nginx_cpu_seconds(stack) - nginx_cpu) / elapsed}
    ended = len(streams.ended)
    streams.close()
    return {"ended": ended, "streams": count, "opened": opened, "reached": len(delays), "p50": delays[len(delays) // 2] if delays else None,
            "p99": delays[int(len(delays) * 0.99) - 1] if delays else None, "max": delays[-1] if delays else None,
            "app_kib": app_per, "nginx_kib": nginx_per, "health": health, "cores": cores}


def start_stack(counter_count):
    """A stack of its own on the release build, with no daily caps or booking limits in the way and
    `counter_count` open counters at VAD-247, every one serving bill complaints."""
    stack = Stack(check_logs=False, nginx_env={"GUVNL_BOOKING_RATE": "1000000r/s", "GUVNL_BOOKING_BURST": "1000000",
                             "GUVNL_CONN_PER_ADDRESS": "60000"},
                  app_args=["--max-streams", "20000", "--max-streams-per-address", "20000"])
    # Stopped here if it does not come up: the caller has no stack to stop yet, and a stack left
    # running would hold its port and take CPU from the next run's figures.
    try:
        stack.start()
        stack.app.send_signal(15)
        stack.app.wait(timeout=20)
        with sqlite3.connect(stack.database) as db:
            db.execute("UPDATE office_service SET daily_cap = 100000")
            db.execute("UPDATE queue_policy SET active_tokens_per_phone = 20")
            existing = db.execute("SELECT max(number) FROM counter WHERE office_code = 'VAD-247'").fetchone()[0]
            for number in range(existing + 1, counter_count + 1):
                db.execute("INSERT INTO counter (office_code, number, state) VALUES ('VAD-247', ?, 'open')", (number,))
            counters = [row[0] for row in db.execute("SELECT id FROM counter WHERE office_code = 'VAD-247' ORDER BY number")]
            for counter in counters:
                db.execute("INSERT OR IGNORE INTO counter_service VALUES (?, 'bill-complaint')", (counter,))
        stack.start_app()
        stack.wait_until_up()
    except BaseException:
        stack.stop()
        raise
    return stack, counters[:counter_count]


def clerks(script, counters, cookie, csrf, run):
    """A clerks' wrk script for these counters, signed in with this cookie."""
    return (script.replace("__COUNTERS__", "{" + ",".join(map(str, counters)) + "}").replace("__COOKIE__", json.dumps(cookie))
            .replace("__CSRF__", json.dumps(csrf)).replace("__RUN__", str(run % 10)))


def sign_in(stack):
    status, headers, body = stack.request("POST", "/api/v1/auth/login", headers={"Content-Type": "application/json"},
                                          body=b'{"username":"manager-vad-247","password":"demo-manager-2026"}')
    assert status == 200, body
    return "; ".join(f"{name}={value}" for name, value in headers.cookies.items()), json.loads(body)["csrf_token"]


def staff_present(stack, counters, cookie, csrf):
    """A clerk at every counter (the console's heartbeat), so that the wait forecast plays them all
    while the figures are taken; it lasts three minutes, longer than any phase."""
    for counter in counters:
        status, _, body = stack.request("POST", f"/api/v1/counters/{counter}/presence", body=b"{}",
                                        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf})
        assert status == 204, body


def measure_queue(target, run, args):
    """Every figure for one queue length, on a stack of its own (so that one length's bookings do
    not lengthen the next one's queue), beside the limits of that same stack."""
    stack, counters = start_stack(args.counters)
    try:
        cookie, csrf = sign_in(stack)
        show("static file", wrk(stack.base + "/assets/icon.svg", RESULT, args.seconds, 32))
        show("/api/healthz", wrk(stack.base + "/api/healthz", RESULT, args.seconds, 32))
        tokens = []
        fill(stack, target, run, tokens)
        note = f"{waiting(stack.database)} waiting"
        staff_present(stack, counters, cookie, csrf)
        # The forecast runs: the last token's place and wait, as its holder reads them
        position = json.loads(stack.get(tokens[-1])[2])["token"]["position"]
        note += f"; forecast with {position['open_counters']} staffed counters ({position.get('wait_text')})"
        script = STATUS.replace("__PATHS__", ",".join(json.dumps(path) for path in tokens)).replace("__SEED__", str(run + 1))
        show("token status", wrk(stack.base + "/", script, args.seconds, 32), note + f"; {len(tokens)} tokens read at random")
        show("office snapshot", wrk(stack.base + "/api/v1/offices/VAD-247/queue", RESULT, args.seconds, 32), note)
        grouped = commits(stack)
        calls = wrk(stack.base + "/", clerks(COUNTER, counters, cookie, csrf, run + 1),
                    args.seconds, len(counters), threads=len(counters))  # one wrk thread (one connection) per counter
        calls["per_second"] /= 4
        show(f"call next (each with start, complete and a booking; {len(counters)} counters)", calls,
             note + "; rate is of calls; latency of all four; " + per_commit(grouped, commits(stack)))
        grouped = commits(stack)
        done_next = wrk(stack.base + "/", clerks(DONE_NEXT.replace("__BOOK__", "1"), counters, cookie, csrf, run + 3),
                        args.seconds, len(counters), threads=len(counters))
        done_next["per_second"] /= 3
        show(f"call next by \"done, next\" (each with start and a booking; {len(counters)} counters)", done_next,
             f"{waiting(stack.database)} waiting at the end; rate is of calls; latency of all three; " + per_commit(grouped, commits(stack)))
        # Citizens booking at once from 8 and from 32 phones: bookings that arrive together share a
        # commit, so the second shows what a busier hall gets (each run's phones are new ones). Each
        # run starts from `target` waiting, as the aim has it: the second on a stack of its own,
        # since the first adds thousands.
        for index, connections in enumerate(int(value) for value in args.booking_connections.split(",") if value):
            if index > 0:
                stack.stop()
                stack, counters = start_stack(args.counters)
                cookie, csrf = sign_in(stack)
            fill(stack, target, run + 10)
            staff_present(stack, counters, cookie, csrf)
            before = waiting(stack.database)
            grouped = commits(stack)
            booked = wrk(stack.base + "/api/v1/tokens", BOOKING.replace("__RUN__", str((run * 4 + index + 1) % 10)),
                         max(2, args.seconds // 2), connections)
            show(f"booking ({connections} connections)", booked, f"{before} waiting at the start, {waiting(stack.database)} at the end; "
                 + per_commit(grouped, commits(stack)))
        # "Done, next" with nobody booking meanwhile, as FQM's pull was measured: on a stack of its
        # own filled with enough beyond `target` that it never calls from fewer (by the rate above:
        # without bookings between them, calls come up to twice as fast).
        stack.stop()
        drained, note = drain(args, target + int(done_next["per_second"] * 3 * args.seconds), run + 20)
        show(f"call next by \"done, next\" (each with start; nobody booking; {len(counters)} counters)", drained, note)
        # The same when the queue has waited a while, as a long one has: everyone joined three hours
        # before (so all are overdue under the aging rule, which puts them before everyone else).
        aged, note = drain(args, target + int(drained["per_second"] * 1.5 * args.seconds), run + 30, aged_hours=3)
        show("the same, everyone waiting three hours already (all overdue)", aged, note)
    finally:
        stack.stop()


def drain(args, fill_to, run, aged_hours=0):
    """The clerks' "done, next" loop with nobody booking, on a stack of its own filled to `fill_to`
    waiting (everyone having joined `aged_hours` before): the figure, and its note."""
    stack, counters = start_stack(args.counters)
    try:
        fill(stack, fill_to, run)
        if aged_hours:
            stack.app.send_signal(15)
            stack.app.wait(timeout=20)
            with sqlite3.connect(stack.database) as db:
                db.execute("UPDATE token SET queued_at = queued_at - ? WHERE state = 'waiting'", (aged_hours * 3600 * 1000,))
            stack.start_app()
            stack.wait_until_up()
        cookie, csrf = sign_in(stack)
        staff_present(stack, counters, cookie, csrf)
        before = waiting(stack.database)
        grouped = commits(stack)
        result = wrk(stack.base + "/", clerks(DONE_NEXT.replace("__BOOK__", "0"), counters, cookie, csrf, run),
                     args.seconds, len(counters), threads=len(counters))
        result["per_second"] /= 2
        return result, (f"{before} waiting at the start, {waiting(stack.database)} at the end; rate is of calls; latency of both; "
                        + per_commit(grouped, commits(stack)))
    finally:
        stack.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", default="200,3000")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--streams", default="1000")
    parser.add_argument("--counters", type=int, default=16)
    parser.add_argument("--booking-connections", default="8,32", help="wrk connections booking at once, one run each")
    parser.add_argument("--stream-kinds", default="board,full", help="board: snapshots only, as the pages ask; full: every event too")
    args = parser.parse_args()
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    print("| what | rate | p50 | p99 | wrk CPU (cores) | non-2xx | queue |\n| --- | --- | --- | --- | --- | --- | --- |")
    for run, target in enumerate(int(value) for value in args.waiting.split(",") if value):
        measure_queue(target, run, args)
    streams = [int(count) for count in args.streams.split(",") if count]
    if not streams:
        return
    kinds = {"board": "/api/v1/offices/VAD-247/events?only=snapshot", "full": "/api/v1/offices/VAD-247/events"}
    for kind in args.stream_kinds.split(","):
        for count in streams:
            stack, counters = start_stack(args.counters)
            try:
                fill(stack, 200, 50)
                staff_present(stack, counters, *sign_in(stack))
                result = fan_out(stack, count, stack.app_pid(), kinds[kind])
                print(f"\n{result['streams']} {kind} streams ({result['opened']} answered 200): one booking reached {result['reached']} "
                      f"(p50 {result['p50']:.3f} s, p99 {result['p99']:.3f} s, max {result['max']:.3f} s); "
                      f"memory per stream: fcgi-app {result['app_kib']:.1f} KiB, nginx {result['nginx_kib']:.1f} KiB; "
                      "CPU while bookings arrived: " + ", ".join(f"{name} {value:.2f} cores" for name, value in result["cores"].items())
                      + f"; streams the server ended meanwhile: {result['ended']}")
                show(f"/api/healthz with {count} {kind} streams open, bookings at 100/s", result["health"])
                show("/api/healthz idle, same stack", wrk(stack.base + "/api/healthz", RESULT, 5, 16))
            finally:
                stack.stop()


if __name__ == "__main__":
    main()
