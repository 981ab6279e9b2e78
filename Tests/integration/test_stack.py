"""The foundation, end to end through a real nginx and fcgi-app over their unix socket."""
import json
import os
import signal
import subprocess
import time

from stack import BIN, REPO, error_of
from sse import EventStream


def test_static_home_page_is_served_with_security_headers(stack):
    # Given the site sitegen built, when a citizen opens the home page
    status, headers, body = stack.get("/")
    # Then they get the English page, with the headers that protect them
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<html lang="en">' in page
    assert "<h1>Book your place in the queue</h1>" in page
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # only over HTTPS


def test_health_reports_database_and_schema(stack):
    status, headers, body = stack.get("/api/healthz")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-store"
    health = json.loads(body)
    assert health["status"] == "ok"
    assert health["schema_version"] == "v12-feedback"
    assert health["pending_migrations"] == []
    assert health["offices"] >= 4


def test_unknown_api_route_is_404_in_the_error_shape(stack):
    status, headers, body = stack.get("/api/v1/no-such-thing")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert error_of(body)["code"] == "not_found"


def test_wrong_method_is_405_with_allow(stack):
    status, headers, body = stack.request("DELETE", "/api/healthz")
    assert status == 405
    assert headers["Allow"] == "GET"
    assert error_of(body)["code"] == "method_not_allowed"


