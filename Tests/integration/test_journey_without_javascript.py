"""A citizen without JavaScript: the booking page's form, the token page, finding the token again."""
import re
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(stack, action, fields):
    request = urllib.request.Request(stack.base + action, method="POST", data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location"), answer.read().decode()
    raise AssertionError("expected a redirect or an error")


def test_book_from_the_booking_page_then_find_the_token_again(stack):
    # Given the Gujarati booking page, as a browser without JavaScript sees it
    status, _, body = stack.get("/gu/book/")
    page = body.decode()
    assert status == 200 and '<form method="post" action="/api/v1/tokens?lang=gu"' in page
    assert '<option value="VAD-247">વડોદરા 24×7 ગ્રાહક સેવા કેન્દ્ર</option>' in page
    language = re.search(r'name="language" value="(\w+)"', page).group(1)
    # When the citizen fills it in and sends it
    status, location, _ = post_form(stack, "/api/v1/tokens", {
        "office": "VAD-247", "service": "meter-complaint", "name": "ભાવના શાહ", "phone": "98765 43210",
        "priority": "senior_citizen", "language": language})
    # Then they are sent to their token page, in Gujarati, without any script
    assert status == 303 and location.startswith("/token/?id=")
    status, _, body = stack.get(location)
    token_page = body.decode()
    assert status == 200 and '<html lang="gu">' in token_page
    number = re.search(r'<p class="token-number">([A-Z]+-\d+)</p>', token_page).group(1)
    assert number.startswith("MC-")
    # And later they find it again from the find page with its number and their mobile number
    status, _, body = stack.get("/gu/find/")
    assert '<form method="post" action="/token/find?lang=gu"' in body.decode()
    status, found, _ = post_form(stack, "/token/find", {"office": "VAD-247", "number": number.lower(),
                                                        "phone": "+91 9876543210", "language": "gu"})
    # (the same token's page, under a new view secret: finding again never hands out the right to cancel)
    assert status == 303 and found.split("&secret=")[0] == location.split("&secret=")[0] and found != location
    found_page = stack.get(found)[2].decode()
    assert f'<p class="token-number">{number}</p>' in found_page and "/cancel" not in found_page
    status, _, body = post_form(stack, "/token/find", {"office": "VAD-247", "number": number, "phone": "9000000000",
                                                       "language": "gu"})
    # (not found: the find form again, in Gujarati, with what was typed)
    assert status == 404 and '<form method="post" action="/token/find?lang=gu"' in body and 'value="9000000000"' in body


def nav_links(html, name):
    """The (address, words) of each link in the page's nav of that class."""
    nav = re.search(rf'<nav class="{name}"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)) if nav else []


def test_the_form_sent_back_after_a_mistake_keeps_the_sites_navigation_in_its_language(stack):
    for language, others in [("en", {"ગુજરાતી": "/gu/book/vad-247/", "हिन्दी": "/hi/book/vad-247/"}),
                             ("gu", {"English": "/book/vad-247/", "हिन्दी": "/hi/book/vad-247/"}),
                             ("hi", {"English": "/book/vad-247/", "ગુજરાતી": "/gu/book/vad-247/"})]:
        booking_page = stack.get("/book/" if language == "en" else f"/{language}/book/")[2].decode()
        # When a citizen without JavaScript sends the booking form with a mobile number too short
        status, _, body = post_form(stack, "/api/v1/tokens", {
            "office": "VAD-247", "service": "meter-complaint", "name": "ભાવના શાહ", "phone": "98765", "language": language})
        # Then the form comes back with the booking page's own navigation, in the page's language,
        # the way to the other languages' booking pages of the office, and the skip link
        assert status == 400 and f'<html lang="{language}">' in body and 'aria-invalid="true"' in body
        assert nav_links(body, "site-nav") == nav_links(booking_page, "site-nav") != []
        assert dict((words, address) for address, words in nav_links(body, "languages")) == others
        assert '<a class="skip-link" href="#main">' in body and '<footer class="site-footer">' in body
