"""Issue 13: messages to citizens. The outbox is written with the booking; `fcgi-app worker` sends
it to a local sink (no gateway, as under `make run`) or to an HTTP SMS gateway, retrying with
backoff, keeping each message to one send through leases and idempotency keys, even when killed."""
import json
import sqlite3
import time

from sms_gateway_stub import SMSGatewayStub
from worker import Worker, wait_for

JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def book(stack, phone, language="gu", **extra):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha Patel", "phone": phone, "language": language, **extra}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)
    assert status == 201, body
    return json.loads(body)


def outbox(stack, where="1=1", args=()):
    with sqlite3.connect(stack.database) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id", args)]


def health(stack):
    status, _, body = stack.get("/api/healthz")
    assert status == 200
    return json.loads(body)


def test_without_a_gateway_the_confirmation_lands_in_the_sink_in_the_citizens_language(stack):
    # Given a citizen who books in Gujarati, and a worker with no gateway configured
    booked = book(stack, "9825011101")
    assert wait_for(lambda: health(stack)["worker"]["pending_messages"] >= 1)  # health reads it at most once a second
    worker = Worker(stack)
    try:
        # When the worker has run, then the sink holds the Gujarati confirmation with the token page's
        # view link, and the message is recorded as delivered
        text = wait_for(lambda: worker.sink.exists() and booked["token"]["number"] in worker.sink.read_text() and worker.sink.read_text())
        assert f"તમારો ટોકન {booked['token']['number']} છે" in text
        assert f"{stack.base}/token/?id={booked['token']['id']}&secret={booked['secret']}" in text
        assert "[msg_sms_booked DLT 1107170000000000102]" in text
        # (the sink is written before the row is marked, so the row may lag a moment on a loaded machine)
        row = wait_for(lambda: (lambda r: r["state"] != "sending" and r)(outbox(stack, "token_id = ?", (booked["token"]["id"],))[0]))
        assert (row["state"], row["attempts"], row["template_key"]) == ("delivered", 1, "msg_sms_booked")
        # And health reports the worker running
        assert wait_for(lambda: health(stack)["worker"]["state"] == "running")
    finally:
        # SIGTERM stops it cleanly
        assert worker.stop() == 0
    # No mobile number in the sink or the worker's log
    for path in (worker.sink, worker.log):
        assert stack.sensitive.find_in(path) == [], path.read_text()


def test_a_citizen_who_unticks_sms_gets_none(stack):
    booked = book(stack, "9825011102", notify_sms=False)
    assert outbox(stack, "token_id = ?", (booked["token"]["id"],)) == []


def test_a_failing_gateway_is_retried_with_growing_waits_and_the_sms_goes_once(stack):
    gateway = SMSGatewayStub(fail_first=2)
    worker = Worker(stack, "--sms-url", gateway.url, "--retry-base-seconds", "0.6", "--retry-max-seconds", "30", name="worker-retry")
    try:
        # Given a gateway that answers 503 to the first two attempts of each message
        booked = book(stack, "9825011103", language="hi")
        row_id = outbox(stack, "token_id = ?", (booked["token"]["id"],))[0]["id"]
        # When the worker sends the confirmation
        wait_for(lambda: outbox(stack, "id = ?", (row_id,))[0]["state"] == "sent")
        row = outbox(stack, "id = ?", (row_id,))[0]
        # Then the gateway saw three attempts with one key, the waits growing (0.3-0.6 s, then 0.6-1.2 s)
        attempts = gateway.attempts[row["idempotency_key"]]
        assert len(attempts) == 3
        first_wait, second_wait = attempts[1] - attempts[0], attempts[2] - attempts[1]
        assert 0.3 <= first_wait < 1.0, first_wait
        assert 0.6 <= second_wait < 1.6, second_wait
        # And the citizen got one Hindi confirmation, as Unicode, under its DLT template and sender id
        # (the worker may also tell waiting citizens their turn is near: other texts)
        confirmations = [f for f in gateway.delivered.values() if f"आपका टोकन {booked['token']['number']} है" in f["text"]]
        assert len(confirmations) == 1
        sent = gateway.delivered[row["idempotency_key"]]
        assert sent["template_id"] == "1107170000000000103" and sent["sender"] == "GUVNLQ" and sent["unicode"] == "1"
        assert f"आपका टोकन {booked['token']['number']} है" in sent["text"] and sent["to"] == "919825011103"
        assert (row["attempts"], row["provider_id"], row["last_error"]) == (3, "gw-" + row["idempotency_key"], None)
        assert gateway.bad == []
    finally:
        assert worker.stop() == 0
        gateway.stop()
    assert stack.sensitive.find_in(worker.log) == []


