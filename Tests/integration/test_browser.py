"""In a real browser: the token page follows the queue live."""
import json
import re
import subprocess
import time
from html import unescape

from browser import chromium, open_under_service_worker, option_values
from metrics import token_streams_open, wait_for_token_streams
from stack import BIN


def wait_for_token_page(browser):
    """After the booking form is sent: the token page, or a failure naming where the browser is."""
    deadline = time.monotonic() + 10
    while "/token/" not in browser.current_url:
        assert time.monotonic() < deadline, browser.current_url
        time.sleep(0.2)


def counter(stack, action):
    """A clerk's action at counter 3 (which serves new connections only), from another process."""
    return subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", "3",
                           "--database", str(stack.database)], capture_output=True, text=True)


def next_at_counter_3(stack, phone):
    """A new-connection citizen next at counter 3, with nobody there: whoever is at it or waits is served first."""
    counter(stack, "start")
    counter(stack, "complete")
    while "called" in counter(stack, "call-next").stdout:
        counter(stack, "start")
        counter(stack, "complete")
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": phone, "language": "en"}
    return json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})[2])


def wait_for_the_call(browser, called_at):
    # The page updates itself (well before its 30-second fallback refresh)
    while "It is your turn" not in browser.page_source:
        assert time.monotonic() - called_at < 15, "the page did not update"
        time.sleep(0.2)
    assert browser.find_element("css selector", ".your-turn strong").text == "3"


def test_the_token_page_shows_the_call_within_seconds_without_a_manual_refresh(stack):
    answer = next_at_counter_3(stack, "9811122233")
    streams = token_streams_open(stack)
    browser = chromium()
    try:
        browser.get(stack.base + answer["page"])
        assert browser.find_element("css selector", ".token-number").text == answer["token"]["number"]
        assert answer["token"]["position"]["ahead_text"] in browser.page_source  # "Nobody before you"
        wait_for_token_streams(stack, streams + 1)  # the page's event stream is open
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        wait_for_the_call(browser, called_at)
    finally:
        browser.quit()


# Put in every page before its own scripts: a phone's vibration motor, as the browser allows it once
# the citizen has touched the page; each buzz asked for is noted with its time, and so is each page
# load, across the page's reloads.
BUZZ_RECORDER = """
(() => {
  const note = (what) => sessionStorage.setItem("noted", (sessionStorage.getItem("noted") || "") + what + "@" + Date.now() + " ");
  note("load");
  navigator.vibrate = (pattern) => { note("buzz:" + JSON.stringify(pattern)); return true; };
})();
"""


def test_when_called_the_phone_buzzes_and_the_page_waits_for_the_buzz_before_it_reloads(stack):
    answer = next_at_counter_3(stack, "9811122234")
    streams = token_streams_open(stack)
    browser = chromium()
    try:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": BUZZ_RECORDER})
        browser.get(stack.base + answer["page"])
        wait_for_token_streams(stack, streams + 1)
        # When the citizen is called
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        wait_for_the_call(browser, called_at)
        # Then the phone buzzed once, and the page reloaded only once the buzz (0.95 s) was over:
        # a reload at once would have cut it short
        noted = [entry.split("@") for entry in browser.execute_script("return sessionStorage.getItem('noted')").split()]
        assert [what for what, _ in noted] == ["load", "buzz:[400,150,400]", "load"]
        assert int(noted[2][1]) - int(noted[1][1]) >= 950
    finally:
        browser.quit()


def two_at_counter_3(stack, phones):
    """Two new-connection citizens next at counter 3, the second behind the first."""
    first = next_at_counter_3(stack, phones[0])
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Bhavna", "phone": phones[1], "language": "en"}
    second = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    return first, second


def rendered_state(stack, page):
    """The lines of a token page's state (place, wait), as the server renders the page now."""
    html = stack.get(page)[2].decode()
    box = re.search(r'<div class="token-state"[^>]*>(.*?)</div>', html, re.S).group(1)
    return [unescape(re.sub(r"<[^>]+>", "", line)) for line in re.findall(r"<p[^>]*>(.*?)</p>", box, re.S)]


