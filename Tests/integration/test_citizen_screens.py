"""The citizen's screens as a citizen meets them (issue 15): each point through the real nginx,
fcgi-app and headless Chromium, in the three languages where text matters."""
import json
import shutil
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser import chromium, option_values
from test_accessibility import violations as serious_violations

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "citizen"
LANGUAGES = {"en": "/", "gu": "/gu/", "hi": "/hi/"}


@pytest.fixture(scope="module")
def browser():
    running = chromium(width=390, height=900)
    yield running
    running.quit()


@pytest.fixture(scope="module")
def plain_browser():
    running = chromium(width=390, height=900, javascript=False)
    yield running
    running.quit()


def screenshot(browser, name):
    """The whole page at 390 px, for a person to look at (var/screenshots/citizen/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(390, min(max(height, 900), 4000))
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(390, 900)


def catalog_office(stack, code):
    catalog = json.loads(stack.get("/catalog.json")[2])
    return next(office for office in catalog["offices"] if office["code"] == code)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(stack, action, fields, headers=None):
    request = urllib.request.Request(stack.base + action, method="POST", data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        answer = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
        return answer.status, answer.headers.get("Location"), answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location"), answer.read().decode()


def token_page_reached(browser):
    """Waits for the token page after a form is sent; its token id and view secret."""
    deadline = time.monotonic() + 10
    while "/token/" not in browser.current_url:
        assert time.monotonic() < deadline, browser.current_url + browser.page_source[:1500]
        time.sleep(0.1)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    return query["id"][0], query["secret"][0]


# 1. Each office has its own booking page, linked from the office page, offering only its services.

@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_without_javascript_the_office_page_books_at_that_office_and_offers_only_its_services(stack, plain_browser, language):
    from selenium.webdriver.support.ui import Select
    browser = plain_browser
    offered = {s["code"] for s in catalog_office(stack, "VAD-247")["services"]}
    everything = {s["code"] for s in json.loads(stack.get("/catalog.json")[2])["services"]}
    assert offered < everything, "the test needs an office that does not offer every service"
    # Given the Vadodara 24x7 office page (open round the clock), in the citizen's language, without JavaScript
    browser.get(stack.base + LANGUAGES[language] + "offices/vad-247/")
    # When they follow "Book a token at this office"
    browser.find_element("css selector", f"a[href='{LANGUAGES[language]}book/vad-247/']").click()
    # Then the form names that office and lists exactly its services
    assert browser.current_url.endswith(f"{LANGUAGES[language]}book/vad-247/")
    assert browser.find_element("css selector", "html").get_attribute("lang") == language
    assert browser.find_element("css selector", "input[name=office]").get_attribute("value") == "VAD-247"
    assert not browser.find_elements("css selector", "select#office")
    listed = {o.get_attribute("value") for o in browser.find_elements("css selector", "#service option")}
    assert listed == offered
    office_name = catalog_office(stack, "VAD-247")["names"][language]
    assert office_name in browser.find_element("css selector", ".booking-office").text
    if language == "gu":
        screenshot(browser, "book-office-gu-nojs")
    # And sending it books a token at that office
    service = sorted(offered)[0]
    Select(browser.find_element("id", "service")).select_by_value(service)
    browser.find_element("id", "name").send_keys("Kiran")
    browser.find_element("id", "phone").send_keys({"en": "9817712345", "gu": "9827712345", "hi": "9837712345"}[language])
    browser.find_element("css selector", "form.booking-form button[type=submit]").click()
    token_id, secret = token_page_reached(browser)
    status = json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])
    status = status.get("token", status)
    assert status["office"] == "VAD-247" and status["service"] == service


def test_every_office_booking_page_carries_a_fresh_nonce_and_has_no_accessibility_violations(stack, browser):
    first, second = stack.get("/gu/book/vad-247/"), stack.get("/gu/book/vad-247/")
    nonces = [re.search(r'name="idempotency_key" value="([^"]*)"', page[2].decode()).group(1) for page in (first, second)]
    assert first[1]["Cache-Control"] == "private, no-cache"
    assert all(re.fullmatch(r"[0-9a-f]{32}", n) for n in nonces) and nonces[0] != nonces[1]
    for language in LANGUAGES.values():
        browser.get(stack.base + language + "book/vad-247/")
        assert serious_violations(browser) == []


def test_with_javascript_the_office_booking_page_keeps_its_office_and_services(stack, browser):
    offered = sorted(s["code"] for s in catalog_office(stack, "VAD-247")["services"])
    # (even when an old link asks for another office)
    browser.get(stack.base + "/gu/book/vad-247/?office=SRT-VRC")
    time.sleep(1)  # the catalogue is loaded
    assert browser.find_element("css selector", "input[name=office]").get_attribute("value") == "VAD-247"
    assert sorted(option_values(browser, "service")) == offered
    # And, the office being open, each service says how many wait before the citizen books, as the office page does
    words = strings(stack, "gu")
    snapshot = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
    said = {s["code"]: "(" + words["office_now_waiting"].replace("{n}", str(s["waiting"])) for s in snapshot["services"]}
    deadline = time.monotonic() + 5
    while not all(said[o.get_attribute("value")] in o.text for o in browser.find_elements("css selector", "#service option")):
        assert time.monotonic() < deadline, [o.text for o in browser.find_elements("css selector", "#service option")]
        time.sleep(0.1)
    screenshot(browser, "book-office-gu")


# 2. Pages word the API's errors by code, in the page's language; the brand is in it too.

def english_messages(stack, path, body=None, method="GET"):
    """The API's own English message for a request, to be sure the page does not show it."""
    answer = stack.request(method, path, body=body, headers={"Content-Type": "application/json"})
    return json.loads(answer[2])["error"]


def strings(stack, language):
    return json.loads(stack.get("/interface-strings.json")[2])[language]