def sms_waiting(stack, count, first_phone):
    """`count` "called" SMS due now, each with its own token number and phone from `first_phone` on."""
    now = int(time.time() * 1000)
    with sqlite3.connect(stack.database) as db:
        db.executemany(
            "INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, next_attempt_at, created_at) "
            "VALUES ('VAD-247', 'called', 'sms', 'en', ?, ?, ?, ?)",
            [(str(first_phone + n), json.dumps({"number": f"BC-{n:04d}", "counter": "2", "office": "Vadodara"}), now, now)
             for n in range(count)])


def test_a_worker_killed_mid_batch_leaves_every_message_sent_once(own_stack):
    stack = own_stack
    # Given 1,000 SMS waiting (each its own token number) and a gateway that takes a few ms each
    sms_waiting(stack, 1000, 9_700_000_000)
    gateway = SMSGatewayStub(delay=0.002)
    args = ("--sms-url", gateway.url, "--lease-seconds", "2", "--batch", "20")
    first = Worker(stack, *args, name="worker-a")
    try:
        # When the worker is killed with SIGKILL part of the way through
        wait_for(lambda: len(gateway.delivered) >= 300, timeout=120)
        first.kill()
        assert len(gateway.delivered) < 1000
        # And a worker is started again
        second = Worker(stack, *args, name="worker-b")
        try:
            wait_for(lambda: len(gateway.delivered) == 1000 and not outbox(stack, "state != 'sent'"), timeout=180)
        finally:
            assert second.stop() == 0
    finally:
        gateway.stop()
    # Then every message reached its phone exactly once: each token number in exactly one delivered SMS
    numbers = sorted(fields["text"].split("Token ")[1].split(",")[0] for fields in gateway.delivered.values())
    assert numbers == [f"BC-{n:04d}" for n in range(1000)]
    assert len(outbox(stack, "state = 'sent'")) == 1000
    print(f"re-sent after the kill and dropped by the gateway's key: {gateway.repeats}")


def test_two_workers_and_a_slow_gateway_send_each_message_once(own_stack):
    stack = own_stack
    # Given 12 SMS waiting, a gateway that takes half a second each, and two workers whose claims
    # of 20 hold a 2 s lease: a whole claim would take 6 s to send
    sms_waiting(stack, 12, 9_710_000_000)
    gateway = SMSGatewayStub(delay=0.5)
    args = ("--sms-url", gateway.url, "--lease-seconds", "2", "--batch", "20")
    workers = [Worker(stack, *args, name="worker-slow-a"), Worker(stack, *args, name="worker-slow-b")]
    try:
        # When they send them all
        wait_for(lambda: len(outbox(stack, "state = 'sent' AND recipient LIKE '971%'")) == 12, timeout=120)
    finally:
        assert [worker.stop() for worker in workers] == [0, 0]
        gateway.stop()
    # Then no message was sent twice: each claim was sent within half its lease, the rest given back
    assert gateway.repeats == 0
    assert len(gateway.delivered) == 12


def test_the_worker_unit_passes_systemd_analyze_verify(tmp_path):
    import subprocess
    from stack import BIN, REPO
    unit = (REPO / "deploy" / "systemd" / "guvnl-queue-worker.service").read_text()
    assert "Restart=always" in unit and "ExecStart=/opt/guvnl-queue/bin/fcgi-app worker" in unit
    (tmp_path / "guvnl-queue-worker.service").write_text(unit.replace("/opt/guvnl-queue/bin/fcgi-app", str((BIN / "fcgi-app").resolve())))
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "guvnl-queue-worker.service")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "guvnl-queue-worker.service" not in result.stderr, result.stderr


