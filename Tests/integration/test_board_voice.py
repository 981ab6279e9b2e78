"""The display board's recorded voice (issue 15, item 9), in headless Chromium through real nginx
and fcgi-app: the clips of each call chained in Gujarati, Hindi and English word order, calls one
after another, the browser's voice only for a clip that cannot be played, and a notice for staff
when a language has no voice at all. Headless Chromium has no speech voices: the clips must do."""
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By

from board_voice import RECORDER, manifest, sentence, speech_voice
from browser import chromium
from stack import BIN, REPO
from test_staff_pages import book, serious_violations, wait_for

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="gq-shots-"))
BOARD = "/display/?office=VAD-247"


def call_next(stack, counter):
    """The clerk at `counter` serves whoever an earlier test called there, and calls the next citizen."""
    for action in ("start", "complete"):
        subprocess.run([BIN / "fcgi-app", "counter", action, "--office", "VAD-247", "--number", str(counter),
                        "--database", stack.database], capture_output=True)
    done = subprocess.run([BIN / "fcgi-app", "counter", "call-next", "--office", "VAD-247", "--number", str(counter),
                           "--database", stack.database], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def open_board(stack, *scripts):
    """A 1920x1080 board with its sound turned on by the button, as staff do once in the morning."""
    board = chromium(width=1920, height=1080)
    for script in (RECORDER, *scripts):
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    board.get(stack.base + BOARD)
    wait_for(lambda: len(board.find_elements(By.CSS_SELECTOR, "#counters .tile")) == 3)
    button = wait_for(lambda: board.find_element(By.ID, "enable-sound").is_displayed() and board.find_element(By.ID, "enable-sound"))
    button.click()
    wait_for(lambda: not button.is_displayed())
    return board


def finished(board, count):
    """The board's timeline once `count` clips or phrases have been started and have ended."""
    return wait_for(lambda: (lambda played: len(played) >= count and all(e["end"] is not None or e.get("failed") for e in played) and played)(
        board.execute_script("return window.played")), timeout=60)


def test_a_board_without_speech_voices_plays_a_calls_clips_in_each_languages_order(stack):
    token = book(stack, phone="9825070001")["token"]
    clips = manifest(stack.dir / "public")["languages"]
    board = chromium(width=1920, height=1080)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        board.get(stack.base + BOARD)
        # Given a headless Chromium, which has no speech voice in any language
        assert board.execute_async_script(
            "var done = arguments[0]; setTimeout(function () { done(speechSynthesis.getVoices().length); }, 1500);") == 0
        # and whose sound nobody has turned on yet: a call is not heard, the button is offered
        wait_for(lambda: board.find_element(By.ID, "enable-sound").is_displayed())
        played_before = board.execute_script("return window.played.length")
        # When staff touch the sound button and a clerk calls the token to counter 1
        board.find_element(By.ID, "enable-sound").click()
        call_next(stack, 1)
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text, timeout=10)
        # Then the board plays the Gujarati, then the Hindi, then the English sentence, clip by clip
        expected = [clips[language]["clips"][name] for language in ("gu", "hi", "en")
                    for name in sentence(language, token["number"], 1)]
        timeline = finished(board, played_before + len(expected))[played_before:]
        assert [entry["clip"] for entry in timeline] == expected
        assert all("speech" not in entry and not entry.get("failed") for entry in timeline)
        # one after another, never two at once
        assert not any(entry["overlapping"] for entry in timeline)
        assert all(b["start"] >= a["end"] for a, b in zip(timeline, timeline[1:]))
        # and no language is reported as silent
        assert not board.find_element(By.ID, "voice-missing").is_displayed()
        assert serious_violations(board) == []
    finally:
        board.quit()
    # Each clip is Ogg audio that browsers may keep for a year (its name changes with its sound)
    status, headers, body = stack.get(expected[0])
    assert status == 200 and headers["Content-Type"] == "audio/ogg" and body[:4] == b"OggS"
    assert "immutable" in headers["Cache-Control"]


def test_the_sound_button_is_what_lets_the_board_speak(stack):
    token = book(stack, phone="9825070009")["token"]
    board = chromium(width=1920, height=1080)
    try:
        board.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        board.get(stack.base + BOARD)
        wait_for(lambda: board.find_element(By.ID, "enable-sound").is_displayed())
        # When a call comes before anyone has touched the board
        call_next(stack, 2)
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text, timeout=10)
        # Then the browser refuses to play, the board does not pile up its clips, and still offers the button
        refused = wait_for(lambda: board.execute_script("return window.played.length && window.played"), timeout=5)
        time.sleep(1)
        played = board.execute_script("return window.played")
        assert all(entry.get("failed") == "NotAllowedError" for entry in played), played
        assert len(played) <= 3  # one refused start per language, not one per clip
        assert board.find_element(By.ID, "enable-sound").is_displayed()
        assert not board.find_element(By.ID, "voice-missing").is_displayed()
    finally:
        board.quit()