@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_a_failed_sign_in_is_told_in_the_pages_language(stack, browser, language):
    from selenium.webdriver.common.by import By
    error = english_messages(stack, "/api/v1/auth/login", method="POST",
                             body=json.dumps({"username": f"nobody-{language}-api", "password": "not-the-password"}).encode())
    assert error["code"] == "invalid_credentials"
    # Given the counter console in the clerk's language
    browser.get(stack.base + LANGUAGES[language] + "staff/")
    deadline = time.monotonic() + 5
    while not browser.find_element(By.ID, "sign-in").is_displayed():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # When the clerk signs in with a wrong password
    browser.find_element(By.ID, "username").send_keys(f"nobody-{language}")
    browser.find_element(By.ID, "password").send_keys("not-the-password")
    browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    deadline = time.monotonic() + 5
    while not browser.find_element(By.ID, "message").text:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Then the refusal is in that language (English only on the English page)
    shown = browser.find_element(By.ID, "message").text
    assert shown == strings(stack, language)["error_invalid_credentials"]
    assert (shown == error["message"]) == (language == "en")
    assert serious_violations(browser) == []


@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_the_booking_pages_appointment_times_refusal_is_in_the_pages_language(stack, browser, language):
    import sqlite3
    from selenium.webdriver.common.by import By
    # Given a service the published catalogue offers by appointment, which the office has just stopped
    # taking appointments for (the server refuses its times)
    with sqlite3.connect(stack.database) as database:
        database.execute("UPDATE service SET takes_appointments = 0 WHERE code = 'new-lt-connection'")
    try:
        error = english_messages(stack, "/api/v1/offices/VAD-247/slots?service=new-lt-connection&date=2026-12-31")
        assert error["code"] == "appointments_not_offered"
        browser.get(stack.base + LANGUAGES[language] + "book/vad-247/")
        deadline = time.monotonic() + 5
        while not browser.find_element(By.ID, "when").is_displayed():
            assert time.monotonic() < deadline, "the appointment choice did not appear"
            browser.execute_script("var s = document.getElementById('service'); s.value = 'new-lt-connection';"
                                   "s.dispatchEvent(new Event('change'));")
            time.sleep(0.1)
        # When the citizen asks for an appointment
        browser.find_element(By.CSS_SELECTOR, "input[name=when][value=appointment]").click()
        # Then the refusal is in the page's language, never the API's English message
        expected = strings(stack, language)["error_appointments_not_offered"]
        deadline = time.monotonic() + 5
        while browser.find_element(By.ID, "slot-status").text != expected:
            assert time.monotonic() < deadline, browser.find_element(By.ID, "slot-status").text
            time.sleep(0.1)
        assert (error["message"] in browser.page_source) == (language == "en" and error["message"] == expected)
        if language == "gu":
            screenshot(browser, "book-refusal-gu")
    finally:
        with sqlite3.connect(stack.database) as database:
            database.execute("UPDATE service SET takes_appointments = 1 WHERE code = 'new-lt-connection'")


def test_pages_fcgi_app_renders_carry_the_brand_in_the_citizens_language(stack):
    # Given a Gujarati booking whose form comes back with an error, and a Gujarati token
    status, _, page = post_form(stack, "/api/v1/tokens", {"office": "VAD-247", "service": "bill-complaint", "name": "ભાવના",
                                                           "phone": "12", "language": "gu"})
    assert status == 400
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9811177700", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    token_page = stack.get(answer["page"])[2].decode()
    # Then both say the site's name in Gujarati, and link home to the Gujarati site
    for html in (page, token_page):
        assert '<a class="brand" href="/gu/">GUVNL કતાર</a>' in html and "GUVNL Queue" not in html


# 3. Token not found: the find form again in the citizen's language, input kept, error beside the field.