def test_delivery_reports_need_the_gateways_signature(tmp_path):
    import hashlib
    import hmac
    from sms_gateway_stub import signed_report
    from stack import Stack
    secret = b"shared-with-the-gateway-0123456789"
    (tmp_path / "secret").write_bytes(secret + b"\n")
    stack = Stack(app_args=["--delivery-report-secret-file", str(tmp_path / "secret")]).start()
    try:
        # Given two messages the gateway accepted, as gw-77 and gw-78
        now = int(time.time() * 1000)
        with sqlite3.connect(stack.database) as db:
            for provider in ("gw-77", "gw-78"):
                db.execute("INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, state, provider_id, "
                           "sent_at, created_at) VALUES ('VAD-247', 'called', 'sms', 'en', '9000000001', '{}', 'sent', ?, ?, ?)",
                           (provider, now, now))
        report, good = signed_report(secret, {"id": "gw-77", "status": "DELIVRD"})

        def post(body, signature=None):
            headers = {"Content-Type": "application/json", **({"X-Signature": signature} if signature else {})}
            status, _, answer = stack.request("POST", "/api/v1/sms/delivery-reports", body=body, headers=headers)
            return status, json.loads(answer)

        # When the report comes unsigned, or signed with another secret, or its body changed after signing
        forged = "sha256=" + hmac.new(b"not-the-secret-at-all", report, hashlib.sha256).hexdigest()
        assert post(report) == (401, post(report)[1]) and post(report)[1]["error"]["code"] == "signature_required"
        assert post(report, forged)[1]["error"]["code"] == "bad_signature"
        assert post(report.replace(b"DELIVRD", b"UNDELIV"), good)[0] == 401
        # Then nothing changed; signed properly, the message is delivered
        assert outbox(stack, "provider_id = 'gw-77'")[0]["state"] == "sent"
        assert post(report, good) == (200, {"recorded": 1, "unknown": 0})
        assert outbox(stack, "provider_id = 'gw-77'")[0]["state"] == "delivered"
        # And a replayed report, or a later one contradicting it, changes nothing
        assert post(report, good) == (200, {"recorded": 0, "unknown": 1})
        failed, signature = signed_report(secret, {"reports": [{"id": "gw-77", "status": "UNDELIV", "reason": "handset off"},
                                                               {"id": "gw-78", "status": "UNDELIV", "reason": "handset off"},
                                                               {"id": "gw-0", "status": "failed"}]})
        assert post(failed, signature) == (200, {"recorded": 1, "unknown": 2})
        assert outbox(stack, "provider_id = 'gw-77'")[0]["state"] == "delivered"
        # While a failure reported for a message still sent is kept with its reason, and is not counted as waiting
        row = outbox(stack, "provider_id = 'gw-78'")[0]
        assert (row["state"], row["last_error"]) == ("failed", "handset off")
        assert json.loads(stack.get("/api/healthz")[2])["worker"]["pending_messages"] == 0
    finally:
        stack.stop()


def test_a_signed_delivery_report_outside_the_time_window_is_refused_and_never_applied(tmp_path):
    from sms_gateway_stub import signed_report
    from stack import Stack
    secret = b"shared-with-the-gateway-0123456789"
    (tmp_path / "secret").write_bytes(secret)
    # Given a server that takes reports signed within 120 seconds of its clock, and a message the gateway sent as gw-90
    stack = Stack(app_args=["--delivery-report-secret-file", str(tmp_path / "secret"),
                            "--delivery-report-window-seconds", "120"]).start()
    try:
        now = int(time.time() * 1000)
        with sqlite3.connect(stack.database) as db:
            db.execute("INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, state, provider_id, "
                       "sent_at, created_at) VALUES ('VAD-247', 'called', 'sms', 'en', '9000000001', '{}', 'sent', 'gw-90', ?, ?)",
                       (now, now))

        def post(body, signature):
            status, _, answer = stack.request("POST", "/api/v1/sms/delivery-reports", body=body,
                                              headers={"Content-Type": "application/json", "X-Signature": signature})
            return status, json.loads(answer)

        # When a properly signed report comes stamped ten minutes ago, or ten minutes ahead, or without a time
        for sent_at in (time.time() - 600, time.time() + 600):
            status, answer = post(*signed_report(secret, {"id": "gw-90", "status": "UNDELIV", "reason": "old"}, sent_at=sent_at))
            # Then it is refused with 400, naming the timestamp, and not applied
            assert (status, answer["error"]["code"], answer["error"]["field"]) == (400, "report_not_fresh", "timestamp")
        unstamped = json.dumps({"id": "gw-90", "status": "UNDELIV"}).encode()
        import hashlib
        import hmac
        status, answer = post(unstamped, "sha256=" + hmac.new(secret, unstamped, hashlib.sha256).hexdigest())
        assert (status, answer["error"]["field"]) == (400, "timestamp")
        assert outbox(stack, "provider_id = 'gw-90'")[0]["state"] == "sent"
        # While one stamped a minute ago is within the window and applied
        assert post(*signed_report(secret, {"id": "gw-90", "status": "DELIVRD"}, sent_at=time.time() - 60)) == \
            (200, {"recorded": 1, "unknown": 0})
        assert outbox(stack, "provider_id = 'gw-90'")[0]["state"] == "delivered"
    finally:
        stack.stop()


