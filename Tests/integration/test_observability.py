"""Running it in production (issue 14): metrics that a real Prometheus scrapes through nginx, the
alert rules and their unit tests, JSON logs that follow one request through nginx and fcgi-app,
and a logrotate configuration that rotates the stack's logs while it serves."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from metrics import metric_value
from sse import EventStream
from stack import REPO, Stack, free_port
from test_staff_api import Staff, counter_id

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
JSON_HEADERS = {"Content-Type": "application/json"}


def book(stack, service="bill-complaint", name="Kiran Desai", phone="9825011223"):
    """Books a walk-in at the round-the-clock office: the answer's headers, and the token with its secret."""
    status, headers, body = stack.request("POST", "/api/v1/tokens", headers=JSON_HEADERS, body=json.dumps({
        "office": "VAD-247", "service": service, "name": name, "phone": phone}).encode())
    assert status == 201, body
    answer = json.loads(body)
    return headers, {**answer["token"], "secret": answer["secret"]}


def status_path(token):
    return f"/api/v1/tokens/{token['id']}?secret={urllib.parse.quote(token['secret'])}"


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def next_named(stream, name):
    """The next event of the stream with this name."""
    while True:
        fields, _ = stream.next_event()
        if fields.get("event") == name:
            return fields


# Metrics

def test_metrics_count_bookings_by_office_and_service_and_requests_by_route_template(stack):
    # Given a scrape before, and two bookings for one service and one for another
    _, _, before = stack.get("/api/metrics")
    before = before.decode()
    base = metric_value(before, "guvnl_bookings_total", office="VAD-247", service="meter-complaint") or 0
    book(stack, service="meter-complaint", phone="9825011224")
    book(stack, service="meter-complaint", phone="9825011225")
    _, token = book(stack, service="new-lt-connection", phone="9825011226")
    assert stack.get(status_path(token))[0] == 200
    stack.get("/api/v1/no-such-thing/12345")
    # When Prometheus would scrape
    status, headers, body = stack.get("/api/metrics")
    text = body.decode()
    # Then it is the text format, with the bookings counted by office and service
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert metric_value(text, "guvnl_bookings_total", office="VAD-247", service="meter-complaint") == base + 2
    assert metric_value(text, "guvnl_bookings_total", office="VAD-247", service="new-lt-connection") >= 1
    # and requests by their route template, never the raw path, and an unknown path as one label
    assert metric_value(text, "guvnl_http_requests_total", route="/api/v1/tokens/{id}", method="GET", status=200) >= 1
    assert metric_value(text, "guvnl_http_requests_total", route="unmatched", method="GET", status=404) >= 1
    assert token["secret"] not in text and f"/api/v1/tokens/{token['id']}\"" not in text and "12345" not in text
    assert metric_value(text, "guvnl_http_request_duration_seconds_count", route="/api/v1/tokens", method="POST") >= 3
    # and the queue as it is now: the three waiting, the office's target beside the longest wait
    assert metric_value(text, "guvnl_queue_waiting_tokens", office="VAD-247", service="meter-complaint") >= 2
    assert metric_value(text, "guvnl_queue_longest_wait_seconds", office="VAD-247", service="meter-complaint") > 0
    assert metric_value(text, "guvnl_queue_wait_target_seconds", office="VAD-247", service="meter-complaint") > 0
    # and the database, the write lock, the build
    assert metric_value(text, "guvnl_database_size_bytes") > 0
    assert metric_value(text, "guvnl_database_wal_size_bytes") is not None
    assert metric_value(text, "guvnl_database_write_wait_seconds_count") >= 3
    assert re.search(r'^guvnl_build_info\{version="[^"]+"\} 1', text, re.M)