@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_a_token_not_found_shows_the_find_form_again_in_the_citizens_language(stack, browser, language):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    # Given the find page (a plain form, the same with or without JavaScript)
    browser.get(stack.base + LANGUAGES[language] + "find/")
    Select(browser.find_element(By.ID, "office")).select_by_value("SRT-VRC")
    browser.find_element(By.ID, "number").send_keys("BC-999")
    browser.find_element(By.ID, "phone").send_keys("9800000001")
    # When no token matches
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    deadline = time.monotonic() + 5
    while not browser.find_elements(By.CSS_SELECTOR, ".error-summary"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # Then the same form is back, in that language only, under the site's header, with what was typed
    words = strings(stack, language)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    assert browser.find_element(By.CSS_SELECTOR, ".site-header .brand").text == words["site_name"]
    assert browser.find_element(By.TAG_NAME, "h1").text == words["nav_find"]
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    assert Select(browser.find_element(By.ID, "office")).first_selected_option.get_attribute("value") == "SRT-VRC"
    assert browser.find_element(By.ID, "number").get_attribute("value") == "BC-999"
    assert browser.find_element(By.ID, "phone").get_attribute("value") == "9800000001"
    # and the refusal sits beside the token number, which points to it; no talk of a "link"
    error = browser.find_element(By.ID, "number-error")
    assert error.text == words["error_token_not_found"]
    assert browser.find_element(By.ID, "number").get_attribute("aria-describedby") == "number-error"
    assert words["error_token_link"] not in browser.page_source
    if language == "gu":
        screenshot(browser, "find-not-found-gu")
    assert serious_violations(browser) == []


def test_a_broken_token_link_offers_the_find_form_in_the_phones_language(stack):
    # Given a token page address with a wrong secret, opened on a phone set to Hindi
    status, _, body = stack.get("/token/?id=1&secret=wrong", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
    page = body.decode()
    # Then it says so in Hindi and offers the find form, empty
    assert status == 404 and '<html lang="hi">' in page
    assert strings(stack, "hi")["error_token_link"] in page and '<form method="post" action="/token/find?lang=hi"' in page
    assert 'id="number" name="number" autocapitalize="characters" required value=""' in page


# 4. Cancelling asks first; a final state shows only what still helps, and a way to book again.

def book_in_browser(stack, browser, language, service, phone):
    """Books on the office's own page in this browser (which then holds the right to cancel)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    browser.get(stack.base + LANGUAGES[language] + "book/vad-247/")
    Select(browser.find_element(By.ID, "service")).select_by_value(service)
    browser.find_element(By.ID, "name").send_keys("Mira")
    browser.find_element(By.ID, "phone").send_keys(phone)
    browser.find_element(By.CSS_SELECTOR, "form.booking-form button[type=submit]").click()
    token_page_reached(browser)


@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_cancelling_asks_first_then_offers_only_booking_again(stack, browser, language):
    from selenium.webdriver.common.by import By
    words = strings(stack, language)
    book_in_browser(stack, browser, language, "bill-complaint", {"en": "9850000001", "gu": "9850000002", "hi": "9850000003"}[language])
    number = browser.find_element(By.CSS_SELECTOR, ".token-number").text
    # Given the token page, where cancelling is one step away but not one tap
    confirm = browser.find_element(By.CSS_SELECTOR, "details.cancel button[type=submit]")
    assert not confirm.is_displayed()
    assert serious_violations(browser) == []
    # When the citizen opens it, they are asked about this very token
    browser.find_element(By.CSS_SELECTOR, "details.cancel summary").click()
    question = browser.find_element(By.CSS_SELECTOR, "details.cancel p").text
    assert question == words["token_cancel_question"].replace("{number}", number)
    assert confirm.is_displayed() and confirm.text == words["token_cancel_yes"]
    assert serious_violations(browser) == []
    if language == "gu":
        screenshot(browser, "token-cancel-confirm-gu")
    # and when they confirm, the token is cancelled
    confirm.click()
    deadline = time.monotonic() + 10
    while words["token_cancelled"] not in browser.page_source:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # Then the page keeps only what still helps: no code to show, nothing to bring, no cancel; book again
    assert not browser.find_elements(By.CSS_SELECTOR, "img.qr")
    assert words["token_documents"] not in browser.page_source
    assert not browser.find_elements(By.CSS_SELECTOR, "details.cancel")
    again = browser.find_element(By.LINK_TEXT, words["token_book_again"])
    assert again.get_attribute("href") == stack.base + LANGUAGES[language] + "book/vad-247/"
    assert serious_violations(browser) == []
    if language == "gu":
        screenshot(browser, "token-cancelled-gu")


def test_cancelling_asks_first_without_javascript_too(stack, plain_browser):
    from selenium.webdriver.common.by import By
    book_in_browser(stack, plain_browser, "gu", "meter-complaint", "9850000004")
    plain_browser.find_element(By.CSS_SELECTOR, "details.cancel summary").click()
    plain_browser.find_element(By.CSS_SELECTOR, "details.cancel button[type=submit]").click()
    deadline = time.monotonic() + 10
    while strings(stack, "gu")["token_cancelled"] not in plain_browser.page_source:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_served_token_shows_thanks_and_booking_again_not_the_qr_code(stack, browser):
    from selenium.webdriver.common.by import By
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": "9850000005", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    # Given the citizen's token served at counter 3 (which serves only new connections)
    serve_until(stack, answer["token"]["id"], answer["secret"], "served")
    # When they open their token page
    browser.get(stack.base + answer["page"])
    words = strings(stack, "gu")
    # Then it thanks them and offers to book again, without the code, the documents or a cancel
    assert words["token_served"] in browser.page_source
    assert not browser.find_elements(By.CSS_SELECTOR, "img.qr") and words["token_documents"] not in browser.page_source
    assert browser.find_element(By.LINK_TEXT, words["token_book_again"]).get_attribute("href").endswith("/gu/book/vad-247/")
    assert serious_violations(browser) == []
    screenshot(browser, "token-served-gu")


# 5. Closed offices: the form says so before sending, when it opens, and steers to an appointment.

# The server's answer when too many sign-ins wait for the password checks (PasswordHashing): the
# first sign-in the page sends gets it, as it would while a shift signs in together.
FIRST_SIGN_IN_BUSY = """
window.signInsSent = 0;
const realFetch = window.fetch;
window.fetch = function (url, options) {
  if (String(url).endsWith("/api/v1/auth/login") && ++window.signInsSent === 1) {
    return Promise.resolve(new Response(JSON.stringify({error: {code: "busy", reason: "sign_in_busy",
      message: "Many people are signing in at once; try again in a moment."}}),
      {status: 503, headers: {"Content-Type": "application/json", "Retry-After": "1"}}));
  }
  return realFetch.apply(this, arguments);
};
"""


def test_a_sign_in_told_busy_says_why_and_tries_again_by_itself(stack):
    from selenium.webdriver.common.by import By
    # Given the counter console in Gujarati, whose first sign-in the server answers "busy"
    browser = chromium(width=1366, height=768)
    try:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_SIGN_IN_BUSY})
        browser.get(stack.base + "/gu/staff/")
        deadline = time.monotonic() + 10
        while not browser.find_element(By.ID, "sign-in").is_displayed():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # When the clerk signs in once
        browser.find_element(By.ID, "username").send_keys("clerk-vad-247")
        browser.find_element(By.ID, "password").send_keys("demo-clerk-2026")
        browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
        # Then the page says in Gujarati why it waits
        deadline = time.monotonic() + 5
        while browser.find_element(By.ID, "message").text != strings(stack, "gu")["error_sign_in_busy"]:
            assert time.monotonic() < deadline, browser.find_element(By.ID, "message").text
            time.sleep(0.02)
        # while its button waits (a second press cannot start a second sign-in)
        assert not browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").is_enabled()
        # and signs in by itself a moment later, without the clerk pressing again
        deadline = time.monotonic() + 10
        while not browser.find_element(By.ID, "sign-out").is_displayed():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert browser.execute_script("return window.signInsSent") == 2
        assert browser.find_element(By.ID, "sign-in").is_displayed() is False
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def gandhinagar_closed_today(stack):
    """Gandhinagar closed all day (a holiday), whatever the hour the tests run at."""
    import datetime
    import sqlite3
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date().isoformat()
    with sqlite3.connect(stack.database) as database:
        database.execute("INSERT OR IGNORE INTO office_holiday (office_code, day, reason) VALUES ('GNR-CTY', ?, 'test')", (today,))
    deadline = time.monotonic() + 5
    while json.loads(stack.get("/api/v1/offices/GNR-CTY/queue")[2])["is_open_now"]:
        assert time.monotonic() < deadline, "the holiday was not seen"
        time.sleep(0.2)
    return today


@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_the_booking_form_says_which_offices_are_closed_before_sending(stack, browser, gandhinagar_closed_today, language):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    words = strings(stack, language)
    names = {o["code"]: o["names"][language] for o in json.loads(stack.get("/catalog.json")[2])["offices"]}
    # Given the general booking form
    browser.get(stack.base + LANGUAGES[language] + "book/")
    # Then each office choice says whether it is open now (Vadodara never closes; Gandhinagar has a holiday)
    def label(code):
        return browser.find_element(By.CSS_SELECTOR, f"#office option[value='{code}']").text
    deadline = time.monotonic() + 5
    while label("GNR-CTY") != words["booking_option_closed"].replace("{name}", names["GNR-CTY"]):
        assert time.monotonic() < deadline, label("GNR-CTY")
        time.sleep(0.1)
    assert label("VAD-247") == words["booking_option_open"].replace("{name}", names["VAD-247"])
    # When the citizen chooses the closed office and a service it takes appointments for
    Select(browser.find_element(By.ID, "office")).select_by_value("GNR-CTY")
    deadline = time.monotonic() + 5
    while "name-change" not in option_values(browser, "service"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    Select(browser.find_element(By.ID, "service")).select_by_value("name-change")
    # Then the form says it is closed and when it opens, "now" cannot be chosen, and an appointment is
    status = browser.find_element(By.ID, "office-status")
    closed_start = words["booking_closed_now"].split("{opens}")[0]
    deadline = time.monotonic() + 5
    while not status.text.startswith(closed_start):
        assert time.monotonic() < deadline, status.text
        time.sleep(0.1)
    assert words["booking_closed_appointment"] in status.text
    assert not browser.find_element(By.CSS_SELECTOR, "input[name=when][value=now]").is_enabled()
    assert browser.find_element(By.CSS_SELECTOR, "input[name=when][value=appointment]").is_selected()
    # (its first free times are from the day it opens again, not today's)
    assert browser.find_element(By.ID, "date").get_attribute("value") > gandhinagar_closed_today
    deadline = time.monotonic() + 5
    while not option_values(browser, "slot", enabled_only=True):
        assert time.monotonic() < deadline, browser.find_element(By.ID, "slot-status").text
        time.sleep(0.1)
    assert serious_violations(browser) == []
    if language == "gu":
        screenshot(browser, "book-closed-office-gu")
    # And a walk-in-only service says to come when it is open
    Select(browser.find_element(By.ID, "service")).select_by_value("bill-complaint")
    assert words["booking_closed_walk_in"] in status.text


def test_without_javascript_a_walk_in_at_a_closed_office_is_offered_appointment_times(stack, plain_browser, gandhinagar_closed_today):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    browser = plain_browser
    words = strings(stack, "gu")
    # Given the Gandhinagar booking page without JavaScript, on its holiday
    browser.get(stack.base + "/gu/book/gnr-cty/")
    Select(browser.find_element(By.ID, "service")).select_by_value("name-change")
    browser.find_element(By.ID, "name").send_keys("Ravi")
    browser.find_element(By.ID, "phone").send_keys("9850000011")
    # When the citizen sends it for now
    browser.find_element(By.CSS_SELECTOR, "form.booking-form button[type=submit]").click()
    # Then the form comes back saying when the office opens, with the service's first free times,
    # the first chosen, and everything typed kept
    deadline = time.monotonic() + 10
    while not browser.find_elements(By.CSS_SELECTOR, ".error-summary"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    status = browser.find_element(By.CSS_SELECTOR, ".office-status").text
    assert status.startswith(words["booking_closed_now"].split("{opens}")[0])
    times = browser.find_elements(By.CSS_SELECTOR, "input[name=slot]")
    assert times and times[0].is_selected()
    day = browser.find_element(By.CSS_SELECTOR, "input[name=date]").get_attribute("value")
    assert day > gandhinagar_closed_today
    assert browser.find_element(By.ID, "phone").get_attribute("value") == "9850000011"
    screenshot(browser, "book-closed-offer-gu-nojs")
    # And one more tap books that appointment
    browser.find_element(By.CSS_SELECTOR, "form.booking-form button[type=submit]").click()
    token_id, secret = token_page_reached(browser)
    token = json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])["token"]
    assert token["state"] == "booked" and token["kind"] == "appointment" and token["service_day"] == day


# 10. Home, office and token pages.

@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_the_home_page_starts_with_book_and_find(stack, browser, language):
    from selenium.webdriver.common.by import By
    words = strings(stack, language)
    browser.get(stack.base + LANGUAGES[language])
    # The first two links of the page's own content are the two things citizens come for
    links = browser.find_elements(By.CSS_SELECTOR, "main a")[:2]
    assert [(a.text, a.get_attribute("href")) for a in links] == [
        (words["nav_book"], stack.base + LANGUAGES[language] + "book/"),
        (words["nav_find"], stack.base + LANGUAGES[language] + "find/")]
    assert all(a.location["y"] < 500 for a in links), "not at the top of a phone's screen"
    assert serious_violations(browser) == []
    if language == "gu":
        screenshot(browser, "home-gu")


@pytest.mark.parametrize("language", ["en", "gu", "hi"])
def test_an_office_page_says_live_whether_it_is_open_and_how_many_wait(stack, browser, gandhinagar_closed_today, language):
    from selenium.webdriver.common.by import By
    words = strings(stack, language)
    snapshot = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])
    # Given the round-the-clock Vadodara office's page
    browser.get(stack.base + LANGUAGES[language] + "offices/vad-247/")
    now = browser.find_element(By.ID, "office-now")
    deadline = time.monotonic() + 5
    while now.text != words["booking_open_now"]:
        assert time.monotonic() < deadline, now.text
        time.sleep(0.1)
    # Then each of its services says how many wait
    for service in snapshot["services"]:
        shown = browser.find_element(By.CSS_SELECTOR, f"[data-service='{service['code']}'] .waiting").text
        assert shown.startswith("(" + words["office_now_waiting"].replace("{n}", str(service["waiting"])))
    assert serious_violations(browser) == []
    if language == "gu":
        screenshot(browser, "office-open-gu")
    # And Gandhinagar's, on its holiday, says it is closed and when it opens
    browser.get(stack.base + LANGUAGES[language] + "offices/gnr-cty/")
    now = browser.find_element(By.ID, "office-now")
    deadline = time.monotonic() + 5
    while not now.text.startswith(words["booking_closed_now"].split("{opens}")[0]):
        assert time.monotonic() < deadline, now.text
        time.sleep(0.1)


def serve_until(stack, token_id, secret, wanted, counter=3, act=None):
    """Works counter 3 (new connections only) until our token reaches `wanted`: by fcgi-app's
    counter command, or by `act(action)` (a clerk through the API)."""
    import subprocess
    from stack import BIN
    def command(action):
        subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", str(counter),
                        "--database", str(stack.database)], capture_output=True)
    act = act or command
    for _ in range(60):
        state = json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])["token"]["state"]
        if state == wanted:
            return
        actions = ("call-next",) if wanted == "called" and state == "waiting" else ("call-next", "start", "complete")
        for action in actions:
            act(action)
            state = json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])["token"]["state"]
            if state == wanted:
                return
    raise AssertionError(f"the token did not become {wanted}")


def test_the_called_token_page_is_unmistakable_and_switches_language(stack, browser):
    from selenium.webdriver.common.by import By
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": "9850000021", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    number, words = answer["token"]["number"], strings(stack, "gu")
    # Given a waiting token's page in Gujarati: it tells how to find it again
    browser.get(stack.base + answer["page"])
    hint = words["token_find_again"].replace("{number}", number)
    assert hint in browser.page_source
    assert browser.find_element(By.LINK_TEXT, words["nav_find"]).get_attribute("href") == stack.base + "/gu/find/"
    # When the token is called at counter 3
    serve_until(stack, answer["token"]["id"], answer["secret"], "called")
    browser.get(stack.base + answer["page"])
    # Then the page says where to go, in large type on a green box
    go = browser.find_element(By.CSS_SELECTOR, ".your-turn .go")
    assert go.text == words["token_go_now"].replace("{n}", "3")
    assert browser.find_element(By.CSS_SELECTOR, ".your-turn strong").text == "3"
    box = browser.find_element(By.CSS_SELECTOR, ".token-state")
    assert box.value_of_css_property("background-color") == "rgba(0, 112, 60, 1)"
    assert float(go.value_of_css_property("font-size").rstrip("px")) >= 32
    assert serious_violations(browser) == []
    screenshot(browser, "token-called-gu")
    # And the language switcher shows the same token in Hindi
    browser.find_element(By.CSS_SELECTOR, ".site-header .languages a[hreflang=hi]").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi"
    assert browser.find_element(By.CSS_SELECTOR, ".token-number").text == number
    assert browser.find_element(By.CSS_SELECTOR, ".your-turn .go").text == strings(stack, "hi")["token_go_now"].replace("{n}", "3")


# 6. Appointments: closed days said plainly, dates in words, add to calendar, move without JavaScript.

def test_a_day_the_office_is_closed_is_said_plainly(stack, browser):
    import datetime
    from selenium.webdriver.common.by import By
    words = strings(stack, "gu")
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()
    sunday = today + datetime.timedelta(days=(6 - today.weekday()) % 7 or 7)
    # Given Surat's booking page (closed on Sundays), an appointment for a change of name
    browser.get(stack.base + "/gu/book/srt-vrc/")
    deadline = time.monotonic() + 5
    while not browser.find_element(By.ID, "when").is_displayed():
        assert time.monotonic() < deadline
        browser.execute_script("var s = document.getElementById('service'); s.value = 'name-change'; s.dispatchEvent(new Event('change'));")
        time.sleep(0.1)
    browser.find_element(By.CSS_SELECTOR, "input[name=when][value=appointment]").click()
    # When the citizen picks a Sunday
    browser.execute_script("var d = document.getElementById('date'); d.value = arguments[0]; d.dispatchEvent(new Event('change'));",
                           sunday.isoformat())
    # Then the page says the office is closed on Sundays, not that no time is free
    expected = words["slots_closed_day"].replace("{weekday}", "રવિવાર")
    status = browser.find_element(By.ID, "slot-status")
    deadline = time.monotonic() + 5
    while status.text != expected:
        assert time.monotonic() < deadline, status.text
        time.sleep(0.1)
    assert serious_violations(browser) == []


def book_appointment_at_closed_office(stack, browser, phone, javascript):
    """At closed Gandhinagar: with JavaScript the form already chose its first free time; without,
    the form sent for now comes back offering times, and the first is taken."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    browser.get(stack.base + "/gu/book/gnr-cty/")
    Select(browser.find_element(By.ID, "service")).select_by_value("name-change")
    browser.find_element(By.ID, "name").send_keys("Ravi")
    browser.find_element(By.ID, "phone").send_keys(phone)
    if javascript:  # wait for the times the page loads
        deadline = time.monotonic() + 5
        while not option_values(browser, "slot", enabled_only=True):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    # (the page may still be redrawing the form from what it loaded: take the button it shows now)
    from selenium.common.exceptions import StaleElementReferenceException
    deadline = time.monotonic() + 5
    while True:
        try:
            browser.find_element(By.CSS_SELECTOR, "form.booking-form button[type=submit]").click()
            break
        except StaleElementReferenceException:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    if not javascript:  # the form comes back with the times offered, the first chosen
        deadline = time.monotonic() + 10
        while not browser.find_elements(By.CSS_SELECTOR, ".error-summary"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        browser.find_element(By.CSS_SELECTOR, "form.booking-form button[type=submit]").click()
    return token_page_reached(browser)


def test_an_appointment_page_words_its_time_adds_to_a_calendar_and_moves_without_javascript(
        stack, plain_browser, gandhinagar_closed_today):
    from selenium.webdriver.common.by import By
    browser, words = plain_browser, strings(stack, "gu")
    token_id, secret = book_appointment_at_closed_office(stack, browser, "9850000031", javascript=False)
    token = json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])["token"]
    slots = json.loads(stack.get(f"/api/v1/offices/GNR-CTY/slots?service=name-change&date={token['service_day']}")[2])["slots"]
    slot = next(s for s in slots if s["starts"] == token["slot_starts"][-5:] or token["slot_starts"].endswith(s["starts"]))
    # Then its page says the day in words and the time from start to end, in Gujarati, digits 0-9
    shown = browser.find_element(By.CSS_SELECTOR, ".token-state strong").text
    month = words["month_%d" % int(token["service_day"][5:7])]
    assert f"{int(token['service_day'][8:])} {month}, {slot['starts']}–{slot['ends']}" in shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)
    screenshot(browser, "token-appointment-gu-nojs")
    # And "add to calendar" gives an event at the office, from start to end, with nothing of the citizen
    link = browser.find_element(By.LINK_TEXT, words["token_add_calendar"]).get_attribute("href")
    status, headers, body = stack.get(urllib.parse.urlparse(link).path + "?" + urllib.parse.urlparse(link).query)
    ics = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics and "\r\n" in ics and "Ravi" not in ics and "9850000031" not in ics
    start = int(slot["starts"][:2]) * 60 + int(slot["starts"][3:]) - 330  # India is UTC+5:30
    assert f"DTSTART:{token['service_day'].replace('-', '')}T{start // 60:02d}{start % 60:02d}00Z" in ics
    # When the citizen moves it to the other time offered (no JavaScript)
    browser.find_element(By.CSS_SELECTOR, "details.move summary").click()
    other = browser.find_elements(By.CSS_SELECTOR, "details.move input[name=slot]")[0]
    other.click()
    browser.find_element(By.CSS_SELECTOR, "details.move button[type=submit]").click()
    deadline = time.monotonic() + 10
    while f"id={token_id}&" in browser.current_url:
        assert time.monotonic() < deadline, browser.page_source[:1500]
        time.sleep(0.1)
    # Then a new appointment replaces it, and the old one is cancelled
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    moved = json.loads(stack.get(f"/api/v1/tokens/{query['id'][0]}?secret={query['secret'][0]}")[2])["token"]
    assert moved["state"] == "booked" and (moved["service_day"], moved["slot_starts"]) != (token["service_day"], token["slot_starts"])
    assert json.loads(stack.get(f"/api/v1/tokens/{token_id}?secret={secret}")[2])["token"]["state"] == "cancelled"