SHOWN_STATE = "return [...document.querySelectorAll('.token-state p')].map(p => p.textContent)"


def test_while_waiting_the_token_page_follows_the_queue_in_place_in_its_own_language(stack):
    # Given an English-speaking citizen second at counter 3, their page switched to Gujarati
    first, second = two_at_counter_3(stack, ("9811122241", "9811122242"))
    page = second["page"] + "&lang=gu"
    streams = token_streams_open(stack)
    browser = chromium()
    try:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": BUZZ_RECORDER})
        browser.get(stack.base + page)
        assert browser.execute_script(SHOWN_STATE)[0] == "તમારી પહેલાં 1 વ્યક્તિ"
        wait_for_token_streams(stack, streams + 1)
        # When the citizen before them is called
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        while browser.execute_script(SHOWN_STATE)[0] != "તમારી પહેલાં કોઈ નથી":
            assert time.monotonic() - called_at < 15, browser.execute_script(SHOWN_STATE)
            time.sleep(0.2)
        # Then the page says so, still in Gujarati, as the server would render it now, without
        # having reloaded (which would have cost the server a page and a stream, and the page the
        # touch that lets it buzz)
        assert browser.execute_script(SHOWN_STATE) == rendered_state(stack, page)
        assert browser.find_element("tag name", "body").get_attribute("data-ahead") == "0"
        noted = browser.execute_script("return sessionStorage.getItem('noted')").split()
        assert [entry.split("@")[0] for entry in noted] == ["load"]
        # And when they are called in turn, the phone buzzes and the page shows the call
        counter(stack, "start")
        counter(stack, "complete")
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        while "/assets/" not in browser.page_source or "your-turn" not in browser.page_source:
            assert time.monotonic() - called_at < 15, "the page did not show the call"
            time.sleep(0.2)
        assert browser.find_element("css selector", ".your-turn strong").text == "3"
        noted = browser.execute_script("return sessionStorage.getItem('noted')").split()
        assert [entry.split("@")[0] for entry in noted] == ["load", "buzz:[400,150,400]", "load"]
    finally:
        browser.quit()


# Put in every page before its own scripts: event streams that open only when the test says so, as
# on a slow phone network (the page's script is the same; its EventSource opens late).
LATE_STREAMS = """
(() => {
  const Real = window.EventSource, held = [];
  class Late {
    constructor(url, options) {
      this.listeners = [];
      this.real = null;
      held.push(() => {
        this.real = new Real(url, options);
        for (const [type, listener] of this.listeners) { this.real.addEventListener(type, listener); }
      });
    }
    addEventListener(type, listener) {
      this.listeners.push([type, listener]);
      if (this.real) { this.real.addEventListener(type, listener); }
    }
    get readyState() { return this.real ? this.real.readyState : 0; }
    close() { if (this.real) { this.real.close(); } }
  }
  Late.CONNECTING = 0; Late.OPEN = 1; Late.CLOSED = 2;
  window.EventSource = Late;
  window.openHeldStreams = () => { held.splice(0).forEach((open) => open()); return true; };
})();
"""


def test_a_call_made_while_the_token_page_was_still_opening_its_stream_reaches_it(stack):
    # Given a token page whose event stream has not opened yet
    answer = next_at_counter_3(stack, "9811122234")
    browser = chromium()
    try:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LATE_STREAMS})
        browser.get(stack.base + answer["page"])
        assert browser.find_element("css selector", ".token-number").text == answer["token"]["number"]
        assert "It is your turn" not in browser.page_source
        # When the citizen is called, and only then the stream opens (its first status is the call)
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        status = f"/api/v1/tokens/{answer['token']['id']}?secret={answer['secret']}"
        while json.loads(stack.get(status)[2])["token"]["state"] != "called":  # (heard from the other process)
            assert time.monotonic() - called_at < 10, "the server did not hear of the call"
            time.sleep(0.05)
        assert browser.execute_script("return window.openHeldStreams()")
        # Then the page shows the call
        wait_for_the_call(browser, called_at)
    finally:
        browser.quit()


