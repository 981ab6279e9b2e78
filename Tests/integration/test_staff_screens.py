"""The staff screens as their users meet them, step by step, in headless Chromium through real nginx:
every button readable (computed contrast) and no serious axe violation in each kiosk step and each
console state."""
import json
import sqlite3
import time

import pytest
from selenium.webdriver.common.by import By

from browser import chromium
from contrast import low_contrast_buttons
from test_console_rules import open_counter
from test_staff_pages import book, book_appointment_today, enrol_kiosk, serious_violations, sign_in, wait_for

PRINT_RECORDER = "window.printed = 0; window.print = function () { window.printed += 1; };"


def shown(browser, element_id):
    return wait_for(lambda: browser.find_element(By.ID, element_id).is_displayed())


def readable_and_accessible(browser, where):
    assert low_contrast_buttons(browser) == [], where
    assert serious_violations(browser) == [], where


def test_every_kiosk_step_has_readable_buttons_and_no_serious_violation(stack):
    kiosk = chromium(width=1080, height=1920)
    try:
        kiosk.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PRINT_RECORDER})
        kiosk.get(stack.base + "/kiosk/?office=VAD-247")
        shown(kiosk, "step-setup")
        readable_and_accessible(kiosk, "setup")
        enrol_kiosk(kiosk, stack, "VAD-247")
        readable_and_accessible(kiosk, "start")
        kiosk.find_element(By.ID, "choose-check-in").click()
        shown(kiosk, "step-check-in")
        readable_and_accessible(kiosk, "check-in (Back was white on grey)")
        kiosk.find_element(By.CSS_SELECTOR, "#step-check-in button.back").click()
        kiosk.find_element(By.ID, "choose-token").click()
        wait_for(lambda: kiosk.find_elements(By.CSS_SELECTOR, "#service-list button"))
        readable_and_accessible(kiosk, "service")
        kiosk.find_elements(By.CSS_SELECTOR, "#service-list button")[0].click()
        shown(kiosk, "step-priority")
        readable_and_accessible(kiosk, "priority")
        kiosk.find_element(By.CSS_SELECTOR, "[data-priority=none]").click()
        shown(kiosk, "step-details")
        readable_and_accessible(kiosk, "details (Back was white on grey)")
        kiosk.find_element(By.CSS_SELECTOR, "#step-details button[type=submit]").click()
        shown(kiosk, "step-ticket")
        readable_and_accessible(kiosk, "ticket")
    finally:
        kiosk.quit()


def press(clerk, key):
    clerk.find_element(By.TAG_NAME, "body").send_keys(key)