def test_body_over_the_apps_limit_is_413_from_the_app(stack):
    # fcgi-app takes 4 KiB here; nginx lets 10 KiB through to it
    status, _, body = stack.request("POST", "/api/healthz", body=b"x" * 10_000,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413
    error = error_of(body)
    assert error["code"] == "body_too_large"
    assert "4096" in error["message"]


def test_body_over_nginx_limit_is_413_in_the_same_shape(stack):
    status, _, body = stack.request("POST", "/api/healthz", body=b"x" * 200_000,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413
    error = error_of(body)
    assert error["code"] == "body_too_large"
    assert "65536" in error["message"]


def test_the_app_still_answers_after_refusing_bodies(stack):
    for _ in range(3):
        stack.request("POST", "/api/healthz", body=b"x" * 10_000)
    assert stack.get("/api/healthz")[0] == 200


def test_invalid_stream_parameter_is_400_naming_the_field(stack):
    status, _, body = stack.get("/api/healthz/events?interval=0")
    assert status == 400
    error = error_of(body)
    assert error["field"] == "interval"


def test_event_stream_delivers_each_event_when_written(stack):
    # Given a stream that sends an event every second
    stream = EventStream(stack.port, "/api/healthz/events?interval=1")
    try:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        # When the first two events arrive
        first, first_at = stream.next_event()
        second, second_at = stream.next_event()
        # Then the second came on its own, about a second later, while the stream stays open
        assert first["id"] == "1" and second["id"] == "2"
        assert first["retry"] == "3000"
        assert json.loads(second["data"])["status"] == "ok"
        assert second_at - first_at >= 0.5
        assert not stream.ended
        third, third_at = stream.next_event()
        assert third["id"] == "3" and third_at - second_at >= 0.5
    finally:
        stream.close()


def test_event_stream_resumes_after_last_event_id(stack):
    stream = EventStream(stack.port, "/api/healthz/events?interval=1", last_event_id="41")
    try:
        event, _ = stream.next_event()
        assert event["id"] == "42"
    finally:
        stream.close()


def test_sigterm_ends_streams_and_exits_cleanly(own_stack):
    # Given a client following an event stream
    stream = EventStream(own_stack.port, "/api/healthz/events?interval=30", timeout=8)
    try:
        stream.next_event()
        # When the operator stops fcgi-app
        started = time.monotonic()
        own_stack.app.send_signal(signal.SIGTERM)
        code = own_stack.app.wait(timeout=8)
        # Then the stream ends, the process exits 0 in a few seconds, and its socket is gone
        assert code == 0
        assert time.monotonic() - started < 8
        assert stream.wait_for_end()
        assert not own_stack.socket.exists()
    finally:
        stream.close()
    # And nginx answers API calls meanwhile with a 503 in the API's error shape
    status, headers, body = own_stack.get("/api/healthz")
    assert status == 503
    assert error_of(body)["code"] == "service_unavailable"
    assert headers["Retry-After"] == "5"
    # And a restart on the same socket serves again
    own_stack.start_app()
    own_stack.wait_until_up()


def test_second_app_on_the_same_socket_is_refused_clearly(stack):
    result = subprocess.run(
        [str(stack.app.args[0]), "serve", "--database", str(stack.database), "--socket", str(stack.socket),
         "--strings", str(stack.dir / "public" / "interface-strings.json")],
        capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    assert "already in use" in result.stderr
    assert stack.get("/api/healthz")[0] == 200


def test_both_nginx_configurations_pass_nginx_t(tmp_path):
    render = REPO / "scripts" / "render-nginx.sh"
    key, cert = tmp_path / "tls.key", tmp_path / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=queue.example", "-keyout", key, "-out", cert], check=True, capture_output=True)
    env = dict(os.environ, SERVER_NAME="queue.example", CERT=str(cert), CERT_KEY=str(key))
    for kind in ("local", "production"):
        out = tmp_path / kind
        conf = subprocess.run([render, kind, out], env=env, check=True, capture_output=True, text=True).stdout.strip()
        result = subprocess.run(["nginx", "-t", "-p", str(out), "-c", conf, "-e", str(out / "logs" / "error.log")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "test is successful" in result.stderr
    production = (tmp_path / "production" / "nginx.conf").read_text()
    assert "listen 443 ssl http2" in production
    assert "return 301 https://" in production
    assert "zone=booking" in (tmp_path / "production" / "snippets" / "api.conf").read_text()


def test_openapi_document_is_valid_and_served(stack):
    from openapi_spec_validator import validate
    import yaml
    status, headers, body = stack.get("/api/openapi.yaml")
    assert status == 200
    document = yaml.safe_load(body)
    validate(document)
    assert "/api/v1/tokens" in document["paths"]


def test_a_missing_page_gets_the_not_found_page_of_its_language(stack):
    for prefix, lang in (("", "en"), ("/gu", "gu"), ("/hi", "hi")):
        status, headers, body = stack.get(f"{prefix}/no-such-page/")
        assert status == 404
        assert f'<html lang="{lang}">' in body.decode()


def test_assets_are_fingerprinted_immutable_and_precompressed(stack):
    page = stack.get("/")[2].decode()
    css = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css.startswith("/assets/site.") and len(css.split(".")) == 3
    status, headers, _ = stack.get(css, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"
    status, headers, body = stack.get("/gu/services/", headers={"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
    import gzip
    assert '<html lang="gu">' in gzip.decompress(body).decode()


def test_sitemap_and_robots(stack):
    status, _, body = stack.get("/sitemap.xml")
    assert status == 200 and b'hreflang="gu"' in body and b"/services/new-lt-connection/" in body
    status, _, body = stack.get("/robots.txt")
    assert status == 200 and b"Disallow: /api/" in body and b"Sitemap:" in body


def test_the_production_unit_passes_systemd_analyze_verify(tmp_path):
    # The unit as shipped, pointed at this build's fcgi-app (verify checks that the program exists)
    unit = (REPO / "deploy" / "systemd" / "guvnl-queue-app.service").read_text()
    assert "Restart=always" in unit and "StartLimitIntervalSec=0" in unit
    (tmp_path / "guvnl-queue-app.service").write_text(unit.replace("/opt/guvnl-queue/bin/fcgi-app", str((BIN / "fcgi-app").resolve())))
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "guvnl-queue-app.service")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "guvnl-queue-app.service" not in result.stderr, result.stderr
