"""Issue 13: a citizen whom the forecast no longer reaches before the counters close is told once,
in their language, by the channel they chose: keep your place, or book for another day. Once per
token, however the forecast turns back and forth afterwards."""
import datetime
import json

from test_notifications import book, outbox
from test_staff_api import Staff, counter_id
from worker import Worker, wait_for

INDIA = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
SAID = {"en": "is unlikely to reach you before it closes today", "gu": "તમારો વારો આવે તેવી શક્યતા ઓછી છે",
        "hi": "आपकी बारी आने की संभावना कम है"}
DLT = {"en": "1107170000000000801", "gu": "1107170000000000802", "hi": "1107170000000000803"}


def reached_today(stack, token):
    status, _, body = stack.get(f"/api/v1/tokens/{token['token']['id']}?secret={token['secret']}")
    assert status == 200
    return json.loads(body)["token"]["position"].get("reached_today")


def closes_in(manager, counter, minutes):
    """Counter 1's planned closing, `minutes` from now in India (at most 23:59, the office's own midnight)."""
    at = min(datetime.datetime.now(INDIA) + datetime.timedelta(minutes=minutes),
             datetime.datetime.now(INDIA).replace(hour=23, minute=59))
    status, body = manager.call("POST", f"/api/v1/offices/VAD-247/counters/{counter}/schedule", {"pauses": "", "closes": at.strftime("%H:%M")})
    assert status == 200, body


def test_citizens_the_office_will_not_reach_today_are_told_once_in_their_language(own_stack):
    stack = own_stack
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    # Given counter 1 is the one attended (a clerk at it) and closes in 12 minutes
    counter = counter_id(stack, "VAD-247", 1)
    assert clerk.call("POST", f"/api/v1/counters/{counter}/presence")[0] in (200, 204)
    closes_in(manager, 1, 12)
    # When nine citizens book bill complaints (about 8 minutes each), in three languages
    booked = [book(stack, f"98250188{n:02d}", language=["gu", "hi", "en"][n % 3]) for n in range(9)]
    unreached = [t for t in booked if reached_today(stack, t) is False]
    assert 0 < len(unreached) < len(booked)
    worker = Worker(stack, name="worker-unlikely")
    try:
        # Then exactly those whose token page says so are told, each in their own language
        told = lambda: sorted(r["token_id"] for r in outbox(stack, "trigger = 'unlikely_today' AND state = 'delivered'"))
        wait_for(lambda: told() == sorted(t["token"]["id"] for t in unreached))
        entries = worker.sink.read_text().split("\n\n")
        for token in unreached:
            number, language = token["token"]["number"], token["token"]["language"]
            (entry,) = [e for e in entries if "[msg_sms_unlikely_today" in e and f" {number}" in e]
            assert SAID[language] in entry and f"[msg_sms_unlikely_today DLT {DLT[language]}]" in entry
        # When the counter's closing moves to later, then back, the forecast turns back and forth
        assert clerk.call("POST", f"/api/v1/counters/{counter}/presence")[0] in (200, 204)
        closes_in(manager, 1, 180)
        wait_for(lambda: all(reached_today(stack, t) for t in unreached))
        closes_in(manager, 1, 12)
        wait_for(lambda: [t for t in booked if reached_today(stack, t) is False])
        again = [t["token"]["id"] for t in booked if reached_today(stack, t) is False]
        # And nobody already told is told again; anyone newly unreached is told once
        wait_for(lambda: set(told()) == {t["token"]["id"] for t in unreached} | set(again))
        rows = outbox(stack, "trigger = 'unlikely_today'")
        assert len(rows) == len({r["token_id"] for r in rows})
    finally:
        assert worker.stop() == 0
