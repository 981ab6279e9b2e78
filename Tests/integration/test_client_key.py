"""nginx's limits count an IPv6 client by its /64: every address of one /64, however nginx writes it,
gives the same key, and different /64s different keys. Checked on nginx itself, with the realip
module standing in a test client's address."""
import ipaddress
import random
import subprocess
import urllib.request

import pytest

from stack import REPO, free_port


@pytest.fixture(scope="module")
def key_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("client-key")
    rendered = folder / "rendered"
    subprocess.run([REPO / "scripts" / "render-nginx.sh", "local", rendered], check=True, capture_output=True)
    port = free_port()
    (folder / "logs").mkdir()
    config = folder / "nginx.conf"
    config.write_text(f"""
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{}}
http {{
    access_log off;
    include {rendered}/snippets/limits.conf;
    server {{
        listen 127.0.0.1:{port};
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Test-Client;
        location / {{ return 200 "$guvnl_client"; }}
    }}
}}
""")
    subprocess.run(["nginx", "-p", str(folder), "-c", str(config), "-e", str(folder / "logs" / "error.log")], check=True)
    yield port
    subprocess.run(["nginx", "-p", str(folder), "-c", str(config), "-s", "stop"], capture_output=True)


def key_of(port, address):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"X-Test-Client": address})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.read().decode()


def test_every_address_of_one_slash_64_is_one_client(key_server):
    plan = random.Random(2026)
    prefixes = ["2001:db8:1:2", "2001:db8:0:0", "2001:0:0:5", "fe80:0:0:0", "0:0:0:0", "2409:40c1:1a:7ffd", "0:1:0:0", "1:0:0:0"]
    keys = {}
    for prefix in prefixes:
        seen = set()
        for _ in range(60):
            # interface ids with long runs of zeros too, so that nginx's "::" lands in every place
            groups = [plan.choice([0, 0, 0, plan.randrange(1, 0x10000)]) for _ in range(4)]
            address = ipaddress.IPv6Address(prefix + ":" + ":".join(f"{g:x}" for g in groups))
            seen.add(key_of(key_server, str(address)))
        assert len(seen) == 1, (prefix, seen)
        keys[prefix] = seen.pop()
        network = ipaddress.IPv6Network(prefix + "::/64")
        assert keys[prefix] == ":".join(f"{int(g, 16):x}" for g in network.exploded.split(":")[:4]) + "::/64"
    assert len(set(keys.values())) == len(prefixes)


def test_ipv4_clients_are_counted_by_their_address(key_server):
    assert key_of(key_server, "203.0.113.7") == "203.0.113.7"
    assert key_of(key_server, "203.0.113.8") == "203.0.113.8"
