"""The pages staff and offices live in, in headless Chromium through real nginx and fcgi-app:
the counter console, the display board (with its spoken announcement) and the kiosk (with its
80 mm ticket)."""
import base64
import datetime
import json
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from board_voice import RECORDER
from browser import chromium
from stack import BIN

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="gq-shots-"))


def book(stack, office="VAD-247", service="bill-complaint", phone="9825012345"):
    fields = {"office": office, "service": service, "name": "Asha Patel", "phone": phone}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201, body
    return json.loads(body)


def sign_in(browser, stack, page, username, password):
    """Signs in on a staff page (/staff/ or /admin/) through its form."""
    browser.get(stack.base + page)
    wait_for(lambda: browser.find_element(By.ID, "sign-in").is_displayed())
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()


def wait_for(condition, timeout=15.0):
    """The condition's value once it holds. Generous: a debug build on a loaded CI machine is slow,
    and a page that never gets there still fails."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # the element may not be there yet
            value = None
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the page")
        time.sleep(0.02)


def serious_violations(browser):
    axe = Axe(browser)
    axe.inject()
    results = axe.run(options={"resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_a_clerk_calls_next_and_the_board_shows_and_speaks_it_within_a_second(stack):
    token = book(stack, phone="9825000001")["token"]
    board = chromium(width=1920, height=1080)
    clerk = chromium(width=1366, height=768)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        board.get(stack.base + "/display/?office=VAD-247")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) >= 1)
        assert serious_violations(board) == []
        wait_for(lambda: board.find_element(By.ID, "enable-sound").is_displayed())
        board.find_element(By.ID, "enable-sound").click()
        sign_in(clerk, stack, "/staff/", "clerk-vad-247", "demo-clerk-2026")
        # The clerk chooses counter 1 and sees the citizen waiting
        wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        clerk.find_elements(By.CSS_SELECTOR, ".counter-choice")[0].click()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        assert serious_violations(clerk) == []
        # When the clerk presses N (call next)
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        pressed = time.monotonic()
        # Then the board shows the call, newest first and highlighted, within a second
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text, timeout=1.0)
        shown_after = time.monotonic() - pressed
        # And, after its chime, starts saying it in the office's first language, Gujarati (the whole
        # sentence in each language is checked in test_board_voice.py)
        first = wait_for(lambda: board.execute_script("return window.played.length && window.played[0]"), timeout=3.0)
        assert first["clip"].startswith("/assets/voice/gu/token.")
        # The console shows the citizen at the counter, with their details
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "current").text)
        assert "Asha Patel" in clerk.find_element(By.ID, "current").text
        board.save_screenshot(str(SHOTS / "display-1920.png"))
        clerk.save_screenshot(str(SHOTS / "console-1366.png"))
        print(f"board showed the call {shown_after:.3f} s after the key press; screenshots in {SHOTS}")
        # A reload of the board does not announce the old call again
        board.get(stack.base + "/display/?office=VAD-247")
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text)
        time.sleep(1.5)
        assert board.execute_script("return window.played") == []
    finally:
        board.quit()
        clerk.quit()


# What the board shows, and whether any of it is off the screen (a TV across a hall has nobody to scroll it).
BOARD_ON_SCREEN = """
const shown = e => !e.hidden && e.getClientRects().length > 0;
const parts = [...document.querySelectorAll('#counters .tile, #calls li, #services tr, #notices, .board h2')].filter(shown);
return {scrolls: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
        off: parts.filter(e => e.getBoundingClientRect().bottom > innerHeight + 0.5).map(e => e.textContent.slice(0, 40)),
        calls: [...document.querySelectorAll('#calls li')].filter(shown).length,
        rows: [...document.querySelectorAll('#services tr')].filter(shown).map(row => row.textContent)};
