"""The stack's Prometheus metrics, read as a test reads them."""
import re
import time


def metric_value(text, name, **labels):
    """The value of the series `name{labels}` in a Prometheus text exposition, or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        found_name, _, label_text = series.partition("{")
        pairs = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', label_text))
        if found_name == name and all(pairs.get(key) == str(wanted) for key, wanted in labels.items()):
            return float(value)
    return None


def token_streams_open(stack):
    """How many token pages' event streams fcgi-app is holding."""
    return metric_value(stack.get("/api/metrics")[2].decode(), "guvnl_event_streams_open", kind="token") or 0


def wait_for_token_streams(stack, count, seconds=10):
    """Waits until fcgi-app holds at least `count` token streams (a page's stream is open and has
    had its first status: the hub counts it once that is written)."""
    deadline = time.monotonic() + seconds
    while token_streams_open(stack) < count:
        assert time.monotonic() < deadline, f"fewer than {count} token streams opened"
        time.sleep(0.05)
