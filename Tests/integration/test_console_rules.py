"""The counter console takes its rules and facts from the server, in headless Chromium through real
nginx: it offers exactly the actions the desk's answer allows in every state (and says why when a
refused key is pressed), waits out the office's interval between calls, reads counters and services
as managers change them (as does the kiosk), and says where a transferred citizen went."""
import json

from selenium.webdriver.common.by import By

from browser import chromium
from test_staff_pages import book, enrol_kiosk, sign_in, wait_for

# The actions the console has buttons for (calling a given citizen is a button in each waiting row).
BUTTONS = {"open", "pause", "close", "call-next", "recall", "start", "complete", "complete-and-call-next", "no-show", "transfer", "park"}
STAFF_REQUEST = """
const [method, url, body, done] = arguments;
StaffSession.request(method, url, body === null ? undefined : body).then(done, failure => done({ok: false, failure: String(failure)}));
"""


def staff(browser, method, url, body=None):
    answer = browser.execute_async_script(STAFF_REQUEST, method, url, body)
    assert answer["ok"], answer
    return answer["body"]


def offered(clerk):
    return {b.get_attribute("data-action") for b in clerk.find_elements(By.CSS_SELECTOR, "[data-action]") if b.is_enabled()}


def server_allows(clerk, counter):
    return set(staff(clerk, "GET", f"/api/v1/counters/{counter}")["actions"]) & BUTTONS


def agrees(clerk, counter):
    """The console shows the desk it last read; read the server's now and wait for them to agree."""
    wait_for(lambda: offered(clerk) == server_allows(clerk, counter))
    return offered(clerk)


def press(clerk, key):
    clerk.find_element(By.TAG_NAME, "body").send_keys(key)


def message(clerk):
    return wait_for(lambda: clerk.find_element(By.ID, "message").is_displayed() and clerk.find_element(By.ID, "message").text)


def at_counter(clerk, number):
    """Waits for a citizen at the console's counter; on failure says what the console shows instead."""
    try:
        wait_for(lambda: number in clerk.find_element(By.ID, "current").text)
    except AssertionError:
        shown = [clerk.find_element(By.ID, part).text for part in ("current", "message", "counter-state", "waiting-list")]
        raise AssertionError(f"{number} not at the counter; the console shows {shown}")


def open_counter(clerk, stack, number, page="/staff/"):
    sign_in(clerk, stack, page, "manager-vad-247", "demo-manager-2026")
    wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
    [c for c in clerk.find_elements(By.CSS_SELECTOR, ".counter-choice") if c.text.split("\n")[0].endswith(str(number))][0].click()
    wait_for(lambda: clerk.find_element(By.ID, "desk").is_displayed() and clerk.find_element(By.ID, "desk-title").text)
    return clerk.execute_script("return JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('guvnl-console-counter'))))")


def set_policy(clerk, seconds):
    staff(clerk, "POST", "/api/v1/offices/VAD-247/policy", {"max_priority_streak": "2", "aging_minutes": "45",
                                                             "recall_limit": "2", "active_tokens_per_phone": "3",
                                                             "min_recall_seconds": str(seconds)})


