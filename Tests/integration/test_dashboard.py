"""The office dashboard in headless Chromium: a seeded day's figures, worked out here on their own,
appear on the dashboard and in its CSV; waits and targets read in hours and minutes in the page's
language; a counter clerk cannot open it."""
import csv
import datetime
import io
import json
import random
import re
import sqlite3
import statistics
import time

import pytest

from selenium.webdriver.common.by import By

from browser import chromium
from test_console_rules import staff
from test_staff_pages import book, serious_violations, sign_in, wait_for

DAY = "2026-11-02"  # a Monday, in the past for any run of this test
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))


def ms(minute_of_day):
    """Milliseconds since the epoch of a minute of DAY in India."""
    start = datetime.datetime.fromisoformat(DAY).replace(tzinfo=IST)
    return int((start + datetime.timedelta(minutes=minute_of_day)).timestamp() * 1000)


def seed_day(database):
    """40 tokens at VAD-247 on DAY: served, not come or cancelled, at three counters open 10:00-18:00,
    by two members of staff. Returns what the test expects, computed from the same plan."""
    plan = random.Random(2026)
    db = sqlite3.connect(database)
    counters = dict(db.execute("SELECT number, id FROM counter WHERE office_code = 'VAD-247' ORDER BY number").fetchall())
    staff = dict(db.execute("SELECT username, id FROM staff_user WHERE username IN ('clerk-vad-247', 'manager-vad-247')").fetchall())
    events = []
    for number, counter in counters.items():
        events.append((ms(600), None, counter, "counter_opened", None, None, "system"))
        events.append((ms(1080), None, counter, "counter_closed", None, None, "system"))
    free = {number: 600.0 for number in counters}
    sequence = {"bill-complaint": 0, "meter-complaint": 0}
    expected = {"tokens": [], "busy": {number: 0.0 for number in counters}, "clerks": {}}
    for index in range(40):
        service = plan.choice(sorted(sequence))
        sequence[service] += 1
        prefix = "BC" if service == "bill-complaint" else "MC"
        queued = 600 + index * 9 + plan.randint(0, 5)
        fate = plan.choices(["served", "no_show", "cancelled"], weights=[75, 15, 10])[0]
        token = {"service": service, "state": fate, "queued": queued, "hour": queued // 60}
        row = {"called": None, "started": None, "finished": None, "counter": None}
        actor_name = plan.choice(sorted(staff))
        actor = f"staff:{staff[actor_name]}:{actor_name}"
        if fate == "cancelled":
            row["finished"] = queued + plan.randint(1, 10)
        else:
            number = min(free, key=free.get)
            called = max(queued + plan.randint(1, 30), free[number])
            row.update(called=called, counter=counters[number])
            token["wait"] = called - queued
            if fate == "served":
                row["started"] = called + plan.randint(0, 3)
                row["finished"] = row["started"] + plan.randint(3, 20)
                token["service_time"] = row["finished"] - row["started"]
                expected["clerks"].setdefault(actor_name, []).append(token["service_time"])
            else:
                row["finished"] = called + 5
            free[number] = row["finished"]
            expected["busy"][number] += row["finished"] - called
        cursor = db.execute(
            """INSERT INTO token (view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number, kind,
                   state, priority, citizen_name, phone, language, queued_at, created_at, called_at, started_at, finished_at, counter_id)
               VALUES (?, 'VAD-247', ?, ?, ?, ?, ?, 'walk_in', ?, 'none', 'Seeded citizen', ?, 'gu', ?, ?, ?, ?, ?, ?)""",
            (f"{index:064x}", service, service, DAY, sequence[service], f"{prefix}-{sequence[service]:03d}", fate,
             f"98{index:08d}", ms(queued), ms(queued), row["called"] and ms(row["called"]), row["started"] and ms(row["started"]),
             ms(row["finished"]), row["counter"]))
        token_id = cursor.lastrowid
        events.append((ms(queued), token_id, None, "booked", None, "waiting", "citizen"))
        if fate == "cancelled":
            events.append((ms(row["finished"]), token_id, None, "cancelled", "waiting", "cancelled", "citizen"))
        else:
            events.append((ms(row["called"]), token_id, row["counter"], "called", "waiting", "called", actor))
            if fate == "served":
                events.append((ms(row["started"]), token_id, row["counter"], "started", "called", "serving", actor))
                events.append((ms(row["finished"]), token_id, row["counter"], "completed", "serving", "served", actor))
            else:
                events.append((ms(row["finished"]), token_id, row["counter"], "no_show", "called", "no_show", actor))
        expected["tokens"].append(token)
    for at, token_id, counter, kind, before, after, actor in sorted(events, key=lambda e: e[0]):
        db.execute("INSERT INTO event (office_code, token_id, counter_id, kind, from_state, to_state, actor, at) "
                   "VALUES ('VAD-247', ?, ?, ?, ?, ?, ?, ?)", (token_id, counter, kind, before, after, actor, at))
    db.commit()
    db.close()
    return expected


def percentile(values, fraction):
    """Linear interpolation between closest ranks, as a spreadsheet does it (statistics' inclusive method)."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def figures(tokens):
    served = [t for t in tokens if t["state"] == "served"]
    no_shows = [t for t in tokens if t["state"] == "no_show"]
    waits = [t["wait"] for t in tokens if "wait" in t]
    times = [t["service_time"] for t in served]
    return {"tokens": len(tokens), "served": len(served), "no_shows": len(no_shows),
            "cancelled": sum(t["state"] == "cancelled" for t in tokens),
            "no_show_rate": len(no_shows) / (len(served) + len(no_shows)),
            "wait_p50": percentile(waits, .5), "wait_p90": percentile(waits, .9),
            "service_p50": percentile(times, .5), "service_p90": percentile(times, .9)}


def number(text):
    return float(text.rstrip("%"))


def test_the_dashboard_shows_a_seeded_days_figures_and_their_csv(stack):
    expected = seed_day(stack.database)
    totals = figures(expected["tokens"])
    browser = chromium(width=1366, height=900)
    try:
        sign_in(browser, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "dashboard").is_displayed())
        browser.execute_script(f"document.getElementById('from').value = '{DAY}'; document.getElementById('to').value = '{DAY}';")
        browser.find_element(By.CSS_SELECTOR, "#report-form button").click()
        wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "[data-figure=tokens] .value").text == str(totals["tokens"]))
        shown = {box.get_attribute("data-figure"): box.find_element(By.CLASS_NAME, "value").text
                 for box in browser.find_elements(By.CSS_SELECTOR, "#totals .total")}
        for key in ("tokens", "served", "no_shows", "cancelled"):
            assert int(shown[key]) == totals[key], key
        assert abs(number(shown["no_show_rate"]) - 100 * totals["no_show_rate"]) < 0.051
        for key in ("wait_p50", "wait_p90", "service_p50", "service_p90"):
            assert abs(number(shown[key]) - totals[key]) < 0.051, (key, shown[key], totals[key])
        # Per service
        for service, name in (("bill-complaint", "Bill complaint"), ("meter-complaint", "Meter complaint")):
            mine = figures([t for t in expected["tokens"] if t["service"] == service])
            cells = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#by-service tr") if r.text.startswith(name)) \
                .find_elements(By.CSS_SELECTOR, "th, td")
            assert int(cells[1].text) == mine["tokens"] and int(cells[2].text) == mine["served"]
            assert abs(number(cells[4].text) - mine["wait_p50"]) < 0.051
        # By hour: the chart's bars
        bars = {int(b.get_attribute("data-hour")): int(b.get_attribute("data-tokens"))
                for b in browser.find_elements(By.CSS_SELECTOR, "#hour-chart rect.bar")}
        for hour in range(24):
            assert bars.get(hour, 0) == sum(t["hour"] == hour for t in expected["tokens"]), hour
        # By member of staff
        clerks = {r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")
                  for r in browser.find_elements(By.CSS_SELECTOR, "#by-clerk tr")}
        for username, times in expected["clerks"].items():
            cells = next(v for k, v in clerks.items() if f"({username})" in k)
            assert int(cells[0].text) == len(times)
            assert abs(number(cells[1].text) - sum(times) / len(times)) < 0.051
        # Counters: open 10:00-18:00, busy from each call to its end
        for row in browser.find_elements(By.CSS_SELECTOR, "#by-counter tr"):
            counter = int(row.find_element(By.TAG_NAME, "th").text)
            cells = [number(c.text) for c in row.find_elements(By.TAG_NAME, "td")]
            assert abs(cells[0] - 480) < 0.051 and abs(cells[1] - expected["busy"][counter]) < 0.051
            assert abs(cells[2] - (480 - expected["busy"][counter])) < 0.051
        # The CSV the page links to has the same figures
        link = browser.find_element(By.CSS_SELECTOR, "a.csv[data-table=services]").get_attribute("href")
        text = browser.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done);", link)
        rows = {r["service"]: r for r in csv.DictReader(io.StringIO(text))}
        assert int(rows["all"]["served"]) == totals["served"]
        # A manager's range of days has a row per day
        assert [r.find_element(By.TAG_NAME, "th").text for r in browser.find_elements(By.CSS_SELECTOR, "#by-day tr")] == [DAY]
        assert browser.find_element(By.CSS_SELECTOR, "#by-day tr td").text == str(totals["tokens"])
        assert abs(float(rows["all"]["wait_p90_minutes"]) - totals["wait_p90"]) < 0.0051
        assert serious_violations(browser) == []
    finally:
        browser.quit()


def test_a_manager_adds_a_clerk_in_the_settings_and_turns_the_account_off_again(stack):
    browser = chromium(width=1366, height=900)
    clerk = chromium(width=1366, height=768)
    try:
        sign_in(browser, stack, "/admin/settings/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "settings").is_displayed())
        assert "clerk-vad-247" in browser.find_element(By.ID, "staff").text
        # A manager may create counter staff only
        assert [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#new-role option")] == ["counter_staff"]
        for field, value in (("new-username", "meena"), ("new-name", "Meena Joshi"), ("new-password", "meena's first password")):
            browser.find_element(By.ID, field).send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "#staff-form button[type=submit]").click()
        wait_for(lambda: "meena" in browser.find_element(By.ID, "staff").text)
        assert serious_violations(browser) == []
        # Meena is tied to counter 2 through "Change an account"
        from selenium.webdriver.support.ui import Select
        Select(browser.find_element(By.ID, "assign-member")).select_by_visible_text("Meena Joshi (meena)")
        browser.find_element(By.ID, "assign-counter").send_keys("2")
        browser.find_element(By.CSS_SELECTOR, "#assign-form button[type=submit]").click()
        wait_for(lambda: next(r for r in browser.find_elements(By.CSS_SELECTOR, "#staff tr") if "meena" in r.text)
                 .find_elements(By.TAG_NAME, "td")[1].text == "2")
        # Meena signs in at the console and lands at her counter
        sign_in(clerk, stack, "/staff/", "meena", "meena's first password")
        wait_for(lambda: clerk.find_element(By.ID, "desk-title").text == "Counter 2")
        # The manager turns her account off; her console can no longer read a desk
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#staff tr") if "meena" in r.text)
        row.find_element(By.TAG_NAME, "button").click()
        wait_for(lambda: "Turned off" in next(r for r in browser.find_elements(By.CSS_SELECTOR, "#staff tr") if "meena" in r.text).text)
        status = clerk.execute_async_script(
            "const done = arguments[0]; fetch('/api/v1/auth/me', {credentials: 'same-origin'}).then(r => done(r.status));")
        assert status == 401
        # A holiday added for a day ahead appears in the list
        ahead = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
        browser.execute_script(f"document.getElementById('holiday-day').value = '{ahead}';")
        browser.find_element(By.ID, "holiday-reason").send_keys("Republic Day")
        browser.find_element(By.CSS_SELECTOR, "#holiday-form button[type=submit]").click()
        wait_for(lambda: f"{ahead} — Republic Day" in browser.find_element(By.ID, "holidays").text)
    finally:
        browser.quit()
        clerk.quit()


@pytest.mark.parametrize("page, api", [("/admin/", "/api/v1/offices/VAD-247/report?from=2026-11-02"),
                                       ("/admin/settings/", "/api/v1/offices/VAD-247/settings")])
def test_a_counter_clerk_cannot_open_the_dashboard_or_the_settings(stack, page, api):
    browser = chromium(width=1366, height=900)
    try:
        sign_in(browser, stack, page, "clerk-vad-247", "demo-clerk-2026")
        wait_for(lambda: browser.find_element(By.ID, "not-allowed").is_displayed())
        assert not browser.find_element(By.ID, "dashboard" if page == "/admin/" else "settings").is_displayed()
        # offered only the way back to the console: not the other manager page, not the office picker
        assert not browser.find_element(By.CSS_SELECTOR, ".bar-link").is_displayed()
        assert not browser.find_element(By.ID, "office").is_displayed()
        # and the server refuses, whatever the page shows
        status = browser.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0], {credentials: 'same-origin'}).then(r => done(r.status));", api)
        assert status == 403
    finally:
        browser.quit()


def test_the_dashboard_says_waits_and_targets_in_hours_and_minutes_in_the_pages_language(stack):
    # Given a citizen waiting since 126 minutes ago, and a target of two and a half hours
    token = book(stack, service="meter-complaint", phone="9825012399")
    db = sqlite3.connect(stack.database)
    queued = int(time.time() * 1000) - 126 * 60_000
    db.execute("UPDATE token SET queued_at = ? WHERE id = ?", (queued, token["token"]["id"]))
    db.commit()
    db.close()
    browser = chromium(width=1366, height=900)
    counter = None
    try:
        sign_in(browser, stack, "/admin/", "manager-vad-247", "demo-manager-2026")
        wait_for(lambda: browser.find_element(By.ID, "dashboard").is_displayed())
        staff(browser, "POST", "/api/v1/offices/VAD-247/targets", {"service": "meter-complaint", "minutes": 150})
        # and the office's last counter on a break that has just begun
        last = json.loads(stack.get("/api/v1/offices/VAD-247/queue")[2])["counters"][-1]
        counter = last["id"]
        if last["state"] == "closed":
            staff(browser, "POST", f"/api/v1/counters/{counter}/open", {})
        staff(browser, "POST", f"/api/v1/counters/{counter}/pause", {"reason": "lunch"})
        for page, waited, target, paused in [("/gu/admin/", r"2 કલાક [67] મિનિટ", "2 કલાક 30 મિનિટ", "0 મિનિટ"),
                                             ("/hi/admin/", r"2 घंटे [67] मिनट", "2 घंटे 30 मिनट", "0 मिनट"),
                                             ("/admin/", r"2 h [67] min", "2 h 30 min", "0 min")]:
            # When the manager opens the dashboard in that language
            browser.get(stack.base + page)
            row = wait_for(lambda: browser.find_element(By.XPATH, "//tbody[@id='now-services']/tr[td[1]='1']"))
            cells = [cell.text.replace("\u00a0", " ") for cell in row.find_elements(By.TAG_NAME, "td")]
            # Then the longest wait and the target read as the citizens' pages say waits, not "126 min"
            assert re.fullmatch(waited, cells[1]), (page, cells)
            assert cells[3].split(" — ")[0] == target, (page, cells)  # (then " — over target" while nobody serves it)
            # and the break so far in the same words (the server's: 1 h 15 min in ReportRoutesTests)
            state = browser.find_element(By.XPATH, f"//tbody[@id='now-counters']/tr[th='{last['number']}']/td[1]").text.replace("\u00a0", " ")
            assert state.endswith(" · " + paused), (page, state)
    finally:
        if counter:
            staff(browser, "POST", f"/api/v1/counters/{counter}/open", {})
        staff(browser, "POST", "/api/v1/offices/VAD-247/targets", {"service": "meter-complaint", "minutes": 30})
        browser.quit()
