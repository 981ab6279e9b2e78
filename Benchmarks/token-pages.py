#!/usr/bin/env python3
"""What the open token pages of a waiting hall cost the server as the counters call, the way users
meet it: through the real nginx and fcgi-app (release build), on a database and port of its own.

    swift build -c release --product fcgi-app && swift build -c release --product sitegen
    python3 Benchmarks/token-pages.py [--pages 1000] [--calls 15] [--rounds 2]

Every waiting citizen has their token page open: its event stream. Each call moves every one of
them up, so each stream gets a new status. Two ways a page can follow that, alternating in rounds
on the same stack:
- "reload": as token.js did until 2026-12-07: at each new status the page is read again (the
  server renders it) and its event stream is opened again;
- "in place": as token.js does now: the page writes the new status into itself; nothing more.
A counter calls once a second (start, complete, call next: the clerk's steps); for each round the
benchmark prints fcgi-app's and nginx's CPU per call, the statuses the streams got per call (a
forecast refined a moment later sends a second), and how long after a call each page showed it
(p50/p99 over pages and calls, from the call's answer to the page's first new status, or to the
page read again), beside the limits of the same run (a static file and /api/healthz, by wrk).
"""
import argparse
import importlib.util
import os
import resource
import selectors
import socket
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("live_bench", HERE / "live-bench.py")
live = importlib.util.module_from_spec(spec)
spec.loader.exec_module(live)


STATUS = b"event: status\n"


class Page:
    """One citizen's token page: its event stream, and in "reload" mode its reading again."""

    def __init__(self, hall, page, stream, address):
        self.hall, self.page, self.stream, self.address = hall, page, stream, address
        self.sock = None
        self.buffer = bytearray()
        self.statuses = 0
        self.reading_page = False
        self.open_stream()

    def connect(self, request):
        sock = socket.create_connection(("127.0.0.1", self.hall.port), source_address=(self.address, 0))
        sock.sendall(request)
        sock.setblocking(False)
        self.sock = sock
        self.buffer = bytearray()
        self.hall.selector.register(sock, selectors.EVENT_READ, self)

    def open_stream(self):
        self.reading_page = False
        self.statuses = 0
        self.connect(f"GET {self.stream} HTTP/1.0\r\nHost: x\r\n\r\n".encode())

    def close(self):
        if self.sock is not None:
            self.hall.selector.unregister(self.sock)
            self.sock.close()
            self.sock = None

    def readable(self, now):
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, ConnectionResetError):
            return
        if not data:
            self.close()
            if self.reading_page:  # the page, read again in full: shown
                assert self.buffer.startswith(b"HTTP/1.1 200"), bytes(self.buffer[:200])
                self.hall.shown(self, now)
                self.open_stream()
            return
        if self.reading_page:
            self.buffer.extend(data)
            return
        # New statuses in what came, with the end of what came before (a marker split in two)
        seen = bytes(self.buffer[-(len(STATUS) - 1):]) + data
        self.buffer = bytearray(seen[-(len(STATUS) - 1):])
        new = seen.count(STATUS)
        if new == 0:
            return
        first = self.statuses == 0
        self.hall.received += new - (1 if first else 0)
        self.statuses += new
        if first and new == 1:
            return  # the token as the stream opened: what the page shows
        if self.hall.mode == "in place":
            self.hall.shown(self, now)
        else:
            self.close()
            self.reading_page = True
            self.connect(f"GET {self.page} HTTP/1.0\r\nHost: x\r\n\r\n".encode())


class Hall:
    """Every page of the waiting hall, read with one selector."""

    def __init__(self, port, answers, mode):
        self.port, self.mode = port, mode
        self.selector = selectors.DefaultSelector()
        self.delays = []
        self.received = 0
        self.called_at = None
        self.showing_call = set()
        self.pages = []
        for index, answer in enumerate(answers):
            token = answer["token"]
            self.pages.append(Page(self, answer["page"], f"/api/v1/tokens/{token['id']}/events?secret={answer['secret']}&lang=en",
                                   f"127.0.0.{10 + index % 200}"))
            if index % 200 == 199:
                self.run(time.monotonic() + 0.2)
        self.run(time.monotonic() + 2)

    def shown(self, page, now):
        """A page shows a new status: the first time since the last call, it shows the call."""
        if self.called_at is not None and id(page) not in self.showing_call:
            self.showing_call.add(id(page))
            self.delays.append(now - self.called_at)

    def run(self, until):
        while time.monotonic() < until:
            for key, _ in self.selector.select(timeout=0.02):
                key.data.readable(time.monotonic())

    def streams(self):
        return sum(1 for page in self.pages if page.statuses > 0)

    def close(self):
        for page in self.pages:
            page.close()


def clerk_call(stack, counter, cookie, csrf):
    """The clerk's steps for one call; the moment the call was answered."""
    headers = {"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf}
    for action in ("start", "complete"):
        stack.request("POST", f"/api/v1/counters/{counter}/{action}", body=b"{}", headers=headers)
    status, _, body = stack.request("POST", f"/api/v1/counters/{counter}/call-next", body=b"{}", headers=headers)
    assert status == 200, body
    return time.monotonic()


def measure(stack, hall, calls, counter, cookie, csrf):
    """`calls` calls a second apart with the hall following; CPU per call and the delays."""
    app_pid = stack.app.pid
    app_cpu, nginx_cpu = live.cpu_seconds(app_pid), live.nginx_cpu_seconds(stack)
    for _ in range(calls):
        hall.called_at = clerk_call(stack, counter, cookie, csrf)
        hall.showing_call = set()
        hall.run(hall.called_at + 1)
    hall.called_at = None
    hall.run(time.monotonic() + 2)
    app = (live.cpu_seconds(app_pid) - app_cpu) / calls
    nginx = (live.nginx_cpu_seconds(stack) - nginx_cpu) / calls
    delays = sorted(hall.delays)
    return app, nginx, delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    stack, counters = live.start_stack(1)
    try:
        answers = []
        for index in range(args.pages):
            answers.append(live.book(stack, f"8{index:09d}"))
        cookie, csrf = live.sign_in(stack)
        live.staff_present(stack, counters, cookie, csrf)
        health = live.wrk(stack.base + "/api/healthz", live.RESULT, 4, 16)
        static = live.wrk(stack.base + "/assets/site.css", live.RESULT, 4, 16)
        print(f"limits: /api/healthz {health['per_second']:,.0f}/s, static file {static['per_second']:,.0f}/s")
        print("| round | page | streams | fcgi-app CPU per call | nginx CPU per call | statuses per call | pages showing the call | p50 | p99 |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for round_number in range(args.rounds):
            for mode in ("reload", "in place"):
                hall = Hall(stack.port, answers, mode)
                streams = hall.streams()
                app, nginx, delays = measure(stack, hall, args.calls, counters[0], cookie, csrf)
                hall.close()
                answers = answers[args.calls:]  # the called no longer wait
                p50 = delays[len(delays) // 2] if delays else float("nan")
                p99 = delays[max(0, int(len(delays) * 0.99) - 1)] if delays else float("nan")
                print(f"| {round_number + 1} | {mode} | {streams} | {app * 1000:.1f} ms | {nginx * 1000:.1f} ms | "
                      f"{hall.received / args.calls:.0f} | {len(delays) / args.calls:.0f} | {p50 * 1000:.0f} ms | {p99 * 1000:.0f} ms |", flush=True)
                time.sleep(1)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
