"""Issue 13: each office tells its citizens its own way: at its own "turn near" threshold (a
setting, default 3) and by SMS or by WhatsApp Business template messages."""
import json
import sqlite3
import subprocess

from stack import BIN
from test_notifications import book, outbox
from test_staff_api import Staff
from worker import Worker, wait_for


def open_round_the_clock(stack, office):
    """The demo has one office open day and night; the test needs a second one open whatever the
    hour, with a counter open. fcgi-app is restarted so that it reads the hours afresh."""
    with sqlite3.connect(stack.database) as db:
        db.execute("DELETE FROM office_hours WHERE office_code = ?", (office,))
        db.executemany("INSERT INTO office_hours VALUES (?, ?, 0, 1440)", [(office, day) for day in range(1, 8)])
    subprocess.run([BIN / "fcgi-app", "counter", "open", "--office", office, "--number", "1", "--database", stack.database],
                   check=True, capture_output=True)
    stack.restart_app()


def ahead(stack, token):
    status, _, body = stack.get(f"/api/v1/tokens/{token['token']['id']}?secret={token['secret']}")
    assert status == 200
    return json.loads(body)["token"]["position"]["ahead"]


def told_near(stack):
    return sorted(row["token_id"] for row in outbox(stack, "trigger = 'turn_near'"))


def test_each_office_tells_its_citizens_their_turn_is_near_at_its_own_threshold(own_stack):
    stack = own_stack
    open_round_the_clock(stack, "ANA-CTY")
    manager = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026")
    admin = Staff(stack).sign_in("admin", "demo-admin-2026")
    # Given an office that starts with the default of 3
    status, body = manager.call("GET", "/api/v1/offices/VAD-247/settings")
    assert status == 200 and json.loads(body)["settings"]["messaging"] == {"turn_near_ahead": 3, "sms_via": "sms"}
    # When Vadodara's manager sets 1 and the administrator sets 4 for Anand, through the settings API
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/messaging", {"turn_near_ahead": 1})
    assert status == 200 and json.loads(body)["settings"]["messaging"]["turn_near_ahead"] == 1
    status, body = admin.call("POST", "/api/v1/offices/ANA-CTY/messaging", {"turn_near_ahead": 4})
    assert status == 200 and json.loads(body)["settings"]["messaging"] == {"turn_near_ahead": 4, "sms_via": "sms"}
    # (a manager cannot change another office's, and a threshold out of range is refused with its field)
    assert manager.call("POST", "/api/v1/offices/ANA-CTY/messaging", {"turn_near_ahead": 2})[0] == 403
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/messaging", {"turn_near_ahead": 99})
    assert 400 <= status < 500 and json.loads(body)["error"]["field"] == "turn_near_ahead"
    status, body = manager.call("POST", "/api/v1/offices/VAD-247/messaging", {"sms_via": "pigeon"})
    assert 400 <= status < 500 and json.loads(body)["error"]["field"] == "sms_via"
    # And six citizens book at each office, and a worker runs with no threshold of its own
    vadodara = [book(stack, f"98250155{n:02d}", language="en") for n in range(6)]
    anand = [book(stack, f"98250166{n:02d}", language="en", office="ANA-CTY") for n in range(6)]
    worker = Worker(stack, name="worker-offices")
    try:
        # Then each office's citizens are told at its own threshold, as their token pages count
        near = sorted([t["token"]["id"] for t in vadodara if ahead(stack, t) <= 1]
                      + [t["token"]["id"] for t in anand if ahead(stack, t) <= 4])
        assert sum(1 for t in anand if t["token"]["id"] in near) > sum(1 for t in vadodara if t["token"]["id"] in near) > 0
        wait_for(lambda: told_near(stack) == near)
        # And when Vadodara's manager raises its threshold to 3, its next citizens are told without restarting the worker
        assert manager.call("POST", "/api/v1/offices/VAD-247/messaging", {"turn_near_ahead": 3})[0] == 200
        raised = sorted(set(near) | {t["token"]["id"] for t in vadodara if ahead(stack, t) <= 3})
        assert len(raised) > len(near)
        wait_for(lambda: told_near(stack) == raised)
    finally:
        assert worker.stop() == 0



