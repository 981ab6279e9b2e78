"""What must never reach a log (DESIGN, Security; decision 1): the phone numbers, names, e-mail
addresses, consumer numbers and passwords the tests send, and the secrets that manage a token or a
staff session. (A token's view secret may reach nginx's error log: it only reads the token.)
Every stack remembers what its requests carried and, when it stops, searches its nginx access and
error logs and fcgi-app's log for it, and for anything shaped like an Indian mobile number."""
import json
import re
import urllib.parse

PERSONAL_FIELDS = ("phone", "name", "email", "consumer_number", "password")
SECRET_COOKIES = ("gq_manage_", "gq_access", "gq_refresh")
MOBILE = re.compile(rb"(?<![0-9A-Za-z])[6-9][0-9]{9}(?![0-9A-Za-z])")

# Findings of every stack of the session, checked when the session ends (conftest.py).
LEAKS = []


class Sensitive:
    """The values one stack's requests and answers carried that no log may hold."""

    def __init__(self, mobile_shapes=True):
        self.values = set()
        # Off for a stack that schemathesis drives: it puts random integers in paths, which the
        # access log rightly keeps; what its requests carried as phone numbers is still checked.
        self.mobile_shapes = mobile_shapes

    def note(self, value):
        value = str(value).strip()
        if len(value) < 6:  # a short value ("Asha", "12") is found everywhere; phones are 10 digits
            return
        self.values.add(value)
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 10 and digits[-10] in "6789":
            self.values.add(digits[-10:])

    def note_request(self, body, headers):
        fields = {}
        if body:
            try:
                parsed = json.loads(body)
                fields = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                fields = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        for name in PERSONAL_FIELDS:
            if isinstance(fields.get(name), (str, int)):
                self.note(fields[name])
        for pair in (headers or {}).get("Cookie", "").split(";"):
            name, _, value = pair.strip().partition("=")
            if name.startswith(SECRET_COOKIES):
                self.note(value)

    def note_answer(self, set_cookies):
        for line in set_cookies:
            name, _, value = line.split(";")[0].partition("=")
            if name.startswith(SECRET_COOKIES):
                self.note(value)

    def find_in(self, path):
        """(file, what) for each sensitive value, or mobile-shaped number, in the log at `path`."""
        text = path.read_bytes()
        found = []
        for value in self.values:
            spellings = {value, urllib.parse.quote(value), urllib.parse.quote_plus(value), json.dumps(value)[1:-1],
                         json.dumps(value, ensure_ascii=False)[1:-1]}
            if any(spelling.encode() in text for spelling in spellings):
                found.append((str(path), value))
        for match in MOBILE.finditer(text) if self.mobile_shapes else ():
            line_start = text.rfind(b"\n", 0, match.start()) + 1
            line = text[line_start:text.find(b"\n", match.end())].decode("utf-8", "replace")[:300]
            found.append((str(path), f"mobile-shaped number {match.group().decode()} in: {line}"))
        # A schemathesis stack's paths hold random characters, an encoded "?" among them, which
        # nginx's $uri logs decoded: only the other stacks' paths are checked for a query string.
        found += json_line_findings(path, text, check_queries=self.mobile_shapes)
        return found


def json_line_findings(path, text, check_queries=True):
    """The JSON log lines (fcgi-app's, nginx's access log): each one an object, none with a field
    named for personal data, and no path with its query string (it may hold a token's secret)."""
    found = []
    for raw in text.splitlines():
        if not raw.startswith(b"{"):
            continue  # not a JSON line: a crash report, the supervisor's words, nginx's error log
        try:
            line = json.loads(raw)
        except ValueError:
            found.append((str(path), f"a log line that is not JSON: {raw[:200]!r}"))
            continue
        for key in line:
            if key in PERSONAL_FIELDS or key.startswith(("phone", "mobile", "consumer", "secret", "password")):
                found.append((str(path), f"a field named {key}: {raw[:200]!r}"))
        for key in ("path", "uri", "request") if check_queries else ():
            if isinstance(line.get(key), str) and "?" in line[key]:
                found.append((str(path), f"a query string in {key}: {raw[:200]!r}"))
    return found