def test_every_console_state_has_readable_buttons_and_no_serious_violation(stack):
    token = book(stack, service="new-lt-connection", phone="9825000301")["token"]
    clerk = chromium(width=1366, height=768)
    try:
        clerk.get(stack.base + "/staff/")
        shown(clerk, "sign-in")
        readable_and_accessible(clerk, "sign-in")
        sign_in(clerk, stack, "/staff/", "manager-vad-247", "demo-manager-2026")
        shown(clerk, "choose")
        readable_and_accessible(clerk, "choose a counter")
        [c for c in clerk.find_elements(By.CSS_SELECTOR, ".counter-choice") if "3" in c.text][0].click()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        readable_and_accessible(clerk, "open, nobody at the counter")
        clerk.find_element(By.ID, "walk-in").click()
        shown(clerk, "walk-in-form")
        readable_and_accessible(clerk, "walk-in form")
        clerk.find_element(By.CSS_SELECTOR, "#walk-in-form [data-cancel]").click()
        press(clerk, "p")
        shown(clerk, "pause-form")
        readable_and_accessible(clerk, "pause form (Cancel was white on grey)")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form [data-cancel]").click()
        press(clerk, "n")
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "current").text)
        readable_and_accessible(clerk, "called (Save note was white on grey)")
        press(clerk, "t")
        shown(clerk, "transfer-form")
        readable_and_accessible(clerk, "transfer form")
        clerk.find_element(By.CSS_SELECTOR, "#transfer-form [data-cancel]").click()
        clerk.find_element(By.CSS_SELECTOR, "[data-action=park]").click()
        shown(clerk, "park-form")
        readable_and_accessible(clerk, "park form")
        clerk.find_element(By.CSS_SELECTOR, "#park-form [data-cancel]").click()
        press(clerk, "s")
        wait_for(lambda: "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class"))
        readable_and_accessible(clerk, "serving")
        # Parked, with the parked list on the desk
        clerk.find_element(By.CSS_SELECTOR, "[data-action=park]").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-form button[type=submit]").click()
        shown(clerk, "parked-section")
        readable_and_accessible(clerk, "a citizen parked")
        clerk.find_element(By.CSS_SELECTOR, "#parked-list button").click()
        wait_for(lambda: not clerk.find_element(By.ID, "parked-section").is_displayed())
        press(clerk, "n")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .current-number"))
        press(clerk, "s")
        wait_for(lambda: "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class"))
        press(clerk, "c")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
        press(clerk, "p")
        shown(clerk, "pause-form")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        wait_for(lambda: "state-paused" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        readable_and_accessible(clerk, "paused")
    finally:
        clerk.quit()


def test_a_touch_only_kiosk_checks_in_with_its_number_pad_and_prints_the_check_in_time_and_counters(stack):
    # Given an appointment for today booked three hours ago
    number = book_appointment_today(stack, "9825000378")
    with sqlite3.connect(stack.database) as database:
        database.execute("UPDATE token SET created_at = created_at - 3 * 3600000 WHERE number = ? AND office_code = 'VAD-247'", (number,))
    kiosk = chromium(width=1080, height=1920)
    try:
        kiosk.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PRINT_RECORDER})
        enrol_kiosk(kiosk, stack, "VAD-247")
        kiosk.find_element(By.ID, "choose-check-in").click()
        shown(kiosk, "step-check-in")
        pad = kiosk.find_element(By.CSS_SELECTOR, "#step-check-in .keypad")
        # (a mobile number with no appointment today is told so, not to check the office: the kiosk's is fixed)
        for digit in "9825000999":
            pad.find_element(By.CSS_SELECTOR, f"[data-digit='{digit}']").click()
        kiosk.find_element(By.CSS_SELECTOR, "#step-check-in button[type=submit]").click()
        none = json.loads(stack.get("/interface-strings.json")[2])["en"]["kiosk_check_in_none"]
        wait_for(lambda: kiosk.find_element(By.ID, "kiosk-message").text == none)
        for _ in range(10):
            pad.find_element(By.CSS_SELECTOR, ".keypad-delete").click()
        # When the citizen types the mobile number on the screen's number pad (a wrong digit deleted)
        for digit in "98250003789":
            pad.find_element(By.CSS_SELECTOR, f"[data-digit='{digit}']").click()
        pad.find_element(By.CSS_SELECTOR, ".keypad-delete").click()
        assert kiosk.find_element(By.ID, "check-in-phone").get_attribute("value") == "9825000378"
        clock = """return new Date().toLocaleString(document.documentElement.lang + "-IN",
            { timeZone: "Asia/Kolkata", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });"""
        before = kiosk.execute_script(clock)
        kiosk.find_element(By.CSS_SELECTOR, "#step-check-in button[type=submit]").click()
        shown(kiosk, "step-ticket")
        # Then the ticket has the time of the check-in, not of the booking, and the counters that serve it
        assert kiosk.find_element(By.ID, "ticket-number").text == number
        assert kiosk.find_element(By.ID, "ticket-time").text in {before, kiosk.execute_script(clock)}
        assert kiosk.find_element(By.ID, "ticket-counters").text == "Served at counters 2, 3"
    finally:
        kiosk.quit()


# Counts the changes to a live region, as a screen reader would hear them.
WATCH_LIVE_REGION = """
window.liveChanges = 0;
new MutationObserver(() => { window.liveChanges += 1; })
  .observe(document.getElementById(arguments[0]), { childList: true, characterData: true, subtree: true });
"""


