"""A local stand-in for a browser vendor's push service: HTTPS with a self-signed certificate (the
worker is told to trust it with --push-ca-file), keeping every message it is sent with its headers.
Endpoints under /gone/ answer 410 Gone, as a push service does for an expired subscription; those
under /busy/ answer their first request 429 with a Retry-After, as a push service that is rate
limiting; those under /slow/ answer only after `slow_seconds`, as a push service in trouble. It
checks nothing itself: the tests check the VAPID token and decrypt the payload, independently of the
Swift code (cryptography and http_ece)."""
import base64
import json
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushServiceStub:
    def __init__(self, directory):
        self.cert, key = directory / "push.crt", directory / "push.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True)
        self.received = []   # (path, headers, body) of every request
        self.times = {}      # path -> monotonic times of its requests
        # Endpoints under /busy/ answer their first request 429 Too Many Requests with this Retry-After.
        self.retry_after = "3"
        # Endpoints under /slow/ answer after this many seconds.
        self.slow_seconds = 6
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with stub.lock:
                    stub.received.append((self.path, dict(self.headers.items()), body))
                    stub.times.setdefault(self.path, []).append(time.monotonic())
                    busy = self.path.startswith("/busy/") and len(stub.times[self.path]) == 1
                if self.path.startswith("/slow/"):
                    time.sleep(stub.slow_seconds)
                if busy:
                    self.send_response(429)
                    self.send_header("Retry-After", stub.retry_after)
                else:
                    self.send_response(410 if self.path.startswith("/gone/") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()

    def messages_to(self, path):
        with self.lock:
            return [(headers, body) for p, headers, body in self.received if p == path]


class Browser:
    """What a browser keeps for one push subscription: its P-256 key pair and auth secret."""
    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = bytes(range(16))

    def subscription(self):
        public = self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}

    def decrypt(self, body):
        """RFC 8291 as http_ece implements it: the payload back, as the browser would read it."""
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def verified_vapid_claims(authorization, now=None):
    """Checks an `Authorization: vapid t=<jwt>, k=<key>` header as a push service does (RFC 8292):
    ES256 over the JWT's first two parts with the key sent beside it. Returns the claims and the key."""
    assert authorization.startswith("vapid t="), authorization
    token, key = authorization[len("vapid t="):].split(", k=")
    header, claims, signature = token.split(".")
    assert json.loads(b64url_decode(header)) == {"typ": "JWT", "alg": "ES256"}
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    raw = b64url_decode(signature)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID signature does not verify")
    claims = json.loads(b64url_decode(claims))
    now = now or time.time()
    assert now < claims["exp"] <= now + 24 * 3600, claims
    return claims, key
