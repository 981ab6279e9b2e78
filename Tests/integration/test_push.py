"""Issue 13 (5): Web Push to the installed PWA. The token page's subscription is kept with the
token's view secret; the worker signs each message with VAPID and encrypts it (aes128gcm) to the
browser's key, and posts it over HTTPS to the push service. A local push service stub receives it;
this test checks the VAPID token with `cryptography` and decrypts the payload with `http_ece`,
independently of the Swift code, back to the Gujarati text the citizen would see. A push service
that answers 410 makes the subscription disappear."""
import json
import sqlite3
import time

import pytest

from push_service_stub import Browser, PushServiceStub, verified_vapid_claims
from stack import Stack
from test_staff_api import Staff, counter_id
from worker import Worker, wait_for

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
# The stub push service listens on 127.0.0.1: the server and the worker are told to allow it, beside
# the browsers' own services (the default).
PUSH_SERVICES = ("--push-services", "browsers,127.0.0.1")


@pytest.fixture(scope="module")
def stack():
    running = Stack(app_args=PUSH_SERVICES).start()
    yield running
    running.stop()


def book(stack, phone, language="gu", notify_sms=False):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Hetal Joshi", "phone": phone, "language": language,
              "notify_sms": notify_sms}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)
    assert status == 201, body
    return json.loads(body)


def subscribe(stack, booked, subscription, secret=None, method="POST"):
    path = f"/api/v1/tokens/{booked['token']['id']}/push-subscriptions?secret={secret or booked['secret']}"
    status, _, body = stack.request(method, path, body=json.dumps(subscription).encode(), headers=JSON)
    return status, (json.loads(body) if body else None)


def subscriptions(stack, token_id):
    with sqlite3.connect(stack.database) as db:
        return [row[0] for row in db.execute("SELECT endpoint FROM push_subscription WHERE token_id = ?", (token_id,))]


def push_rows(stack, token_id, channel="push"):
    with sqlite3.connect(stack.database) as db:
        db.row_factory = sqlite3.Row
        return {r["trigger"]: dict(r) for r in db.execute("SELECT * FROM outbox WHERE token_id = ? AND channel = ?", (token_id, channel))}


def worker_for(stack, stub, name):
    return Worker(stack, "--push-ca-file", stub.cert, "--push-subject", "mailto:queue@guvnl.example", *PUSH_SERVICES, name=name)