def test_an_appointment_page_has_no_accessibility_violations(stack, browser, gandhinagar_closed_today):
    from selenium.webdriver.common.by import By
    book_appointment_at_closed_office(stack, browser, "9850000032", javascript=True)
    assert serious_violations(browser) == []
    browser.find_element(By.CSS_SELECTOR, "details.move summary").click()
    assert serious_violations(browser) == []
    screenshot(browser, "token-appointment-move-gu")


# 7. One numeral policy: the digits 0-9 on every page, in every language.

def test_gujarati_and_hindi_pages_write_numbers_with_the_digits_0_to_9(stack):
    other_digits = re.compile("[\u0AE6-\u0AEF\u0966-\u096F]")
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9850000041", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    pages = ["/gu/", "/gu/offices/", "/gu/offices/vad-247/", "/gu/offices/gnr-cty/", "/gu/book/", "/gu/book/vad-247/",
             "/hi/offices/rjt-c1/", "/hi/book/", "/gu/find/", answer["page"]]
    for path in pages:
        status, _, body = stack.get(path)
        assert status == 200, path
        assert not other_digits.search(body.decode()), (path, other_digits.findall(body.decode())[:5])
    # (and the address that had Gujarati digits says its PIN code as everywhere else)
    assert "વડોદરા 390007" in stack.get("/gu/offices/vad-247/")[2].decode()


