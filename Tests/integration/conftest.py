import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from stack import Stack  # noqa: E402


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
