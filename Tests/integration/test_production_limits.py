"""The production nginx configuration (TLS, strict limits) in front of fcgi-app: its per-address limits
cannot be sidestepped by spelling a path or a cookie another way. Each test sends from a 127.0.0.x
address of its own, since nginx counts per client address."""
import datetime
import http.client
from concurrent.futures import ThreadPoolExecutor
import json
import socket
import sqlite3
import ssl
import time

import pytest

from stack import Stack, error_of

JSON = {"Content-Type": "application/json"}

# Respellings that once reached a limited handler past nginx's exact-path limit, and others like them.
def variants(path):
    head, _, last = path.rpartition("/")
    return [
        path, path + "/", path.replace("/v1/", "/v1//"), "/" + path, head + "/%" + format(ord(last[0]), "02X") + last[1:],
        head + "/" + last.upper(), path.replace("/api/", "/API/"), path.replace("/v1/", "/v1/./"), path + "/.",
        path.replace("/v1/", "/v1/x/../"), path + "%2F", path + "?x=1",
    ]


@pytest.fixture(scope="module")
def production():
    running = Stack(production=True).start()
    yield running
    running.stop()


def booking(phone):
    return json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": "Limit Test", "phone": phone}).encode()


def test_the_production_configuration_serves_over_tls_with_its_headers(production):
    status, headers, body = production.get("/")
    assert status == 200 and "<html" in body.decode()
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert production.get("/api/healthz")[0] == 200


def test_booking_is_limited_however_the_path_is_spelt(production):
    # Given the production limit of 10 bookings a minute per address with a burst of 5
    started = time.monotonic()
    answers = []
    for index, path in enumerate((variants("/api/v1/tokens") * 2)[:15]):
        status, _, body = production.request("POST", path, body=booking(f"98250{index:05d}"), headers=JSON, source="127.0.0.11")
        answers.append((path, status))
    elapsed = time.monotonic() - started
    # Then at most the burst and one more (and one per 6 s taken) were booked, whatever the spelling
    booked = [path for path, status in answers if status == 201]
    assert len(booked) <= 6 + int(elapsed // 6), answers
    # and every other answer is the limit's 429 or a 404 for a path that is not the API's
    assert all(status in (201, 404, 429) for _, status in answers), answers
    assert any(status == 429 for _, status in answers)
    # Each respelling on its own is refused as not found, never booked
    for path in variants("/api/v1/tokens")[1:]:
        if "?" in path:
            continue
        status, _, _ = production.request("POST", path, body=booking("9825099999"), headers=JSON, source="127.0.0.12")
        assert status in (404, 429), (path, status)


def test_sign_in_is_limited_however_the_path_is_spelt(production):
    wrong = json.dumps({"username": "admin", "password": "not-the-password"}).encode()
    answers = [production.request("POST", path, body=wrong, headers=JSON, source="127.0.0.13")[0]
               for path in (variants("/api/v1/auth/login") * 4)[:45]]
    # 5 a minute with a burst of 30: at most 31 attempts (and one per 12 s taken) reach the password check
    assert sum(status == 401 for status in answers) <= 32, answers
    assert all(status in (401, 404, 429) for status in answers), answers
    assert any(status == 429 for status in answers), answers


def test_the_clerks_of_an_office_behind_one_address_all_sign_in_at_the_start_of_the_day(production):
    # Given an office whose twenty clerks reach the server from one address (the office's NAT), each
    # with an account of their own (the demo clerk's password, to spare twenty password hashes)
    with sqlite3.connect(production.database) as db:
        for index in range(20):
            db.execute("INSERT INTO staff_user (username, display_name, password_hash, role, office_code, created_at) "
                       "SELECT ?, 'Clerk', password_hash, role, office_code, created_at FROM staff_user "
                       "WHERE username = 'clerk-vad-247'", (f"nat-clerk-{index}",))

    def clerk(index):
        right = json.dumps({"username": f"nat-clerk-{index}", "password": "demo-clerk-2026"}).encode()
        # signing in as the staff form does: told busy (the password checks all taken), it tries
        # again a second or two later, three tries in all
        for attempt in range(3):
            status, _, body = production.request("POST", "/api/v1/auth/login", body=right, headers=JSON, source="127.0.0.16")
            if status != 503 or attempt == 2:
                return status, body[:120]
            time.sleep(1 + attempt)
    # When they all sign in at the same moment
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(clerk, range(20)))
    # Then every one of them is in
    assert [status for status, _ in answers] == [200] * 20, answers