def test_a_server_without_the_secret_refuses_every_report(stack):
    status, _, body = stack.request("POST", "/api/v1/sms/delivery-reports", body=b'{"id": "x", "status": "delivered"}',
                                    headers={"Content-Type": "application/json", "X-Signature": "sha256=" + "0" * 64})
    assert status == 403 and json.loads(body)["error"]["code"] == "delivery_reports_not_configured"


def test_the_clerk_sees_the_citizen_was_told_and_the_manager_sees_the_days_messages(stack):
    from test_staff_api import Staff, counter_id
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    counter = counter_id(stack, "VAD-247", 3)
    # Given a counter with nobody at it, and a citizen who booked with SMS
    status, body = clerk.call("GET", f"/api/v1/counters/{counter}")
    if json.loads(body).get("current"):
        clerk.call("POST", f"/api/v1/counters/{counter}/start")
        clerk.call("POST", f"/api/v1/counters/{counter}/complete")
    booked = book(stack, "9825011104", language="en", service="new-lt-connection")
    number = booked["token"]["number"]
    # When the clerk calls them, the desk says the SMS is waiting to be sent
    status, body = clerk.call("POST", f"/api/v1/counters/{counter}/call", {"token": number})
    assert status == 200, body
    assert json.loads(body)["current"]["told_of_call"] == [{"channel": "sms", "state": "pending"}]
    # And once the worker has run, that it reached the phone (here: the sink)
    worker = Worker(stack, name="worker-desk")
    try:
        wait_for(lambda: json.loads(clerk.call("GET", f"/api/v1/counters/{counter}")[1])["current"]["told_of_call"]
                 == [{"channel": "sms", "state": "delivered"}])
    finally:
        assert worker.stop() == 0
        clerk.call("POST", f"/api/v1/counters/{counter}/start")
        clerk.call("POST", f"/api/v1/counters/{counter}/complete")
    # Then the manager's dashboard counts the day's messages and shows this one as the citizen read it
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 330 * 60))
    status, body = manager.call("GET", f"/api/v1/offices/VAD-247/messages/tally?from={day}")
    assert status == 200, body
    delivered = [t for t in json.loads(body)["tally"] if t["channel"] == "sms" and t["state"] == "delivered"]
    assert delivered and delivered[0]["count"] >= 2 and delivered[0]["day"] == day
    status, body = manager.call("GET", "/api/v1/offices/VAD-247/messages?limit=5")
    newest = json.loads(body)["messages"][0]
    assert newest["token"] == number and newest["trigger"] == "called" and newest["recipient"] == "98••••••04"
    assert newest["text"] == f"GUVNL: Token {number}, please come to counter 3 now. Vadodara 24×7 Consumer Care Centre"
    assert "9825011104" not in body.decode()
    # And the booking's message shows its link without the token's view secret (no key to the citizen's token)
    confirmation = [m for m in json.loads(body)["messages"] if m["token"] == number and m["trigger"] == "booked"][0]
    assert f"/token/?id={booked['token']['id']}&secret=…" in confirmation["text"] and booked["secret"] not in body.decode()
    # And a clerk, or somebody not signed in, is refused
    assert clerk.call("GET", "/api/v1/offices/VAD-247/messages")[0] == 403
    assert Staff(stack).call("GET", f"/api/v1/offices/VAD-247/messages/tally?from={day}")[0] == 401


