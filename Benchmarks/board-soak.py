"""The display board over a long day: does its memory grow? Drives N calls through the real stack
(book, call next, start, done, round-robin over VAD-247's three counters) while the board runs in
headless Chromium, and samples the board's JavaScript heap (after a forced garbage collection) and
DOM size. Usage: python3 Benchmarks/board-soak.py [calls]   (default 1500; needs `swift build` first)."""
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from browser import chromium  # noqa: E402
from stack import Stack  # noqa: E402

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 1500


class Staff:
    """A manager's session. The cookies are Secure, which Python's cookie jar keeps off plain HTTP,
    so they are carried by hand (browsers treat 127.0.0.1 as a secure context)."""
    def __init__(self, base):
        self.base = base
        self.cookies = {}
        self.csrf = self.post("/api/v1/auth/login", {"username": "manager-vad-247", "password": "demo-manager-2026"})["csrf_token"]

    def post(self, path, body, csrf=None):
        headers = {"Content-Type": "application/json",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if csrf:
            headers["X-CSRF-Token"] = csrf
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{path}: {error.code} {error.read().decode()}")
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";")[0]
            return json.loads(response.read() or b"{}")

    def counters(self):
        with urllib.request.urlopen(self.base + "/api/v1/offices/VAD-247/queue") as response:
            return [c["id"] for c in json.loads(response.read())["counters"] if "bill-complaint" in c["services"]]


def sample(board):
    board.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    heap = board.execute_cdp_cmd("Runtime.getHeapUsage", {})["usedSize"]
    nodes = board.execute_script("return document.getElementsByTagName('*').length")
    listeners = board.execute_cdp_cmd("Memory.getDOMCounters", {})
    return heap, nodes, listeners["jsEventListeners"]


def main():
    stack = Stack().start()
    with sqlite3.connect(stack.database) as db:  # a long day: more tokens than the demo's daily caps
        db.execute("UPDATE office_service SET daily_cap = 100000 WHERE office_code = 'VAD-247'")
    board = chromium(width=1920, height=1080)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":
            "window.spoken = 0; window.speechSynthesis.speak = function () { window.spoken += 1; };"
            "var play = HTMLMediaElement.prototype.play;"
            "HTMLMediaElement.prototype.play = function () { window.spoken += 1; return play.call(this); };"})
        board.get(stack.base + "/display/?office=VAD-247")
        time.sleep(2)
        staff = Staff(stack.base)
        counters = staff.counters()
        rows = [("calls", "heap KiB", "DOM elements", "JS listeners")]
        start = time.monotonic()
        heap, nodes, listeners = sample(board)
        rows.append((0, heap // 1024, nodes, listeners))
        for call in range(1, CALLS + 1):
            counter = counters[call % len(counters)]
            staff.post("/api/v1/tokens", {"office": "VAD-247", "service": "bill-complaint", "name": "Soak",
                                          "phone": f"9{call:09d}"})
            for action in ("call-next", "start", "complete"):
                staff.post(f"/api/v1/counters/{counter}/{action}", {}, staff.csrf)
            if call % (CALLS // 5) == 0:
                time.sleep(1.5)  # let the board catch up before measuring
                heap, nodes, listeners = sample(board)
                rows.append((call, heap // 1024, nodes, listeners))
                print(f"{call} calls, {time.monotonic() - start:.0f} s: heap {heap // 1024} KiB, {nodes} elements", flush=True)
        spoken = board.execute_script("return window.spoken")
        print(f"\nthe board started {spoken} clips or phrases for {CALLS} calls (nobody touched its sound button: one refused"
              " start per language of each call it said; it holds at most the newest three calls waiting to be said)")
        print("| " + " | ".join(map(str, rows[0])) + " |\n|" + " --- |" * len(rows[0]))
        for row in rows[1:]:
            print("| " + " | ".join(map(str, row)) + " |")
    finally:
        board.quit()
        stack.stop()


if __name__ == "__main__":
    main()