def quiet(board, seconds=3.0, timeout=120):
    """The board's timeline once it has started nothing new for `seconds` and everything has ended."""
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while True:
        played = board.execute_script("return window.played")
        if len(played) != last or any(e["end"] is None and not e.get("failed") for e in played):
            last, since = len(played), time.monotonic()
        elif time.monotonic() - since >= seconds:
            return played
        assert time.monotonic() < deadline, "the board never fell quiet"
        time.sleep(0.25)


def test_calls_in_quick_succession_are_said_one_after_the_other_and_a_burst_keeps_the_newest_three(own_stack):
    stack = own_stack
    numbers = [book(stack, service="bill-complaint" if n % 2 else "new-lt-connection", phone=f"98250710{n:02d}")["token"]["number"]
               for n in range(6)]
    board = open_board(stack)
    try:
        # When five calls come within a second or two (three counters, two of them calling again)
        for counter in (1, 2, 3, 1, 2):
            call_next(stack, counter)
        called = wait_for(lambda: (lambda shown: len(shown) >= 5 and shown)(
            [(li.text.split()[0], int(li.text.split()[-1])) for li in board.find_elements(By.CSS_SELECTOR, "#calls li")]), timeout=10)
        played = quiet(board)
        # Then the board says (after a sentence already under way, if any) the three newest calls in
        # the order they came, each whole in Gujarati, Hindi and English, one after the other, and
        # not the older ones it could not say in time
        clips = manifest(stack.dir / "public")["languages"]
        gujarati = {tuple(clips["gu"]["clips"][name] for name in sentence("gu", number, 1)[:6]): number for number in numbers}
        heard = [gujarati[tuple(entry["clip"] for entry in played[i:i + 6])]
                 for i, entry in enumerate(played) if entry["clip"] == clips["gu"]["clips"]["token"]]
        newest = called[:3][::-1]
        assert heard[-3:] == [number for number, _ in newest]
        assert len(heard) <= 4, f"{heard}: the board fell behind"
        expected = [clips[language]["clips"][name] for number, counter in newest
                    for language in ("gu", "hi", "en") for name in sentence(language, number, counter)]
        assert [entry["clip"] for entry in played[-len(expected):]] == expected
        assert not any(entry["overlapping"] or entry.get("failed") for entry in played)
        assert all(b["start"] >= a["end"] for a, b in zip(played, played[1:]))
    finally:
        board.quit()


def test_a_clip_that_cannot_be_played_is_said_by_the_browsers_voice(own_stack):
    stack = own_stack
    token = book(stack, phone="9825070004")["token"]
    clips = manifest(stack.dir / "public")["languages"]
    # Given a Gujarati clip gone from the web root, and a browser that has a Gujarati voice
    missing = clips["gu"]["clips"]["to_counter"]
    (stack.dir / "public" / missing.lstrip("/")).unlink()
    board = open_board(stack, speech_voice("gu-IN"))
    try:
        call_next(stack, 1)
        names = sentence("gu", token["number"], 1)
        cut = names.index("to_counter")
        texts = clips["gu"]["texts"]
        # Then the clips before it play, its place and the rest are said by the Gujarati voice (in
        # Gujarati script, "counter 1 par jao"), and Hindi and English follow with their clips
        expected_clips = [clips["gu"]["clips"][name] for name in names[:cut]]
        after = [clips[language]["clips"][name] for language in ("hi", "en") for name in sentence(language, token["number"], 1)]
        # the failed clip is started too (and fails): one more entry in the timeline
        timeline = finished(board, len(expected_clips) + 2 + len(after))
        assert [entry.get("clip") for entry in timeline[:cut]] == expected_clips
        assert timeline[cut]["clip"] == missing and timeline[cut].get("failed")
        spoken = timeline[cut + 1]
        assert spoken.get("speech") == " ".join(texts[name] for name in names[cut:]) and spoken["lang"] == "gu-IN"
        assert "N" not in spoken["speech"] and "C" not in spoken["speech"]
        assert [entry.get("clip") for entry in timeline[cut + 2:]] == after
        assert not any(entry["overlapping"] for entry in timeline)
        assert not board.find_element(By.ID, "voice-missing").is_displayed()
    finally:
        board.quit()


def test_a_broken_clip_with_no_browser_voice_is_reported_and_the_next_language_still_speaks(own_stack):
    stack = own_stack
    token = book(stack, phone="9825070006")["token"]
    clips = manifest(stack.dir / "public")["languages"]
    # Given a Hindi clip gone from the web root, and no browser voice at all
    (stack.dir / "public" / clips["hi"]["clips"]["token"].lstrip("/")).unlink()
    board = open_board(stack)
    try:
        notice = board.find_element(By.ID, "voice-missing")
        assert not notice.is_displayed()
        call_next(stack, 1)
        # Then Gujarati plays, Hindi stops at its first clip, English plays after it
        expected = [clips["gu"]["clips"][name] for name in sentence("gu", token["number"], 1)] + [clips["hi"]["clips"]["token"]] \
            + [clips["en"]["clips"][name] for name in sentence("en", token["number"], 1)]
        timeline = finished(board, len(expected))
        assert [entry.get("clip") for entry in timeline] == expected
        # and staff are told that Hindi could not be spoken
        wait_for(notice.is_displayed)
        assert "No voice for Hindi" in notice.text and "English" not in notice.text
    finally:
        board.quit()


