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
        phone = Browser("https://fcm.googleapis.com/fcm/send/browser-test").subscription()
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
        # And the tap handler is there (a real tap cannot be made headless: the next test dispatches one)
        source = browser.execute_async_script("const done = arguments[0]; fetch('/sw.js').then(r => r.text()).then(done)")
        assert 'addEventListener("notificationclick"' in source
    finally:
        browser.quit()


# The service worker's own code, run in a page with stand-ins for what a service worker is given
# (`self`, `clients`, `caches`), so that its notificationclick handler can be tapped: headless
# Chromium shows no notification to touch. Answers what the handler opened, focused and closed.
TAP = """
const [windows, cached, data, done] = arguments;
(async () => {
  const source = await (await fetch("/sw.js")).text();
  const listeners = {}, opened = [], focused = [];
  let closed = false;
  const clients = {
    matchAll: async (options) => windows.map((url) => ({ url, focus: async () => { focused.push(url); } })),
    openWindow: async (url) => { opened.push(url); return null; },
    claim: async () => {},
  };
  const caches = {
    open: async () => ({ keys: async () => cached.map((url) => new Request(new URL(url, location.origin))) }),
    keys: async () => [],
  };
  const self = { addEventListener: (type, handler) => { listeners[type] = handler; }, location: new URL("/sw.js", location.origin),
                 clients, registration: {}, skipWaiting: () => {} };
  new Function("self", "caches", "clients", source)(self, caches, clients);
  let waited = null;
  listeners.notificationclick({ notification: { close: () => { closed = true; }, data }, waitUntil: (promise) => { waited = promise; } });
  await waited;
  done({ opened: opened.map((url) => new URL(url, location.origin).pathname + new URL(url, location.origin).search), focused, closed });
})().catch((error) => done({ error: String(error) }));
"""


# The service worker's push handler, run the same way: what it asked the browser to show.
PUSHED = """
const [message, done] = arguments;
(async () => {
  const source = await (await fetch("/sw.js")).text();
  const listeners = {}, shown = [];
  const registration = { showNotification: async (title, options) => { shown.push({ title, options }); } };
  const self = { addEventListener: (type, handler) => { listeners[type] = handler; }, location: new URL("/sw.js", location.origin),
                 clients: {}, registration, skipWaiting: () => {} };
  new Function("self", "caches", "clients", source)(self, {}, {});
  let waited = null;
  listeners.push({ data: { json: () => message, text: () => JSON.stringify(message) }, waitUntil: (promise) => { waited = promise; } });
  await waited;
  done(shown);
})().catch((error) => done([{ error: String(error) }]));
"""


def test_a_message_buzzes_the_phone_and_replaces_the_tokens_last_one(stack):
    browser = chromium()
    try:
        browser.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        browser.get(stack.base + "/find/")
        # When a message about token 42 arrives (its call, say)
        message = {"title": "GUVNL · ટોકન BC-007", "body": "કાઉન્ટર 2 પર આવો", "tag": "token-42", "url": "/token/?id=42", "token": 42}
        shown = browser.execute_async_script(PUSHED, message)
        # Then one notification is shown, which buzzes the phone in its pocket (no touch of a page
        # needed, unlike the token page's own buzz), replacing the token's last one and saying so
        assert len(shown) == 1 and shown[0]["title"] == message["title"]
        options = shown[0]["options"]
        assert options["vibrate"] == [400, 150, 400]
        assert options["tag"] == "token-42" and options["renotify"] is True and options["body"] == message["body"]
    finally:
        browser.quit()


def test_tapping_a_notification_opens_or_focuses_that_tokens_page(stack):
    booked = book(stack, "9825014406")
    token = str(booked["token"]["id"])
    data = {"url": f"/token/?id={token}", "token": token}
    page = f"/token/?id={token}&secret={booked['secret']}"
    browser = chromium()
    try:
        # The site's CSP (script-src 'self') rightly forbids evaluating a string; this test page may
        browser.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        browser.get(stack.base + "/find/")
        tap = lambda windows, cached, data=data: browser.execute_async_script(TAP, windows, cached, data)
        # Given the phone visited its token page (kept in the worker's cache) and no tab shows it:
        # a tap opens that page, with the view secret the phone already had, and closes the notification
        assert tap([], ["/", f"/token/?id=99999&secret=other", page]) == {"opened": [page], "focused": [], "closed": True}
        # Given a tab already shows the token's page: a tap brings that tab forward and opens nothing
        assert tap([stack.base + "/", stack.base + page], [page]) == {"opened": [], "focused": [stack.base + page], "closed": True}
        # Given the page is neither open nor kept (another token's is): the find page opens, never another token's
        assert tap([stack.base + "/token/?id=99999&secret=other"], ["/token/?id=99999&secret=other"]) == {
            "opened": ["/find/"], "focused": [], "closed": True}
        # And a notification without a token (an old one) opens the find page too
        assert tap([], [page], {"url": "/find/", "token": None}) == {"opened": ["/find/"], "focused": [], "closed": True}
    finally:
        browser.quit()
