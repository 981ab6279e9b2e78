"""Live updates through real nginx: a change made by another process reaches the office and token
streams, and a client reconnecting with Last-Event-ID gets exactly what it missed."""
import json
import subprocess

from sse import EventStream
from stack import BIN


def counter(stack, action, number=1, office="VAD-247"):
    result = subprocess.run([BIN / "fcgi-app", "counter", action, "--office", office, "--number", str(number),
                             "--database", str(stack.database)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def book(stack, phone, service="meter-complaint"):
    fields = {"office": "VAD-247", "service": service, "name": "Ravi Shah", "phone": phone}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201
    return json.loads(body)


def next_of_kind(stream, kind):
    while True:
        event, at = stream.next_event()
        if event.get("event") == kind:
            return event, at


def drain_counter_one(stack):
    """Serve whoever is waiting at counter 1 so a test starts from an empty queue there."""
    while "called" in counter(stack, "call-next"):
        counter(stack, "start")
        counter(stack, "complete")


def test_a_clerks_call_reaches_the_token_and_office_streams(stack):
    drain_counter_one(stack)
    booked = book(stack, "9811100001")
    token, secret = booked["token"], booked["secret"]
    office = EventStream(stack.port, "/api/v1/offices/VAD-247/events")
    mine = EventStream(stack.port, f"/api/v1/tokens/{token['id']}/events?secret={secret}")
    try:
        first, _ = next_of_kind(office, "snapshot")
        assert first["retry"] == "3000"
        status, _ = next_of_kind(mine, "status")
        assert json.loads(status["data"])["state"] == "waiting"
        # When a clerk (another process) calls the next citizen at counter 1
        assert counter(stack, "call-next") == f"{token['number']} called to counter 1"
        # Then the office stream announces the call with its counter, and a fresh snapshot follows
        called, _ = next_of_kind(office, "called")
        data = json.loads(called["data"])
        assert data["token"] == token["number"] and data["counter"] == 1 and data["to"] == "called"
        assert int(called["id"]) > int(first["id"])
        assert "Ravi" not in called["data"] and "9811100001" not in called["data"]
        snapshot, _ = next_of_kind(office, "snapshot")
        serving = {c["number"]: c.get("token") for c in json.loads(snapshot["data"])["counters"]}
        assert serving[1] == token["number"]
        # And the token's own stream says called, at counter 1
        while True:
            status, _ = next_of_kind(mine, "status")
            view = json.loads(status["data"])
            if view["state"] == "called":
                break
        assert view["counter"] == 1
        counter(stack, "start")
        counter(stack, "complete")
        while json.loads(next_of_kind(mine, "status")[0]["data"])["state"] != "served":
            pass
        # A served token's stream ends
        assert mine.wait_for_end()
    finally:
        office.close()
        mine.close()


def test_reconnecting_with_last_event_id_gets_exactly_what_was_missed(stack):
    drain_counter_one(stack)
    first = EventStream(stack.port, "/api/v1/offices/VAD-247/events")
    snapshot, _ = next_of_kind(first, "snapshot")
    last_seen = snapshot["id"]
    first.close()
    # While the client is away: a booking, a call, a start
    booked = book(stack, "9811100002")
    counter(stack, "call-next")
    counter(stack, "start")
    again = EventStream(stack.port, "/api/v1/offices/VAD-247/events", last_event_id=last_seen)
    try:
        kinds, ids = [], []
        while len(kinds) < 3:
            event, _ = again.next_event()
            if event["event"] != "snapshot":
                kinds.append(event["event"])
                ids.append(int(event["id"]))
        assert kinds == ["booked", "called", "started"]
        assert ids == sorted(ids) and ids[0] > int(last_seen)
        snapshot, _ = next_of_kind(again, "snapshot")
        assert snapshot["id"] == str(ids[-1])
    finally:
        again.close()
        counter(stack, "complete")
    assert booked["token"]["number"].startswith("MC-")


def test_a_token_stream_needs_the_secret(stack):
    booked = book(stack, "9811100003")
    status, _, _ = stack.get(f"/api/v1/tokens/{booked['token']['id']}/events?secret=wrong")
    assert status == 404
    status, _, _ = stack.get("/api/v1/offices/NOPE/events")
    assert status == 404