def test_screen_readers_hear_only_what_changed_on_the_console_and_the_board(stack):
    token = book(stack, service="new-lt-connection", phone="9825000311")["token"]
    clerk = chromium(width=1366, height=768)
    board = chromium(width=1920, height=1080)
    try:
        board.get(stack.base + "/display/?office=VAD-247")
        wait_for(lambda: board.find_elements(By.CSS_SELECTOR, "#counters .tile"))
        open_counter(clerk, stack, 2)
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        # The redrawn parts are not live regions
        assert clerk.find_element(By.ID, "current").get_attribute("aria-live") is None
        assert board.find_element(By.ID, "calls").get_attribute("aria-live") is None
        clerk.execute_script(WATCH_LIVE_REGION, "desk-announce")
        board.execute_script(WATCH_LIVE_REGION, "call-announce")
        # When the clerk calls, both say the call once
        press(clerk, "n")
        called = wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .current-number").text)
        wait_for(lambda: clerk.find_element(By.ID, "desk-announce").get_attribute("textContent") == f"{called} · Called, not yet here")
        wait_for(lambda: board.find_element(By.ID, "call-announce").get_attribute("textContent") == f"Token {called}, counter 2")
        heard = (clerk.execute_script("return window.liveChanges"), board.execute_script("return window.liveChanges"))
        # And a change elsewhere (a new booking redraws the desk and the board) is not heard again
        second = book(stack, service="new-lt-connection", phone="9825000312")["token"]
        wait_for(lambda: second["number"] in clerk.find_element(By.ID, "waiting-list").text)
        time.sleep(1.0)  # the board's snapshot of it has come too
        assert (clerk.execute_script("return window.liveChanges"), board.execute_script("return window.liveChanges")) == heard
    finally:
        clerk.quit()
        board.quit()


def test_a_clerk_can_turn_the_single_key_shortcuts_off(stack):
    token = book(stack, service="meter-complaint", phone="9825000313")["token"]
    clerk = chromium(width=1366, height=768)
    try:
        open_counter(clerk, stack, 1)
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        # When the clerk turns the shortcuts off, N does nothing, even after a reload, and the hints go
        clerk.find_element(By.ID, "shortcuts-on").click()
        clerk.refresh()
        wait_for(lambda: token["number"] in clerk.find_element(By.ID, "waiting-list").text)
        assert not clerk.find_element(By.ID, "shortcuts-on").is_selected()
        assert clerk.find_element(By.CSS_SELECTOR, "[data-action=call-next]").get_attribute("aria-keyshortcuts") is None
        assert not clerk.find_element(By.CSS_SELECTOR, "[data-action=call-next] kbd").is_displayed()
        press(clerk, "n")
        time.sleep(1.0)
        assert clerk.find_element(By.CSS_SELECTOR, "#current .nobody")
        # Then turned on again, N calls (counter 1 serves several services: whoever is first)
        clerk.find_element(By.ID, "shortcuts-on").click()
        press(clerk, "n")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .current-number"))
    finally:
        clerk.quit()


def test_the_console_header_names_the_office_in_the_pages_language(stack):
    names = next(o["names"] for o in json.loads((stack.dir / "public" / "catalog.json").read_text())["offices"]
                 if o["code"] == "VAD-247")
    clerk = chromium(width=1366, height=768)
    try:
        sign_in(clerk, stack, "/gu/staff/", "clerk-vad-247", "demo-clerk-2026")
        shown(clerk, "choose")
        for page, language in [("/gu/staff/", "gu"), ("/hi/staff/", "hi"), ("/staff/", "en")]:
            # When the clerk opens the console in a language
            clerk.get(stack.base + page)
            header = clerk.find_element(By.CSS_SELECTOR, "header.console-bar")
            # Then the header names their office in it, and in no other
            wait_for(lambda: clerk.find_element(By.ID, "office-name").text == names[language])
            others = [names[other] for other in ("en", "gu", "hi") if other != language]
            assert not any(name in header.text for name in others), header.text
            assert "Vadodara" not in header.text or language == "en", header.text
    finally:
        clerk.quit()


def test_a_refusal_is_brought_into_view_when_the_clerk_has_scrolled_down(own_stack):
    for n in range(6):
        book(own_stack, service="bill-complaint", phone=f"98250004{n:02d}")
    clerk = chromium(width=1366, height=500)
    try:
        open_counter(clerk, own_stack, 1)
        wait_for(lambda: len(clerk.find_elements(By.CSS_SELECTOR, "#waiting-list tr")) >= 6)
        # Given a clerk scrolled down to the waiting list
        clerk.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        assert clerk.execute_script("return window.scrollY") > 0
        # When they press C with nobody at the counter
        press(clerk, "c")
        # Then the reason, at the top of the page, is on the screen
        wait_for(lambda: clerk.find_element(By.ID, "message").is_displayed())
        top, bottom = clerk.execute_script("const r = document.getElementById('message').getBoundingClientRect(); return [r.top, r.bottom]")
        assert 0 <= top and bottom <= 500, (top, bottom)
    finally:
        clerk.quit()
