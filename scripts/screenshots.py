"""Screenshots of every page as its users see it, in headless Chromium against a private stack
(the integration tests' Stack): phone 390x844, laptop 1366x768, TV 1920x1080, and the kiosk's
ticket as printed on 80 mm paper. Usage: make screenshots  (writes var/screenshots/*.png)."""
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "integration"))
from browser import chromium  # noqa: E402
from stack import Stack  # noqa: E402
from board_voice import RECORDER  # noqa: E402
from test_staff_pages import enrol_kiosk, sign_in, wait_for  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

OUT = REPO / "var" / "screenshots"
PHONE, LAPTOP, TV = (390, 844), (1366, 768), (1920, 1080)


def book(stack, index, service="bill-complaint"):
    fields = {"office": "VAD-247", "service": service, "name": f"Demo citizen {index}", "phone": f"98250{index:05d}",
              "consumer_number": f"1234{index:06d}"}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    return json.loads(body)


def shot(browser, name):
    browser.save_screenshot(str(OUT / f"{name}.png"))
    print(f"  {OUT / name}.png")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    stack = Stack().start()
    try:
        answers = [book(stack, i, "bill-complaint" if i % 3 else "meter-complaint") for i in range(1, 9)]
        phone = chromium(*PHONE)
        for path, name in (("/", "home"), ("/gu/", "home-gu"), ("/book/vad-247/", "book"), ("/hi/book/", "book-hi"),
                           ("/services/new-lt-connection/", "service"), ("/gu/offices/srt-vrc/", "office-gu"),
                           (answers[-1]["page"], "token")):
            phone.get(stack.base + path)
            time.sleep(0.8)
            shot(phone, f"phone-{name}")
        phone.quit()

        clerk = chromium(*LAPTOP)
        board = chromium(*TV)
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        board.get(stack.base + "/display/?office=VAD-247")
        sign_in(clerk, stack, "/staff/", "clerk-vad-247", "demo-clerk-2026")
        wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        clerk.find_elements(By.CSS_SELECTOR, ".counter-choice")[0].click()
        wait_for(lambda: clerk.find_element(By.ID, "desk").is_displayed())
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        time.sleep(1.5)
        shot(clerk, "laptop-console")
        shot(board, "tv-display")
        clerk.quit()
        board.quit()

        # The console in Gujarati as a clerk meets it: a citizen called (how long ago), one parked,
        # the walk-in form, and a break with its timer.
        clerk = chromium(*LAPTOP)
        sign_in(clerk, stack, "/gu/staff/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: clerk.find_element(By.ID, "choose").is_displayed())
        clerk.find_elements(By.CSS_SELECTOR, ".counter-choice")[1].click()
        wait_for(lambda: clerk.find_element(By.ID, "desk").is_displayed())
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        wait_for(lambda: clerk.find_element(By.CSS_SELECTOR, "#current .current-number"))
        clerk.find_element(By.CSS_SELECTOR, "[data-action=park]").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-back option[value='30']").click()
        clerk.find_element(By.CSS_SELECTOR, "#park-form button[type=submit]").click()
        wait_for(lambda: clerk.find_element(By.ID, "parked-section").is_displayed())
        clerk.find_element(By.TAG_NAME, "body").send_keys("n")
        time.sleep(3)
        clerk.execute_script("window.scrollTo(0, 0)")
        shot(clerk, "laptop-console-gu")
        clerk.find_element(By.ID, "walk-in").click()
        time.sleep(0.3)
        clerk.execute_script("window.scrollTo(0, 0)")
        shot(clerk, "laptop-console-walk-in-gu")
        clerk.find_element(By.CSS_SELECTOR, "#walk-in-form [data-cancel]").click()
        clerk.find_element(By.TAG_NAME, "body").send_keys("s")
        time.sleep(0.5)
        clerk.find_element(By.TAG_NAME, "body").send_keys("c")
        time.sleep(0.5)
        clerk.find_element(By.TAG_NAME, "body").send_keys("p")
        clerk.find_element(By.CSS_SELECTOR, "#pause-form button[type=submit]").click()
        time.sleep(2.5)
        clerk.execute_script("window.scrollTo(0, 0)")
        shot(clerk, "laptop-console-break-gu")
        clerk.quit()

        manager = chromium(*LAPTOP)
        sign_in(manager, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())
        time.sleep(1)
        shot(manager, "laptop-dashboard")
        manager.get(stack.base + "/gu/admin/")
        wait_for(lambda: manager.find_element(By.ID, "dashboard").is_displayed())
        time.sleep(1.5)
        shot(manager, "laptop-dashboard-gu")
        manager.set_window_size(*TV)
        time.sleep(0.5)
        shot(manager, "tv-dashboard-gu")
        manager.set_window_size(*LAPTOP)
        manager.get(stack.base + "/admin/settings/")
        wait_for(lambda: manager.find_element(By.ID, "settings").is_displayed())
        shot(manager, "laptop-settings")
        manager.quit()

        kiosk = chromium(1080, 1920)
        kiosk.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "window.print = function () {};"})
        enrol_kiosk(kiosk, stack, "VAD-247")
        kiosk.get(stack.base + "/gu/kiosk/?office=VAD-247")
        wait_for(lambda: kiosk.find_element(By.ID, "step-start").is_displayed())
        shot(kiosk, "kiosk-start-gu")
        kiosk.find_element(By.ID, "choose-token").click()
        time.sleep(0.5)
        shot(kiosk, "kiosk-services-gu")
        kiosk.find_elements(By.CSS_SELECTOR, "#service-list button")[0].click()
        kiosk.find_element(By.CSS_SELECTOR, "[data-priority=none]").click()
        wait_for(lambda: kiosk.find_element(By.ID, "step-details").is_displayed())
        for digit in "98250":
            kiosk.find_element(By.CSS_SELECTOR, f"#step-details [data-digit='{digit}']").click()
        shot(kiosk, "kiosk-details-keypad-gu")
        kiosk.find_element(By.ID, "kiosk-phone").clear()
        kiosk.find_element(By.CSS_SELECTOR, "#step-details button[type=submit]").click()
        wait_for(lambda: kiosk.find_element(By.ID, "step-ticket").is_displayed())
        time.sleep(0.5)
        shot(kiosk, "kiosk-ticket-gu")
        kiosk.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        kiosk.set_window_size(302, 700)
        shot(kiosk, "kiosk-ticket-80mm")
        kiosk.quit()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
