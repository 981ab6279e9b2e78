"""What the display board plays and says, observed in the browser: every clip it starts (its
address, when it started and ended) and every phrase it hands to the browser's voice, in one
timeline, so that a test sees the order and whether anything overlapped."""
import json

# Capture listeners run before the board's own at the target: a clip's end is stamped before the
# board starts the next one.
RECORDER = """
window.played = [];
(function () {
  var play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    var entry = { clip: new URL(this.src).pathname, start: performance.now(), end: null,
                  overlapping: window.played.some(function (e) { return e.end === null && !e.failed; }) };
    window.played.push(entry);
    // Four times as fast: the order and the gaps are what the tests look at, not the speech itself,
    // and a call in three languages takes about 15 s at its own pace.
    this.playbackRate = 4;
    this.addEventListener("ended", function () { entry.end = performance.now(); }, { capture: true });
    var started = play.call(this);
    started.catch(function (error) { entry.failed = error.name; });
    return started;
  };
})();
"""

# A browser voice for `lang` that takes 300 ms a phrase (headless Chromium has no voices at all).
def speech_voice(lang):
    return """
(function () {
  speechSynthesis.getVoices = function () { return [{ lang: %s, name: "test voice", localService: true }]; };
  speechSynthesis.speak = function (utterance) {
    if (!utterance.text.trim()) { return; }
    var entry = { speech: utterance.text, lang: utterance.lang, start: performance.now(), end: null,
                  overlapping: window.played.some(function (e) { return e.end === null && !e.failed; }) };
    window.played.push(entry);
    setTimeout(function () { entry.end = performance.now(); if (utterance.onend) { utterance.onend(); } }, 300);
  };
})();
""" % json.dumps(lang)


def manifest(public):
    return json.loads((public / "assets" / "voice.json").read_text(encoding="utf-8"))


def sentence(language, token, counter):
    """The clip names of a call as each language says it: 'Token number B C 0 0 1, please go to
    counter 1' in English; the same with 'go' last in Gujarati and Hindi ('... counter 1 par jao')."""
    prefix, digits = token.split("-")
    said = [f"letter-{letter}" for letter in prefix] + [f"digit-{digit}" for digit in digits]
    at = [f"digit-{counter}"] if counter < 10 else [f"number-{counter}"]
    return ["token", *said, "to_counter", *at] + (["go"] if language in ("gu", "hi") else [])