def test_a_call_reaches_an_open_stream_and_its_delay_is_measured(stack):
    # Given a board following the office, and a waiting citizen
    book(stack, service="new-lt-connection", phone="9825011227")
    board = EventStream(stack.port, "/api/v1/offices/VAD-247/events")
    try:
        next_named(board, "snapshot")
        # (the hub counts the stream as a follower just after writing it its first snapshot)
        assert wait_until(lambda: metric_value(stack.get("/api/metrics")[2].decode(), "guvnl_event_streams_open", kind="office") >= 1)
        _, _, body = stack.get("/api/metrics")
        calls_before = metric_value(body.decode(), "guvnl_calls_total", office="VAD-247", service="new-lt-connection") or 0
        # When a clerk calls the next citizen at counter 3 (it serves new connections only)
        clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
        status, body = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', 3)}/call-next", {})
        assert status == 200, body
        next_named(board, "called")
    finally:
        board.close()
    # Then the call is counted and the delay from its commit to the board's stream was measured
    # (recorded as the broadcast that wrote it ends)
    assert wait_until(lambda: metric_value(stack.get("/api/metrics")[2].decode(), "guvnl_stream_delay_seconds_count") >= 1)
    text = stack.get("/api/metrics")[2].decode()
    assert metric_value(text, "guvnl_calls_total", office="VAD-247", service="new-lt-connection") == calls_before + 1
    assert metric_value(text, "guvnl_stream_delay_seconds_count") >= 1


def test_a_stream_refused_over_the_cap_is_counted_once_as_its_refusal():
    # Given a server that holds at most two event streams, both taken by boards
    stack = Stack(app_args=["--max-streams", "2", "--max-streams-per-address", "2"]).start()
    boards = []
    try:
        route = {"method": "GET", "route": "/api/v1/offices/{office}/events"}

        def counted(status):
            return metric_value(stack.get("/api/metrics")[2].decode(), "guvnl_http_requests_total", status=status, **route) or 0

        for _ in range(2):
            boards.append(EventStream(stack.port, "/api/v1/offices/VAD-247/events"))
            assert boards[-1].status == 200
        assert wait_until(lambda: counted(200) == 2)
        # When a third board asks for the office's stream
        refused = EventStream(stack.port, "/api/v1/offices/VAD-247/events")
        refused.close()
        # Then it is refused with 503, and counted once: as the refusal, not also as an answered stream
        assert refused.status == 503
        assert wait_until(lambda: counted(503) == 1)
        assert (counted(200), counted(503)) == (2, 1)
    finally:
        for board in boards:
            board.close()
        stack.stop()


def test_metrics_are_refused_to_any_other_address(stack):
    # Given nginx's rule that only the machine itself (127.0.0.1, ::1) reads the metrics
    # When another address asks
    status, _, body = stack.request("GET", "/api/metrics", source="127.0.0.2")
    # Then nginx refuses it, and fcgi-app never saw it
    assert status == 403 and b"guvnl_" not in body
    assert stack.get("/api/metrics")[0] == 200


# Prometheus

def test_a_real_prometheus_scrapes_the_app_through_nginx_and_counts_what_was_booked(stack, tmp_path):
    # Given Prometheus scraping the stack every second, with the repository's alert rules loaded
    config = tmp_path / "prometheus.yml"
    shutil.copy(PROMETHEUS_DIR / "alerts.yml", tmp_path / "alerts.yml")
    config.write_text(f"""
global: {{ scrape_interval: 1s, evaluation_interval: 1s }}
rule_files: [alerts.yml]
scrape_configs:
  - job_name: guvnl-queue
    metrics_path: /api/metrics
    static_configs: [{{ targets: ["127.0.0.1:{stack.port}"] }}]
""")
    port = free_port()
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
    try:
        _, _, body = stack.get("/api/metrics")
        before = metric_value(body.decode(), "guvnl_bookings_total", office="VAD-247", service="reconnection") or 0
        # When citizens book three tokens
        for n in range(3):
            book(stack, service="reconnection", phone=f"98250113{n:02d}")
        # Then a query through Prometheus's HTTP API finds the three
        query = 'guvnl_bookings_total{job="guvnl-queue",office="VAD-247",service="reconnection"}'
        found = wait_for_query(port, query, lambda value: value == before + 3)
        assert found == before + 3, (found, (tmp_path / "prometheus.log").read_text()[-2000:])
        # and the target is up, and the rules were loaded
        assert wait_for_query(port, 'up{job="guvnl-queue"}', lambda value: value == 1) == 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=5) as answer:
            rules = json.load(answer)["data"]["groups"]
        assert {"FcgiAppDown", "BackupTooOld", "QueueOverTarget"} <= {rule["name"] for group in rules for rule in group["rules"]}
    finally:
        prometheus.send_signal(signal.SIGTERM)
        prometheus.wait(timeout=20)


