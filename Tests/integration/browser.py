"""Headless Chromium through Selenium (Debian's chromium and chromium-driver), for tests that need
a real browser: scripts running, pages updating."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def chromium(width=390, height=900, javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
