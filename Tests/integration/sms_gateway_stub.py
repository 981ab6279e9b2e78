"""A local stand-in for an Indian bulk-SMS HTTP gateway: form posts with sender, DLT template id,
text and idempotency key (or a WhatsApp Business template message, as JSON). It can fail the first attempts of each message (503), and it keeps
exactly what a real gateway's idempotency check would: a repeated key is answered with the first
answer and not sent to the phone again. `signed_report` writes a delivery report as the gateway
sends it back: the body with the time it was sent, signed with the shared secret."""
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def signed_report(secret, report, sent_at=None):
    """A delivery report's body (one report, or {"reports": [...]}) stamped with `sent_at` (Unix
    seconds, now by default) and its X-Signature: HMAC-SHA256 of the exact body under `secret`."""
    body = json.dumps({**report, "timestamp": int(time.time() if sent_at is None else sent_at)}).encode()
    return body, "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class SMSGatewayStub:
    def __init__(self, fail_first=0, delay=0.0):
        self.fail_first = fail_first
        self.delay = delay
        self.lock = threading.Lock()
        self.attempts = {}      # key -> [monotonic times of every request]
        self.delivered = {}     # key -> the fields of the one message sent to the phone
        self.repeats = 0        # requests whose key had been delivered already
        self.bad = []           # requests missing a field a gateway needs
        stub = self

        class Handler(BaseHTTPRequestHandler):
            # Keeps the connection open between messages, as gateways do (every answer has its length),
            # without Nagle's delay: the answer's headers and body go in two writes, and on a kept
            # connection the second waited for the worker's delayed ACK, 40 ms a message.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields = stub.whatsapp_fields(json.loads(raw))
                else:
                    fields = dict(urllib.parse.parse_qsl(raw))
                status, answer = stub.handle(fields, self.headers.get("Idempotency-Key"))
                body = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except BrokenPipeError:
                    pass  # the worker was killed while we answered

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def whatsapp_fields(body):
        """A WhatsApp Business template message (as the Cloud API takes it) in the form's terms, with
        `whatsapp` set; a body of another shape lacks the fields and is refused as bad."""
        try:
            template = body["template"]
            return {"whatsapp": body["messaging_product"] == "whatsapp" and body["type"] == "template", "to": body["to"],
                    "sender": "whatsapp", "template_id": template["name"], "language": template["language"]["code"],
                    "text": template["components"][0]["parameters"][0]["text"],
                    "idempotency_key": body["biz_opaque_callback_data"]}
        except (KeyError, IndexError, TypeError):
            return {}

    def handle(self, fields, header_key):
        key = fields.get("idempotency_key")
        if not key or key != header_key or not all(fields.get(f) for f in ("to", "sender", "template_id", "text")):
            with self.lock:
                self.bad.append(fields)
            return 400, {"error": "missing field"}
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            tries = self.attempts.setdefault(key, [])
            tries.append(time.monotonic())
            if key in self.delivered:
                self.repeats += 1
                return 200, {"id": "gw-" + key, "duplicate": True}
            if len(tries) <= self.fail_first:
                return 503, {"error": "try later"}
            self.delivered[key] = fields
            return 200, {"id": "gw-" + key}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
