"""Hardening, through the real nginx and fcgi-app: no request takes the service down, and a crash
is not an outage."""
import json
import os
import signal
import time

import pytest

from stack import Stack, error_of
from sse import EventStream


@pytest.fixture
def supervised_stack():
    """fcgi-app under scripts/supervise.sh, as `make run` runs it."""
    running = Stack(supervised=True).start()
    yield running
    running.stop()


def test_a_huge_last_event_id_does_not_kill_the_app(own_stack):
    # Given the app serving, when a client resumes the health stream from the largest 64-bit id
    pid = own_stack.app.pid
    stream = EventStream(own_stack.port, "/api/healthz/events?interval=30", last_event_id="9223372036854775807")
    try:
        # Then it gets a stream that starts afresh rather than a dead server
        assert stream.status == 200
        event, _ = stream.next_event()
        assert event["event"] == "health"
        assert int(event["id"]) >= 1
    finally:
        stream.close()
    # And the same process still answers everyone else
    for last_id in ("-1", "18446744073709551616", "1e999", "00000000000000000000000000001"):
        probe = EventStream(own_stack.port, "/api/v1/offices/VAD-247/events", last_event_id=last_id)
        assert probe.status == 200
        probe.close()
    assert own_stack.get("/api/healthz")[0] == 200
    assert own_stack.app.poll() is None and own_stack.app.pid == pid


def test_a_crashed_app_is_back_within_seconds_and_the_gap_is_a_clean_503(supervised_stack):
    # Given fcgi-app under its supervisor, as `make run` and production run it
    stack = supervised_stack
    first = stack.app_pid()
    assert first
    # When it dies abruptly mid-service (SIGKILL: as after a trap, or the out-of-memory killer)
    os.kill(first, signal.SIGKILL)
    # Then while it is gone nginx answers cleanly: JSON 503 with Retry-After, never a 502
    seen = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, headers, body = stack.get("/api/v1/offices/VAD-247/queue")
        seen.append(status)
        if status == 200:
            break
        assert status == 503, f"during the restart: {status} {body[:200]!r}"
        assert headers.get("Retry-After") == "5"
        assert error_of(body)["code"] == "service_unavailable"
        time.sleep(0.05)
    # And it serves again, as a new process, within seconds and without anyone's help
    assert seen[-1] == 200, seen
    second = stack.app_pid()
    assert second and second != first
    assert "was killed by signal 9; starting it again" in stack.app_log.read_text()


def test_the_supervisor_stops_cleanly_on_sigterm(supervised_stack):
    stack = supervised_stack
    app = stack.app_pid()
    stack.app.send_signal(signal.SIGTERM)
    assert stack.app.wait(timeout=10) == 0
    # The app itself was asked to stop (not restarted), and took its socket with it
    time.sleep(0.3)
    assert not os.path.exists(f"/proc/{app}")
    assert not stack.socket.exists()
