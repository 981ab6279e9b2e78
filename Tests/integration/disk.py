"""A small disk of a test's own: a tmpfs mounted on a temporary folder (needs root, as CI has)."""
import contextlib
import os
import subprocess
import tempfile


@contextlib.contextmanager
def small_disk(size):
    """Yields the folder of a fresh tmpfs of `size` (as mount takes it: "64k", "400m"); unmounts after."""
    assert os.geteuid() == 0, "this test mounts a tmpfs, which needs root (as make test runs in CI)"
    folder = tempfile.mkdtemp(prefix="gq-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)
        os.rmdir(folder)


def fill_until(folder, free_bytes):
    """Writes a file into `folder` until only `free_bytes` are left on its disk."""
    stats = os.statvfs(folder)
    remaining = stats.f_bavail * stats.f_frsize - free_bytes
    chunk = b"\0" * (1 << 20)
    with open(os.path.join(folder, "filler"), "wb") as filler:
        while remaining > 0:
            remaining -= filler.write(chunk[:min(len(chunk), remaining)])