"""


def test_the_board_fits_its_screen_with_every_counter_busy_and_many_calls(own_stack):
    stack = own_stack
    services = ("bill-complaint", "meter-complaint", "new-lt-connection", "reconnection")
    for index in range(16):
        book(stack, service=services[index % 4], phone=f"98250007{index:02d}")
    # Given the three counters each calling three citizens in turn (nine calls, the board keeps eight)
    for _ in range(3):
        for number in (1, 2, 3):
            for action in ("start", "complete", "call-next"):
                subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", str(number),
                                "--database", stack.database], capture_output=True)
    board = chromium(width=1920, height=1080)
    try:
        board.get(stack.base + "/display/?office=VAD-247")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#calls li")) == 8)
        for name in ("en", "gu", "hi"):
            if name != "en":
                board.get(stack.base + f"/{name}/display/?office=VAD-247")
                wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#calls li")) == 8)
            # The screen as the TV's: exactly its size, landscape, smaller, and portrait
            for width, height in ((1920, 1080), (1280, 720), (1080, 1920)):
                board.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
                time.sleep(0.5)
                state = wait_for(lambda: (lambda s: s if not s["off"] else None)(board.execute_script(BOARD_ON_SCREEN)), timeout=5)
                # Then nothing is off the screen, and it still shows the newest calls and every service waited for
                assert not state["scrolls"], (name, width, height)
                assert state["calls"] >= 3 and len(state["rows"]) == len(services), (name, width, height, state)
                board.save_screenshot(str(SHOTS / f"display-{name}-{width}x{height}.png"))
    finally:
        board.quit()


# Rows taller than the board was laid out for (an office with many services, long waits in words):
# the services no longer fit.
TALL_ROWS = """
document.addEventListener("DOMContentLoaded", () => { document.querySelector(".waits").style.fontSize = "2.5em"; });
"""


def test_a_board_with_more_services_than_room_shows_them_a_page_at_a_time(stack):
    board = chromium(width=1280, height=720)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TALL_ROWS})
        # A board whose pages turn every second (the address may say so; 8 s by default)
        board.get(stack.base + "/display/?office=SRT-VRC&page_seconds=1")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#services tr")) > 0)
        indicator = board.find_element(By.ID, "services-pages")
        wait_for(indicator.is_displayed)
        first, page = board.execute_script(BOARD_ON_SCREEN), indicator.text
        total = len(board.find_elements(By.CSS_SELECTOR, "#services tr"))
        # The rows shown are those the room holds, every one on the screen, with the page said; the others come next
        assert 0 < len(first["rows"]) < total, "all the services fit: nothing to page"
        assert not first["off"], first
        assert re.fullmatch(r"Page 1 of [2-9]", page), page
        wait_for(lambda: indicator.text != page, timeout=5)
        second = board.execute_script(BOARD_ON_SCREEN)
        assert second["rows"] and not set(first["rows"]) & set(second["rows"])
        assert not second["off"], second
    finally:
        board.quit()


def test_a_board_opened_with_a_mistyped_office_code_says_so_in_the_pages_language(stack):
    board = chromium(width=1920, height=1080)
    try:
        for page, message in [
                ("/display/", "No office has the code VAD-24. Check the address this board was opened with."),
                ("/gu/display/", "કોડ VAD-24 ધરાવતી કોઈ કચેરી નથી. આ બોર્ડ જે સરનામાથી ખોલ્યું છે તે તપાસો."),
                ("/hi/display/", "कोड VAD-24 वाला कोई कार्यालय नहीं है। यह बोर्ड जिस पते से खोला गया है, उसे जाँचें।")]:
            # When a board is opened with a code no office has
            board.get(stack.base + page + "?office=VAD-24")
            # Then it says so in the page's language, with no clock in the browser's time zone
            # (UTC on a board's unset browser) and no empty board
            wait_for(lambda: board.find_element(By.ID, "board-status").text == message)
            assert not board.find_element(By.ID, "clock").is_displayed()
            assert not board.find_element(By.CLASS_NAME, "board").is_displayed()
        # A code typed in small letters (on a TV's remote) is the office's
        board.get(stack.base + "/display/?office=%20vad-247")
        wait_for(lambda: board.find_element(By.CLASS_NAME, "board").is_displayed() and board.find_element(By.ID, "clock").is_displayed())
        assert "No office" not in board.find_element(By.ID, "board-status").text
    finally:
        board.quit()


def test_the_board_reconnects_by_itself_after_the_server_restarts(own_stack):
    token = book(own_stack, phone="9825000003")["token"]
    board = chromium(width=1920, height=1080)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        board.get(own_stack.base + "/display/?office=VAD-247")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) == 3)
        wait_for(lambda: board.find_element(By.ID, "enable-sound").is_displayed())
        board.find_element(By.ID, "enable-sound").click()
        # The server goes away: the board says it is reconnecting
        own_stack.app.send_signal(signal.SIGTERM)
        own_stack.app.wait(timeout=10)
        wait_for(lambda: board.find_element(By.ID, "board-status").is_displayed(), timeout=10)
        time.sleep(3)
        # It comes back, and a clerk calls: the board shows and speaks the call without anyone touching it
        own_stack.start_app()
        own_stack.wait_until_up()
        subprocess.run([BIN / "fcgi-app", "counter", "call-next", "--office", "VAD-247", "--number", "1",
                        "--database", own_stack.database], check=True, capture_output=True)
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text, timeout=40)
        wait_for(lambda: board.execute_script("return window.played.length") >= 1, timeout=5)
        assert not board.find_element(By.ID, "board-status").is_displayed()
    finally:
        board.quit()


def test_the_console_acts_through_the_whole_visit_with_keys(stack):
    answer = book(stack, service="meter-complaint", phone="9825000002")
    token = answer["token"]
    clerk = chromium(width=1366, height=768)
    try:
        sign_in(clerk, stack, "/staff/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        clerk.find_elements(By.CSS_SELECTOR, ".counter-choice")[1].click()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        body = clerk.find_element(By.TAG_NAME, "body")
        for key, state in (("n", "called"), ("s", "serving"), ("c", "served")):
            if key == "c":
                # A note typed while serving is kept (typing in it does not trigger the keys)
                clerk.find_element(By.ID, "note").send_keys("Brought the old meter's photo; no second visit needed")
                clerk.find_element(By.CSS_SELECTOR, "#note-form button").click()
                counter = clerk.execute_script("return JSON.parse(localStorage.getItem(Object.keys(localStorage)[0]))")
                wait_for(lambda: "old meter" in (clerk.execute_async_script(
                    "const done = arguments[1]; fetch('/api/v1/counters/' + arguments[0], {credentials: 'same-origin'})"
                    ".then(r => r.json()).then(d => done((d.current || {}).note || ''));", counter)))
                assert json.loads(stack.get(f"/api/v1/tokens/{token['id']}?secret={answer['secret']}")[2])["token"]["state"] == "serving"
                body = clerk.find_element(By.TAG_NAME, "body")
            body.send_keys(key)
            wait_for(lambda: json.loads(stack.get(f"/api/v1/tokens/{token['id']}?secret={answer['secret']}")[2])
                     ["token"]["state"] == state)
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
    finally:
        clerk.quit()


def enrol_kiosk(kiosk, stack, office):
    kiosk.get(stack.base + f"/kiosk/?office={office}")
    wait_for(lambda: kiosk.find_element(By.ID, "step-setup").is_displayed())
    kiosk.find_element(By.ID, "setup-username").send_keys("admin")
    kiosk.find_element(By.ID, "setup-password").send_keys("demo-admin-2026")
    kiosk.find_element(By.CSS_SELECTOR, "#step-setup button[type=submit]").click()
    wait_for(lambda: kiosk.find_element(By.ID, "step-start").is_displayed())


def test_the_kiosk_prints_an_80mm_ticket_for_a_walk_in_without_a_mobile_number(stack):
    kiosk = chromium(width=1080, height=1600)
    try:
        kiosk.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                              {"source": "window.printed = 0; window.print = function () { window.printed += 1; };"})
        # An unenrolled screen cannot take tokens: it asks for a manager first
        enrol_kiosk(kiosk, stack, "VAD-247")
        assert serious_violations(kiosk) == []
        kiosk.find_element(By.ID, "choose-token").click()
        wait_for(lambda: kiosk.find_element(By.ID, "step-service").is_displayed())
        tiles = kiosk.find_elements(By.CSS_SELECTOR, "#service-list button")
        assert any("Bill complaint" in tile.text for tile in tiles)
        next(tile for tile in tiles if "Bill complaint" in tile.text).click()
        kiosk.find_element(By.CSS_SELECTOR, "[data-priority=senior_citizen]").click()
        # No mobile number, no consumer number: straight to the ticket
        kiosk.find_element(By.CSS_SELECTOR, "#step-details button[type=submit]").click()
        wait_for(lambda: kiosk.find_element(By.ID, "step-ticket").is_displayed())
        number = kiosk.find_element(By.ID, "ticket-number").text
        assert number.startswith("BC-")
        wait_for(lambda: kiosk.execute_script("return window.printed") == 1)
        assert kiosk.execute_script("return document.getElementById('ticket-qr').naturalWidth") > 0
        # The print layout: 80 mm paper (302 CSS px), only the ticket, nothing wider than the paper
        kiosk.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        kiosk.set_window_size(302, 900)
        layout = kiosk.execute_script("""
            const visible = (selector) => { const e = document.querySelector(selector); return !!(e && e.offsetParent); };
            const box = document.getElementById('ticket').getBoundingClientRect();
            const qr = document.getElementById('ticket-qr').getBoundingClientRect();
            return { header: visible('.kiosk-head'), buttons: visible('#done'), ticketWidth: box.width,
                     ticketHeight: box.height, qrWidth: qr.width, pageWidth: document.documentElement.scrollWidth,
                     viewport: window.innerWidth };
        """)
        assert not layout["header"] and not layout["buttons"]
        assert layout["ticketWidth"] <= 72 / 25.4 * 96 + 1
        assert layout["pageWidth"] <= layout["viewport"]
        assert layout["qrWidth"] >= 100  # about 34 mm: scannable from a phone
        kiosk.save_screenshot(str(SHOTS / "kiosk-ticket-80mm.png"))
        # Printed as Chromium prints it (the page size the stylesheet asks for, else the printer's
        # paper): the whole ticket on one page
        pdf = base64.b64decode(kiosk.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
        (SHOTS / "kiosk-ticket.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        # The token is in the queue, with no name or phone, as a senior citizen
        status, _, body = stack.get("/api/v1/offices/VAD-247/queue")
        assert status == 200
    finally:
        kiosk.quit()


def test_the_kiosk_sends_sms_only_to_a_citizen_who_ticks_the_box(stack):
    kiosk = chromium(width=1080, height=1600)
    try:
        enrol_kiosk(kiosk, stack, "VAD-247")
        numbers = {}
        for phone, consents in (("9850000081", False), ("9850000082", True)):
            # Given a citizen at the kiosk who types their mobile number, and ticks the SMS box or not
            kiosk.find_element(By.ID, "choose-token").click()
            wait_for(lambda: kiosk.find_element(By.ID, "step-service").is_displayed())
            next(tile for tile in kiosk.find_elements(By.CSS_SELECTOR, "#service-list button") if "Bill complaint" in tile.text).click()
            kiosk.find_element(By.CSS_SELECTOR, "[data-priority=none]").click()
            wait_for(lambda: kiosk.find_element(By.ID, "step-details").is_displayed())
            box = kiosk.find_element(By.ID, "kiosk-sms")
            assert not box.is_selected()  # never ticked for them
            kiosk.find_element(By.ID, "kiosk-phone").send_keys(phone)
            if consents:
                box.click()
            kiosk.find_element(By.CSS_SELECTOR, "#step-details button[type=submit]").click()
            wait_for(lambda: kiosk.find_element(By.ID, "step-ticket").is_displayed())
            numbers[phone] = kiosk.find_element(By.ID, "ticket-number").text
            kiosk.find_element(By.ID, "done").click()
            wait_for(lambda: kiosk.find_element(By.ID, "step-start").is_displayed())
        # Then only the citizen who ticked the box is sent the booking's SMS
        with sqlite3.connect(stack.database) as db:
            told = {number: db.execute("SELECT count(*) FROM outbox JOIN token ON token.id = outbox.token_id "
                                       "WHERE token.number = ? AND token.office_code = 'VAD-247' AND outbox.channel = 'sms'",
                                       (number,)).fetchone()[0] for number in numbers.values()}
        assert told == {numbers["9850000081"]: 0, numbers["9850000082"]: 1}
    finally:
        kiosk.quit()


def book_appointment_today(stack, phone):
    """Books a new-connection appointment in today's next slot with places left; its token number."""
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date().isoformat()
    slots = json.loads(stack.get(f"/api/v1/offices/VAD-247/slots?service=new-lt-connection&date={today}")[2])["slots"]
    slot = next(s for s in slots if not s["is_past"] and s["places_left"] > 0)
    fields = {"office": "VAD-247", "service": "new-lt-connection", "name": "Hetal Shah", "phone": phone,
              "slot": str(slot["id"]), "date": today}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201, body
    return json.loads(body)["token"]["number"]


