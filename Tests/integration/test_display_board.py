"""The display board as a hall sees it, in headless Chromium through real nginx and fcgi-app: the
Hindi board in Hindi (with English), and a busy office's counters shown a page at a time when they
do not all fit the TV, turning on their own, with "Page 1 of 3" in the page's language."""
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from browser import chromium
from stack import BIN, REPO, Stack
from test_staff_pages import BOARD_ON_SCREEN, serious_violations, wait_for

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="gq-shots-"))
COUNTERS = 20
GUJARATI = re.compile("[\u0A80-\u0AFF]")
DEVANAGARI = re.compile("[\u0900-\u097F]")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def fcgi(stack, *args):
    done = subprocess.run([BIN / "fcgi-app", *args, "--database", stack.database], capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)


def with_counters(text, count):
    """An office page's front matter with `count` counters, each serving the complaints."""
    start, end = text.index("counters:\n"), text.index("---", text.index("counters:\n"))
    counters = "".join(f"  - number: {n}\n    services: [bill-complaint, meter-complaint, reconnection, new-lt-connection]\n"
                       for n in range(1, count + 1))
    return text[:start] + "counters:\n" + counters + text[end:]


def closed_today(text):
    """An office page's front matter with its hours, closed all of today (India's day)."""
    today = WEEKDAYS[(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)).weekday()]
    return re.sub(rf'^  {today}: .*$', f'  {today}: "closed"', text, flags=re.M)


@pytest.fixture(scope="module")
def busy_office(tmp_path_factory):
    """A stack whose Vadodara office has 20 counters, all open but one paused and one closed, each of
    the others with a citizen called to it and 200 citizens waiting; Gandhinagar is closed all day."""
    stack = Stack()
    try:
        stack.start()
        project = tmp_path_factory.mktemp("project")
        for folder in ("Content", "Templates"):
            shutil.copytree(REPO / folder, project / folder)
        vadodara = project / "Content" / "en" / "offices" / "vad-247.md"
        vadodara.write_text(with_counters(vadodara.read_text(encoding="utf-8"), COUNTERS), encoding="utf-8")
        gandhinagar = project / "Content" / "en" / "offices" / "gnr-cty.md"
        gandhinagar.write_text(closed_today(gandhinagar.read_text(encoding="utf-8")), encoding="utf-8")
        subprocess.run([BIN / "sitegen", "build", "--root", project, "--output", stack.dir / "public"], check=True, capture_output=True)
        fcgi(stack, "import-catalog", stack.dir / "public" / "catalog.json")
        for number in range(1, COUNTERS + 1):
            fcgi(stack, "counter", "open", "--office", "VAD-247", "--number", str(number))
        stack.restart_app()
        services = ("bill-complaint", "meter-complaint", "reconnection", "new-lt-connection")
        for index in range(200):
            fields = {"office": "VAD-247", "service": services[index % 4], "name": "Asha Patel", "phone": f"98260{index:05d}"}
            status, _, body = stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(),
                                            headers={"Content-Type": "application/json"})
            assert status == 201, body
        for number in range(1, COUNTERS + 1):
            if number == 5:
                fcgi(stack, "counter", "pause", "--office", "VAD-247", "--number", str(number), "--reason", "lunch")
            elif number == 7:
                fcgi(stack, "counter", "close", "--office", "VAD-247", "--number", str(number))
            else:
                fcgi(stack, "counter", "call-next", "--office", "VAD-247", "--number", str(number))
        yield stack
    finally:
        stack.stop()


# The board's text as the hall and a screen reader read it, every page of every list (not only the
# one shown), without the page's scripts and string table.
BOARD_TEXT = """
const copy = document.body.cloneNode(true);
copy.querySelectorAll('template, script').forEach(e => e.remove());
return copy.textContent;
"""

