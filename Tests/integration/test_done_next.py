""""Done, next" (POST /api/v1/counters/{counter}/complete-and-call-next) through real nginx and
fcgi-app, as an attacker and as two consoles racing at one counter would press it: refused to anyone
who may not act at the counter and to bad input, changing nothing; at once with another key, never a
5xx, two citizens at one counter, or a citizen both served and called; and the office's event stream
carries the completion and then the call."""
import json
import sqlite3
import subprocess
import threading

import pytest

from sse import EventStream
from stack import BIN
from test_staff_api import Staff, counter_id

DONE_NEXT = "complete-and-call-next"
phones = iter(range(9712300000, 9712399999))


def book(stack, service):
    fields = {"office": "VAD-247", "service": service, "name": "Kiran Joshi", "phone": str(next(phones))}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201, body
    return json.loads(body)


def add_user(stack, username, role, office, counter=None):
    """A staff account made by the operator's command, as an office would make it."""
    command = [BIN / "fcgi-app", "user", "add", "--username", username, "--name", "Test person", "--role", role,
               "--office", office, "--database", stack.database]
    if counter is not None:
        command += ["--counter", str(counter)]
    subprocess.run(command, input="a-long-test-password-2026\n", text=True, check=True, capture_output=True)
    return Staff(stack).sign_in(username, "a-long-test-password-2026")


def last_event_id(stack):
    return json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])["last_event_id"]


def at_counters(stack):
    """Each counter of VAD-247 with the tokens at it (called or being served), read from the database."""
    with sqlite3.connect(stack.database) as db:
        rows = db.execute("SELECT c.number, t.number FROM token t JOIN counter c ON c.id = t.counter_id "
                          "WHERE t.state IN ('called', 'serving') AND t.office_code = 'VAD-247'").fetchall()
    found = {}
    for counter, token in rows:
        found.setdefault(counter, []).append(token)
    return found


def state_of(stack, number):
    with sqlite3.connect(stack.database) as db:
        return db.execute("SELECT state FROM token WHERE office_code = 'VAD-247' AND number = ? "
                          "ORDER BY id DESC LIMIT 1", (number,)).fetchone()[0]


def at_once(*presses):
    """Runs the requests together (released by one barrier); their (status, body) answers in order."""
    barrier = threading.Barrier(len(presses))
    answers = [None] * len(presses)

    def run(index, press):
        barrier.wait()
        answers[index] = press()
    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def serving(stack, clerk, counter, service, waiting):
    """Empties the counter, books `waiting` citizens, calls the first and starts serving them."""
    desk = json.loads(clerk.call("GET", f"/api/v1/counters/{counter}")[1])
    if desk.get("state") != "open":
        assert clerk.call("POST", f"/api/v1/counters/{counter}/open")[0] == 200
    while True:
        desk = json.loads(clerk.call("GET", f"/api/v1/counters/{counter}")[1])
        current = desk.get("current")
        if current and current["state"] == "serving":
            clerk.call("POST", f"/api/v1/counters/{counter}/complete")
        elif current:
            clerk.call("POST", f"/api/v1/counters/{counter}/start")
        elif desk.get("waiting_count"):
            clerk.call("POST", f"/api/v1/counters/{counter}/call-next")
        else:
            break
    tokens = [book(stack, service) for _ in range(waiting)]
    if not tokens:
        return tokens
    status, body = clerk.call("POST", f"/api/v1/counters/{counter}/call-next")
    assert status == 200 and json.loads(body)["current"]["number"] == tokens[0]["token"]["number"], body
    assert clerk.call("POST", f"/api/v1/counters/{counter}/start")[0] == 200
    return tokens


def numbers(booked):
    return [b["token"]["number"] for b in booked]