def test_an_appointment_holder_checks_in_at_the_kiosk_with_their_mobile_number(stack):
    number = book_appointment_today(stack, "9825000077")
    kiosk = chromium(width=1080, height=1600)
    try:
        kiosk.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                              {"source": "window.printed = 0; window.print = function () { window.printed += 1; };"})
        enrol_kiosk(kiosk, stack, "VAD-247")
        kiosk.find_element(By.ID, "choose-check-in").click()
        # A wrong number first: the kiosk says so and keeps the form
        kiosk.find_element(By.ID, "check-in-phone").send_keys("9825000078")
        kiosk.find_element(By.CSS_SELECTOR, "#step-check-in button[type=submit]").click()
        wait_for(lambda: kiosk.find_element(By.ID, "kiosk-message").is_displayed())
        assert kiosk.find_element(By.ID, "step-check-in").is_displayed()
        kiosk.find_element(By.ID, "check-in-phone").clear()
        kiosk.find_element(By.ID, "check-in-phone").send_keys("98250 00077")
        kiosk.find_element(By.CSS_SELECTOR, "#step-check-in button[type=submit]").click()
        wait_for(lambda: kiosk.find_element(By.ID, "step-ticket").is_displayed())
        assert kiosk.find_element(By.ID, "ticket-number").text == number
        wait_for(lambda: kiosk.execute_script("return window.printed") == 1)
    finally:
        kiosk.quit()


