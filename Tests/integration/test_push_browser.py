"""Issue 13 (5), in a real browser: the token page's "Notify me on this phone" and the service
worker's push and notificationclick handlers. Headless Chromium cannot receive a real push from a
push service (it has none to subscribe to), so the push is handed to the service worker through the
DevTools protocol (`ServiceWorker.deliverPushMessage`), as the browser would after decrypting one;
encryption and VAPID are checked against a push service stub in test_push.py."""
import json
import time


from browser import chromium, open_under_service_worker
from push_service_stub import Browser
from test_push import book, subscriptions
from worker import wait_for


def test_the_gujarati_token_page_offers_push_and_the_service_worker_handles_pushes_and_taps(stack):
    """Headless Chromium cannot receive a real push from a push service: this checks the page's
    button (in Gujarati, shown only where the browser can take push, asking nothing on load) and
    drives the service worker's handlers through the DevTools protocol."""
    booked = book(stack, "9825014404")
    page = stack.base + booked["page"]
    browser = chromium()
    try:
        open_under_service_worker(browser, page)
        offer = wait_for(lambda: browser.find_element("id", "push-on").is_displayed()
                         and browser.find_element("id", "push-on"), timeout=10)
        assert offer.text == "આ ફોન પર મને જાણ કરો"
        # Nothing was asked on load
        assert browser.execute_script("return Notification.permission") == "default"
        # When the citizen taps it (and allows notifications), the page subscribes with the server's key
        # and sends the subscription. Headless Chromium has no push service, so the browser's
        # PushManager answers with a subscription made here, as a real one would.
        browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": stack.base, "permissions": ["notifications"]})
        phone = Browser("https://push.example.net/send/browser-test").subscription()
        browser.execute_script("""
            const fake = arguments[0];
            const subscription = { endpoint: fake.endpoint, toJSON: () => fake };
            let current = null;
            PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
            PushManager.prototype.subscribe = function (options) {
              window.serverKeyLength = new Uint8Array(options.applicationServerKey).length;
              window.userVisibleOnly = options.userVisibleOnly;
              current = subscription;
              return Promise.resolve(subscription);
            };""", phone)
        offer.click()
        token_id = booked["token"]["id"]
        wait_for(lambda: subscriptions(stack, token_id) == [phone["endpoint"]], timeout=10)
        assert browser.execute_script("return [window.serverKeyLength, window.userVisibleOnly]") == [65, True]
        # Then the page says it is on, in Gujarati, and offers to stop
        wait_for(lambda: browser.find_element("id", "push-off").is_displayed(), timeout=5)
        assert browser.find_element("id", "push-state").text.startswith("સૂચનાઓ ચાલુ છે")
        assert browser.find_element("id", "push-off").text == "આ ફોન પર સૂચનાઓ બંધ કરો"
        # And "stop" removes the subscription from the server
        browser.find_element("id", "push-off").click()
        wait_for(lambda: subscriptions(stack, token_id) == [], timeout=10)
        wait_for(lambda: browser.find_element("id", "push-on").is_displayed(), timeout=5)
        # The service worker's push handler shows the message as a notification with the token's tag
        origin = stack.base
        message = {"title": "GUVNL · ટોકન X", "body": "કાઉન્ટર 2", "tag": f"token-{booked['token']['id']}",
                   "url": f"/token/?id={booked['token']['id']}", "token": booked["token"]["id"]}
        browser.execute_cdp_cmd("ServiceWorker.enable", {})
        notifications = ("const done = arguments[0]; navigator.serviceWorker.ready.then(r => r.getNotifications())"
                         ".then(list => done(list.map(n => [n.title, n.body, n.tag, n.data && n.data.token])))"
                         ".catch(error => done([String(error)]))")

        def pushed_and_shown():
            # The browser's fresh profile has this one registration, whose id is "0". DevTools takes the
            # push before the worker may be ready for it: hand it over again until it shows (the
            # token's tag keeps it to one notification however often it comes).
            browser.execute_cdp_cmd("ServiceWorker.deliverPushMessage",
                                    {"origin": origin, "registrationId": "0", "data": json.dumps(message)})
            time.sleep(0.5)
            return browser.execute_async_script(notifications)
        shown = wait_for(pushed_and_shown, timeout=15)
        assert shown == [["GUVNL · ટોકન X", "કાઉન્ટર 2", f"token-{booked['token']['id']}", str(booked["token"]["id"])]]
        # And the tap handler is there (a tap itself cannot be simulated headless)
        source = browser.execute_async_script("const done = arguments[0]; fetch('/sw.js').then(r => r.text()).then(done)")
        assert 'addEventListener("notificationclick"' in source
    finally:
        browser.quit()
