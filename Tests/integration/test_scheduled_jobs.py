"""The scheduled jobs through the real parts: `fcgi-app jobs run` with the clock past closing ends a
waiting token, and its page (through nginx, and live in a browser) shows the expired state;
the worker runs the jobs and stops cleanly on SIGTERM; `erase-citizen` erases one citizen's data."""
import json
import signal
import subprocess
import time
from datetime import datetime, timedelta, timezone

from browser import chromium
from metrics import token_streams_open, wait_for_token_streams
from worker import Worker, wait_for
from stack import BIN

JSON = {"Content-Type": "application/json"}
INDIA = timezone(timedelta(hours=5, minutes=30))


def book(stack, phone, language):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Kiran", "phone": phone, "language": language}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)
    assert status == 201, body
    return json.loads(body)


def jobs(stack, *arguments):
    return subprocess.run([BIN / "fcgi-app", "jobs", *arguments, "--database", str(stack.database)],
                          capture_output=True, text=True, timeout=60)


def after_midnight_in_india():
    """The round-the-clock office closes its day at midnight, India time: a moment just after the
    coming one."""
    tomorrow = datetime.now(INDIA).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, 0, 0, 30, tzinfo=INDIA).isoformat()


def test_a_waiting_token_expires_at_day_end_and_its_page_says_so(own_stack):
    stack = own_stack
    # Given a waiting token in Gujarati and one in English at the round-the-clock office, the
    # English one's page open in a browser, and the jobs having run once today
    gujarati = book(stack, "9825044401", "gu")
    english = book(stack, "9825044402", "en")
    assert jobs(stack, "run").returncode == 0
    assert stack.get(gujarati["page"])[0] == 200
    streams = token_streams_open(stack)
    browser = chromium()
    try:
        browser.get(stack.base + english["page"])
        assert browser.find_element("css selector", ".token-number").text == english["token"]["number"]
        wait_for_token_streams(stack, streams + 1)  # the page's event stream is open
        # When the jobs run with the clock just past midnight in India
        ran = jobs(stack, "run", "--testing-clock", after_midnight_in_india())
        assert ran.returncode == 0, ran.stderr
        assert "day-end VAD-247: ok, 2 rows" in ran.stdout
        # Then the open page changes by itself to the expired state
        deadline = time.monotonic() + 10
        while "This token expired" not in browser.page_source:
            assert time.monotonic() < deadline, "the page did not show the expiry"
            time.sleep(0.2)
        assert browser.find_element("css selector", "p.expired").is_displayed()
    finally:
        browser.quit()
    # And the API answers the new state, and the Gujarati page says it in Gujarati, without the cancel form
    status, _, body = stack.get(f"/api/v1/tokens/{gujarati['token']['id']}?secret={gujarati['secret']}")
    assert status == 200 and json.loads(body)["token"]["state"] == "expired"
    status, _, page = stack.get(gujarati["page"])
    page = page.decode()
    assert status == 200 and "આ ટોકનની મુદત પૂરી થઈ" in page and 'class="cancel"' not in page
    # And the public snapshot no longer counts them as waiting
    snapshot = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
    assert all(service["waiting"] == 0 for service in snapshot["services"] if service["code"] == "bill-complaint")
    # And a second run at the same moment finds nothing due
    assert "day-end" not in jobs(stack, "run", "--testing-clock", after_midnight_in_india()).stdout
    # And the job's record says what it did
    listed = jobs(stack, "list").stdout
    assert "day-end VAD-247: due" in listed and "last ok (2 rows)" in listed


def test_the_worker_runs_what_is_due_and_stops_on_sigterm(own_stack):
    # Given the worker looking for due jobs every second
    worker = Worker(own_stack, "--job-interval", "1", name="worker-jobs")
    try:
        # When it has looked once, then every job ran
        log = lambda: worker.log.read_text() if worker.log.exists() else ""
        wait_for(lambda: all(f"{job}: ok" in log() for job in ("checkpoint", "retention", "day-end SRT-VRC")))
    finally:
        # And SIGTERM stops it cleanly, the job in hand finished first
        assert worker.stop() == 0
    assert '"message":"worker stopped"' in log()


def test_erase_citizen_on_request_leaves_nothing_to_find_by_phone(own_stack):
    stack = own_stack
    # Given a citizen's token, found again by office, number and mobile
    answer = book(stack, "9825044403", "en")
    lookup = {"office": "VAD-247", "number": answer["token"]["number"], "phone": "9825044403"}
    assert stack.request("POST", "/api/v1/tokens/lookup", body=json.dumps(lookup).encode(), headers=JSON)[0] == 200
    # When the operator erases their data on a verified request
    erased = subprocess.run([BIN / "fcgi-app", "erase-citizen", "--phone", "9825044403", "--database", str(stack.database)],
                            capture_output=True, text=True, timeout=30)
    assert erased.returncode == 0 and "erased the personal data of 1 token" in erased.stdout
    # Then the mobile number finds nothing, while the token's own link still shows its number and state
    assert stack.request("POST", "/api/v1/tokens/lookup", body=json.dumps(lookup).encode(), headers=JSON)[0] == 404
    status, _, body = stack.get(f"/api/v1/tokens/{answer['token']['id']}?secret={answer['secret']}")
    assert status == 200 and json.loads(body)["token"]["number"] == answer["token"]["number"]
    # And a bad request is refused with the reason
    bad = subprocess.run([BIN / "fcgi-app", "erase-citizen", "--phone", "12345", "--database", str(stack.database)],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "--phone must be a 10-digit Indian mobile number" in bad.stderr

