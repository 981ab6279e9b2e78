"""Hardening, through the real nginx and fcgi-app: no request takes the service down, and a crash
is not an outage."""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

import pytest

from stack import Stack, error_of
from sse import EventStream


@pytest.fixture
def supervised_stack():
    """fcgi-app under scripts/supervise.sh, as `make run` runs it."""
    running = Stack(supervised=True).start()
    yield running
    running.stop()


def test_a_huge_last_event_id_does_not_kill_the_app(own_stack):
    # Given the app serving, when a client resumes the health stream from the largest 64-bit id
    pid = own_stack.app.pid
    stream = EventStream(own_stack.port, "/api/healthz/events?interval=30", last_event_id="9223372036854775807")
    try:
        # Then it gets a stream that starts afresh rather than a dead server
        assert stream.status == 200
        event, _ = stream.next_event()
        assert event["event"] == "health"
        assert int(event["id"]) >= 1
    finally:
        stream.close()
    # And the same process still answers everyone else
    for last_id in ("-1", "18446744073709551616", "1e999", "00000000000000000000000000001"):
        probe = EventStream(own_stack.port, "/api/v1/offices/VAD-247/events", last_event_id=last_id)
        assert probe.status == 200
        probe.close()
    assert own_stack.get("/api/healthz")[0] == 200
    assert own_stack.app.poll() is None and own_stack.app.pid == pid


def test_a_crashed_app_is_back_within_seconds_and_the_gap_is_a_clean_503(supervised_stack):
    # Given fcgi-app under its supervisor, as `make run` and production run it
    stack = supervised_stack
    first = stack.app_pid()
    assert first
    # When it dies abruptly mid-service (SIGKILL: as after a trap, or the out-of-memory killer)
    os.kill(first, signal.SIGKILL)
    # Then while it is gone nginx answers cleanly: JSON 503 with Retry-After, never a 502
    seen = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, headers, body = stack.get("/api/v1/offices/VAD-247/queue")
        seen.append(status)
        if status == 200:
            break
        assert status == 503, f"during the restart: {status} {body[:200]!r}"
        assert headers.get("Retry-After") == "5"
        assert error_of(body)["code"] == "service_unavailable"
        time.sleep(0.05)
    # And it serves again, as a new process, within seconds and without anyone's help
    assert seen[-1] == 200, seen
    second = stack.app_pid()
    assert second and second != first
    assert "was killed by signal 9; starting it again" in stack.app_log.read_text()


def test_the_supervisor_stops_cleanly_on_sigterm(supervised_stack):
    stack = supervised_stack
    app = stack.app_pid()
    stack.app.send_signal(signal.SIGTERM)
    assert stack.app.wait(timeout=10) == 0
    # The app itself was asked to stop (not restarted), and took its socket with it
    time.sleep(0.3)
    assert not os.path.exists(f"/proc/{app}")
    assert not stack.socket.exists()


def test_the_token_page_sends_one_referrer_policy_the_strict_one(stack):
    booked = json.loads(stack.request("POST", "/api/v1/tokens", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"office": "VAD-247", "service": "bill-complaint", "name": "Referrer Test", "phone": "9825077777"}).encode())[2])
    status, headers, _ = stack.get(booked["page"])
    assert status == 200
    assert headers.message.get_all("Referrer-Policy") == ["no-referrer"]
    # Elsewhere one policy too
    assert stack.get("/")[1].message.get_all("Referrer-Policy") == ["same-origin"]
    assert stack.get("/api/healthz")[1].message.get_all("Referrer-Policy") == ["same-origin"]


def page_language(body):
    match = re.search(r'<html lang="(\w+)"', body.decode())
    return match and match.group(1)


