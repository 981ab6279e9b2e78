"""Issue 13: e-mail over SMTP with STARTTLS and login (libcurl), plain text and HTML alternatives,
the Gujarati subject in RFC 2047 words, received by a real local relay (aiosmtpd)."""
import email
import email.policy
import json
import re
import sqlite3

from smtp_peer import SMTPPeer
from stack import REPO  # noqa: F401
from worker import Worker, wait_for

JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def book(stack, phone, mail):
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Kiran Shah", "phone": phone, "email": mail,
              "language": "gu", "notify_sms": False, "notify_email": True}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)
    assert status == 201, body
    return json.loads(body)


def rows(stack, token_id):
    with sqlite3.connect(stack.database) as db:
        db.row_factory = sqlite3.Row
        return {r["trigger"]: dict(r) for r in db.execute("SELECT * FROM outbox WHERE token_id = ?", (token_id,))}


def test_the_confirmation_and_turn_near_mails_arrive_in_gujarati_over_starttls(stack, tmp_path):
    peer = SMTPPeer(tmp_path)
    worker = Worker(stack, "--smtp-url", peer.url, "--smtp-username", "queue", "--smtp-ca-file", peer.cert,
                    "--mail-from", "queue@guvnl.example", name="worker-mail", env={"GUVNL_SMTP_PASSWORD": "relay-pass-2026"})
    try:
        # Given a citizen who books in Gujarati and asks for e-mail only
        booked = book(stack, "9825013301", "kiran.shah@example.com")
        number = booked["token"]["number"]
        # When the worker has sent what the booking caused (the queue is short: the turn is near too)
        wait_for(lambda: len(peer.received) >= 2, timeout=30)
    finally:
        assert worker.stop() == 0
        peer.stop()
    # Then the relay saw STARTTLS before the login, and two mails to the citizen
    assert peer.logins and all(ok and encrypted for _, ok, encrypted in peer.logins)
    assert all(e.rcpt_tos == ["kiran.shah@example.com"] and e.mail_from == "queue@guvnl.example" for e in peer.received)
    mails = [email.message_from_bytes(e.original_content, policy=email.policy.default) for e in peer.received]
    by_subject = {m["Subject"]: m for m in mails}
    confirmation = by_subject[f"વડોદરા 24×7 ગ્રાહક સેવા કેન્દ્ર ખાતે તમારો ટોકન {number}"]
    near = by_subject[f"ટોકન {number}: તમારો વારો નજીક છે"]
    # The raw subject is RFC 2047 encoded, lines within 78 characters
    raw = peer.received[0].original_content.decode("ascii")
    assert "Subject: =?UTF-8?B?" in raw and max(len(line) for line in raw.split("\r\n")) <= 78
    # Plain text and HTML alternatives, both in Gujarati, the HTML with the token page as a link
    assert confirmation.get_content_type() == "multipart/alternative"
    text = confirmation.get_body(("plain",)).get_content()
    html = confirmation.get_body(("html",)).get_content()
    link = f"{stack.base}/token/?id={booked['token']['id']}&amp;secret={booked['secret']}"
    assert f"ખાતે નવું LT વીજ જોડાણ માટે તમારો ટોકન {number} છે" in text or f"તમારો ટોકન {number} છે" in text
    assert "કૃપા કરીને સાથે લાવો:" in text and link.replace("&amp;", "&") in text
    assert f'<a href="{link}">' in html and '<html lang="gu">' in html
    # ("Nobody", "1 person" or "N people before you", as the token page words it: never "0 people")
    said = near.get_body(("plain",)).get_content()
    assert re.search(r"ખાતે તમારી પહેલાં (કોઈ નથી|1 વ્યક્તિ|([2-9]|\d\d+) લોકો)\. કૃપા કરીને હમણાં કચેરીએ પાછા આવો", said), said
    # And each carries its outbox idempotency key as its Message-ID, and is recorded as sent
    sent = rows(stack, booked["token"]["id"])
    assert confirmation["Message-ID"] == f"<{sent['booked']['idempotency_key']}@guvnl.example>"
    assert sent["booked"]["state"] == sent["turn_near"]["state"] == "sent"
    assert stack.sensitive.find_in(worker.log) == []


def test_a_refused_login_fails_the_mail_and_sends_nothing(stack, tmp_path):
    peer = SMTPPeer(tmp_path)
    worker = Worker(stack, "--smtp-url", peer.url, "--smtp-username", "queue", "--smtp-ca-file", peer.cert,
                    "--retry-base-seconds", "60", name="worker-badlogin", env={"GUVNL_SMTP_PASSWORD": "wrong"})
    try:
        booked = book(stack, "9825013302", "asha.mehta@example.com")
        wait_for(lambda: rows(stack, booked["token"]["id"])["booked"]["state"] == "failed")
    finally:
        assert worker.stop() == 0
        peer.stop()
    row = rows(stack, booked["token"]["id"])["booked"]
    assert peer.received == [] and "Login denied" in row["last_error"] and row["attempts"] == 1
    assert "asha.mehta" not in worker.log.read_text()
