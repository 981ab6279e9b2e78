"""A local SMTP relay (aiosmtpd) that requires STARTTLS and a login, as a real one would, and
keeps what it receives."""
import logging
import ssl
import subprocess

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from stack import free_port

# aiosmtpd 1.4 warns on every login that an attribute it sets itself is deprecated.
logging.getLogger("mail.log").setLevel(logging.ERROR)


class SMTPPeer:
    def __init__(self, directory, username="queue", password="relay-pass-2026"):
        self.cert, key = directory / "smtp.crt", directory / "smtp.key"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", self.cert], check=True, capture_output=True)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.received = []
        self.logins = []
        peer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                peer.received.append(envelope)
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == username.encode() and data.password == password.encode()
            peer.logins.append((mechanism, ok, session.ssl is not None))
            return AuthResult(success=ok, handled=False)  # handled=False: the peer answers 535 itself

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=context, require_starttls=True,
                                     authenticator=authenticate, auth_required=True, auth_require_tls=True)
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.controller.stop()