def test_a_clerks_own_browser_signs_in_while_others_behind_the_office_address_guess_at_the_name(production):
    right = json.dumps({"username": "clerk-vad-247", "password": "demo-clerk-2026"}).encode()
    wrong = json.dumps({"username": "clerk-vad-247", "password": "a-guess"}).encode()
    office = "127.0.0.18"
    # Given the clerk signed in from the office's one address yesterday: the browser keeps a device cookie
    status, headers, body = production.request("POST", "/api/v1/auth/login", body=right, headers=JSON, source=office)
    assert status == 200, body
    device = headers.cookies["gq_device"]
    assert any(line.startswith("gq_device=") and "HttpOnly" in line and "Path=/api/v1/auth/login" in line
               for line in headers.set_cookies)
    # When someone on the office's Wi-Fi types wrong passwords for the clerk's name, 40 times
    guesses = [production.request("POST", "/api/v1/auth/login", body=wrong, headers=JSON, source=office)[0] for _ in range(40)]
    assert set(guesses) <= {401, 429} and guesses.count(429) >= 10, guesses
    # Then the clerk's name is held up from that address for a browser without the cookie
    assert production.request("POST", "/api/v1/auth/login", body=right, headers=JSON, source=office)[0] == 429
    # but the clerk's own browser signs in at once
    status, headers, body = production.request("POST", "/api/v1/auth/login", body=right, headers={**JSON, "Cookie": f"gq_device={device}"},
                                               source=office)
    assert status == 200, body
    assert headers.cookies["gq_device"].split(".")[1] == device.split(".")[1]
    # And a cookie we did not issue, under any spelling of its name, buys nothing: refused before any
    # password check, and removed from the browser
    name, browser, stamp, day, mac = device.split(".")
    for cookie in [f"gq_device={name}.{browser}.{stamp}.{day}.AAAA", f"gq_device=anything",
                   f"GQ_DEVICE={name}.x{browser}.{stamp}.{day}.{mac}", f"gq_device={name}.{browser}.{stamp}.{int(day) + 1}.{mac}",
                   f"Gq_Device={device}x"]:
        status, headers, body = production.request("POST", "/api/v1/auth/login", body=wrong, headers={**JSON, "Cookie": cookie},
                                                   source=office)
        assert status == 400 and error_of(body)["code"] == "device_not_recognised", (cookie, status, body)
        assert any(line.startswith("gq_device=;") and "Max-Age=0" in line for line in headers.set_cookies)


def test_a_device_cookie_buys_no_sign_in_allowance_for_other_names(production):
    # nginx counts a sign-in with a genuine device cookie by that cookie, whatever name the body holds:
    # the cookie must then be good only for its own name, or anyone who can sign in (any clerk, over
    # and over, a new cookie each time) has an allowance of their own to guess at everyone else's.
    office = "127.0.0.19"
    right = json.dumps({"username": "clerk-vad-247", "password": "demo-clerk-2026"}).encode()
    status, headers, body = production.request("POST", "/api/v1/auth/login", body=right, headers=JSON, source=office)
    assert status == 200, body
    device = headers.cookies["gq_device"]
    # Given the address has spent its sign-in allowance guessing at many names
    spent = [production.request("POST", "/api/v1/auth/login", headers=JSON, source=office,
                                body=json.dumps({"username": f"spray-{index}", "password": "a-guess"}).encode())[0]
             for index in range(35)]
    assert 429 in spent, spent
    # When the clerk's own device cookie goes with guesses at other names
    answers = []
    for index in range(10):
        status, headers, body = production.request(
            "POST", "/api/v1/auth/login", headers={**JSON, "Cookie": f"gq_device={device}"}, source=office,
            body=json.dumps({"username": f"other-{index}", "password": "a-guess"}).encode())
        answers.append((status, error_of(body)["code"] if status == 400 else None))
    # Then none of them reaches a password check
    assert all(status in (400, 429) for status, _ in answers), answers
    assert all(code == "device_not_recognised" for status, code in answers if status == 400), answers


