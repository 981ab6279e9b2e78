"""Citizens' API through real nginx and fcgi-app: book, read, find again, cancel; concurrency."""
import json
import re
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from stack import BIN, Stack, error_of

JSON = {"Content-Type": "application/json"}


def book(stack, phone, service="bill-complaint", **extra):
    fields = {"office": "VAD-247", "service": service, "name": "આશા પટેલ", "phone": phone, **extra}
    return stack.request("POST", "/api/v1/tokens", body=json.dumps(fields).encode(), headers=JSON)


def test_book_read_find_and_cancel(stack):
    # Given a citizen booking a walk-in token at the round-the-clock office
    status, headers, body = book(stack, "9825011111", service="meter-complaint")
    assert status == 201
    answer = json.loads(body)
    token, secret = answer["token"], answer["secret"]
    assert token["number"].startswith("MC-") and token["state"] == "waiting"
    assert headers["Location"] == f"/api/v1/tokens/{token['id']}"
    # and this device gets the manage capability as an HttpOnly cookie
    cookie_name = f"gq_manage_{token['id']}"
    manage = f"{cookie_name}={headers.cookies[cookie_name]}"
    assert any("HttpOnly" in line for line in headers.set_cookies)
    # When they read it with its secret, and find it again by number and phone (a POST)
    status, _, body = stack.get(f"/api/v1/tokens/{token['id']}?secret={secret}")
    position = json.loads(body)["token"]["position"]
    assert status == 200 and position["ahead"] >= 0
    # (no estimate unless a clerk is at a counter of the service: see test_staff_api)
    assert (position.get("estimated_wait_seconds") is None) == (position["open_counters"] == 0)
    assert position["ahead_text"]  # in the token's language
    status, found_headers, body = stack.request("POST", "/api/v1/tokens/lookup", headers=JSON, body=json.dumps(
        {"office": "VAD-247", "number": token["number"], "phone": "+91 9825011111"}).encode())
    found = json.loads(body)
    assert status == 200 and found["token"]["id"] == token["id"] and found["secret"] != secret
    assert not found_headers.set_cookies
    # Then without a secret they cannot read it; what was found again reads it but cannot cancel it
    assert stack.get(f"/api/v1/tokens/{token['id']}")[0] == 401
    assert stack.get(f"/api/v1/tokens/{token['id']}?secret={found['secret']}")[0] == 200
    status, _, body = stack.request("POST", f"/api/v1/tokens/{token['id']}/cancel",
                                    body=json.dumps({"secret": found["secret"]}).encode(), headers=JSON)
    assert status == 403 and error_of(body)["code"] == "manage_not_allowed"
    # and the device that booked cancels, once
    status, _, body = stack.request("POST", f"/api/v1/tokens/{token['id']}/cancel", body=b"{}",
                                    headers={**JSON, "Cookie": manage})
    assert status == 200 and json.loads(body)["token"]["state"] == "cancelled"
    status, _, body = stack.request("POST", f"/api/v1/tokens/{token['id']}/cancel", body=b"{}",
                                    headers={**JSON, "Cookie": manage})
    assert status == 409 and error_of(body)["code"] == "illegal_transition"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_form_post_without_javascript_is_answered_303_to_the_token_page(stack):
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        stack.base + "/api/v1/tokens", method="POST",
        data="office=VAD-247&service=reconnection&name=Ravi+Shah&phone=98980+22222&language=en".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        opener.open(request, timeout=10)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
        assert answer.headers["Location"].startswith("/token/?id=")


def test_bad_input_is_a_4xx_naming_the_field(stack):
    status, _, body = book(stack, "12345")
    assert status == 400 and error_of(body)["field"] == "phone"
    status, _, body = stack.request("POST", "/api/v1/tokens", body=b"{not json", headers=JSON)
    assert status == 400
    status, _, body = stack.request("POST", "/api/v1/tokens", body=b"<a/>", headers={"Content-Type": "text/xml"})
    assert status == 415


def test_concurrent_bookings_through_nginx_get_distinct_gapless_numbers(stack):
    # Given 60 citizens booking the same service at once
    phones = [f"97{index:08d}" for index in range(60)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda phone: book(stack, phone, service="new-lt-connection"), phones))
    # Then every booking succeeded with its own number, and the numbers have no gaps
    assert all(status == 201 for status, _, _ in answers)
    numbers = sorted(int(json.loads(body)["token"]["number"].split("-")[1]) for _, _, body in answers)
    assert numbers == list(range(numbers[0], numbers[0] + 60))


