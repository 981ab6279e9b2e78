"""The staff screens as their users meet them, step by step, in headless Chromium through real nginx:
every button readable (computed contrast) and no serious axe violation in each kiosk step and each
console state."""
import json

import pytest
from selenium.webdriver.common.by import By

from browser import chromium
from contrast import low_contrast_buttons
from test_staff_pages import book, enrol_kiosk, serious_violations, sign_in, wait_for

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
        press(clerk, "s")
        wait_for(lambda: "serving" in clerk.find_element(By.CSS_SELECTOR, "#current .current-state").get_attribute("class"))
        readable_and_accessible(clerk, "serving")
        press(clerk, "c")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .nobody"))
        press(clerk, "p")
        shown(clerk, "pause-form")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        wait_for(lambda: "state-paused" in clerk.find_element(By.ID, "counter-state").get_attribute("class"))
        readable_and_accessible(clerk, "paused")
    finally:
        clerk.quit()