def test_with_the_app_down_a_browser_gets_a_page_in_its_language_and_a_script_gets_json(own_stack):
    # Given fcgi-app stopped (as in the gap of a restart)
    own_stack.app.send_signal(signal.SIGTERM)
    own_stack.app.wait(timeout=10)
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    form = {**html, "Content-Type": "application/x-www-form-urlencoded"}
    try:
        cases = [
            # the token page opened on a phone set to Gujarati
            ("GET", "/token/?id=1&secret=abc", None, {**html, "Accept-Language": "gu-IN,gu;q=0.9,en;q=0.8"}, "gu"),
            # the booking form sent without JavaScript from the Hindi page (its action carries ?lang=hi)
            ("POST", "/api/v1/tokens?lang=hi", b"office=VAD-247&service=bill-complaint&name=A&phone=9825012345", form, "hi"),
            # the find form from a Gujarati page that did not say its language: the page it came from tells
            ("POST", "/token/find", b"office=VAD-247&number=BC-001&phone=9825012345",
             {**form, "Referer": f"{own_stack.base}/gu/find/"}, "gu"),
            # the cancel button of an English token page
            ("POST", "/api/v1/tokens/1/cancel?lang=en", b"secret=abc", {**form, "Accept-Language": "gu"}, "en"),
            # nothing known: English
            ("GET", "/token/?id=1&secret=abc", None, html, "en"),
        ]
        for method, path, body, headers, language in cases:
            status, answer_headers, answer = own_stack.request(method, path, body=body, headers=headers)
            assert status == 503, (path, status)
            assert answer_headers["Content-Type"].startswith("text/html"), path
            assert page_language(answer) == language, (path, language, answer[:300])
            assert answer_headers["Cache-Control"] == "no-store" and answer_headers["Retry-After"] == "30"
        gujarati = own_stack.request("GET", "/token/?id=1&secret=abc", headers={**html, "Accept-Language": "gu"})[2].decode()
        assert "તમારું ટોકન અને કતારમાં તમારું સ્થાન સલામત છે" in gujarati
        # A script asking for JSON gets the API's error shape
        status, headers, body = own_stack.request("POST", "/api/v1/tokens", body=b"{}", headers={
            "Content-Type": "application/json", "Accept": "application/json"})
        assert status == 503 and error_of(body)["code"] == "service_unavailable" and headers["Retry-After"] == "5"
    finally:
        own_stack.start_app()
        own_stack.wait_until_up()


def fill(path):
    """Writes zeros until the disk is full; returns how many bytes went in."""
    written = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    written += os.write(descriptor, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(descriptor)
    return written


def test_a_full_disk_is_a_clear_503_loses_nothing_typed_and_health_says_so():
    # Given the database on a small disk of its own (a 48 MiB tmpfs)
    assert os.geteuid() == 0, "this test mounts a small tmpfs, which needs root (as make test runs in CI)"
    disk = tempfile.mkdtemp(prefix="gq-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk], check=True)
    stack = Stack(database=os.path.join(disk, "queue.sqlite"))
    try:
        stack.start()
        assert stack.get("/api/healthz")[0] == 200
        booking = lambda phone: json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": "Disk Test",
                                            "phone": phone}).encode()
        # When the disk fills up
        fill(os.path.join(disk, "filler"))
        # Then health takes the server out of service, saying why
        status, _, body = stack.get("/api/healthz")
        assert status == 503 and json.loads(body)["status"] == "disk_full"
        # and a booking is a 503 with a clear message, never a 500
        statuses = []
        for index in range(30):
            status, headers, body = stack.request("POST", "/api/v1/tokens", body=booking(f"98251{index:05d}"),
                                                  headers={"Content-Type": "application/json"})
            statuses.append(status)
            if status == 503:
                assert error_of(body)["code"] == "storage_full" and headers["Retry-After"] == "60"
                break
            assert status == 201, (status, body)
        assert statuses[-1] == 503, statuses
        # and the same booking sent as a form comes back as the form, in Gujarati, with what was typed
        status, headers, body = stack.request(
            "POST", "/api/v1/tokens?lang=gu", headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
            body="office=VAD-247&service=bill-complaint&name=ભાવના+શાહ&phone=9825188888&language=gu".encode())
        page = body.decode()
        assert status == 503 and page_language(body) == "gu"
        assert "સર્વર પાસે હમણાં તમારું બુકિંગ સાચવવાની જગ્યા નથી" in page and 'value="ભાવના શાહ"' in page
        # When space is freed, booking works again and health is back
        os.unlink(os.path.join(disk, "filler"))
        status, _, body = stack.request("POST", "/api/v1/tokens", body=booking("9825177777"), headers={"Content-Type": "application/json"})
        assert status == 201, body
        assert stack.get("/api/healthz")[0] == 200
        assert "internal_error" not in stack.app_log.read_text() and "handler failed" not in stack.app_log.read_text()
    finally:
        stack.stop()
        subprocess.run(["umount", disk], check=False)
        os.rmdir(disk)