def test_the_kiosk_says_when_the_office_is_closed_and_takes_no_token(stack):
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).date().isoformat()
    with sqlite3.connect(stack.database) as database:
        database.execute("INSERT OR IGNORE INTO office_holiday (office_code, day, reason) VALUES ('GNR-CTY', ?, 'test')", (today,))
    kiosk = chromium(width=1080, height=1600)
    try:
        enrol_kiosk(kiosk, stack, "GNR-CTY")
        closed = wait_for(lambda: kiosk.find_element(By.ID, "closed"))
        wait_for(closed.is_displayed)
        # It names the holiday and the next opening the server worked out (a later day, holidays counted)
        assert "closed" in closed.text and "holiday (test)" in closed.text
        snapshot = json.loads(stack.get("/api/v1/offices/GNR-CTY/queue")[2])
        assert snapshot["holiday"] == "test" and snapshot["opens_at"] > today
        assert not kiosk.find_element(By.ID, "choose-token").is_enabled()
    finally:
        kiosk.quit()


def test_kiosk_bookings_need_an_enrolled_kiosk(stack):
    fields = {"office": "VAD-247", "service": "bill-complaint", "kiosk": "true"}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 403
    assert json.loads(body)["error"]["code"] == "kiosk_not_enrolled"


def test_the_dashboard_shows_a_call_within_seconds_without_its_timer(stack):
    book(stack, phone="9825000091")
    browser = chromium(width=1366, height=900)
    try:
        sign_in(browser, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "now-counters").text.strip())
        # When a clerk calls the next citizen (here from the operators' command line: another process)
        called_at = time.monotonic()
        subprocess.run([BIN / "fcgi-app", "counter", "call-next", "--office", "VAD-247", "--number", "2",
                        "--database", str(stack.database)], check=True, capture_output=True)
        # Then the office-now table shows a called token at counter 2 within seconds, long before its 30 s timer
        wait_for(lambda: any(row.text.startswith("2 ") and "·" in row.text
                             for row in browser.find_elements(By.CSS_SELECTOR, "#now-counters tr")), timeout=5)
        assert time.monotonic() - called_at < 5
    finally:
        browser.quit()