# The small waste: the icon fetched once, and fcgi-app's pages linking the assets cached for a year.

def test_a_first_visit_fetches_the_icon_once_and_later_pages_not_at_all(stack):
    browser = chromium(width=390, height=900)  # a fresh browser: nothing cached yet
    log = stack.dir / "nginx" / "logs" / "access.log"
    try:
        def icon_fetches(path):
            before = len(log.read_text().splitlines())
            browser.get(stack.base + path)
            time.sleep(1.5)  # the icon and the manifest are fetched after the page
            return sum(1 for line in log.read_text().splitlines()[before:] if "/assets/icon" in line and ".svg" in line)
        assert icon_fetches("/gu/") == 1
        assert icon_fetches("/gu/book/") == 0 and icon_fetches("/gu/offices/") == 0
    finally:
        browser.quit()


def test_pages_fcgi_app_renders_link_fingerprinted_assets_and_the_icon(stack):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9850000051", "language": "gu"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    home = stack.get("/gu/")[2].decode()
    for html in (stack.get(answer["page"])[2].decode(),
                 post_form(stack, "/token/find", {"office": "VAD-247", "number": "X-1", "phone": "9850000052", "language": "gu"})[2]):
        css = re.search(r'<link rel="stylesheet" href="(/assets/site\.[0-9a-f]+\.css)">', html).group(1)
        icon = re.search(r'<link rel="icon" href="(/assets/icon\.[0-9a-f]+\.svg)"', html).group(1)
        # the very addresses the static pages use, served to be cached for a year
        assert css in home and icon in home
        assert "immutable" in stack.get(css)[1]["Cache-Control"]


