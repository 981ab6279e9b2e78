"""The benchmarks start stacks of their own (nginx and fcgi-app on a temporary database): one that
fails to come up must not be left running, holding its port and CPU for the next run's figures."""
import importlib.util
import os
import time
from pathlib import Path

import pytest

from stack import REPO, Stack


def load_live_bench():
    spec = importlib.util.spec_from_file_location("live_bench", REPO / "Benchmarks" / "live-bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_live_bench_stack_that_does_not_come_up_again_is_stopped(monkeypatch):
    # Given live-bench's stack, whose fcgi-app does not answer once restarted on the bench's settings
    bench = load_live_bench()
    made = []

    class FailingOnRestart(Stack):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ups = 0
            made.append(self)

        def wait_until_up(self):
            self.ups += 1
            if self.ups == 1:
                return super().wait_until_up()
            self.nginx_pid = int((self.dir / "nginx" / "nginx.pid").read_text())
            self.app_pid_seen = self.app.pid
            raise RuntimeError("the stack did not come up")

    monkeypatch.setattr(bench, "Stack", FailingOnRestart)
    try:
        # When the benchmark starts it
        with pytest.raises(RuntimeError):
            bench.start_stack(4)
        # Then nothing of it is left running: neither fcgi-app nor nginx
        [stack] = made
        assert stack.app.poll() is not None, "fcgi-app still running"
        deadline = time.monotonic() + 5
        while alive(stack.nginx_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(stack.nginx_pid), "nginx still running"
        assert not Path(stack.dir).exists()
    finally:
        for stack in made:
            stack.stop()