def test_staff_are_told_when_a_language_has_neither_clips_nor_a_voice(own_stack, tmp_path):
    stack = own_stack
    # Given a site whose voice script has no Hindi (and a browser with no Hindi voice)
    project = tmp_path / "project"
    for folder in ("Content", "Templates"):
        shutil.copytree(REPO / folder, project / folder)
    script = project / "Templates" / "voice" / "script.yaml"
    text = script.read_text(encoding="utf-8")
    script.write_text(text[:text.index("  hi:\n")], encoding="utf-8")
    subprocess.run([BIN / "sitegen", "build", "--root", project, "--output", stack.dir / "public"], check=True, capture_output=True)
    assert "hi" not in manifest(stack.dir / "public")["languages"]
    token = book(stack, phone="9825070005")["token"]
    board = open_board(stack)
    try:
        # Then the board says so in Gujarati and English, for Hindi only
        notice = board.find_element(By.ID, "voice-missing")
        wait_for(notice.is_displayed)
        assert "હિન્દી માટે અવાજ નથી" in notice.text and "No voice for Hindi" in notice.text
        assert "Gujarati" not in notice.text and "English" not in notice.text
        # and a call is still shown, and played in Gujarati and English
        call_next(stack, 1)
        wait_for(lambda: token["number"] in board.find_element(By.CSS_SELECTOR, "#calls li.newest").text, timeout=10)
        clips = manifest(stack.dir / "public")["languages"]
        expected = [clips[language]["clips"][name] for language in ("gu", "en") for name in sentence(language, token["number"], 1)]
        timeline = finished(board, len(expected))
        assert [entry.get("clip") for entry in timeline] == expected
        assert notice.is_displayed()
        assert serious_violations(board) == []
        board.execute_script("window.scrollTo(0, 0)")
        board.save_screenshot(str(SHOTS / "display-no-voice-1920.png"))
        print(f"screenshot: {SHOTS / 'display-no-voice-1920.png'}")
    finally:
        board.quit()


def recorded_clip(path):
    """A short 'human recording' made as an office would: a WAV turned into Ogg Opus."""
    wav = path.with_suffix(".wav")
    subprocess.run(["sox", "-n", "-r", "24000", "-c", "1", "-b", "16", wav, "synth", "0.4", "sine", "440"], check=True)
    subprocess.run(["opusenc", "--quiet", wav, path], check=True)
    wav.unlink()
    return path.read_bytes()


def test_an_offices_own_recording_replaces_the_generated_clip_and_bad_ones_are_named(tmp_path):
    project = tmp_path / "project"
    for folder in ("Content", "Templates"):
        shutil.copytree(REPO / folder, project / folder)
    public = tmp_path / "public"
    build = lambda: subprocess.run([BIN / "sitegen", "build", "--root", project, "--output", public], capture_output=True, text=True)
    assert build().returncode == 0
    generated = manifest(public)["languages"]["gu"]["clips"]
    # Given an office's own recording of the Gujarati "token number"
    (project / "Content" / "voice" / "gu").mkdir(parents=True)
    recording = recorded_clip(project / "Content" / "voice" / "gu" / "token.ogg")
    # When the site is built again
    assert build().returncode == 0
    clips = manifest(public)["languages"]["gu"]["clips"]
    # Then the board's Gujarati "token" is that recording, under a new address; nothing else changed
    assert (public / clips["token"].lstrip("/")).read_bytes() == recording
    assert clips["token"] != generated["token"]
    assert {name: url for name, url in clips.items() if name != "token"} == {name: url for name, url in generated.items() if name != "token"}
    assert manifest(public)["languages"]["hi"]["clips"]["token"].startswith("/assets/voice/hi/token.")
    before = manifest(public)
    # And a file the board could not use stops the build with its name and why, the site left as it was
    for name, content, says in (("tokn.ogg", recording, "there is no clip tokn"),
                                ("go.ogg", b"RIFF....WAVEfmt not really audio", "not Ogg Opus or Ogg Vorbis audio"),
                                ("go.mp3", recording, "must be an Ogg file")):
        bad = project / "Content" / "voice" / "gu" / name
        bad.write_bytes(content)
        failed = build()
        assert failed.returncode == 1 and failed.stderr.startswith(f"Content/voice/gu/{name}: ") and says in failed.stderr, failed.stderr
        assert "Fatal error" not in failed.stderr
        assert manifest(public) == before
        bad.unlink()
    (project / "Content" / "voice" / "fr").mkdir()
    failed = build()
    assert failed.returncode == 1 and "Content/voice/fr: " in failed.stderr and "no language fr" in failed.stderr
