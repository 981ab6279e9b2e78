"""Issue 12, item 5: where a transferred citizen waits is the office's rule (settings API), and
through real nginx, fcgi-app, SQLite and Chromium the transfer lands there: counter 3 calls in the
rule's order and the citizen's token page shows how many people go before them by it."""
import json
import time

import pytest

from browser import chromium
from test_staff_api import Staff, counter_id

EXPECTED_AHEAD = {"original_time": 1, "front": 0, "now": 3}
AHEAD_WORDS = {0: "Nobody before you", 1: "1 person before you", 3: "3 people before you"}


def book(stack, service, name, phone):
    fields = {"office": "VAD-247", "service": service, "name": name, "phone": phone, "language": "en"}
    status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 201, body
    time.sleep(0.01)  # each a later queueing time
    return json.loads(body)


@pytest.mark.parametrize("rule", ["original_time", "front", "now"])
def test_a_transfer_lands_where_the_offices_rule_says(own_stack, rule):
    stack = own_stack
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    # Given the office's rule for transfers, set by its manager (the other rules as they were)
    status, body = manager.call("GET", "/api/v1/offices/VAD-247/settings")
    policy = json.loads(body)["settings"]["policy"]
    assert status == 200 and policy["transfer_placement"] == "original_time"
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/policy", {**policy, "transfer_placement": rule})
    assert status == 200 and json.loads(body)["settings"]["policy"]["transfer_placement"] == rule
    # and a new connection waiting, then a bill complaint, then two more new connections
    first = book(stack, "new-lt-connection", "Asha Patel", "9811100001")
    moved = book(stack, "bill-complaint", "Ravi Shah", "9811100002")
    second = book(stack, "new-lt-connection", "Meena Desai", "9811100003")
    third = book(stack, "new-lt-connection", "Kiran Joshi", "9811100004")
    complaints, applications = counter_id(stack, "VAD-247", 1), counter_id(stack, "VAD-247", 3)
    # When counter 1 calls the bill complaint and transfers it to new connections
    status, body = manager.call("POST", f"/api/v1/counters/{complaints}/call-next")
    assert status == 200 and json.loads(body)["current"]["number"] == moved["token"]["number"]
    status, body = manager.call("POST", f"/api/v1/counters/{complaints}/transfer",
                                {"service": "new-lt-connection", "reason": "Needs a new connection"})
    assert status == 200, body
    # (counter 3's clerk is at it; nobody is at counter 2, so it does not count)
    status, _ = manager.call("POST", f"/api/v1/counters/{applications}/presence", {})
    assert status == 204
    # Then the token page shows the people before the transferred citizen by the rule
    ahead = EXPECTED_AHEAD[rule]
    status, _, body = stack.get(f"/api/v1/tokens/{moved['token']['id']}?secret={moved['secret']}")
    position = json.loads(body)["token"]["position"]
    assert status == 200 and position["ahead"] == ahead and position["ahead_text"] == AHEAD_WORDS[ahead]
    browser = chromium()
    try:
        browser.get(stack.base + moved["page"])
        deadline = time.monotonic() + 10
        while AHEAD_WORDS[ahead] not in browser.page_source:
            assert time.monotonic() < deadline, f"the token page does not say {AHEAD_WORDS[ahead]!r}"
            time.sleep(0.2)
    finally:
        browser.quit()
    # and counter 3 calls them in the rule's order
    called = []
    for _ in range(4):
        status, body = manager.call("POST", f"/api/v1/counters/{applications}/call-next")
        assert status == 200
        called.append(json.loads(body)["current"]["number"])
        for action in ("start", "complete"):
            assert manager.call("POST", f"/api/v1/counters/{applications}/{action}")[0] == 200
    numbers = {name: token["token"]["number"] for name, token in
               {"first": first, "moved": moved, "second": second, "third": third}.items()}
    order = {"original_time": ["first", "moved", "second", "third"], "front": ["moved", "first", "second", "third"],
             "now": ["first", "second", "third", "moved"]}[rule]
    assert called == [numbers[name] for name in order]


def test_an_unknown_transfer_rule_is_refused_with_its_field(stack):
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    policy = json.loads(manager.call("GET", "/api/v1/offices/VAD-247/settings")[1])["settings"]["policy"]
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/policy", {**policy, "transfer_placement": "last"})
    error = json.loads(body)["error"]
    assert status == 400 and error["field"] == "transfer_placement"
    # and nothing changed
    after = json.loads(manager.call("GET", "/api/v1/offices/VAD-247/settings")[1])["settings"]["policy"]
    assert after == policy


def test_the_manager_chooses_the_rule_on_the_settings_page(stack):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_staff_pages import sign_in, wait_for
    browser = chromium(width=1366, height=900)
    try:
        sign_in(browser, stack, "/admin/settings/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "settings").is_displayed())
        # The office's rule is shown, in words
        choice = Select(browser.find_element(By.ID, "transfer_placement"))
        wait_for(lambda: choice.first_selected_option.text == "By their first arrival time (keeps their place)")
        # When the manager chooses "at the back" and saves the queue rules
        choice.select_by_value("now")
        browser.find_element(By.CSS_SELECTOR, "#policy-form button[type=submit]").click()
        # Then the office keeps it
        manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
        wait_for(lambda: json.loads(manager.call("GET", "/api/v1/offices/VAD-247/settings")[1])["settings"]["policy"]["transfer_placement"] == "now")
        browser.refresh()
        wait_for(lambda: Select(browser.find_element(By.ID, "transfer_placement")).first_selected_option.get_attribute("value") == "now")
    finally:
        browser.quit()