def test_the_call_reaches_the_phone_encrypted_signed_and_in_gujarati(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    # Given a citizen who booked in Gujarati (no SMS) and tapped "Notify me on this phone"
    booked = book(stack, "9825014401")
    number, token_id = booked["token"]["number"], booked["token"]["id"]
    phone = Browser(f"{stub.origin}/push/phone-{token_id}")
    status, answer = subscribe(stack, booked, phone.subscription())
    assert (status, answer) == (201, {"subscribed": True})
    assert subscriptions(stack, token_id) == [phone.endpoint]
    status, _, key = stack.get("/api/v1/push/key")
    server_key = json.loads(key)["publicKey"]
    assert status == 200 and len(server_key) == 87
    worker = worker_for(stack, stub, "worker-push")
    try:
        # When the clerk at counter 1 calls the next citizen (this one: the only one waiting)
        clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
        status, _ = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', 1)}/call-next")
        assert status == 200
        # Then the push service receives the call, which only the phone's key opens
        def called():
            for headers, body in stub.messages_to(f"/push/phone-{token_id}"):
                payload = phone.decrypt(body)
                if "કાઉન્ટર 1" in payload["body"]:
                    return headers, payload
            return None
        headers, payload = wait_for(called, timeout=30)
    finally:
        assert worker.stop() == 0
        stub.stop()
    # The Gujarati "called" text, the token's own tag and page, a Gujarati title
    assert payload["body"].startswith(f"GUVNL: ટોકન {number}, કૃપા કરીને હમણાં કાઉન્ટર 1 પર આવો.")
    assert payload["title"] == f"GUVNL · ટોકન {number}"
    assert payload["tag"] == f"token-{token_id}" and payload["url"] == f"/token/?id={token_id}"
    # Signed with the key the page subscribed with, for the push service's origin, for under a day
    claims, vapid_key = verified_vapid_claims(headers["Authorization"])
    assert vapid_key == server_key
    assert claims["aud"] == stub.origin and claims["sub"] == "mailto:queue@guvnl.example"
    # With the headers a push service needs: aes128gcm, how long to keep it, how urgent, a topic
    assert headers["Content-Encoding"] == "aes128gcm"
    assert int(headers["TTL"]) > 0 and headers["Urgency"] == "high" and headers["Topic"] == f"token-{token_id}"
    # And the outbox records the push as sent; no personal data in the worker's log
    assert push_rows(stack, token_id)["called"]["state"] == "sent"
    assert stack.sensitive.find_in(worker.log) == []
    assert phone.endpoint not in worker.log.read_text()


def test_an_expired_subscription_is_removed_when_the_push_service_answers_410(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    # Given a token whose phone's subscription has expired at the push service
    booked = book(stack, "9825014402")
    token_id = booked["token"]["id"]
    phone = Browser(f"{stub.origin}/gone/phone-{token_id}")
    assert subscribe(stack, booked, phone.subscription())[0] == 201
    worker = worker_for(stack, stub, "worker-push-gone")
    try:
        # When the worker pushes its next message (its turn is near: the queue is short)
        wait_for(lambda: stub.messages_to(f"/gone/phone-{token_id}"), timeout=30)
        # Then the subscription is gone, and the message failed for good, not to be retried
        wait_for(lambda: subscriptions(stack, token_id) == [], timeout=10)
        row = wait_for(lambda: next((r for r in push_rows(stack, token_id).values() if r["state"] in ("gave_up", "failed")), None))
    finally:
        assert worker.stop() == 0
        stub.stop()
    assert row["state"] == "gave_up" and row["next_attempt_at"] is None and "expired" in row["last_error"]
    # And a later message writes no push row at all: push is no longer one of the token's channels
    with sqlite3.connect(stack.database) as db:
        assert db.execute("SELECT count(*) FROM token_channel WHERE token_id = ? AND channel = 'push'", (token_id,)).fetchone()[0] == 0


def test_bad_subscriptions_get_a_clear_4xx_naming_the_field(stack, tmp_path):
    booked = book(stack, "9825014403")
    good = Browser("https://fcm.googleapis.com/fcm/send/abc").subscription()
    cases = [
        ({**good, "endpoint": "http://fcm.googleapis.com/fcm/send/abc"}, 422, "endpoint"),
        ({**good, "endpoint": "https://fcm.googleapis.com/" + "a" * 1100}, 422, "endpoint"),
        ({k: v for k, v in good.items() if k != "endpoint"}, 422, "endpoint"),
        ({**good, "keys": {**good["keys"], "p256dh": good["keys"]["p256dh"][:-2]}}, 422, "keys.p256dh"),
        ({**good, "keys": {**good["keys"], "p256dh": "BA" + "A" * 85}}, 422, "keys.p256dh"),  # 65 bytes, not on the curve
        ({**good, "keys": {**good["keys"], "auth": "AAECAwQFBgcICQoLDA0O"}}, 422, "keys.auth"),  # 15 bytes
        ({**good, "keys": "p256dh"}, 400, "keys"),
    ]
    for body, status, field in cases:
        got, answer = subscribe(stack, booked, body)
        assert (got, answer["error"]["field"]) == (status, field), (body, answer)
    # Not JSON, a wrong secret: refused too, and nothing was kept
    path = f"/api/v1/tokens/{booked['token']['id']}/push-subscriptions?secret={booked['secret']}"
    assert stack.request("POST", path, body=b"endpoint=x", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 415
    assert subscribe(stack, booked, good, secret="not-the-secret")[0] == 404
    assert subscriptions(stack, booked["token"]["id"]) == []
    # The good one is kept, and DELETE takes it away again
    assert subscribe(stack, booked, good)[0] == 201
    assert subscribe(stack, booked, {"endpoint": good["endpoint"]}, method="DELETE")[0] == 204
    assert subscriptions(stack, booked["token"]["id"]) == []


def test_a_subscription_may_name_only_a_push_service_so_no_one_can_aim_the_server_at_its_network(stack):
    booked = book(stack, "9825014408")
    keys = Browser("https://fcm.googleapis.com/fcm/send/x").subscription()["keys"]
    # An endpoint on the server's own network, the cloud's metadata address, or a look-alike host
    for endpoint in ["https://10.0.0.7/admin", "https://169.254.169.254/latest/meta-data", "https://localhost:8080/api",
                     "https://fcm.googleapis.com.evil.example/x", "https://fcm.googleapis.com@10.0.0.7/x"]:
        status, answer = subscribe(stack, booked, {"endpoint": endpoint, "keys": keys})
        assert (status, answer["error"]["field"]) == (422, "endpoint"), (endpoint, answer)
        assert "push service" in answer["error"]["message"]
    assert subscriptions(stack, booked["token"]["id"]) == []
    # The browsers' own are kept: Firefox's, Safari's, Edge's
    for endpoint in ["https://updates.push.services.mozilla.com/wpush/v2/gAAAA", "https://web.push.apple.com/QH3f",
                     "https://wns2-db5p.notify.windows.com/w/?token=BQYA"]:
        assert subscribe(stack, booked, {"endpoint": endpoint, "keys": keys})[0] == 201


def test_the_worker_posts_only_to_its_own_list_of_push_services(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    # Given a subscription the server kept (its list allows the stub) whose push is then sent by a
    # worker left at the default list (the browsers' services only), as after the list was narrowed
    booked = book(stack, "9825014409")
    token_id = booked["token"]["id"]
    phone = Browser(f"{stub.origin}/push/narrowed-{token_id}")
    assert subscribe(stack, booked, phone.subscription())[0] == 201
    worker = Worker(stack, "--push-ca-file", stub.cert, "--turn-near-ahead", "50", name="worker-push-narrowed")
    try:
        # When its message is due: the subscription goes, unposted, and the message gives up saying why
        row = wait_for(lambda: next((r for r in push_rows(stack, token_id).values() if r["state"] in ("gave_up", "failed")), None),
                       timeout=30)
        assert subscriptions(stack, token_id) == []
    finally:
        assert worker.stop() == 0
        stub.stop()
    assert row["state"] == "gave_up" and "not an allowed push service" in row["last_error"]
    assert stub.messages_to(f"/push/narrowed-{token_id}") == []


def test_a_push_service_that_answers_slowly_does_not_hold_up_anyone_elses_sms(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    stub.slow_seconds = 8
    # Given a citizen whose phone's push service takes 8 s to answer, and the worker posting to it
    booked = book(stack, "9825014410")
    token_id = booked["token"]["id"]
    assert subscribe(stack, booked, Browser(f"{stub.origin}/slow/phone-{token_id}").subscription())[0] == 201
    worker = Worker(stack, "--push-ca-file", stub.cert, *PUSH_SERVICES, "--turn-near-ahead", "50", name="worker-slow-push")
    try:
        wait_for(lambda: stub.messages_to(f"/slow/phone-{token_id}") or None, timeout=30)
        # When another citizen books with SMS meanwhile
        other = book(stack, "9825014411", notify_sms=True)["token"]["id"]
        # Then their confirmation is sent while the push service has still not answered the first
        wait_for(lambda: any(r["state"] in ("sent", "delivered") for r in push_rows(stack, other, "sms").values()), timeout=30)
        assert "sent" not in [r["state"] for r in push_rows(stack, token_id).values()]
        # and the push is sent too, once its service answers
        wait_for(lambda: "sent" in [r["state"] for r in push_rows(stack, token_id).values()], timeout=30)
    finally:
        assert worker.stop() == 0
        stub.stop()


def push_retried_after(stack, stub, tmp_path, phone_number, retry_after, *worker_args):
    """A push whose first attempt the push service answers 429 with `retry_after`: the seconds between
    that attempt and the next one of the same message, and the message's row once it is sent.
    The same message is found by its decrypted text: late in the office's day the token may also be
    told "unlikely to be reached today", a second message that goes to the same address at once."""
    stub.retry_after = retry_after
    booked = book(stack, phone_number)
    token_id = booked["token"]["id"]
    path = f"/busy/phone-{token_id}"
    browser = Browser(stub.origin + path)
    assert subscribe(stack, booked, browser.subscription())[0] == 201
    # Every waiting token is near at 50 before it: the worker pushes to this one at once
    worker = Worker(stack, "--push-ca-file", stub.cert, *PUSH_SERVICES, "--turn-near-ahead", "50", "--retry-base-seconds", "0.2",
                    *worker_args, name=f"worker-busy-{token_id}")

    def attempts_of_the_refused_message():
        with stub.lock:
            times = list(stub.times.get(path, []))
            bodies = [body for p, _, body in stub.received if p == path]
        texts = [browser.decrypt(body)["body"] for body in bodies]
        return [at for at, text in zip(times, texts) if texts and text == texts[0]]

    def retried():
        attempts = attempts_of_the_refused_message()
        return attempts if len(attempts) >= 2 else None

    try:
        attempts = wait_for(retried, timeout=20)
        row = wait_for(lambda: next((r for r in push_rows(stack, token_id).values() if r["state"] == "sent" and r["attempts"] > 1), None))
    finally:
        assert worker.stop() == 0
    return attempts[1] - attempts[0], row


def test_push_waits_as_long_as_the_push_service_asks_with_retry_after(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    try:
        # Given a push service that answers the first push 429 "Retry-After: 3", and a worker whose own
        # backoff would try again after 0.1-0.2 s
        gap, row = push_retried_after(stack, stub, tmp_path, "9825014404", "3", "--retry-max-seconds", "60")
    finally:
        stub.stop()
    # Then the second attempt came no sooner than the 3 seconds asked, and it went through
    assert gap >= 3, gap
    assert row["attempts"] == 2


def test_a_retry_after_beyond_the_backoff_limit_waits_only_the_limit(stack, tmp_path):
    stub = PushServiceStub(tmp_path)
    try:
        # Given a push service that asks for an hour (as an HTTP date), and a worker whose longest wait is 2 s
        in_an_hour = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3600))
        gap, row = push_retried_after(stack, stub, tmp_path, "9825014405", in_an_hour, "--retry-max-seconds", "2")
    finally:
        stub.stop()
    # Then the citizen's message waited the limit, not the hour (within the 20 s the helper allows)
    assert 1 <= gap < 20, gap
    assert row["attempts"] == 2