def test_the_console_offers_exactly_what_the_server_allows_in_every_state(stack):
    booked = book(stack, service="new-lt-connection", phone="9825000401")
    token = booked["token"]
    clerk = chromium(width=1366, height=768)
    try:
        counter = open_counter(clerk, stack, 3)
        set_policy(clerk, 30)
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        # Open, nobody at the counter: call next, pause, close
        assert agrees(clerk, counter) == {"call-next", "pause", "close"}
        # Called: start, and transfer (the server allows it once called; the console used to wait for serving);
        # a pause (the system goes down) is allowed with a citizen at the counter
        press(clerk, "n")
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "current").text)
        assert agrees(clerk, counter) == {"start", "transfer", "park", "pause"}
        assert wait_for(lambda: clerk.find_element(By.ID, "called-ago").text).startswith("Called ")
        # R at once is refused by the office's interval, and X before the recalls: each key says why
        press(clerk, "r")
        assert "more to come before calling again" in message(clerk)
        press(clerk, "x")
        assert "Call the citizen again (R)" in message(clerk)
        # With no interval (a manager's setting), R twice then X: each offered only when the server allows it
        set_policy(clerk, 0)
        clerk.refresh()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "current").text)
        assert agrees(clerk, counter) == {"start", "transfer", "park", "recall", "pause"}
        press(clerk, "r")
        wait_for(lambda: "Called again" in clerk.find_element(By.ID, "current").text)
        press(clerk, "r")
        wait_for(lambda: "2" in clerk.find_element(By.CSS_SELECTOR, "#current .facts").text.split("Called again")[1])
        assert agrees(clerk, counter) == {"start", "transfer", "park", "no-show", "pause"}
        # Serving: done, "done, next" and transfer
        press(clerk, "s")
        wait_for(lambda: "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class"))
        assert agrees(clerk, counter) == {"complete", "complete-and-call-next", "transfer", "park", "pause"}
        assert not clerk.find_element(By.ID, "called-ago").is_displayed()
        # D ("done, next") completes the citizen and calls the one who booked meanwhile, in one key
        second = book(stack, service="new-lt-connection", phone="9825000403")["token"]
        wait_for(lambda: second["number"] in clerk.find_element(By.ID, "waiting-list").text)
        press(clerk, "d")
        at_counter(clerk, second["number"])
        assert agrees(clerk, counter) == {"start", "transfer", "park", "recall", "pause"}
        status, _, body = stack.get(f"/api/v1/tokens/{token['id']}?secret={booked['secret']}")
        assert status == 200 and json.loads(body)["token"]["state"] == "served"
        press(clerk, "s")
        wait_for(lambda: "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class"))
        press(clerk, "c")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
        # Nobody waiting: no call next, and N says why
        assert agrees(clerk, counter) == {"pause", "close"}
        press(clerk, "n")
        assert "Nobody is waiting" in message(clerk)
        # Paused, then closed
        press(clerk, "p")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        wait_for(lambda: "state-paused" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        assert agrees(clerk, counter) == {"open", "close"}
        clerk.find_element(By.CSS_SELECTOR, "[data-action=close]").click()
        wait_for(lambda: "state-closed" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        assert agrees(clerk, counter) == {"open"}
        # And the server holds the counter to the same rules: opening is allowed, closing again is not
        answer = clerk.execute_async_script(STAFF_REQUEST, "POST", f"/api/v1/counters/{counter}/close", {})
        assert answer["status"] == 409 and answer["body"]["error"]["code"] == "already_closed"
        clerk.find_element(By.CSS_SELECTOR, "[data-action=open]").click()
        wait_for(lambda: "state-open" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
    finally:
        clerk.quit()


def test_counters_changed_in_settings_reach_the_transfer_form_and_the_kiosk_and_a_transfer_says_where(stack):
    token = book(stack, service="new-lt-connection", phone="9825000402")["token"]
    clerk = chromium(width=1366, height=768)
    kiosk = chromium(width=1080, height=1920)
    try:
        enrol_kiosk(kiosk, stack, "VAD-247")
        kiosk.find_element(By.ID, "choose-token").click()
        # (read in one script: the kiosk redraws its list when the office's services arrive)
        def services():
            return kiosk.execute_script("return [...document.querySelectorAll('#service-list button')].map(b => b.innerText)")
        wait_for(lambda: any("Reconnection" in t for t in services()))
        # Given a manager moves reconnections off counters 1 and 2 and gives counter 1 new connections
        open_counter(clerk, stack, 3)
        staff(clerk, "POST", "/api/v1/offices/VAD-247/counters/1/services", {"services": "bill-complaint,meter-complaint,new-lt-connection"})
        staff(clerk, "POST", "/api/v1/offices/VAD-247/counters/2/services", {"services": "bill-complaint,meter-complaint"})
        # Then the kiosk no longer offers reconnections (nobody would call them), without a new site build
        kiosk.find_element(By.CSS_SELECTOR, "#step-service button.back").click()
        kiosk.find_element(By.ID, "choose-token").click()
        wait_for(lambda: services() and not any("Reconnection" in t for t in services()))
        assert any("New LT connection" in t for t in services())
        # And the console's transfer form lists counter 1 with what it serves now
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        press(clerk, "n")
        at_counter(clerk, token["number"])
        press(clerk, "t")
        wait_for(lambda: clerk.find_element(By.ID, "transfer-form").is_displayed())
        options = [o.text for o in clerk.find_elements(By.CSS_SELECTOR, "#transfer-counter option")]
        first = next(o for o in options if o.startswith("Counter 1"))
        assert "New LT connection" in first and "Reconnection" not in first, options
        assert not any(o.startswith("Counter 3") for o in options)
        # When the clerk transfers the citizen to counter 1, the console says where they went
        clerk.find_element(By.CSS_SELECTOR, "#transfer-counter option[value='1']").click()
        clerk.find_element(By.CSS_SELECTOR, "#transfer-form button[type=submit]").click()
        notice = wait_for(lambda: clerk.find_element(By.ID, "notice").text)
        assert notice == f"{token['number']} sent to counter 1."
        assert clerk.find_element(By.CSS_SELECTOR, "#current .nobody")
        desk = staff(clerk, "GET", f"/api/v1/counters/{json.loads(stack.get('/api/v1/offices/VAD-247/queue')[2])['counters'][0]['id']}")
        assert token["number"] in [w["number"] for w in desk["waiting"]]
    finally:
        clerk.quit()
        kiosk.quit()


def test_a_clerk_serves_a_citizen_without_a_token_and_the_report_counts_them(stack):
    clerk = chromium(width=1366, height=768)
    try:
        counter = open_counter(clerk, stack, 1)
        today = staff(clerk, "GET", "/api/v1/offices/VAD-247/queue")["day"]
        before = staff(clerk, "GET", f"/api/v1/offices/VAD-247/report?from={today}")["totals"]["served"]
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
        # When the clerk books a citizen with no phone at the counter and serves them at once
        clerk.find_element(By.ID, "walk-in").click()
        wait_for(lambda: clerk.find_element(By.ID, "walk-in-form").is_displayed())
        clerk.find_element(By.CSS_SELECTOR, "#walk-in-service option[value='meter-complaint']").click()
        clerk.find_element(By.ID, "walk-in-now").click()
        # Then the citizen is at the counter being served, and the console gives their number
        notice = wait_for(lambda: clerk.find_element(By.ID, "notice").text)
        number = notice.split(" ")[0]
        assert number.startswith("MC-") and notice == f"{number} booked and being served."
        wait_for(lambda: number in clerk.find_element(By.ID, "current").text)
        assert "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class")
        press(clerk, "c")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
        # And the day's report counts them as served, by this clerk
        report = staff(clerk, "GET", f"/api/v1/offices/VAD-247/report?from={today}")
        assert report["totals"]["served"] == before + 1
        assert any(c["username"] == "manager-vad-247" and c["served"] >= 1 for c in report["by_clerk"])
        # A second citizen, with a bad mobile number, is refused with the field named; then added to the queue
        clerk.find_element(By.ID, "walk-in").click()
        clerk.find_element(By.ID, "walk-in-phone").send_keys("12345")
        clerk.find_element(By.ID, "walk-in-queue").click()
        assert "10-digit" in message(clerk)
        assert clerk.find_element(By.ID, "walk-in-form").is_displayed()
        clerk.find_element(By.ID, "walk-in-phone").clear()
        clerk.find_element(By.ID, "walk-in-queue").click()
        queued = wait_for(lambda: clerk.find_element(By.ID, "notice").text).split(" ")[0]
        assert queued.startswith("BC-") or queued.startswith("MC-")
        wait_for(lambda: queued in clerk.find_element(By.ID, "waiting-list").text)
        assert staff(clerk, "GET", f"/api/v1/counters/{counter}").get("current") is None
    finally:
        clerk.quit()


def test_a_break_is_timed_in_the_clerks_language_and_reported_per_clerk_and_counter(stack):
    clerk = chromium(width=1366, height=768)
    manager = chromium(width=1366, height=900)
    try:
        # Given a Gujarati console at counter 2
        open_counter(clerk, stack, 2, page="/gu/staff/")
        wait_for(lambda: "state-open" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        # When the clerk pauses for lunch
        press(clerk, "p")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form option[value='lunch']").click()
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        # Then the console shows the reason in Gujarati with a running timer
        state = clerk.find_element(By.ID, "counter-state")
        wait_for(lambda: "ભોજન" in state.text and "સેકન્ડ" in state.text)
        first = state.text
        assert "lunch" not in first
        wait_for(lambda: state.text != first, timeout=3)
        # And the manager's dashboard reports the break by counter and clerk, still running
        today = staff(clerk, "GET", "/api/v1/offices/VAD-247/queue")["day"]
        sign_in(manager, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())
        manager.execute_script(f"document.getElementById('from').value = '{today}'; document.getElementById('to').value = '{today}';")
        manager.find_element(By.CSS_SELECTOR, "#report-form button").click()
        rows = "return Array.from(document.querySelectorAll('#breaks tr')).map(r => Array.from(r.cells).map(c => c.textContent))"
        row = wait_for(lambda: next(r for r in manager.execute_script(rows) if len(r) > 1 and r[1] == "2" and r[3] == "Lunch"))
        assert row[0] == today and "(manager-vad-247)" in row[2] and "still on break" in row[5]
        assert "limit 30 min" in manager.find_element(By.ID, "break-limit").text
        wait_for(lambda: any(r.text.startswith("2 ") and "Lunch" in r.text for r in manager.find_elements(By.CSS_SELECTOR, "#now-counters tr")))
        clerk.find_element(By.CSS_SELECTOR, "[data-action=open]").click()
    finally:
        clerk.quit()
        manager.quit()


def unattended(manager, number):
    """Whether the office's "now" (as the manager's dashboard reads it) shows counter `number` unattended."""
    counters = staff(manager, "GET", "/api/v1/offices/VAD-247/now")["counters"]
    return next(c for c in counters if c["number"] == number)["unattended"]


def test_a_console_closed_shows_its_counter_as_gone_at_once(stack):
    clerk = chromium(width=1366, height=768)
    manager = chromium(width=1366, height=900)
    try:
        sign_in(manager, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())

        def dashboard_says_nobody_at(number):
            manager.refresh()
            rows = wait_for(lambda: manager.find_elements(By.CSS_SELECTOR, "#now-counters tr th"))
            return any(r.text.startswith(f"{number} ") and "nobody at it" in r.text for r in manager.find_elements(By.CSS_SELECTOR, "#now-counters tr")) and rows
        # Given a clerk at counter 1 (the console tells the server it is there)
        open_counter(clerk, stack, 1)
        wait_for(lambda: not unattended(manager, 1))
        assert not dashboard_says_nobody_at(1)
        # When the clerk closes the console
        clerk.get("about:blank")
        # Then the manager sees counter 1 unattended straight away (not three minutes later)
        wait_for(lambda: unattended(manager, 1), timeout=5)
        assert dashboard_says_nobody_at(1)
    finally:
        clerk.quit()
        manager.quit()


def test_a_console_closed_after_its_sign_in_expired_still_shows_its_counter_as_gone_at_once(own_stack):
    stack = own_stack
    clerk = chromium(width=1366, height=768)
    manager = chromium(width=1366, height=900)
    try:
        sign_in(manager, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())
        # Given a clerk at counter 2 whose console has read its desk
        open_counter(clerk, stack, 2)
        wait_for(lambda: not unattended(manager, 2))
        wait_for(lambda: clerk.find_element(By.ID, "desk-title").text.endswith("2"))
        # and whose 15-minute sign-in has run out meanwhile (its access cookie gone)
        clerk.execute_cdp_cmd("Network.deleteCookies", {"name": "gq_access", "url": stack.base + "/api/"})
        left = clerk.execute_cdp_cmd("Network.getCookies", {"urls": [stack.base + "/api/v1/counters/"]})["cookies"]
        assert "gq_access" not in {c["name"] for c in left}
        # When the clerk closes the console
        clerk.get("about:blank")
        # Then the manager still sees counter 2 unattended straight away: the beacon's leave key needs no sign-in
        wait_for(lambda: unattended(manager, 2), timeout=5)
    finally:
        clerk.quit()
        manager.quit()


def test_a_parked_citizen_is_called_back_to_the_same_counter_ahead_of_later_arrivals(own_stack):
    stack = own_stack
    token = book(stack, service="new-lt-connection", phone="9825000501")["token"]
    clerk = chromium(width=1366, height=768)
    try:
        counter = open_counter(clerk, stack, 3)
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        press(clerk, "n")
        at_counter(clerk, token["number"])
        # When the clerk parks the citizen (a missing document, back in about 15 minutes)
        clerk.find_element(By.CSS_SELECTOR, "[data-action=park]").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-reason option[value='missing document']").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-back option[value='15']").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-form button[type=submit]").click()
        # Then they leave the counter for the console's parked list, and nobody calls them meanwhile
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "parked-list").text)
        assert "A missing document" in clerk.find_element(By.ID, "parked-list").text
        assert "back around" in clerk.find_element(By.ID, "parked-list").text
        assert clerk.find_element(By.ID, "notice").text.startswith(f"{token['number']} parked")
        later = book(stack, service="new-lt-connection", phone="9825000502")["token"]
        wait_for(lambda: later["number"] in clerk.find_element(By.ID, "waiting-list").text)
        assert token["number"] not in clerk.find_element(By.ID, "waiting-list").text
        status = json.loads(stack.get(f"/api/v1/offices/VAD-247/queue")[2])
        assert next(s for s in status["services"] if s["code"] == "new-lt-connection")["waiting"] == 1
        # When they come back, the clerk presses Back and N: they are called here before the later arrival
        clerk.find_element(By.CSS_SELECTOR, "#parked-list button").click()
        wait_for(lambda: clerk.find_element(By.ID, "parked-section").get_attribute("hidden") is not None)
        press(clerk, "n")
        at_counter(clerk, token["number"])
        assert staff(clerk, "GET", f"/api/v1/counters/{counter}")["waiting"][0]["number"] == later["number"]
    finally:
        clerk.quit()
