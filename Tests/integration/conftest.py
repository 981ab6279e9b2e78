import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from log_privacy import LEAKS  # noqa: E402
from stack import Stack  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_in_any_log():
    """After the whole suite: no stack's logs held a phone number, name, password or managing secret."""
    yield
    assert not LEAKS, "personal data or secrets in the logs:\n" + "\n".join(f"{path}: {what}" for path, what in LEAKS)


@pytest.fixture(scope="module")
def stack():
    """One stack for a test module; fcgi-app takes bodies up to 4 KiB, nginx up to 64 KiB,
    so that both of their 413 answers can be seen."""
    running = Stack(app_max_body=4096, nginx_max_body=65536).start()
    yield running
    running.stop()


@pytest.fixture
def own_stack():
    """A stack for a test that stops or breaks it."""
    running = Stack().start()
    yield running
    running.stop()