def test_citizens_whose_turn_is_near_are_told_once_from_the_workers_own_look_at_the_queue(own_stack):
    stack = own_stack
    # Given a worker that tells a citizen when at most 1 person is before them
    worker = Worker(stack, "--turn-near-ahead", "1", name="worker-near")
    try:
        # When five citizens book bill complaints
        booked = [book(stack, f"98250122{n:02d}", language="en") for n in range(5)]

        def ahead(token):
            status, _, body = stack.get(f"/api/v1/tokens/{token['token']['id']}?secret={token['secret']}")
            return json.loads(body)["token"]["position"]["ahead"]

        near = [t["token"]["id"] for t in booked if ahead(t) <= 1]
        assert 0 < len(near) < 5
        # Then exactly those with at most one before them (as their token page says) hear their turn is near
        told = lambda: sorted(r["token_id"] for r in outbox(stack, "trigger = 'turn_near'"))
        wait_for(lambda: told() == sorted(near) and all(r["state"] == "delivered" for r in outbox(stack, "trigger = 'turn_near'")))
        text = worker.sink.read_text()
        # And each SMS says "Nobody" or "1 person before you" as the token page does, never "0 people"
        for token in (t for t in booked if t["token"]["id"] in near):
            status, _, body = stack.get(f"/api/v1/tokens/{token['token']['id']}?secret={token['secret']}")
            said = json.loads(body)["token"]["position"]["ahead_text"]
            assert said in ("Nobody before you", "1 person before you")
            assert f"GUVNL: Token {token['token']['number']}: {said} at Vadodara" in text
        assert "0 people" not in text
        # And when a counter calls the first, the next citizen to reach the threshold is told, and nobody twice
        from test_staff_api import Staff, counter_id
        clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
        status, _ = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', 1)}/call-next")
        assert status == 200
        now_near = sorted(set(near) | {t["token"]["id"] for t in booked if t["token"]["id"] not in near and ahead(t) <= 1})
        assert len(now_near) > len(near)
        wait_for(lambda: told() == now_near)
        time.sleep(1.5)
        assert told() == now_near
    finally:
        assert worker.stop() == 0


def test_closing_early_cancels_the_rest_of_the_day_and_tells_each_citizen(own_stack):
    from test_staff_api import Staff, counter_id
    stack = own_stack
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    # Given three citizens waiting, one of them already called to a counter
    booked = [book(stack, f"98250144{n:02d}", language=lang) for n, lang in enumerate(["gu", "hi", "en"])]
    status, body = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', 1)}/call-next")
    at_counter = json.loads(body)["current"]["number"]
    # When a clerk tries to close the office, nothing happens; when the manager does, the others are cancelled
    assert clerk.call("POST", "/api/v1/offices/VAD-247/close-early", {"reason": "Power cut"})[0] == 403
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/close-early", {"reason": "Power cut"})
    assert status == 200, body
    closed = json.loads(body)
    waiting = sorted(t["token"]["number"] for t in booked if t["token"]["number"] != at_counter)
    assert closed["cancelled"] == 2 and sorted(closed["told"]) == waiting
    # Then each is told in their own language, the citizen at the counter is not, and nobody more can book today
    worker = Worker(stack, "--turn-near-ahead", "0", name="worker-close")
    try:
        wait_for(lambda: len(outbox(stack, "trigger = 'closed_early' AND state = 'delivered'")) == 2)
    finally:
        assert worker.stop() == 0
    text = worker.sink.read_text()
    by_number = {t["token"]["number"]: t["token"]["language"] for t in booked}
    expected = {"gu": "આજે માટે બંધ થઈ ગયું છે. ટોકન {n} રદ થયો છે", "hi": "आज के लिए बंद हो गया है. टोकन {n} रद्द हुआ",
                "en": "has closed for today. Token {n} is cancelled"}
    for number in waiting:
        assert expected[by_number[number]].format(n=number) in text
    assert f"Token {at_counter} is cancelled" not in text and f"ટોકન {at_counter} રદ" not in text and f"टोकन {at_counter} रद्द" not in text
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(
        {"office": "VAD-247", "service": "bill-complaint", "name": "Late Comer", "phone": "9825014499"}).encode(), headers=JSON)
    assert 400 <= status < 500 and b"Power cut" in body


