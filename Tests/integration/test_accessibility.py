"""axe-core (bundled in the axe-selenium-python package) in headless Chromium: the citizen pages have
no serious or critical accessibility violations, in each language."""
import json

import pytest
from axe_selenium_python import Axe

from browser import chromium


@pytest.fixture(scope="module")
def browser():
    running = chromium(width=390, height=900)
    yield running
    running.quit()


def violations(browser, url=None):
    if url:
        browser.get(url)
    axe = Axe(browser)
    axe.inject()
    results = axe.run(options={"resultTypes": ["violations"]})
    assert len(results["passes"]) >= 10, "axe did not evaluate the page"
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["/", "/gu/", "/hi/services/", "/services/new-lt-connection/", "/gu/offices/srt-vrc/",
                                  "/book/", "/gu/book/", "/hi/find/", "/404.html"])
def test_site_pages_have_no_serious_accessibility_violations(stack, browser, path):
    assert violations(browser, stack.base + path) == []


def test_the_token_page_and_the_failed_form_have_no_serious_accessibility_violations(stack, browser):
    fields = {"office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9811199900", "language": "hi"}
    answer = json.loads(stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                      headers={"Content-Type": "application/json"})[2])
    assert violations(browser, stack.base + answer["page"]) == []
    # The booking form sent with a bad mobile number comes back with its error
    browser.get(stack.base + "/gu/book/")
    browser.find_element("id", "name").send_keys("Asha")
    browser.find_element("id", "phone").send_keys("123")
    browser.find_element("css selector", "form.booking-form button[type=submit]").click()
    assert browser.find_element("css selector", ".error-summary")
    assert violations(browser) == []
