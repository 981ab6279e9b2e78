""""Done, next" as a clerk meets it in headless Chromium through real nginx, in English, Gujarati
and Hindi, on a desk screen and a phone-wide one: the D button and key, why D is refused when it is
not available (nobody at the counter, a citizen only called, a paused counter), the screen reader
told of the citizen D calls, the shortcuts-off setting; and the manager's dashboard following it.
Screenshots go to SCREENSHOT_DIR."""
import json
import time
from pathlib import Path

import pytest
import yaml
from selenium.webdriver.common.by import By

from browser import chromium
from test_console_rules import at_counter, message, open_counter, press, staff
from test_staff_pages import SHOTS, book, sign_in, wait_for

I18N = Path(__file__).resolve().parents[2] / "Templates" / "i18n"
PAGES = {"en": "/staff/", "gu": "/gu/staff/", "hi": "/hi/staff/"}
phones = iter(range(9712400000, 9712499999))


def words(language):
    return yaml.safe_load((I18N / f"{language}.yaml").read_text())


def shot(clerk, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    clerk.save_screenshot(str(SHOTS / f"done-next-{name}.png"))


def button(clerk):
    return clerk.find_element(By.CSS_SELECTOR, "[data-action='complete-and-call-next']")


def current_state(clerk):
    return clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class")


def fits(clerk):
    """Nothing on the page is wider than the window, and the D button shows its whole label."""
    return clerk.execute_script("""
        const b = document.querySelector("[data-action='complete-and-call-next']");
        return document.documentElement.scrollWidth <= window.innerWidth && b.scrollWidth <= b.clientWidth + 1
            && b.getBoundingClientRect().right <= window.innerWidth;""")


@pytest.mark.parametrize("language, width", [(lang, width) for lang in ("en", "gu", "hi") for width in (1366, 390)])
def test_a_clerk_uses_done_next_in_their_language(stack, language, width):
    t = words(language)
    name = f"{language}-{width}"
    clerk = chromium(width=width, height=768 if width > 400 else 844)
    try:
        # A headless window is at least 500 px wide: a phone's 390 is emulated
        clerk.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": 768 if width > 400 else 844, "deviceScaleFactor": 1, "mobile": False})
        counter = open_counter(clerk, stack, 3, page=PAGES[language])
        wait_for(lambda: "state-open" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        wait_for(lambda: clerk.find_elements(By.CSS_SELECTOR, "#current .nobody"))
        # The button is labelled in the clerk's language with its key
        assert button(clerk).text.startswith(t["console_complete_and_call_next"]) and button(clerk).text.endswith("D")
        assert button(clerk).get_attribute("aria-keyshortcuts") == "D"
        # Nobody at the counter: D says so
        press(clerk, "d")
        assert message(clerk) == t["console_refusal_nobody_at_counter"]
        first = book(stack, service="new-lt-connection", phone=str(next(phones)))["token"]["number"]
        second = book(stack, service="new-lt-connection", phone=str(next(phones)))["token"]["number"]
        wait_for(lambda: second in clerk.find_element(By.ID, "waiting-list").text)
        # A citizen only called (not yet come): D is refused, as C is
        press(clerk, "n")
        at_counter(clerk, first)
        wait_for(lambda: not button(clerk).is_enabled())
        press(clerk, "d")
        assert message(clerk) == t["console_refusal_not_started"]
        shot(clerk, f"{name}-called")
        # Serving: D is offered, and fits the screen
        press(clerk, "s")
        wait_for(lambda: "serving" in current_state(clerk))
        wait_for(lambda: button(clerk).is_enabled())
        assert clerk.execute_script("return window.innerWidth") == width and fits(clerk)
        shot(clerk, f"{name}-serving")
        # D completes the first and calls the second; the screen reader is told who is called now
        press(clerk, "d")
        at_counter(clerk, second)
        assert "called" in current_state(clerk)
        wait_for(lambda: clerk.find_element(By.ID, "desk-announce").get_attribute("textContent")
                 == f"{second} · {t['console_called']}")
        desk = staff(clerk, "GET", f"/api/v1/counters/{counter}")
        assert desk["current"]["number"] == second and first not in [w["number"] for w in desk["waiting"]]
        shot(clerk, f"{name}-after-d")
        # With the shortcuts off, D does nothing (and no button claims the key)
        press(clerk, "s")
        wait_for(lambda: "serving" in current_state(clerk))
        clerk.execute_script("document.getElementById('shortcuts-on').click()")
        wait_for(lambda: button(clerk).get_attribute("aria-keyshortcuts") is None)
        assert not button(clerk).find_element(By.TAG_NAME, "kbd").is_displayed()
        press(clerk, "d")
        time.sleep(1)
        assert staff(clerk, "GET", f"/api/v1/counters/{counter}")["current"]["number"] == second
        assert "serving" in current_state(clerk)
        shot(clerk, f"{name}-shortcuts-off")
        clerk.execute_script("document.getElementById('shortcuts-on').click()")
        wait_for(lambda: button(clerk).get_attribute("aria-keyshortcuts") == "D")
        # Paused for a break while serving: D says to finish with Done, which still works
        book(stack, service="new-lt-connection", phone=str(next(phones)))
        press(clerk, "p")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        wait_for(lambda: "state-paused" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        wait_for(lambda: not button(clerk).is_enabled())
        press(clerk, "d")
        assert message(clerk) == t["console_refusal_counter_not_open_use_done"]
        shot(clerk, f"{name}-paused")
        press(clerk, "c")
        wait_for(lambda: clerk.find_elements(By.CSS_SELECTOR, "#current .nobody"))
        assert "state-paused" in clerk.find_element(By.ID, "counter-state").get_attribute("class")
        # Open again, and leave the counter with nobody waiting for the next language
        clerk.find_element(By.CSS_SELECTOR, "[data-action=open]").click()
        wait_for(lambda: "state-open" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        press(clerk, "n")
        wait_for(lambda: "called" in current_state(clerk))
        press(clerk, "s")
        wait_for(lambda: "serving" in current_state(clerk))
        press(clerk, "c")
        wait_for(lambda: clerk.find_elements(By.CSS_SELECTOR, "#current .nobody"))
    finally:
        clerk.quit()


def test_the_managers_dashboard_follows_done_next(stack):
    clerk = chromium(width=1366, height=768)
    manager = chromium(width=1366, height=900)
    try:
        counter = open_counter(clerk, stack, 3)
        wait_for(lambda: clerk.find_elements(By.CSS_SELECTOR, "#current .nobody"))
        first = book(stack, service="new-lt-connection", phone=str(next(phones)))["token"]["number"]
        second = book(stack, service="new-lt-connection", phone=str(next(phones)))["token"]["number"]
        wait_for(lambda: second in clerk.find_element(By.ID, "waiting-list").text)
        press(clerk, "n")
        at_counter(clerk, first)
        press(clerk, "s")
        wait_for(lambda: "serving" in current_state(clerk))
        today = staff(clerk, "GET", "/api/v1/offices/VAD-247/queue")["day"]
        served = staff(clerk, "GET", f"/api/v1/offices/VAD-247/report?from={today}")["totals"]["served"]
        sign_in(manager, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())

        def row(number):
            rows = manager.find_elements(By.CSS_SELECTOR, "#now-counters tr")
            return next((r.text for r in rows if r.text.startswith(f"{number} ")), "")
        wait_for(lambda: first in row(3) and words("en")["console_serving"] in row(3))
        # When the clerk presses D, the dashboard's "now" shows the second citizen called at counter 3
        press(clerk, "d")
        at_counter(clerk, second)
        wait_for(lambda: second in row(3) and first not in row(3) and words("en")["console_called"] in row(3))
        # And the report counts the first as served, the audit log has the completion then the call
        assert staff(manager, "GET", f"/api/v1/offices/VAD-247/report?from={today}")["totals"]["served"] == served + 1
        audit = staff(manager, "GET", "/api/v1/offices/VAD-247/audit")
        newest = [(e["kind"], e["token"], e["counter"], e["actor"]) for e in audit["entries"][:2]]
        assert [n[:3] for n in newest] == [("called", second, 3), ("completed", first, 3)], newest
        assert newest[0][3] == newest[1][3] and newest[0][3].endswith(":manager-vad-247")
    finally:
        clerk.quit()
        manager.quit()
