"""Staff through real nginx: sign in, call a citizen (whose token stream hears it), and every staff
route refused without a session, from another office, or without the CSRF token."""
import json
import urllib.request

from sse import EventStream

ACTIONS = ["open", "pause", "close", "call-next", "call", "recall", "start", "complete", "no-show", "transfer", "presence", "walk-in"]


class Staff:
    """A browser-like client that keeps the session cookies (Secure cookies are sent here over
    plain HTTP to 127.0.0.1, as browsers do for localhost)."""

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}
        self.csrf = None

    def call(self, method, path, fields=None, csrf=True):
        headers = {"Content-Type": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(fields).encode() if fields is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.stack.base + path, data=data, method=method, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status if hasattr(response, "status") else response.code, response.read()

    def sign_in(self, username, password):
        status, body = self.call("POST", "/api/v1/auth/login", {"username": username, "password": password}, csrf=False)
        assert status == 200, body
        self.csrf = json.loads(body)["csrf_token"]
        return self


def counter_id(stack, office, number):
    snapshot = json.loads(stack.get(f"/api/v1/offices/{office}/queue")[2])
    return next(c["id"] for c in snapshot["counters"] if c["number"] == number)


def book(stack, phone):
    fields = {"office": "VAD-247", "service": "reconnection", "name": "Meena Desai", "phone": phone}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201
    return json.loads(body)


def test_an_open_counter_counts_in_the_forecast_only_while_its_clerk_is_there(stack):
    # Given a meter complaint waiting at the round-the-clock office, whose counters 1 and 2 serve meters
    fields = {"office": "VAD-247", "service": "meter-complaint", "name": "Kiran Shah", "phone": "9722200077"}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201
    booked = json.loads(body)
    # When the clerk's console at each counter beats
    clerk = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    for number in (1, 2):
        status, _ = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', number)}/presence", {})
        assert status == 204
    # Then the citizen's token counts both counters and has an estimate and a likely counter
    status, _, body = stack.get(f"/api/v1/tokens/{booked['token']['id']}?secret={booked['secret']}")
    position = json.loads(body)["token"]["position"]
    assert status == 200 and position["open_counters"] == 2
    assert position["estimated_wait_seconds"] is not None and position["likely_counter"] in (1, 2)
    # and a heartbeat without the CSRF token is refused
    status, _ = clerk.call("POST", f"/api/v1/counters/{counter_id(stack, 'VAD-247', 1)}/presence", {}, csrf=False)
    assert status == 403


def test_a_clerk_calls_and_the_citizens_token_stream_reports_the_counter(stack):
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    counter = counter_id(stack, "VAD-247", 2)
    # Serve anyone already waiting at counter 2 so the next call is ours
    while True:
        status, body = clerk.call("POST", f"/api/v1/counters/{counter}/call-next")
        assert status == 200
        if not json.loads(body).get("current"):
            break
        clerk.call("POST", f"/api/v1/counters/{counter}/start")
        clerk.call("POST", f"/api/v1/counters/{counter}/complete")
    booked = book(stack, "9722200001")
    stream = EventStream(stack.port, f"/api/v1/tokens/{booked['token']['id']}/events?secret={booked['secret']}")
    try:
        event, _ = stream.next_event()
        assert json.loads(event["data"])["state"] == "waiting"
        status, body = clerk.call("POST", f"/api/v1/counters/{counter}/call-next")
        desk = json.loads(body)
        assert status == 200 and desk["current"]["number"] == booked["token"]["number"]
        assert desk["current"]["name"] == "Meena Desai"
        while True:
            event, _ = stream.next_event()
            view = json.loads(event["data"])
            if view["state"] == "called":
                break
        assert view["counter"] == 2
    finally:
        stream.close()
        clerk.call("POST", f"/api/v1/counters/{counter}/start")
        clerk.call("POST", f"/api/v1/counters/{counter}/complete")


def test_every_staff_route_refuses_the_unauthorised_and_changes_nothing(stack):
    counter = counter_id(stack, "VAD-247", 1)
    booked = book(stack, "9722200002")
    before = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
    anonymous = Staff(stack)
    outsider = Staff(stack).sign_in("clerk-srt-vrc", "demo-clerk-2026")
    insider = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    fields = {"token": booked["token"]["number"], "reason": "test", "service": "bill-complaint"}
    for action in ACTIONS:
        path = f"/api/v1/counters/{counter}/{action}"
        assert anonymous.call("POST", path, fields)[0] == 401, action
        assert outsider.call("POST", path, fields)[0] == 403, action
        assert insider.call("POST", path, fields, csrf=False)[0] == 403, action
    assert anonymous.call("GET", f"/api/v1/counters/{counter}")[0] == 401
    assert outsider.call("GET", f"/api/v1/counters/{counter}")[0] == 403
    after = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
    assert after["last_event_id"] == before["last_event_id"]
    token = stack.get(f"/api/v1/tokens/{booked['token']['id']}?secret={booked['secret']}")
    assert json.loads(token[2])["token"]["state"] == "waiting"