def test_done_next_is_refused_to_whoever_may_not_act_at_the_counter_and_to_bad_input(stack):
    counter = counter_id(stack, "VAD-247", 3)
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    first, second = numbers(serving(stack, clerk, counter, "new-lt-connection", 2))
    before = last_event_id(stack)
    path = f"/api/v1/counters/{counter}/{DONE_NEXT}"
    # Signed out; a clerk of another office; a manager of another office; a clerk assigned to
    # counter 2 of this office; this office's clerk without the CSRF token, or with a wrong one
    assert Staff(stack).call("POST", path, {})[0] == 401
    assert Staff(stack).sign_in("clerk-srt-vrc", "demo-clerk-2026").call("POST", path, {})[0] == 403
    assert add_user(stack, "manager-srt-test", "office_manager", "SRT-VRC").call("POST", path, {})[0] == 403
    assert add_user(stack, "clerk-vad-c2-test", "counter_staff", "VAD-247", counter=2).call("POST", path, {})[0] == 403
    assert clerk.call("POST", path, {}, csrf=False)[0] == 403
    forger = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    forger.csrf = "not-the-token"
    assert forger.call("POST", path, {})[0] == 403
    # Unknown and non-numeric counters are not found; a body that is not JSON is a clear 400
    for bad in ("999999", "abc", "-1", "3.5"):
        status, body = clerk.call("POST", f"/api/v1/counters/{bad}/{DONE_NEXT}", {})
        assert status == 404 and json.loads(body)["error"]["code"] == "counter_not_found", (bad, body)
    status, _, body = stack.request("POST", path, body=b"{not json", headers={
        "Content-Type": "application/json", "X-CSRF-Token": clerk.csrf,
        "Cookie": "; ".join(f"{k}={v}" for k, v in clerk.cookies.items())})
    assert status == 400 and "error" in json.loads(body), body
    # And none of it changed anything: the first citizen is still served at counter 3, the second waits
    assert last_event_id(stack) == before
    assert at_counters(stack).get(3) == [first] and state_of(stack, first) == "serving" and state_of(stack, second) == "waiting"
    # While the counter's own clerk is heard
    status, body = clerk.call("POST", path, {})
    assert status == 200 and json.loads(body)["current"]["number"] == second
    # And the citizen it called is told by SMS, as "call next" would tell them
    assert [m["channel"] for m in json.loads(body)["current"]["told_of_call"]] == ["sms"]


@pytest.mark.parametrize("other_key, refused", [(DONE_NEXT, ("code", "illegal_transition")), ("call-next", ("reason", "counter_busy"))])
def test_two_consoles_at_one_counter_pressing_d_and_d_or_n_at_once_leave_one_citizen_called(stack, other_key, refused):
    counter = counter_id(stack, "VAD-247", 3)
    one = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    other = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    for _ in range(4):
        first, second, third = numbers(serving(stack, one, counter, "new-lt-connection", 3))
        # When one console of counter 3 presses D as the other presses D (or N) at the same moment
        answers = at_once(lambda: one.call("POST", f"/api/v1/counters/{counter}/{DONE_NEXT}", {}),
                          lambda: other.call("POST", f"/api/v1/counters/{counter}/{other_key}", {}))
        # Then one D is done (the first served, the second called) and the other key refused, not a 5xx
        assert sorted(status for status, _ in answers) == [200, 409], answers
        error = json.loads(next(body for status, body in answers if status == 409))["error"]
        assert error[refused[0]] == refused[1], error
        assert state_of(stack, first) == "served" and state_of(stack, second) == "called" and state_of(stack, third) == "waiting"
        assert at_counters(stack).get(3) == [second]


def test_done_next_as_a_manager_pauses_the_counter_calls_nobody_onto_a_paused_counter_unasked(stack):
    counter = counter_id(stack, "VAD-247", 3)
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    for _ in range(4):
        first, second = numbers(serving(stack, clerk, counter, "new-lt-connection", 2))
        answers = at_once(lambda: clerk.call("POST", f"/api/v1/counters/{counter}/{DONE_NEXT}", {}),
                          lambda: manager.call("POST", f"/api/v1/counters/{counter}/pause", {"reason": "meeting"}))
        # The pause always lands; D either came first (and called the second citizen) or was refused
        # on the paused counter, leaving the first being served for "done" alone
        assert answers[1][0] == 200, answers
        assert answers[0][0] in (200, 409), answers
        if answers[0][0] == 200:
            assert state_of(stack, first) == "served" and at_counters(stack).get(3) == [second]
        else:
            assert json.loads(answers[0][1])["error"]["reason"] == "counter_not_open"
            assert state_of(stack, first) == "serving" and state_of(stack, second) == "waiting"
        desk = json.loads(clerk.call("GET", f"/api/v1/counters/{counter}")[1])
        assert desk["state"] == "paused" and DONE_NEXT not in desk["actions"]
        assert clerk.call("POST", f"/api/v1/counters/{counter}/open")[0] == 200


def test_done_next_at_one_counter_as_another_calls_never_gives_one_citizen_to_both(stack):
    one, two = counter_id(stack, "VAD-247", 1), counter_id(stack, "VAD-247", 2)
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    for _ in range(4):
        serving(stack, manager, two, "reconnection", 0)
        waited = numbers(serving(stack, clerk, one, "reconnection", 3))
        # Counter 2 (also serving reconnections) calls next as counter 1 presses D
        answers = at_once(lambda: clerk.call("POST", f"/api/v1/counters/{one}/{DONE_NEXT}", {}),
                          lambda: manager.call("POST", f"/api/v1/counters/{two}/call-next", {}))
        assert [status for status, _ in answers] == [200, 200], answers
        at = at_counters(stack)
        # Each counter has one of the two who waited, a different one
        assert len(at.get(1, [])) == 1 and len(at.get(2, [])) == 1 and set(at[1] + at[2]) == set(waited[1:]), at
        assert state_of(stack, waited[0]) == "served"


