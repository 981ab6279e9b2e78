"""Headless Chromium through Selenium (Debian's chromium and chromium-driver), for tests that need
a real browser: scripts running, pages updating."""
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from stack import free_port


def chromium(width=390, height=900, javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    # chromedriver on a port of ours: Selenium's own pick is from the outgoing connections' range (see free_port).
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver", port=free_port()), options=options)


def open_under_service_worker(browser, page, timeout=15):
    """Opens `page`, waits until the site's service worker has installed and taken over, and opens
    it again, now through the service worker."""
    browser.get(page)
    deadline = time.monotonic() + timeout
    while not browser.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
        assert time.monotonic() < deadline, "the service worker did not take control"
        time.sleep(0.3)
    browser.get(page)


def option_values(browser, select_id, enabled_only=False):
    """The values of a select's options, read in one step: the page may replace the options between
    a lookup of the elements and a read of each (a stale element), while it follows the office."""
    return browser.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' option')]"
        ".filter(o => !arguments[1] || !(o.disabled || o.closest('select').disabled)).map(o => o.value)", select_id, enabled_only)