# 8. Gujarati and Devanagari fonts shipped for screens without them.

FONT_URL = re.compile(r"url\((/assets/fonts/noto-sans-(gujarati|devanagari)-(\d00)\.[0-9a-f]+\.woff2)\)")


def test_the_shipped_fonts_cover_every_letter_the_pages_show(stack):
    import io
    from fontTools.ttLib import TTFont
    css = stack.get(re.search(r'href="(/assets/site\.[0-9a-f]+\.css)"', stack.get("/gu/")[2].decode()).group(1))[2].decode()
    faces = FONT_URL.findall(css)
    assert sorted((script, weight) for _, script, weight in faces) == [
        ("devanagari", "400"), ("devanagari", "700"), ("gujarati", "400"), ("gujarati", "700")]
    # Every Gujarati and Devanagari letter any page shows (static pages and fcgi-app's strings)
    shown = {"gujarati": set(), "devanagari": set()}
    texts = [p.read_text(encoding="utf-8") for p in (stack.dir / "public").rglob("*.html")]
    texts.append((stack.dir / "public" / "interface-strings.json").read_text(encoding="utf-8"))
    for text in texts:
        for character in text:
            if 0x0A80 <= ord(character) <= 0x0AFF:
                shown["gujarati"].add(ord(character))
            elif 0x0900 <= ord(character) <= 0x097F:
                shown["devanagari"].add(ord(character))
    assert len(shown["gujarati"]) > 40 and len(shown["devanagari"]) > 40
    for url, script, weight in faces:
        status, headers, body = stack.get(url)
        # served as a web font, cached for a year, and light
        assert status == 200 and headers["Content-Type"] == "font/woff2" and "immutable" in headers["Cache-Control"]
        assert len(body) < 45_000, (url, len(body))
        # and it draws every letter of its script the pages show: no boxes on a bare screen
        covered = set(TTFont(io.BytesIO(body)).getBestCmap())
        assert shown[script] <= covered, (url, sorted(hex(c) for c in shown[script] - covered))
    # The licence travels with them
    assert "SIL Open Font License" in stack.get("/assets/fonts/OFL.txt")[2].decode()