# The page indicator's texts, in order, and whether the counters were animated when each appeared.
PAGE_LOG = """
window.pageLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const indicator = document.getElementById("counters-pages");
  new MutationObserver(() => {
    const list = document.getElementById("counters");
    window.pageLog.push({text: indicator.textContent, animated: document.getAnimations().some(a => a.effect && a.effect.target === list)});
  }).observe(indicator, {childList: true, characterData: true, subtree: true});
});
"""


def strings(stack, language):
    return json.loads(stack.get("/interface-strings.json")[2])[language]


def page_of(board):
    """(page, pages) as the indicator says them, or None while the counters fit."""
    indicator = board.find_element(By.ID, "counters-pages")
    if not indicator.is_displayed():
        return None
    page, pages = re.findall(r"\d+", indicator.text)
    return int(page), int(pages)


def shown_counters(board):
    return board.execute_script("return [...document.querySelectorAll('#counters .tile')].filter(t => !t.hidden)"
                                ".map(t => t.querySelector('.tile-counter span').textContent)")


def test_the_hindi_board_is_in_hindi_and_english_with_no_gujarati(busy_office):
    stack = busy_office
    hi, en = strings(stack, "hi"), strings(stack, "en")
    board = chromium(width=1920, height=1080)
    try:
        # When the Hindi board of a busy office is opened
        board.get(stack.base + "/hi/display/?office=VAD-247")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) == COUNTERS
                 and len(board.find_elements(By.CSS_SELECTOR, "#services tr")) == 4 and board.find_element(By.ID, "calls").text)
        wait_for(lambda: board.find_element(By.ID, "notices").is_displayed())
        # Then its headings are Hindi, then English
        for heading, key in (("serving-title", "display_now_serving"), ("calls-title", "display_last_calls"),
                             ("waits-title", "display_waiting")):
            spans = board.find_elements(By.CSS_SELECTOR, f"#{heading} span")
            assert [(s.get_attribute("lang"), s.text) for s in spans] == [("hi", hi[key]), ("en", en[key])]
        # and so are the office, the counters (busy, paused, closed), the services, the notice and the date
        catalog = json.loads(stack.get("/catalog.json")[2])
        office = next(o for o in catalog["offices"] if o["code"] == "VAD-247")
        assert board.find_element(By.ID, "office-hi").text == office["names"]["hi"]
        assert board.find_element(By.ID, "office-en").text == office["names"]["en"]
        text = board.execute_script(BOARD_TEXT)
        for said in (f"{hi['display_counter']} 1", f"{en['display_counter']} 1", f"{hi['display_paused']} · {en['display_paused']}",
                     f"{hi['display_closed']} · {en['display_closed']}", next(s for s in catalog["services"] if s["code"] == "bill-complaint")["names"]["hi"]):
            assert said in text, said
        assert [a.get_attribute("lang") for a in board.find_elements(By.CSS_SELECTOR, "#notice article")] == ["hi", "en"]
        assert DEVANAGARI.search(board.find_element(By.ID, "date").text)
        assert office["names"]["hi"] in board.title
        # and nothing on it is Gujarati
        assert not GUJARATI.findall(text), GUJARATI.findall(text)[:20]
        assert serious_violations(board) == []
        board.save_screenshot(str(SHOTS / "display-hi-busy-1920x1080.png"))
        # A board of an office closed today says so in Hindi and English, with when it opens
        board.get(stack.base + "/hi/display/?office=GNR-CTY")
        status = wait_for(lambda: board.find_element(By.ID, "board-status").text)
        assert status.startswith(hi["display_office_closed"]) and f" · {en['display_office_closed']}" in status
        assert hi["display_opens"].replace("{when}", "").strip(" ।") in status and "It opens" in status
        assert not GUJARATI.findall(board.execute_script(BOARD_TEXT))
        # The Gujarati board stays Gujarati and English, with no Hindi
        board.get(stack.base + "/gu/display/?office=VAD-247")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#services tr")) == 4 and board.find_element(By.ID, "calls").text)
        assert [s.get_attribute("lang") for s in board.find_elements(By.CSS_SELECTOR, "#serving-title span")] == ["gu", "en"]
        assert not DEVANAGARI.findall(board.execute_script(BOARD_TEXT))
    finally:
        board.quit()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_counters_that_do_not_fit_are_shown_a_page_at_a_time(busy_office, width, height):
    stack = busy_office
    hi = strings(stack, "hi")
    board = chromium(width=width, height=height)
    try:
        board.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_LOG})
        # When the Hindi board of an office with more counters than its screen holds runs, turning every second
        board.get(stack.base + "/hi/display/?office=VAD-247&page_seconds=1")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) == COUNTERS and page_of(board))
        # Then it says which page it shows, in Hindi
        page, pages = page_of(board)
        assert pages >= 2 and board.find_element(By.ID, "counters-pages").text == \
            hi["display_page_of"].replace("{page}", str(page)).replace("{pages}", str(pages))
        # and each page in turn shows other counters, all of them on the screen, the notices below
        # them where they were
        seen, notice_at = {}, board.find_element(By.ID, "notices").rect["y"]
        while len(seen) < pages:
            page = wait_for(lambda: (lambda p: p if p and p[0] not in seen else None)(page_of(board)), timeout=5)[0]
            state = board.execute_script(BOARD_ON_SCREEN)
            seen[page] = shown_counters(board)
            assert seen[page] and not state["off"] and not state["scrolls"], (page, state)
            assert board.find_element(By.ID, "notices").rect["y"] == notice_at
        every = [name for shown in seen.values() for name in shown]
        assert sorted(every) == sorted(set(every)) and len(every) == COUNTERS, seen
        board.save_screenshot(str(SHOTS / f"display-hi-pages-{width}x{height}.png"))
    finally:
        board.quit()


