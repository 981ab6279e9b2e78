"""Issue 13: a citizen whom the forecast no longer reaches before the counters close is told once,
in their language, by the channel they chose: keep your place, or book for another day. Once per
token, however the forecast turns back and forth afterwards."""
import datetime
import json
import sqlite3
import zoneinfo

from test_notifications import book, outbox
from test_staff_api import Staff, counter_id
from worker import Worker, wait_for

SAID = {"en": "is unlikely to reach you before it closes today", "gu": "તમારો વારો આવે તેવી શક્યતા ઓછી છે",
        "hi": "आपकी बारी आने की संभावना कम है"}
# Bill complaints take no appointments: their message is the walk-in one (come back early), with its own registration.
DLT = {"en": "1107170000000000804", "gu": "1107170000000000805", "hi": "1107170000000000806"}
NO_APPOINTMENT = {"en": "come back another day, early", "gu": "બીજા દિવસે વહેલા આવો", "hi": "किसी और दिन जल्दी आएँ"}


def reached_today(stack, token):
    status, _, body = stack.get(f"/api/v1/tokens/{token['token']['id']}?secret={token['secret']}")
    assert status == 200
    return json.loads(body)["token"]["position"].get("reached_today")


def put_office_in_late_morning(stack, office):
    """A counter's closing is a time of the office's day, which ends at its midnight: three hours
    from 22:00 cannot be said. The test moves the 24x7 office to a time zone where it is now about
    10:00, whatever the hour it runs at (a CI run at 22:55 in India failed here before). fcgi-app is
    restarted so that it reads the zone afresh."""
    hour = (10 - datetime.datetime.now(datetime.timezone.utc).hour) % 24
    offset = hour - 24 if hour > 14 else hour  # Etc/GMT zones run from UTC-12 to UTC+14
    zone = f"Etc/GMT{-offset:+d}"  # POSIX-style: Etc/GMT-5 is five hours ahead of UTC
    with sqlite3.connect(stack.database) as db:
        db.execute("UPDATE office SET time_zone = ? WHERE code = ?", (zone, office))
    stack.restart_app()
    return zoneinfo.ZoneInfo(zone)


def closes_in(manager, zone, counter, minutes):
    """Counter 1's planned closing, `minutes` from now in the office's time zone."""
    at = datetime.datetime.now(zone) + datetime.timedelta(minutes=minutes)
    assert at.date() == datetime.datetime.now(zone).date(), "the closing must fall within the office's day"
    status, body = manager.call("POST", f"/api/v1/offices/VAD-247/counters/{counter}/schedule", {"pauses": "", "closes": at.strftime("%H:%M")})
    assert status == 200, body


def test_citizens_the_office_will_not_reach_today_are_told_once_in_their_language(own_stack):
    stack = own_stack
    zone = put_office_in_late_morning(stack, "VAD-247")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    # Given counter 1 is the one attended (a clerk at it) and closes in 12 minutes
    counter = counter_id(stack, "VAD-247", 1)
    assert clerk.call("POST", f"/api/v1/counters/{counter}/presence")[0] in (200, 204)
    closes_in(manager, zone, 1, 12)
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
            assert SAID[language] in entry and f"[msg_sms_unlikely_today_walk_in DLT {DLT[language]}]" in entry
            assert NO_APPOINTMENT[language] in entry and "appointment" not in entry.split("\n", 1)[1]
        # When the counter's closing moves to later, then back, the forecast turns back and forth
        assert clerk.call("POST", f"/api/v1/counters/{counter}/presence")[0] in (200, 204)
        closes_in(manager, zone, 1, 180)
        wait_for(lambda: all(reached_today(stack, t) for t in unreached))
        closes_in(manager, zone, 1, 12)
        wait_for(lambda: [t for t in booked if reached_today(stack, t) is False])
        again = [t["token"]["id"] for t in booked if reached_today(stack, t) is False]
        # And nobody already told is told again; anyone newly unreached is told once
        wait_for(lambda: set(told()) == {t["token"]["id"] for t in unreached} | set(again))
        rows = outbox(stack, "trigger = 'unlikely_today'")
        assert len(rows) == len({r["token_id"] for r in rows})
    finally:
        assert worker.stop() == 0