def test_the_public_snapshot_shows_waiting_counts_and_no_personal_data(stack):
    book(stack, "9825033333", service="bill-complaint")
    status, _, body = stack.get("/api/v1/offices/VAD-247/queue")
    assert status == 200
    snapshot = json.loads(body)
    waiting = {service["code"]: service["waiting"] for service in snapshot["services"]}
    assert waiting["bill-complaint"] >= 1
    text = body.decode()
    assert "9825033333" not in text and "પટેલ" not in text


def test_the_qr_code_scans_to_the_token_page(stack, tmp_path):
    status, _, body = book(stack, "9825044444", service="reconnection")
    answer = json.loads(body)
    token, secret = answer["token"], answer["secret"]
    status, headers, svg = stack.get(f"/api/v1/tokens/{token['id']}/qr.svg?secret={secret}")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert scanned_qr(svg, tmp_path) == f"http://127.0.0.1:{stack.port}/token/?id={token['id']}&secret={secret}"
    assert stack.get(f"/api/v1/tokens/{token['id']}/qr.svg?secret=wrong")[0] == 404


def scanned_qr(svg, tmp_path):
    import subprocess
    (tmp_path / "qr.svg").write_bytes(svg)
    subprocess.run(["rsvg-convert", "-w", "400", "-o", str(tmp_path / "qr.png"), str(tmp_path / "qr.svg")], check=True)
    return subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_with_a_public_url_the_qr_code_points_there_whatever_host_the_request_named(tmp_path):
    # Given a server told its public address (a kiosk may reach it by a LAN name citizens cannot)
    stack = Stack(app_args=["--public-url", "https://queue.guvnl.example/"]).start()
    try:
        answer = json.loads(book(stack, "9825044445", service="reconnection")[2])
        token, secret = answer["token"], answer["secret"]
        # When the ticket's QR code is asked for under another Host
        status, _, svg = stack.request("GET", f"/api/v1/tokens/{token['id']}/qr.svg?secret={secret}",
                                       headers={"Host": "10.20.30.40:8080"})
        assert status == 200
        # Then it scans to the public address
        assert scanned_qr(svg, tmp_path) == f"https://queue.guvnl.example/token/?id={token['id']}&secret={secret}"
    finally:
        stack.stop()
    # And an address that is not one is refused at start, naming the setting
    refused = subprocess.run([BIN / "fcgi-app", "serve", "--public-url", "https://queue.guvnl.example/token"],
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "--public-url" in refused.stderr


def test_a_failed_form_post_without_javascript_shows_the_form_again_with_the_input(stack):
    request = urllib.request.Request(
        stack.base + "/api/v1/tokens", method="POST",
        data="office=VAD-247&service=meter-complaint&name=Ravi+Shah&phone=12345&language=hi".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("expected an error page")
    except urllib.error.HTTPError as answer:
        assert answer.code == 400
        assert answer.headers["Content-Type"].startswith("text/html")
        assert "Content-Security-Policy" in answer.headers
        page = answer.read().decode()
    assert '<html lang="hi">' in page
    assert 'value="Ravi Shah"' in page and 'value="12345" aria-invalid="true"' in page
    assert "मोबाइल नंबर" in page


def test_the_token_page_works_without_javascript(stack):
    status, _, body = book(stack, "9825055555", service="reconnection")
    answer = json.loads(body)
    status, headers, page = stack.get(answer["page"])
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = page.decode()
    assert '<html lang="gu">' in page
    assert f'<p class="token-number">{answer["token"]["number"]}</p>' in page
    assert "પુનઃ વીજ જોડાણ" in page  # the service's name in Gujarati
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    # (its script by its fingerprinted name, cached for a year like the static pages' assets)
    script = re.search(r'<script src="(/assets/token\.[0-9a-f]+\.js)" defer></script>', page).group(1)
    assert stack.get(script)[0] == 200
    status, _, page = stack.get(f"/token/?id={answer['token']['id']}&secret=wrong")
    assert status == 404 and "This link does not lead to a token" in page.decode()