def test_made_up_device_cookies_cannot_wipe_an_addresss_sign_in_count(production):
    # A made-up device cookie is refused by fcgi-app, but nginx has counted it by then: each one is a
    # new entry in the zone it is counted in, and a full zone forgets its oldest entries to make room.
    office = "127.0.0.20"
    def guess(index):
        return json.dumps({"username": f"wipe-{index}", "password": "a-guess"}).encode()
    # Given the address has spent its sign-in allowance
    spent = [production.request("POST", "/api/v1/auth/login", body=guess(index), headers=JSON, source=office)[0]
             for index in range(35)]
    assert spent[-1] == 429, spent
    # When someone sends two thousand sign-ins, each with a large made-up device cookie of its own
    connection = http.client.HTTPSConnection("127.0.0.1", production.port, timeout=10, source_address=("127.0.0.21", 0),
                                             context=ssl._create_unverified_context())
    refused = 0
    for index in range(2000):
        connection.request("POST", "/api/v1/auth/login", body=guess(index),
                           headers={**JSON, "Cookie": f"gq_device={index:06d}{'x' * 7000}"})
        answer = connection.getresponse()
        answer.read()
        refused += answer.status == 400
    connection.close()
    assert refused > 1000
    # Then the address's sign-ins are still held back: its count at nginx was not forgotten
    answers = [production.request("POST", "/api/v1/auth/login", body=guess(100 + index), headers=JSON, source=office)[0]
               for index in range(5)]
    assert answers.count(429) >= 4, answers


def test_finding_a_token_again_is_limited(production):
    lookup = json.dumps({"office": "VAD-247", "number": "BC-999", "phone": "9825012345"}).encode()
    answers = []
    for path in (variants("/api/v1/tokens/lookup") * 3)[:30]:
        status, _, body = production.request("POST", path, body=lookup, headers=JSON, source="127.0.0.14")
        # (a path outside /api/, such as /API/..., gets the site's HTML not-found page)
        answers.append((status, error_of(body)["code"] if body.startswith(b"{") else f"page {status}"))
    # 20 a minute with a burst of 10: at most 11 lookups reach the database (which finds no such token);
    # the rest are the limit's 429 or, for a respelt path, the router's 404 or 405 (that spelling names a token id)
    reached = [code for _, code in answers if code == "token_not_found"]
    assert 1 <= len(reached) <= 11, answers
    allowed = ("token_not_found", "not_found", "method_not_allowed", "too_many_requests", "page 404")
    assert all(code in allowed for _, code in answers), answers


def signed_in_kiosk(stack, source):
    """A kiosk enrolled by the demo manager, as the kiosk page does it: its gq_kiosk cookie."""
    status, headers, body = stack.request("POST", "/api/v1/auth/login", headers=JSON, source=source,
                                          body=json.dumps({"username": "manager-vad-247", "password": "demo-manager-2026"}).encode())
    assert status == 200, body
    csrf = json.loads(body)["csrf_token"]
    cookie = "; ".join(f"{name}={value}" for name, value in headers.cookies.items())
    status, headers, body = stack.request("POST", "/api/v1/kiosks", source=source, body=b'{"office":"VAD-247","label":"Hall"}',
                                          headers={**JSON, "Cookie": cookie, "X-CSRF-Token": csrf})
    assert status == 201, body
    return headers.cookies["gq_kiosk"]


def test_a_kiosk_cookie_spelt_another_way_buys_no_allowance(production):
    # Given a genuine kiosk pass, and a booking with no kiosk at all from the same address used up
    genuine = signed_in_kiosk(production, "127.0.0.15")
    _, device, mac = genuine.split(".")
    respelt = [f"gq_kiosk=kiosk.0{device}.{mac}", f"gq_kiosk=kiosk.+{device}.{mac}", f"gq_kiosk=kiosk.{device}.{mac}=",
               f"GQ_KIOSK=kiosk.0{device}.{mac}"]
    # A name in other letters, with made-up values: nginx counts each per kiosk, so each must be refused
    made_up = [f"GQ_KIOSK=anything-{index}" for index in range(8)] + [f"Gq_Kiosk=kiosk.{index}.AAAA" for index in range(4)]
    for cookie in respelt + made_up:
        status, _, body = production.request("POST", "/api/v1/tokens", body=json.dumps({
            "office": "VAD-247", "service": "bill-complaint", "kiosk": "true"}).encode(),
            headers={**JSON, "Cookie": cookie}, source="127.0.0.16")
        assert status in (403, 429), (cookie, status, body)
        if status == 403:
            assert error_of(body)["code"] == "kiosk_not_enrolled"
    # while the genuine pass books (anonymously, as the kiosk does)
    status, _, body = production.request("POST", "/api/v1/tokens", body=json.dumps({
        "office": "VAD-247", "service": "bill-complaint", "kiosk": "true"}).encode(),
        headers={**JSON, "Cookie": f"gq_kiosk={genuine}"}, source="127.0.0.16")
    assert status == 201, body