def wait_for_query(port, query, good, seconds=30):
    """The query's first value, asked through Prometheus's HTTP API until `good` holds or time is up."""
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    deadline = time.monotonic() + seconds
    value = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                result = json.load(answer)["data"]["result"]
            value = float(result[0]["value"][1]) if result else None
            if value is not None and good(value):
                return value
        except OSError:
            pass  # Prometheus is still starting
        time.sleep(0.5)
    return value


def test_the_alert_rules_are_valid_and_pass_their_unit_tests():
    checked = subprocess.run(["promtool", "check", "rules", "alerts.yml"], cwd=PROMETHEUS_DIR, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run(["promtool", "test", "rules", "alerts.test.yml"], cwd=PROMETHEUS_DIR, capture_output=True, text=True)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


# Logs

def test_one_request_is_followed_through_nginx_and_fcgi_app_by_its_request_id(stack):
    # Given a booking, a token's status, a refused request and a path fcgi-app does not know
    headers, token = book(stack, phone="9825011228")
    booked_id = headers["X-Request-ID"]
    status_answer = stack.get(status_path(token))
    refused = stack.request("POST", "/api/v1/tokens", headers=JSON_HEADERS, body=b'{"office": "VAD-247"}')
    unknown = stack.get("/api/v1/offices/VAD-247/nothing-here")
    static_missing = stack.get("/no-such-page.html")
    time.sleep(0.3)  # nginx writes its access log line as the answer ends
    # Then every answer carries a request id, nginx's own error page too
    ids = [answer[1].get("X-Request-ID") for answer in (status_answer, refused, unknown, static_missing)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i or "") for i in [booked_id, *ids]), ids
    access = {line["request_id"]: line for line in stack.access_log_lines()}
    app = {line["request_id"]: line for line in stack.app_log_lines() if line.get("message") == "request"}
    # and each id is in both logs, with the same status, the path nginx saw and the route fcgi-app matched
    expected = [(booked_id, "/api/v1/tokens", 201), (ids[0], "/api/v1/tokens/{id}", 200),
                (ids[1], "/api/v1/tokens", 400), (ids[2], "unmatched", 404)]
    for request_id, route, status in expected:
        assert access[request_id]["status"] == status and app[request_id]["status"] == status, request_id
        assert app[request_id]["route"] == route and app[request_id]["level"] == "info"
        assert isinstance(app[request_id]["duration_ms"], (int, float)) and re.match(r"\d{4}-\d\d-\d\dT", app[request_id]["time"])
    assert access[ids[0]]["path"] == f"/api/v1/tokens/{token['id']}"
    # and nginx's own 404 is in its log only
    assert access[ids[3]]["status"] == 404 and ids[3] not in app
    # and no line of either log holds the token's secret or the query string that carried it
    assert token["secret"] not in (stack.dir / "nginx" / "logs" / "access.log").read_text()
    assert token["secret"] not in stack.app_log.read_text()