def test_event_streams_beyond_the_caps_are_a_clear_503_and_a_full_server_is_shared_evenly():
    # Given fcgi-app allowing 3 streams per address and 5 in all (production allows a whole hall)
    stack = Stack(app_args=["--max-streams-per-address", "3", "--max-streams", "5"]).start()
    streams, newcomers = [], []
    try:
        for _ in range(3):
            streams.append(EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.31"))
            assert streams[-1].status == 200
            streams[-1].next_event()
        # When the same address opens a fourth, it is refused at once with Retry-After
        refused = EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.31")
        assert refused.status == 503 and refused.headers["retry-after"] == "30"
        refused.close()
        # while other addresses get theirs, up to the server's cap
        for _ in range(2):
            streams.append(EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.32"))
            assert streams[-1].status == 200
            streams[-1].next_event()
        # When the server is full and three more addresses each ask for one
        for source in ["127.0.0.33", "127.0.0.34", "127.0.0.35"]:
            newcomers.append(EventStream(stack.port, "/api/healthz/events", source=source))
            # Then each gets it: the heaviest address's newest stream ends to make room
            assert newcomers[-1].status == 200
            newcomers[-1].next_event()
        # and each ended stream completed, telling its page to come back in 30 s, not at once
        for stream in streams:
            stream.sock.settimeout(0.5)
        ended = [rest for rest in (stream.rest() for stream in streams) if rest is not None]
        assert len(ended) == 3 and all("retry: 30000" in rest for rest in ended)
        # With every address now holding one, a newcomer is refused, and so is a departed address's return
        full = EventStream(stack.port, "/api/healthz/events", source="127.0.0.36")
        assert full.status == 503
        full.close()
        status, _, body = stack.request("GET", "/api/v1/offices/VAD-247/events", source="127.0.0.31",
                                        headers={"Accept": "application/json"})
        assert status == 503 and error_of(body)["code"] == "too_many_streams"
        # and ordinary requests are served all the while
        assert stack.request("GET", "/api/healthz", source="127.0.0.36")[0] == 200
        assert "127.0.0.3" not in stack.app_log.read_text()
    finally:
        for stream in streams + newcomers:
            stream.close()
        stack.stop()


def test_a_full_server_never_ends_a_signed_in_clerks_stream_to_make_room():
    # Given a full server (3 streams): the office's address holds two citizens' and a clerk's console
    stack = Stack(app_args=["--max-streams-per-address", "3", "--max-streams", "3"]).start()
    streams = []
    try:
        status, headers, body = stack.request("POST", "/api/v1/auth/login", headers={"Content-Type": "application/json"},
                                              source="127.0.0.31",
                                              body=b'{"username":"clerk-vad-247","password":"demo-clerk-2026"}')
        assert status == 200, body
        cookie = "; ".join(f"{name}={value}" for name, value in headers.cookies.items())
        for _ in range(2):
            streams.append(EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.31"))
        console = EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.31", headers={"Cookie": cookie})
        for stream in streams + [console]:
            assert stream.status == 200
            stream.next_event()
        # When another address asks for a stream
        newcomer = EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.32")
        assert newcomer.status == 200
        streams.append(newcomer)
        # Then a citizen's stream ends to make room, never the clerk's console, though it is the newest
        for stream in streams[:2] + [console]:
            stream.sock.settimeout(0.5)
        assert [stream.rest() is not None for stream in streams[:2]].count(True) == 1
        assert console.rest() is None and not console.ended
        # and with the office's address now holding one stream that may end, a third address is refused
        third = EventStream(stack.port, "/api/v1/offices/VAD-247/events", source="127.0.0.33")
        assert third.status == 503
        third.close()
        console.close()
    finally:
        for stream in streams:
            stream.close()
        stack.stop()


def test_health_streams_take_no_thread_each_so_they_cannot_exhaust_the_apps_tasks(own_stack):
    # Given fcgi-app serving (its systemd unit allows it 512 tasks)
    def threads():
        return len(os.listdir(f"/proc/{own_stack.app.pid}/task"))

    before = threads()
    # When two addresses open 200 health streams each
    streams = []
    try:
        for index in range(400):
            streams.append(EventStream(own_stack.port, "/api/healthz/events?interval=1", source=f"127.0.0.{51 + index % 2}"))
            assert streams[-1].status == 200
        for stream in streams[:20]:
            assert stream.next_event()[0]["event"] == "health"
        # Then each is told its health on time while the process runs hardly more threads than before
        assert int(streams[0].next_event()[0]["id"]) >= 2
        assert threads() <= before + 4, (before, threads())
        # and a booking, which needs the writer's thread, is answered
        status, _, body = own_stack.request("POST", "/api/v1/tokens", headers={"Content-Type": "application/json"},
                                            body=json.dumps({"office": "VAD-247", "service": "bill-complaint",
                                                             "name": "Thread Test", "phone": "9825155555"}).encode())
        assert status == 201, body
    finally:
        for stream in streams:
            stream.close()


def test_a_burst_of_sign_ins_is_told_to_try_again_at_once_and_the_clerk_gets_in(stack):
    # Given 40 wrong sign-ins sent at once, each under a name of its own (as a flood spread over
    # names would be; nginx here lets them all through)
    json_headers = {"Content-Type": "application/json"}
    start = threading.Barrier(40)
    answers = []

    def attempt(index):
        start.wait()
        answers.append(stack.request("POST", "/api/v1/auth/login", headers=json_headers, source="127.0.0.41",
                                     body=json.dumps({"username": f"nobody-{index}", "password": "a-wrong-password"}).encode()))

    senders = [threading.Thread(target=attempt, args=(index,)) for index in range(40)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    # Then each is answered at once as wrong, or as busy: 503, try again in a second, worded by its reason
    assert sorted({status for status, _, _ in answers}) == [401, 503]
    for status, headers, body in answers:
        if status == 503:
            assert {name.lower(): value for name, value in headers.items()}["retry-after"] == "1"
            assert error_of(body)["code"] == "busy" and error_of(body)["reason"] == "sign_in_busy"
    # and the clerk signing in from the same address just after gets in
    status, _, body = stack.request("POST", "/api/v1/auth/login", headers=json_headers, source="127.0.0.41",
                                    body=json.dumps({"username": "clerk-vad-247", "password": "demo-clerk-2026"}).encode())
    assert status == 200, body


def test_a_deleted_socket_file_makes_the_app_restart_and_serve_again(supervised_stack):
    stack = supervised_stack
    first = stack.app_pid()
    # When the socket file disappears (nginx cannot open new connections to it: those get 503,
    # while the connections it keeps to fcgi-app may still be answered until fcgi-app exits)
    os.unlink(stack.socket)
    assert stack.get("/api/healthz")[0] in (200, 503)
    # Then fcgi-app notices, exits, and its supervisor starts it again on a new socket
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if stack.socket.exists() and stack.get("/api/healthz")[0] == 200 and stack.app_pid() not in (None, first):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("fcgi-app did not come back:\n" + stack.app_log.read_text()[-2000:])
    assert "the socket file was deleted or replaced" in stack.app_log.read_text()


def nonce_of(page):
    return re.search(r'name="idempotency_key" value="([^"]*)"', page).group(1)


def test_each_booking_page_served_carries_its_own_nonce(stack):
    import gzip
    for path in ("/book/", "/gu/book/", "/hi/book/", "/book/index.html", "/hi/book/index.html"):
        # (compressed on the way out, after the nonce is written in, rather than served precompressed)
        first, second = stack.get(path, headers={"Accept-Encoding": "gzip"}), stack.get(path)
        assert first[0] == 200 and first[1]["Cache-Control"] == "private, no-cache"
        page = gzip.decompress(first[2]) if first[1].get("Content-Encoding") == "gzip" else first[2]
        a, b = nonce_of(page.decode()), nonce_of(second[2].decode())
        assert re.fullmatch(r"[0-9a-f]{32}", a) and a != b
        # and the nonce (nginx's request id) is not written to the access log
        assert a not in (stack.dir / "nginx" / "logs" / "access.log").read_text()


def test_no_acknowledged_or_retried_booking_is_lost_or_doubled_when_the_app_is_killed(supervised_stack):
    """Citizens book with idempotency keys while fcgi-app is killed again and again; each retries
    until answered. Every citizen ends with exactly one token, the one they were given."""
    import threading
    stack = supervised_stack
    citizens = 60
    given = {}
    errors = []

    def citizen(index):
        key = f"crash-test-key-{index:04d}"
        body = json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": f"Citizen {index}",
                           "phone": f"98253{index:05d}"}).encode()
        for _ in range(200):
            try:
                status, _, answer = stack.request("POST", "/api/v1/tokens", body=body,
                                                  headers={"Content-Type": "application/json", "Idempotency-Key": key})
            except OSError:
                time.sleep(0.05)
                continue
            if status == 201:
                given[index] = json.loads(answer)["token"]["number"]
                return
            if status != 503:
                errors.append((index, status, answer[:200]))
                return
            time.sleep(0.05)
        errors.append((index, "never answered"))

    # A citizen whose answer was lost sends the same request again: the same token, nothing booked twice
    lost = json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": "Lost Answer", "phone": "9825400000"}).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": "lost-answer-key-0001"}
    first = json.loads(stack.request("POST", "/api/v1/tokens", body=lost, headers=headers)[2])
    status, replay_headers, body = stack.request("POST", "/api/v1/tokens", body=lost, headers=headers)
    assert status == 201 and replay_headers["Idempotent-Replayed"] == "true"
    assert json.loads(body)["token"]["id"] == first["token"]["id"] and json.loads(body)["secret"] == first["secret"]

    threads = [threading.Thread(target=citizen, args=(index,)) for index in range(citizens)]
    for thread in threads:
        thread.start()
    for _ in range(4):
        time.sleep(0.15)
        pid = stack.app_pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(given) == citizens
    import sqlite3
    with sqlite3.connect(stack.database) as db:
        rows = db.execute("SELECT phone, number FROM token WHERE phone LIKE '98253%'").fetchall()
    # One token per citizen, and it is the one they were told
    assert len(rows) == citizens
    assert {int(phone[5:]): number for phone, number in rows} == given
    assert "was killed by signal 9" in stack.app_log.read_text()


def test_no_log_holds_a_phone_name_password_or_managing_secret_even_when_the_upstream_fails():
    """A citizen's and a clerk's whole day through nginx, part of it with fcgi-app down (so that
    nginx writes each failed request to its error log), then every log searched."""
    stack = Stack()
    stack.start()
    try:
        json_headers = {"Content-Type": "application/json"}
        form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
        phone, name, email, consumer = "9898123456", "ભાવના પ્રજાપતિ", "bhavna.prajapati@example.com", "45678901234"
        status, headers, body = stack.request("POST", "/api/v1/tokens", headers=json_headers, body=json.dumps({
            "office": "VAD-247", "service": "bill-complaint", "name": name, "phone": f"+91 {phone[:5]} {phone[5:]}",
            "email": email, "consumer_number": consumer}).encode())
        assert status == 201
        answer = json.loads(body)
        manage = next(line.split(";")[0] for line in headers.set_cookies if line.startswith("gq_manage_"))
        token = answer["token"]
        stack.request("POST", "/api/v1/tokens/lookup", headers=json_headers,
                      body=json.dumps({"office": "VAD-247", "number": token["number"], "phone": phone}).encode())
        stack.request("POST", "/token/find", headers=form,
                      body=f"office=VAD-247&number={token['number']}&phone={phone}&language=gu".encode())
        stack.get(answer["page"], headers={"Cookie": manage})
        stack.request("POST", "/api/v1/auth/login", headers=json_headers,
                      body=json.dumps({"username": "clerk-vad-247", "password": "demo-clerk-2026"}).encode())
        stack.request("POST", "/api/v1/auth/login", headers=json_headers,
                      body=json.dumps({"username": "clerk-vad-247", "password": "a-wrong-password-typed"}).encode())
        # The upstream fails: every request now lands in nginx's error log
        stack.app.send_signal(signal.SIGTERM)
        stack.app.wait(timeout=10)
        stack.request("POST", "/api/v1/tokens", headers=form, body=(
            f"office=VAD-247&service=bill-complaint&name={name}&phone={phone}&email={email}").encode())
        stack.request("POST", "/api/v1/tokens/lookup", headers=json_headers,
                      body=json.dumps({"office": "VAD-247", "number": token["number"], "phone": phone}).encode())
        stack.request("POST", f"/api/v1/tokens/{token['id']}/cancel", headers={**json_headers, "Cookie": manage}, body=b"{}")
        stack.request("POST", "/api/v1/auth/login", headers=json_headers,
                      body=json.dumps({"username": "clerk-vad-247", "password": "demo-clerk-2026"}).encode())
        stack.get(answer["page"])
        error_log = (stack.dir / "nginx" / "logs" / "error.log").read_text()
        assert "connect() to unix:" in error_log and "/api/v1/tokens/lookup" in error_log  # the failures were logged
        stack.start_app()
        stack.wait_until_up()
        stack.request("POST", f"/api/v1/tokens/{token['id']}/cancel", headers={**json_headers, "Cookie": manage}, body=b"{}")
        # Then no log holds any of it (the view secret in the token page's address may be in the error log)
        for value in (phone, name, email, consumer, "demo-clerk-2026", "a-wrong-password-typed", manage.split("=", 1)[1]):
            assert value in stack.sensitive.values
        assert stack.log_leaks() == []
    finally:
        stack.stop()