def test_a_manager_sets_the_threshold_and_whatsapp_on_the_settings_page(own_stack):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from browser import chromium
    from test_staff_pages import serious_violations, sign_in
    stack = own_stack
    browser = chromium(width=1366, height=900)
    try:
        # Given the manager on the office's settings page: "Messages to citizens" shows the default
        sign_in(browser, stack, "/admin/settings/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "turn_near_ahead").get_attribute("value") == "3")
        assert browser.find_element(By.ID, "messaging-title").text == "Messages to citizens"
        assert Select(browser.find_element(By.ID, "sms_via")).first_selected_option.get_attribute("value") == "sms"
        # When they set 2 and WhatsApp and save
        field = browser.find_element(By.ID, "turn_near_ahead")
        field.clear()
        field.send_keys("2")
        Select(browser.find_element(By.ID, "sms_via")).select_by_value("whatsapp")
        browser.find_element(By.CSS_SELECTOR, "#messaging-form button[type=submit]").click()
        # Then the page says saved, and the office's settings hold both
        wait_for(lambda: browser.find_element(By.ID, "saved").is_displayed())
        status, body = Staff(stack).sign_in("manager-vad-247", "demo-manager-2026").call("GET", "/api/v1/offices/VAD-247/settings")
        assert json.loads(body)["settings"]["messaging"] == {"turn_near_ahead": 2, "sms_via": "whatsapp"}
        assert serious_violations(browser) == []
    finally:
        browser.quit()


def test_an_office_that_chose_whatsapp_sends_template_messages_while_another_sends_sms(own_stack):
    from sms_gateway_stub import SMSGatewayStub
    stack = own_stack
    open_round_the_clock(stack, "ANA-CTY")
    admin = Staff(stack).sign_in("admin", "demo-admin-2026")
    # Given Anand chooses WhatsApp on its settings, and Vadodara keeps SMS
    status, body = admin.call("POST", "/api/v1/offices/ANA-CTY/messaging", {"sms_via": "whatsapp"})
    assert status == 200 and json.loads(body)["settings"]["messaging"]["sms_via"] == "whatsapp"
    # When a citizen books at each office, in Gujarati, and a worker has an SMS and a WhatsApp gateway
    at_vadodara = book(stack, "9825017701")
    at_anand = book(stack, "9825017702", office="ANA-CTY")
    sms, whatsapp = SMSGatewayStub(), SMSGatewayStub()
    worker = Worker(stack, "--sms-url", sms.url, "--whatsapp-url", whatsapp.url, "--turn-near-ahead", "0", name="worker-wa")
    try:
        wait_for(lambda: [r["state"] for r in outbox(stack, "trigger = 'booked'")] == ["sent", "sent"])
    finally:
        assert worker.stop() == 0
        sms.stop()
        whatsapp.stop()
    # (each first in its queue is also told its turn is near: only the confirmations are looked at here)
    confirmations = lambda gateway: [m for m in gateway.delivered.values() if "1107170000000000102" == m["template_id"]
                                     or m["template_id"] == "msg_sms_booked"]
    # Then Anand's confirmation reached the WhatsApp gateway as a template message in Gujarati
    (message,) = confirmations(whatsapp)
    assert message["whatsapp"] is True and message["to"] == "919825017702"
    assert (message["template_id"], message["language"]) == ("msg_sms_booked", "gu")
    assert f"તમારો ટોકન {at_anand['token']['number']} છે" in message["text"]
    # And Vadodara's reached the SMS gateway as a form with its DLT template id
    (text,) = confirmations(sms)
    assert all(m.get("whatsapp") is None for m in sms.delivered.values())
    assert all(m["whatsapp"] is True and m["to"] == "919825017702" for m in whatsapp.delivered.values())
    assert "whatsapp" not in text and text["to"] == "919825017701" and text["template_id"] == "1107170000000000102"
    assert f"તમારો ટોકન {at_vadodara['token']['number']} છે" in text["text"]
    assert sms.bad == [] and whatsapp.bad == []
    # And the outbox records each by the channel it went through
    channels = {row["token_id"]: row["channel"] for row in outbox(stack, "trigger = 'booked'")}
    assert channels == {at_vadodara["token"]["id"]: "sms", at_anand["token"]["id"]: "whatsapp"}
