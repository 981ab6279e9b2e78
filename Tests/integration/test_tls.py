"""The production nginx's TLS, as a client sees it: started with a self-signed certificate and asked
by `openssl s_client` and curl. TLS 1.3 and 1.2 with strong ciphers are spoken; TLS 1.1 and 1.0 and
weak TLS 1.2 ciphers are refused by the server (the client is told to allow them, so a refusal is
the server's); HTTPS answers carry HSTS; plain HTTP only redirects."""
import subprocess

import pytest

from stack import Stack


@pytest.fixture(scope="module")
def production():
    running = Stack(production=True).start()
    yield running
    running.stop()


def handshake(stack, *options):
    """`openssl s_client` against the stack; its return code and what it printed."""
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{stack.port}", "-servername", "127.0.0.1",
                             *options], input="", capture_output=True, text=True, timeout=20)
    return result.returncode, result.stdout + result.stderr


def test_tls_1_3_and_1_2_with_strong_ciphers_are_spoken(production):
    code, out = handshake(production, "-tls1_3")
    assert code == 0 and "TLSv1.3" in out, out
    code, out = handshake(production, "-tls1_2")
    assert code == 0 and "Protocol  : TLSv1.2" in out, out
    # The TLS 1.2 cipher the server picks is forward-secret and authenticated (ECDHE with GCM or ChaCha20)
    cipher = next(line for line in out.splitlines() if line.strip().startswith("Cipher    :")).split(":")[1].strip()
    assert cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA20" in cipher), cipher


@pytest.mark.parametrize("version", ["-tls1_1", "-tls1"])
def test_old_protocols_are_refused_by_the_server(production, version):
    # The client allows the old protocol (security level 0), so only the server can refuse it
    code, out = handshake(production, version, "-cipher", "DEFAULT@SECLEVEL=0")
    assert code != 0
    assert "alert protocol version" in out or "unsupported protocol" in out, out
    assert "Cipher is (NONE)" in out or "Cipher    : 0000" in out or "no peer certificate available" in out, out


@pytest.mark.parametrize("cipher", ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA"])
def test_weak_tls_1_2_ciphers_are_refused(production, cipher):
    code, out = handshake(production, "-tls1_2", "-cipher", f"{cipher}@SECLEVEL=0")
    assert code != 0 and "handshake failure" in out, out


def test_https_answers_carry_hsts_and_http_only_redirects(production):
    result = subprocess.run(["curl", "-sk", "--tlsv1.3", "-D", "-", "-o", "/dev/null", f"{production.base}/"],
                            capture_output=True, text=True, timeout=20)
    headers = result.stdout.lower()
    assert result.returncode == 0 and headers.startswith("http/2 200"), result.stdout + result.stderr
    assert "strict-transport-security: max-age=63072000; includesubdomains" in headers
    # The API too
    result = subprocess.run(["curl", "-sk", "-D", "-", "-o", "/dev/null", f"{production.base}/api/healthz"],
                            capture_output=True, text=True, timeout=20)
    assert "strict-transport-security: max-age=" in result.stdout.lower()


def test_ocsp_stapling_is_configured_and_says_why_it_cannot_staple_a_self_signed_certificate(production):
    config = "".join(path.read_text() for path in (production.dir / "nginx").glob("nginx.conf"))
    assert "ssl_stapling on;" in config and "ssl_stapling_verify on;" in config
    # A self-signed certificate has no issuer to ask: nginx says so and serves without a staple
    code, out = handshake(production, "-status")
    assert code == 0 and "OCSP response: no response sent" in out, out
    error_log = (production.dir / "nginx" / "logs" / "error.log").read_text()
    assert "ssl_stapling" in error_log, error_log