def test_the_booking_form_books_a_token_with_javascript_disabled(stack):
    from selenium.webdriver.support.ui import Select
    browser = chromium(javascript=False)
    try:
        browser.get(stack.base + "/hi/book/")
        assert browser.find_element("css selector", "html").get_attribute("lang") == "hi"
        Select(browser.find_element("id", "office")).select_by_value("VAD-247")
        Select(browser.find_element("id", "service")).select_by_value("bill-complaint")
        browser.find_element("id", "name").send_keys("रमेश पटेल")
        browser.find_element("id", "phone").send_keys("9822233344")
        browser.find_element("css selector", "form.booking-form button[type=submit]").click()
        wait_for_token_page(browser)
        assert browser.find_element("css selector", ".token-number").text.startswith("BC-")
        assert browser.find_element("css selector", "html").get_attribute("lang") == "hi"
        assert "आपका टोकन" in browser.page_source
    finally:
        browser.quit()


def test_with_javascript_the_booking_form_offers_the_offices_services_and_its_free_appointment_times(stack):
    from selenium.webdriver.support.ui import Select
    browser = chromium()
    try:
        # Opened from an office's page, the form has that office chosen and lists only its services
        browser.get(stack.base + "/book/?office=SRT-VRC")
        deadline = time.monotonic() + 5
        catalog = json.loads(stack.get("/catalog.json")[2])
        offered = sorted(s["code"] for s in next(o for o in catalog["offices"] if o["code"] == "SRT-VRC")["services"])
        while sorted(option_values(browser, "service")) != offered:
            assert time.monotonic() < deadline, "the service list did not follow the office"
            time.sleep(0.1)
        assert Select(browser.find_element("id", "office")).first_selected_option.get_attribute("value") == "SRT-VRC"
        # A walk-in service shows no choice of day; one with appointments does
        Select(browser.find_element("id", "office")).select_by_value("VAD-247")
        deadline = time.monotonic() + 5
        while "bill-complaint" not in option_values(browser, "service"):
            assert time.monotonic() < deadline, "the service list did not follow the office"
            time.sleep(0.05)
        Select(browser.find_element("id", "service")).select_by_value("bill-complaint")
        assert not browser.find_element("id", "when").is_displayed()
        Select(browser.find_element("id", "service")).select_by_value("new-lt-connection")
        assert browser.find_element("id", "when").is_displayed()
        browser.find_element("css selector", "input[name=when][value=appointment]").click()
        deadline = time.monotonic() + 5
        while not option_values(browser, "slot", enabled_only=True):
            assert time.monotonic() < deadline, browser.find_element("id", "slot-status").text
            time.sleep(0.1)
        chosen = Select(browser.find_element("id", "slot")).first_selected_option.text
        browser.find_element("id", "name").send_keys("Kiran Mehta")
        browser.find_element("id", "phone").send_keys("9833344455")
        browser.find_element("css selector", "form.booking-form button[type=submit]").click()
        wait_for_token_page(browser)
        assert browser.find_element("css selector", ".token-number").text.startswith("NC-")
        assert chosen.split(" ")[0].split("–")[0] in browser.find_element("tag name", "main").text
    finally:
        browser.quit()


def test_offline_the_token_page_shows_the_last_copy_with_its_time_and_api_answers_are_never_cached(stack):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9811100777", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    page = stack.base + answer["page"]
    browser = chromium()
    try:
        # Given a citizen who opened their token page (the service worker installs and takes over)
        open_under_service_worker(browser, page)
        fetch_api = ("const done = arguments[0]; fetch('/api/v1/offices').then(r => r.text())"
                     ".then(t => done('answered ' + t.length)).catch(e => done('failed'))")
        assert browser.execute_async_script(fetch_api).startswith("answered")
        # When the network is gone (the server stops answering at all)
        subprocess.run(stack.nginx_command("-s", "stop"), check=True, capture_output=True)
        time.sleep(0.5)
        browser.get(page)
        # Then their token is still there, saying it is an offline copy and from when (in Gujarati)
        assert browser.find_element("css selector", ".token-number").text == answer["token"]["number"]
        note = browser.find_element("css selector", ".offline").text
        assert "તમે ઓફલાઇન છો" in note
        # And an API answer is never served from a cache
        assert browser.execute_async_script(fetch_api) == "failed"
    finally:
        browser.quit()
        subprocess.run(stack.nginx_command(), capture_output=True)
        stack.wait_until_up()