def test_the_board_keeps_its_page_through_live_updates_and_turns_without_motion_when_asked(busy_office):
    stack = busy_office
    board = chromium(width=1920, height=1080)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_LOG})
        board.get(stack.base + "/display/?office=VAD-247&page_seconds=1")
        wait_for(lambda: page_of(board) and page_of(board)[1] >= 3)
        pages = page_of(board)[1]
        # When clerks call citizens while the counters turn their pages (each call a new snapshot)
        for _ in range(4):
            before = board.find_element(By.CSS_SELECTOR, "#calls li.newest").text
            for action in ("start", "complete", "call-next"):
                fcgi(stack, "counter", action, "--office", "VAD-247", "--number", "1")
            wait_for(lambda: board.find_element(By.CSS_SELECTOR, "#calls li.newest").text != before)
        # Then the page only ever moves on to the next, never back to the first in between
        log = board.execute_script("return window.pageLog")
        numbers = [int(re.findall(r"\d+", entry["text"])[0]) for entry in log if entry["text"]]
        assert len(numbers) >= 4, log
        assert all(b == a % pages + 1 for a, b in zip(numbers, numbers[1:]) if a != b), numbers
        # and a turned page fades in
        assert any(entry["animated"] for entry in log), log
        # When the screen asks for less motion, the pages still turn, without the fade
        board.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
        board.execute_script("window.pageLog = []")
        wait_for(lambda: len(board.execute_script("return window.pageLog")) >= 2)
        assert not any(entry["animated"] for entry in board.execute_script("return window.pageLog"))
    finally:
        board.quit()


def test_a_board_whose_counters_fit_does_not_page_them(stack):
    board = chromium(width=1280, height=720)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_LOG})
        # When a board with three counters runs, asked to turn pages every second
        board.get(stack.base + "/hi/display/?office=VAD-247&page_seconds=1")
        wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) == 3)
        first = shown_counters(board)
        # Then, three seconds on, it still shows them all, with no page indicator, never having turned
        time.sleep(3)
        assert shown_counters(board) == first and len(first) == 3
        assert page_of(board) is None and board.execute_script("return window.pageLog") == []
    finally:
        board.quit()