def test_chromium_loads_the_shipped_fonts_and_draws_each_script_with_them(stack, browser):
    from selenium.webdriver.common.by import By
    browser.get(stack.base + "/gu/")
    css = stack.get(browser.find_element(By.CSS_SELECTOR, "link[rel=stylesheet]").get_attribute("href")
                    .replace(stack.base, ""))[2].decode()
    for url, script, weight in FONT_URL.findall(css):
        sample = "ગુજરાતી કતાર" if script == "gujarati" else "हिन्दी कतार"
        # The shipped file itself (not the system's Noto), as the page's CSS names it
        status, width = browser.execute_async_script("""
            const [url, weight, sample, done] = arguments;
            const face = new FontFace("Shipped " + url, "url(" + url + ")", { weight });
            face.load().then((loaded) => {
              document.fonts.add(loaded);
              const context = document.createElement("canvas").getContext("2d");
              context.font = weight + " 40px '" + loaded.family + "', monospace";
              done([loaded.status, context.measureText(sample).width]);
            }).catch((error) => done(["error " + error, 0]));""", url, weight, sample)
        assert status == "loaded" and width > 100, (url, status, width)


# 12. Notices on the board, between the calls, never over them.

def test_the_board_shows_this_offices_current_notices_beside_its_calls(own_stack, tmp_path):
    import datetime
    import subprocess
    from selenium.webdriver.common.by import By
    from stack import BIN, REPO
    stack = own_stack
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date()
    day = lambda offset: (today + datetime.timedelta(days=offset)).isoformat()
    # Given an editor's notices: one for Vadodara this week (in English and Gujarati), one for
    # another office, one that ended yesterday; and the site rebuilt with them
    project = tmp_path / "project"
    for folder in ("Content", "Templates"):
        shutil.copytree(REPO / folder, project / folder)
    for language in ("en", "gu", "hi"):
        shutil.rmtree(project / "Content" / language / "notices", ignore_errors=True)
        (project / "Content" / language / "notices").mkdir()
    def notice(language, name, title, offices, starts, ends, text):
        front = f"---\ntitle: {title}\n" + (f"offices: [{offices}]\n" if offices else "") + f"starts: {starts}\nends: {ends}\n---\n"
        (project / "Content" / language / "notices" / f"{name}.md").write_text(front + text + "\n", encoding="utf-8")
    notice("en", "tank", "Water tank cleaning", "VAD-247", day(-1), day(1), "The hall's water cooler is **off** until noon.")
    notice("gu", "tank", "પાણીની ટાંકીની સફાઈ", "VAD-247", day(-1), day(1), "બપોર સુધી હોલનું વોટર કૂલર **બંધ** છે.")
    notice("en", "surat", "Surat only", "SRT-VRC", day(-1), day(1), "Not for Vadodara.")
    notice("en", "old", "Last week's notice", None, day(-8), day(-1), "Over.")
    subprocess.run([BIN / "sitegen", "build", "--root", project, "--output", stack.dir / "public"], check=True, capture_output=True)
    board = chromium(width=1920, height=1080)
    try:
        # When the Vadodara board runs and a clerk calls someone
        board.get(stack.base + "/display/?office=VAD-247")
        band = board.find_element(By.ID, "notices")
        deadline = time.monotonic() + 5
        while not band.is_displayed():
            assert time.monotonic() < deadline, "no notice shown"
            time.sleep(0.1)
        fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9850000061"}
        stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers={"Content-Type": "application/json"})
        subprocess.run([BIN / "fcgi-app", "counter", "call-next", "--office", "VAD-247", "--number", "1",
                        "--database", str(stack.database)], check=True, capture_output=True)
        deadline = time.monotonic() + 5
        while not board.find_elements(By.CSS_SELECTOR, "#calls li"):
            assert time.monotonic() < deadline, "the call did not show"
            time.sleep(0.1)
        # Then its notice shows in Gujarati and English, with Markdown's emphasis, and no other
        assert board.find_element(By.CSS_SELECTOR, "#notice [lang=gu] h3").text == "પાણીની ટાંકીની સફાઈ"
        assert board.find_element(By.CSS_SELECTOR, "#notice [lang=en] h3").text == "Water tank cleaning"
        assert board.find_element(By.CSS_SELECTOR, "#notice [lang=en] strong").text == "off"
        assert "Surat only" not in board.page_source and "Last week" not in board.page_source
        # and the calls keep their place on the screen: the band covers neither them nor the counters
        notes = band.rect
        for section in board.find_elements(By.CSS_SELECTOR, "#counters, .board .calls, .board .waits"):
            other = section.rect
            overlap = not (notes["y"] >= other["y"] + other["height"] or other["y"] >= notes["y"] + notes["height"]
                           or notes["x"] >= other["x"] + other["width"] or other["x"] >= notes["x"] + notes["width"])
            assert not overlap, (section.get_attribute("class"), notes, other)
        assert notes["y"] + notes["height"] <= board.execute_script("return innerHeight"), "the band is off the screen"
        SHOTS.mkdir(parents=True, exist_ok=True)
        board.save_screenshot(str(SHOTS / "board-notice-1920.png"))
        assert serious_violations(board) == []
    finally:
        board.quit()