def test_a_key_press_at_the_console_costs_one_read_of_the_desk(stack):
    # (counter 3, which serves new connections and has nobody at it)
    token = book(stack, service="new-lt-connection", phone="9825000092")["token"]
    clerk = chromium(width=1366, height=768)
    try:
        sign_in(clerk, stack, "/staff/", "clerk-vad-247", "demo-clerk-2026")
        wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        [choice for choice in clerk.find_elements(By.CSS_SELECTOR, ".counter-choice") if "3" in choice.text][0].click()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        time.sleep(0.5)  # the snapshot the stream opened with has been handled
        log = stack.dir / "nginx" / "logs" / "access.log"
        before = len(log.read_text().splitlines())
        # When the clerk presses N
        assert "Nobody at the counter" in clerk.find_element(By.ID, "current").text
        first = clerk.find_element(By.CSS_SELECTOR, "#waiting-list tr td").text
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        wait_for(lambda: first in clerk.find_element(By.ID, "current").text)
        time.sleep(1.0)  # the office's snapshot for that call arrives and is skipped
        lines = [json.loads(line) for line in log.read_text().splitlines()[before:]]
        desk_reads = [line for line in lines if line["method"] == "GET" and line["path"].startswith("/api/v1/counters/")]
        actions = [line for line in lines if line["method"] == "POST" and line["path"].startswith("/api/v1/counters/")]
        # Then the answer to the action was the new desk, and nothing read it again
        assert len(actions) == 1 and desk_reads == [], lines
    finally:
        clerk.quit()


