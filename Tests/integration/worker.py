"""`fcgi-app worker` beside a test stack, on the stack's database and site."""
import os
import signal
import subprocess
import time

from stack import BIN, REPO


class Worker:
    def __init__(self, stack, *args, name="worker-1", env=None):
        self.stack = stack
        self.log = stack.dir / f"{name}.log"
        self.sink = stack.dir / "messages.log"
        command = [BIN / "fcgi-app", "worker", "--database", stack.database, "--name", name,
                   "--strings", stack.dir / "public" / "interface-strings.json",
                   "--sms-templates", REPO / "Templates" / "sms-dlt.json", "--sink", self.sink,
                   "--base-url", stack.base, "--poll-seconds", "0.05", "--turn-near-every", "0.5", *map(str, args)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, env=dict(os.environ, **(env or {})))

    def stop(self, timeout=10):
        """SIGTERM, as systemd and the supervisor stop it; its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self):
        self.process.kill()
        self.process.wait()


def wait_for(condition, timeout=30, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")
