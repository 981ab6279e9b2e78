"""CORS through nginx: the utility's other portals (GUVNL_CORS_ORIGINS) may call the citizens' API
from their pages; every other origin, and every staff route, is refused. A real browser on another
origin books and reads a token through it."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stack import Stack


@pytest.fixture(scope="module")
def portal():
    """Another origin: a page of one of the utility's portals, served on a port of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PortalPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def cors_stack(portal):
    running = Stack(app_args=["--cors-origins", f"https://portal.mgvcl.in,{portal}"]).start()
    yield running
    running.stop()


def preflight(stack, path, origin, method="POST", headers="content-type,idempotency-key"):
    return stack.request("OPTIONS", path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                                   "Access-Control-Request-Headers": headers})


def test_an_allowed_portals_preflight_is_answered(cors_stack):
    status, headers, _ = preflight(cors_stack, "/api/v1/tokens", "https://portal.mgvcl.in")
    assert status == 204
    assert headers.message.get_all("Access-Control-Allow-Origin") == ["https://portal.mgvcl.in"]
    assert headers["Access-Control-Allow-Methods"] == "POST"
    assert "Idempotency-Key" in headers["Access-Control-Allow-Headers"]
    assert headers["Access-Control-Max-Age"] == "7200"
    assert "Origin" in headers.message.get_all("Vary")
    assert "Access-Control-Allow-Credentials" not in headers


@pytest.mark.parametrize("origin,path", [("https://evil.example", "/api/v1/tokens"),
                                         ("https://portal.mgvcl.in", "/api/v1/auth/login"),
                                         ("https://portal.mgvcl.in", "/api/v1/counters/1/call-next")])
def test_other_origins_and_staff_routes_are_refused(cors_stack, origin, path):
    status, headers, body = preflight(cors_stack, path, origin)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert json.loads(body)["error"]["code"]


def test_an_allowed_portal_reads_the_answer_with_its_exact_origin(cors_stack):
    status, headers, _ = cors_stack.get("/api/v1/offices", headers={"Origin": "https://portal.mgvcl.in"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://portal.mgvcl.in"
    status, headers, _ = cors_stack.get("/api/v1/offices", headers={"Origin": "https://evil.example"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


PAGE = """<!doctype html><title>portal</title><script>
async function go(api) {
  let step = "book";
  try {
    const booked = await fetch(api + "/api/v1/tokens", {method: "POST",
      headers: {"Content-Type": "application/json", "Idempotency-Key": "portal-test-0001"},
      body: JSON.stringify({office: "VAD-247", service: "bill-complaint", name: "Portal Test", phone: "9400000001"})});
    step = "read the booking";
    const answer = await booked.json();
    step = "token status";
    const read = await fetch(api + "/api/v1/tokens/" + answer.token.id + "?secret=" + answer.secret);
    const token = await read.json();
    step = "staff";
    let staff = "allowed";
    try { await fetch(api + "/api/v1/auth/login", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"}); }
    catch (e) { staff = "blocked"; }
    document.title = JSON.stringify({status: booked.status, number: token.token.number, staff: staff});
  } catch (e) { document.title = "error at " + step + ": " + e; }
}
</script>"""


class PortalPage(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(PAGE.encode())

    def log_message(self, *args):
        pass


def test_a_browser_on_an_allowed_portal_books_and_reads_a_token_but_not_a_staff_route(cors_stack, portal):
    from browser import chromium
    from selenium.webdriver.support.ui import WebDriverWait
    driver = chromium()
    try:
        driver.get(portal + "/")
        driver.execute_script(f"go('{cors_stack.base}')")
        WebDriverWait(driver, 20).until(lambda d: d.title != "portal")
        result = json.loads(driver.title)
        assert result["status"] == 201 and result["number"].startswith("BC-")
        assert result["staff"] == "blocked"
    finally:
        driver.quit()