def test_open_connections_per_address_are_capped_and_slow_clients_are_cut_off():
    # Given production nginx with a small cap per address and a short client timeout, for the test
    stack = Stack(production=True, nginx_env={"GUVNL_CONN_PER_ADDRESS": "20", "GUVNL_CLIENT_TIMEOUT": "2s"}).start()
    streams = []
    try:
        context = ssl._create_unverified_context()

        def open_stream(source):
            raw = socket.create_connection(("127.0.0.1", stack.port), timeout=5, source_address=(source, 0))
            tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
            tls.sendall(b"GET /api/v1/offices/VAD-247/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                head += chunk
            return tls, int(head.split(b" ", 2)[1]) if head else None

        # When one address holds 20 event streams open, its 21st connection is refused with 429
        for _ in range(20):
            tls, status = open_stream("127.0.0.17")
            assert status == 200
            streams.append(tls)
        tls, status = open_stream("127.0.0.17")
        streams.append(tls)
        assert status == 429
        # while another address is served
        assert stack.request("GET", "/api/healthz", source="127.0.0.18")[0] == 200
        # And connections that never finish their request are closed after the client timeout
        dribblers = []
        for _ in range(50):
            raw = socket.create_connection(("127.0.0.1", stack.port), timeout=10, source_address=("127.0.0.19", 0))
            tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
            tls.sendall(b"GET /api/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: the request never ends
            dribblers.append(tls)
        started = time.monotonic()
        closed = 0
        for tls in dribblers:
            try:
                data = tls.recv(4096)
                closed += data == b"" or b"408" in data or data.startswith(b"HTTP/1.1 4")
            except (ConnectionError, ssl.SSLError, socket.timeout):
                closed += 1
            tls.close()
        assert closed == 50 and time.monotonic() - started < 8
    finally:
        for tls in streams:
            tls.close()
        stack.stop()


def test_a_citizen_over_the_limit_without_javascript_gets_a_page_in_their_language(production):
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html,*/*;q=0.8"}
    statuses = []
    for index in range(12):
        status, headers, body = production.request(
            "POST", "/api/v1/tokens?lang=gu", headers=form, source="127.0.0.20",
            body=f"office=VAD-247&service=bill-complaint&name=Asha&phone=98252{index:05d}&language=gu".encode())
        statuses.append(status)
        if status == 429:
            assert headers["Content-Type"].startswith("text/html") and headers["Retry-After"] == "60"
            assert '<html lang="gu">' in body.decode() and "એક મિનિટ રાહ જુઓ" in body.decode()
            break
    assert statuses[-1] == 429, statuses
    # while a script over the same limit gets the API's JSON
    status, _, body = production.request("POST", "/api/v1/tokens", headers={"Content-Type": "application/json"},
                                         body=b"{}", source="127.0.0.20")
    assert status == 429 and error_of(body)["code"] == "too_many_requests"


def a_coming_tuesday():
    """A Tuesday at least two days ahead in India (the demo office takes appointments then), as YYYY-MM-DD."""
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()
    day = today + datetime.timedelta(days=2)
    return (day + datetime.timedelta(days=(1 - day.weekday()) % 7)).isoformat()


def test_moving_an_appointment_is_counted_like_booking(production):
    # Given one appointment booked from an address, with its manage cookie
    tuesday = a_coming_tuesday()
    slots = json.loads(production.request("GET", f"/api/v1/offices/VAD-247/slots?service=new-lt-connection&date={tuesday}",
                                          source="127.0.0.21")[2])["slots"]
    status, headers, body = production.request("POST", "/api/v1/tokens", headers=JSON, source="127.0.0.21", body=json.dumps({
        "office": "VAD-247", "service": "new-lt-connection", "name": "Move Test", "phone": "9825066666",
        "slot": str(slots[0]["id"]), "date": tuesday}).encode())
    assert status == 201, body
    token = json.loads(body)["token"]["id"]
    cookie = next(line.split(";")[0] for line in headers.set_cookies if line.startswith("gq_manage_"))
    # When it is moved again and again (each move books a new token)
    statuses = []
    for index in range(15):
        status, headers, body = production.request(
            "POST", f"/api/v1/tokens/{token}/reschedule", headers={**JSON, "Cookie": cookie}, source="127.0.0.21",
            body=json.dumps({"slot": str(slots[1 + index % 2]["id"]), "date": tuesday}).encode())
        statuses.append(status)
        if status == 201:
            token = json.loads(body)["token"]["id"]
            cookie = next(line.split(";")[0] for line in headers.set_cookies if line.startswith(f"gq_manage_{token}="))
    # Then the booking limit holds: with the first booking, at most the burst and one more
    assert statuses.count(201) <= 5, statuses
    assert set(statuses) <= {201, 429}, statuses