def test_the_manager_reads_the_messages_on_the_dashboard_as_citizens_received_them(stack):
    from selenium.webdriver.common.by import By

    from browser import chromium
    from test_staff_pages import serious_violations, sign_in
    from test_staff_pages import wait_for as wait_for_page
    # Given a Gujarati booking whose confirmation the worker has put in the sink
    booked = book(stack, "9825015501")
    worker = Worker(stack, name="worker-page")
    try:
        wait_for(lambda: outbox(stack, "token_id = ? AND trigger = 'booked'", (booked["token"]["id"],))[0]["state"] == "delivered")
    finally:
        assert worker.stop() == 0
    browser = chromium(width=1366, height=900)
    try:
        # When the manager opens the dashboard
        sign_in(browser, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for_page(lambda: browser.find_element(By.ID, "dashboard").is_displayed())
        number = booked["token"]["number"]
        # Then the newest messages show the Gujarati text, marked as Gujarati, the number masked
        item = wait_for_page(lambda: next(li for li in browser.find_elements(By.CSS_SELECTOR, "#message-list li")
                                          if f"તમારો ટોકન {number} છે" in li.text), timeout=10)
        assert "98••••••01" in item.text and "9825015501" not in browser.page_source
        assert item.find_element(By.CSS_SELECTOR, "pre").get_attribute("lang") == "gu"
        # And today's tally counts delivered SMS
        rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#message-tally tr")]
        assert any(" sms " in f" {r} " and "delivered" in r for r in rows), rows
        browser.save_screenshot(str(stack.dir / "admin-messages.png"))
        assert serious_violations(browser) == []
    finally:
        browser.quit()


def test_sigterm_lets_the_message_in_hand_finish_and_leaves_the_rest_for_later(own_stack):
    stack = own_stack
    # Given three SMS waiting and a gateway that takes 1.5 s to answer each
    now = int(time.time() * 1000)
    with sqlite3.connect(stack.database) as db:
        db.executemany("INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, next_attempt_at, created_at) "
                       "VALUES ('VAD-247', 'called', 'sms', 'en', ?, ?, ?, ?)",
                       [(str(9_700_000_100 + n), json.dumps({"number": f"BC-{n:03d}", "counter": "1", "office": "Vadodara"}), now, now)
                        for n in range(3)])
    gateway = SMSGatewayStub(delay=1.5)
    worker = Worker(stack, "--sms-url", gateway.url, "--turn-near-ahead", "0", name="worker-term")
    try:
        # When SIGTERM comes while the first is with the gateway
        wait_for(lambda: gateway.attempts)
        started = time.monotonic()
        status = worker.stop(timeout=20)
        # Then the worker answers it once that send is done, exits 0, and has recorded it as sent;
        # the messages it had not begun are given back, due at once for the next worker, no attempt spent
        assert status == 0 and time.monotonic() - started < 5
        rows = outbox(stack)
        assert [r["state"] for r in rows].count("sent") == len(gateway.delivered) >= 1
        rest = [r for r in rows if r["state"] != "sent"]
        assert rest and all((r["state"], r["attempts"], r["lease_owner"]) == ("pending", 0, None) for r in rest)
    finally:
        gateway.stop()


def test_the_console_shows_the_clerk_that_the_called_citizen_was_told(own_stack):
    from selenium.webdriver.common.by import By

    from browser import chromium
    from test_staff_pages import sign_in
    from test_staff_pages import wait_for as wait_for_page
    stack = own_stack
    # Given a citizen waiting, who booked with SMS
    booked = book(stack, "9825016601", language="en")
    clerk = chromium(width=1366, height=768)
    try:
        sign_in(clerk, stack, "/staff/", "clerk-vad-247", "demo-clerk-2026")
        wait_for_page(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        clerk.find_elements(By.CSS_SELECTOR, ".counter-choice")[0].click()
        wait_for_page(lambda: booked["token"]["number"] in clerk.find_element(By.ID, "waiting-list").text)
        # When the clerk calls next, with no worker running yet, the console says the SMS waits to be sent
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        current = lambda: clerk.find_element(By.ID, "current").text
        wait_for_page(lambda: booked["token"]["number"] in current() and "Told of the call" in current())
        assert "SMS: waiting to be sent" in current()
        # Then, once the worker has sent it, the console shows it delivered without the clerk doing anything
        worker = Worker(stack, name="worker-console")
        try:
            wait_for_page(lambda: "SMS: delivered" in current(), timeout=15)
        finally:
            assert worker.stop() == 0
    finally:
        clerk.quit()