def test_logrotate_rotates_the_running_stacks_logs_and_new_lines_go_to_new_files():
    stack = Stack(log_file=True).start()
    try:
        # Given lines already written by both
        before = stack.get("/api/healthz")[1]["X-Request-ID"]
        time.sleep(0.3)
        nginx_logs = stack.dir / "nginx" / "logs"
        # When logrotate runs the repository's configuration, pointed at this stack's logs and processes
        config = (REPO / "deploy" / "logrotate" / "guvnl-queue").read_text()
        config = config.replace("/var/log/guvnl-queue/fcgi-app.log", str(stack.app_log_file))
        config = config.replace("/var/lib/nginx/guvnl-queue/logs/*.log", f"{nginx_logs}/*.log")
        config = config.replace("/run/nginx.pid", str(stack.dir / "nginx" / "nginx.pid"))
        config = config.replace("systemctl kill --kill-whom=main --signal=SIGUSR1 guvnl-queue-app.service",
                                f"kill -USR1 {stack.app_pid()}")
        config = re.sub(r"create 0640 \S+ adm", "create 0640 root root", config)
        assert f"kill -USR1 {stack.app_pid()}" in config and str(nginx_logs) in config
        rotate_dir = Path(tempfile.mkdtemp(prefix="gq-rotate-"))
        (rotate_dir / "guvnl-queue").write_text(config)
        result = subprocess.run(["logrotate", "-f", "-s", str(rotate_dir / "state"), str(rotate_dir / "guvnl-queue")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        # Then the old lines are in the rotated files
        assert before in (nginx_logs / "access.log.1").read_text()
        rotated_app = Path(str(stack.app_log_file) + ".1")
        assert before in rotated_app.read_text()
        # and the lines of a request after it go to new files, not the old ones
        deadline = time.monotonic() + 5
        while "log reopened" not in stack.app_log_file.read_text() if stack.app_log_file.exists() else True:
            assert time.monotonic() < deadline, "fcgi-app did not open its log again"
            time.sleep(0.1)
        after = stack.get("/api/healthz")[1]["X-Request-ID"]
        time.sleep(0.3)
        assert after in (nginx_logs / "access.log").read_text() and after not in (nginx_logs / "access.log.1").read_text()
        assert after in stack.app_log_file.read_text() and after not in rotated_app.read_text()
        shutil.rmtree(rotate_dir, ignore_errors=True)
    finally:
        stack.stop()


def test_a_mobile_number_sent_in_an_address_is_refused_before_any_log_could_keep_it():
    """nginx's error log keeps a failed request's whole request line, query included: the lookups,
    whose fields belong in a POST body, refuse a mobile number in the address before that can happen."""
    stack = Stack().start()
    try:
        phone = "9898123457"
        stack.sensitive.note(phone)
        # Given fcgi-app down, so that every request reaching it would be written to the error log
        stack.app.send_signal(signal.SIGTERM)
        stack.app.wait(timeout=10)
        # When a script sends the lookup's fields in the address, to the API and to the page's form
        status, headers, body = stack.get(f"/api/v1/tokens/lookup?office=VAD-247&number=BC-001&phone={phone}")
        page_status, _, _ = stack.request("POST", f"/token/find?lang=en&phone={phone}", body=b"office=VAD-247",
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        # Then nginx refuses both itself, naming the field, with a request id
        assert status == 400 and json.loads(body)["error"]["field"] == "phone" and headers["X-Request-ID"]
        assert page_status == 400
        # and neither the error log nor the access log holds the number
        time.sleep(0.3)
        for log in ("error.log", "access.log"):
            assert phone not in (stack.dir / "nginx" / "logs" / log).read_text()
        # while a lookup sent properly still reaches the app (here: down, so 503)
        assert stack.request("POST", "/api/v1/tokens/lookup", headers=JSON_HEADERS, body=json.dumps(
            {"office": "VAD-247", "number": "BC-001", "phone": phone}).encode())[0] == 503
        assert phone not in (stack.dir / "nginx" / "logs" / "error.log").read_text()
    finally:
        stack.stop()