def test_a_second_member_of_staff_signs_in_with_one_press_on_a_pc_the_first_used(stack):
    """A counter PC shared by two: the browser's device cookie is the first's, which the server
    refuses for the second's name; the form sends the sign-in again without it, unasked."""
    browser = chromium(width=1366, height=768)
    try:
        def device_owner():
            cookies = browser.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
            value = next(c["value"] for c in cookies if c["name"] == "gq_device")
            return base64.urlsafe_b64decode(value.split(".")[0] + "==").decode()
        # Given the clerk signed in and out on this PC
        sign_in(browser, stack, "/staff/?office=VAD-247&counter=1", "clerk-vad-247", "demo-clerk-2026")
        wait_for(lambda: browser.find_element(By.ID, "sign-out").is_displayed())
        assert device_owner() == "clerk-vad-247"
        browser.find_element(By.ID, "sign-out").click()
        # When the manager signs in on it with one press
        sign_in(browser, stack, "/admin/?office=VAD-247", "manager-vad-247", "demo-manager-2026")
        # Then the manager is in, with no message in between, and the PC now counts the manager's sign-ins apart
        wait_for(lambda: browser.find_element(By.ID, "sign-out").is_displayed())
        assert device_owner() == "manager-vad-247"
    finally:
        browser.quit()