def test_a_notice_for_an_unknown_office_stops_the_build_with_file_and_line(tmp_path):
    import subprocess
    from stack import BIN, REPO
    project = tmp_path / "project"
    for folder in ("Content", "Templates"):
        shutil.copytree(REPO / folder, project / folder)
    (project / "Content" / "en" / "notices" / "typo.md").write_text(
        "---\ntitle: Typo\noffices: [VAD-999]\nstarts: 2026-12-01\nends: 2026-12-02\n---\nText.\n", encoding="utf-8")
    result = subprocess.run([BIN / "sitegen", "build", "--root", project, "--output", tmp_path / "out"], capture_output=True, text=True)
    assert result.returncode != 0 and "Content/en/notices/typo.md:2" in result.stderr + result.stdout and "VAD-999" in result.stderr + result.stdout


# 11. Feedback after service: one tap on the served page; managers see it by service and clerk.

def test_a_served_citizen_rates_the_visit_in_one_tap_and_the_manager_sees_it(stack, browser):
    import datetime
    from selenium.webdriver.common.by import By
    from test_staff_api import Staff, counter_id
    from test_staff_pages import sign_in, wait_for
    # Given a Gujarati citizen's new connection served at counter 3 by Vadodara's clerk
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Asha", "phone": "9850000071", "language": "gu"}
    _, booked_headers, booked_body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                                   headers={"Content-Type": "application/json"})
    answer = json.loads(booked_body)
    manage = {name: value for name, value in booked_headers.cookies.items() if name.startswith("gq_manage_")}
    assert len(manage) == 1
    clerk = Staff(stack).sign_in("clerk-vad-247", "demo-clerk-2026")
    counter = counter_id(stack, "VAD-247", 3)
    clerk.call("POST", f"/api/v1/counters/{counter}/open", {})
    serve_until(stack, answer["token"]["id"], answer["secret"], "served",
                act=lambda action: clerk.call("POST", f"/api/v1/counters/{counter}/{action}", {}))
    words = strings(stack, "gu")
    # When someone holding only the page's address (a found ticket, a clerk) tries to rate it, they are refused
    stranger = stack.request("POST", f"/api/v1/tokens/{answer['token']['id']}/feedback",
                             body=json.dumps({"secret": answer["secret"], "rating": 1}).encode(), headers={"Content-Type": "application/json"})
    assert stranger[0] == 403 and json.loads(stranger[2])["error"]["code"] == "manage_not_allowed"
    # When they open their page on the phone they booked on, write a word and tap "very good"
    browser.get(stack.base + "/")
    for name, value in manage.items():
        browser.add_cookie({"name": name, "value": value, "path": "/"})
    browser.get(stack.base + answer["page"])
    form = browser.find_element(By.CSS_SELECTOR, "form.feedback")
    assert form.find_element(By.TAG_NAME, "legend").text == words["feedback_title"]
    assert [b.text for b in form.find_elements(By.CSS_SELECTOR, "button[name=rating]")] == [words[f"feedback_{n}"] for n in range(1, 6)]
    assert serious_violations(browser) == []
    screenshot(browser, "token-served-feedback-gu")
    browser.find_element(By.ID, "comment").send_keys("ઝડપી સેવા")
    form.find_element(By.CSS_SELECTOR, "button[value='5']").click()
    # Then the page thanks them and asks no more
    deadline = time.monotonic() + 10
    while not browser.find_elements(By.CSS_SELECTOR, ".feedback-thanks"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert browser.find_element(By.CSS_SELECTOR, ".feedback-thanks").text == words["feedback_thanks"]
    assert not browser.find_elements(By.CSS_SELECTOR, "form.feedback")
    # And a second rating is refused
    cookie = "; ".join(f"{name}={value}" for name, value in manage.items())
    again = stack.request("POST", f"/api/v1/tokens/{answer['token']['id']}/feedback",
                          body=json.dumps({"secret": answer["secret"], "rating": 1}).encode(),
                          headers={"Content-Type": "application/json", "Cookie": cookie})
    assert again[0] == 409 and json.loads(again[2])["error"]["code"] == "feedback_closed"
    # And the office's manager sees the rating by service and by the clerk, with the comment but no name;
    # the clerk cannot read the ratings
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date().isoformat()
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    status, body = manager.call("GET", f"/api/v1/offices/VAD-247/feedback?from={today}")
    report = json.loads(body)
    assert status == 200 and report["count"] >= 1
    assert {"name": "new-lt-connection", "count": 1, "mean": 5} in report["by_service"]
    assert any(g["name"].startswith("Demo clerk") and g["count"] >= 1 for g in report["by_clerk"])
    assert any(c["comment"] == "ઝડપી સેવા" and c["rating"] == 5 for c in report["comments"])
    assert "Asha" not in body.decode() and "9850000071" not in body.decode()
    assert clerk.call("GET", f"/api/v1/offices/VAD-247/feedback?from={today}")[0] == 403
    # and on the dashboard
    dashboard = chromium(width=1366, height=900)
    try:
        sign_in(dashboard, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: "Demo clerk" in dashboard.find_element(By.ID, "feedback").text, timeout=10)
        assert "ઝડપી સેવા" in dashboard.find_element(By.ID, "feedback").text
    finally:
        dashboard.quit()
