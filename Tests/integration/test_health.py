"""/api/healthz as a load balancer and an operator read it: a low disk is a warning with 200 (the
server still serves), a full one a 503 (Tests/integration/test_hardening.py)."""
import json
import os

from disk import fill_until, small_disk
from stack import Stack


def test_a_low_disk_is_reported_with_200_and_the_server_keeps_booking():
    # Given the database on a 400 MiB disk of its own
    with small_disk("400m") as disk:
        stack = Stack(database=os.path.join(disk, "queue.sqlite"))
        try:
            stack.start()
            health = json.loads(stack.get("/api/healthz")[2])
            assert "disk_low" not in health["warnings"] and health["disk_free_percent"] > 90
            # When the disk fills until 36 MiB are left (9 %: low, but above the 32 MiB a booking needs)
            fill_until(disk, 36 << 20)
            # Then health still answers 200 "ok", with the warning and how much is left
            status, _, body = stack.get("/api/healthz")
            health = json.loads(body)
            assert status == 200 and health["status"] == "ok", body
            assert "disk_low" in health["warnings"]
            assert 8 <= health["disk_free_percent"] < 10 and 32 << 20 < health["disk_free_bytes"] < 40 << 20
            # and a citizen can still book
            booking = json.dumps({"office": "VAD-247", "service": "bill-complaint", "name": "Low Disk", "phone": "9400000077"})
            assert stack.request("POST", "/api/v1/tokens", body=booking.encode(), headers={"Content-Type": "application/json"})[0] == 201
        finally:
            stack.stop()