def test_offline_the_token_page_shows_what_it_last_showed_online_though_it_never_reloaded(stack):
    # Given a citizen second at counter 3 whose page is open under the service worker
    first, second = two_at_counter_3(stack, ("9811122251", "9811122252"))
    page = stack.base + second["page"]
    streams = token_streams_open(stack)
    browser = chromium()
    try:
        open_under_service_worker(browser, page)
        assert browser.execute_script(SHOWN_STATE)[0] == "1 person before you"
        # When the citizen before them is called, and the page moves them up in place
        wait_for_token_streams(stack, streams + 1)
        called_at = time.monotonic()
        assert counter(stack, "call-next").returncode == 0
        kept = ("const done = arguments[0]; caches.open('guvnl-queue-v1').then(c => c.match(location.href))"
                ".then(r => r ? r.text() : '').then(done)")
        while "Nobody before you" not in browser.execute_async_script(kept):
            assert time.monotonic() - called_at < 15, browser.execute_script(SHOWN_STATE)
            time.sleep(0.2)
        # And then the network goes
        subprocess.run(stack.nginx_command("-s", "stop"), check=True, capture_output=True)
        time.sleep(0.5)
        browser.get(page)
        # Then the offline copy shows where they stood when the network went, not when the page loaded
        assert browser.find_element("css selector", ".offline").text.startswith("You are offline")
        assert browser.execute_script(SHOWN_STATE)[0] == "Nobody before you"
        # And once the network is back, the page reads itself afresh: the offline note goes
        subprocess.run(stack.nginx_command(), check=True, capture_output=True)
        stack.wait_until_up()
        back = time.monotonic()
        while browser.find_elements("css selector", ".offline"):
            assert time.monotonic() - back < 60, "the offline copy stayed after the network came back"
            time.sleep(0.5)
        assert browser.execute_script(SHOWN_STATE)[0] == "Nobody before you"
    finally:
        browser.quit()
        subprocess.run(stack.nginx_command(), capture_output=True)
        stack.wait_until_up()


def test_sending_the_booking_form_again_from_the_back_button_books_one_token(stack):
    """A citizen who did not see their answer goes back and sends the same form again: with and
    without JavaScript, they get the same token, not a second one (the form's idempotency nonce)."""
    import sqlite3
    from selenium.webdriver.support.ui import Select
    for javascript, phone in ((True, "9844455566"), (False, "9844455577")):
        browser = chromium(javascript=javascript)
        try:
            browser.get(stack.base + "/book/")
            Select(browser.find_element("id", "office")).select_by_value("VAD-247")
            Select(browser.find_element("id", "service")).select_by_value("bill-complaint")
            browser.find_element("id", "name").send_keys("Back Button")
            browser.find_element("id", "phone").send_keys(phone)
            browser.find_element("css selector", "form.booking-form button[type=submit]").click()
            wait_for_token_page(browser)
            first = browser.current_url
            number = browser.find_element("css selector", ".token-number").text
            browser.back()
            deadline = time.monotonic() + 10
            while "/book/" not in browser.current_url:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            browser.find_element("css selector", "form.booking-form button[type=submit]").click()
            wait_for_token_page(browser)
            assert browser.find_element("css selector", ".token-number").text == number
            assert browser.current_url.split("&")[0] == first.split("&")[0]
            with sqlite3.connect(stack.database) as db:
                assert db.execute("SELECT count(*) FROM token WHERE phone = ?", (phone,)).fetchone()[0] == 1
        finally:
            browser.quit()