def test_the_office_stream_carries_the_completion_then_the_call(stack):
    counter = counter_id(stack, "VAD-247", 3)
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    booked = serving(stack, clerk, counter, "new-lt-connection", 2)
    first, second = numbers(booked)
    # Each citizen follows their own token too
    own = [EventStream(stack.port, f"/api/v1/tokens/{b['token']['id']}/events?secret={b['secret']}") for b in booked]
    stream = EventStream(stack.port, "/api/v1/offices/VAD-247/events")
    try:
        assert [json.loads(s.next_event()[0]["data"])["state"] for s in own] == ["serving", "waiting"]
        while stream.next_event()[0].get("event") != "snapshot":
            pass
        assert clerk.call("POST", f"/api/v1/counters/{counter}/{DONE_NEXT}", {})[0] == 200
        seen = []
        while len([e for e in seen if e.get("event") in ("completed", "called")]) < 2:
            seen.append(stream.next_event()[0])
        changes = [(e["event"], json.loads(e["data"])) for e in seen if e.get("event") in ("completed", "called")]
        assert [(kind, data["token"], data["counter"]) for kind, data in changes] == [("completed", first, 3), ("called", second, 3)]
        ids = [int(e["id"]) for e in seen if e.get("event") in ("completed", "called")]
        assert ids[0] < ids[1]
        # And a client resuming from just before them is given both again, in the same order
        resumed = EventStream(stack.port, "/api/v1/offices/VAD-247/events", last_event_id=ids[0] - 1)
        try:
            again = [resumed.next_event()[0] for _ in range(2)]
            assert [(e["event"], int(e["id"])) for e in again] == [("completed", ids[0]), ("called", ids[1])]
        finally:
            resumed.close()
        # And the first citizen's own stream says served and ends; the second's says called, to counter 3
        assert json.loads(own[0].next_event()[0]["data"])["state"] == "served" and own[0].wait_for_end()
        told = json.loads(own[1].next_event()[0]["data"])
        assert told["state"] == "called" and told["counter"] == 3
        # And the public snapshot shows the second citizen at counter 3, with no personal data
        snapshot = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
        at3 = next(c for c in snapshot["counters"] if c["number"] == 3)
        assert json.dumps(at3).count(second) >= 1 and "Kiran" not in json.dumps(snapshot)
    finally:
        for each in [stream, *own]:
            each.close()


def test_a_key_pressed_on_a_desk_another_console_moved_on_from_acts_on_nobody(stack):
    # Given counter 3 serving a citizen, seen by two consoles at that counter
    counter = counter_id(stack, "VAD-247", 3)
    first_console = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    second_console = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    first, second, third = numbers(serving(stack, first_console, counter, "new-lt-connection", 3))
    shown = json.loads(first_console.call("GET", f"/api/v1/counters/{counter}")[1])["current"]
    assert shown["number"] == first
    # When the second console finishes that citizen and starts serving the next one
    assert second_console.call("POST", f"/api/v1/counters/{counter}/{DONE_NEXT}", {"expected_token_id": shown["token_id"]})[0] == 200
    assert second_console.call("POST", f"/api/v1/counters/{counter}/start")[0] == 200
    before = last_event_id(stack)
    # Then done, "done, next", no-show or a transfer pressed on the first console's old desk acts on
    # nobody, and says that its desk was out of date
    for action, fields in [("complete", {}), (DONE_NEXT, {}), ("no-show", {}), ("transfer", {"service": "bill-complaint"})]:
        status, body = first_console.call("POST", f"/api/v1/counters/{counter}/{action}", {**fields, "expected_token_id": shown["token_id"]})
        error = json.loads(body)["error"]
        assert status == 409 and error["code"] == "desk_out_of_date" and second in error["message"], (action, body)
    assert last_event_id(stack) == before
    assert state_of(stack, second) == "serving" and state_of(stack, third) == "waiting" and state_of(stack, first) == "served"
    # And an id that is not a number is a 400 naming the field, while the desk's own id is taken
    status, body = first_console.call("POST", f"/api/v1/counters/{counter}/complete", {"expected_token_id": "NC-001"})
    assert status == 400 and json.loads(body)["error"]["field"] == "expected_token_id"
    current = json.loads(first_console.call("GET", f"/api/v1/counters/{counter}")[1])["current"]
    status, body = first_console.call("POST", f"/api/v1/counters/{counter}/{DONE_NEXT}", {"expected_token_id": current["token_id"]})
    assert status == 200 and json.loads(body)["current"]["number"] == third
