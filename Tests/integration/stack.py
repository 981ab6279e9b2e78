"""A private GUVNL Queue stack for the integration tests: sitegen's site, fcgi-app on a temporary
socket and database, and nginx on a free port of 127.0.0.1, rendered from the repository's config."""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from log_privacy import LEAKS, Sensitive

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("GUVNL_BIN_DIR", REPO / ".build" / "debug"))


# Ports a person gives `make run` by hand (GUVNL_LISTEN), free now but wanted back soon.
HAND_PICKED = {18080, 18090, 18081, 18091}


def free_port():
    """A port nothing listens on, below the range the kernel hands to outgoing connections: a port
    from that range, free when chosen, may be some client's by the time nginx binds it seconds later
    (a benchmark's thousands of streams on the same machine), and nginx then fails to start."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for _ in range(200):
        port = random.randrange(10000, max(low, 10001))
        if port in HAND_PICKED:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    def __init__(self, app_max_body=65536, nginx_max_body=65536, supervised=False, app_args=(), production=False,
                 nginx_env=None, database=None, generated_paths=False, log_file=False, check_logs=True):
        # Short path: a unix socket path must fit in 108 bytes.
        self.dir = Path(tempfile.mkdtemp(prefix="gq-"))
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        # The production configuration (TLS, strict limits) with a self-signed certificate, or the local one.
        self.production = production
        self.nginx_env = dict(nginx_env or {})
        self.base = f"{'https' if production else 'http'}://127.0.0.1:{self.port}"
        self.socket = self.dir / "run" / "app.sock"
        self.database = Path(database) if database else self.dir / "queue.sqlite"
        self.app_log = self.dir / "fcgi-app.log"
        # With `log_file`, fcgi-app writes its JSON lines to a file of its own (--log-file), which it
        # opens again on SIGUSR1; its standard error still goes to `app_log`.
        self.app_log_file = self.dir / "app-logs" / "fcgi-app.log" if log_file else None
        self.app_max_body = app_max_body
        self.nginx_max_body = nginx_max_body
        self.app = None
        self.nginx_conf = None
        # Under scripts/supervise.sh, as `make run` starts it: `app` is then the supervisor.
        self.supervised = supervised
        self.app_args = list(app_args)
        # What this stack's requests carried that must never reach a log (checked at stop).
        self.sensitive = Sensitive(mobile_shapes=not generated_paths)
        # Benchmarks write hundreds of megabytes of log lines and book thousands of phones: their
        # logs are not searched at stop (the tests' stacks are).
        self.check_logs = check_logs

    def start(self):
        """Starts the stack; if any part fails to start, stops what did (no fcgi-app left behind)."""
        try:
            return self._start()
        except BaseException:
            self.check_logs = False
            self.stop()
            raise

    def _start(self):
        (self.dir / "run").mkdir()
        subprocess.run([BIN / "sitegen", "build", "--root", REPO, "--output", self.dir / "public"],
                       check=True, capture_output=True)
        # The same chain as `make run`: the site's catalogue, demo staff, the 24x7 office's counters open.
        for command in (["migrate"], ["import-catalog", self.dir / "public" / "catalog.json"], ["migrate", "--demo-staff"],
                        *(["counter", "open", "--office", "VAD-247", "--number", str(n)] for n in (1, 2, 3))):
            subprocess.run([BIN / "fcgi-app", *command, "--database", self.database], check=True, capture_output=True)
        self.start_app()
        shutil.copy(REPO / "openapi.yaml", self.dir / "openapi.yaml")
        env = dict(os.environ, GUVNL_ROOT=str(self.dir / "public"), GUVNL_SOCKET=str(self.socket),
                   GUVNL_OPENAPI=str(self.dir / "openapi.yaml"),
                   GUVNL_LISTEN=f"127.0.0.1:{self.port}", GUVNL_MAX_BODY_BYTES=str(self.nginx_max_body),
                   NGINX_USER_LINE="user www-data www-data;" if os.geteuid() == 0 else "")
        if self.production:
            key, cert = self.dir / "tls.key", self.dir / "tls.crt"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                            "-keyout", key, "-out", cert], check=True, capture_output=True)
            os.chmod(key, 0o644)
            env.update(SERVER_NAME="127.0.0.1", CERT=str(cert), CERT_KEY=str(key), GUVNL_HTTPS_LISTEN=f"127.0.0.1:{self.port}",
                       GUVNL_HTTP_LISTEN=f"127.0.0.1:{free_port()}", NGINX_PID=str(self.dir / "nginx" / "nginx.pid"))
        env.update(self.nginx_env)
        out = subprocess.run([REPO / "scripts" / "render-nginx.sh", "production" if self.production else "local",
                              self.dir / "nginx"], env=env, check=True, capture_output=True, text=True)
        self.nginx_conf = out.stdout.strip()
        subprocess.run(self.nginx_command(), check=True)
        self.wait_until_up()
        return self

    def start_app(self):
        args = [BIN / "fcgi-app", "serve", "--database", self.database, "--socket", self.socket,
                "--strings", self.dir / "public" / "interface-strings.json",
                "--max-body-bytes", str(self.app_max_body), *self.app_args]
        if os.geteuid() == 0:
            args += ["--socket-group", "www-data"]
        if self.app_log_file:
            self.app_log_file.parent.mkdir(exist_ok=True)
            args += ["--log-file", self.app_log_file]
        if self.supervised:
            args = [REPO / "scripts" / "supervise.sh", *args]
        with open(self.app_log, "ab") as log:
            self.app = subprocess.Popen(args, stderr=log, stdout=log)
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if self.app.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fcgi-app did not start:\n" + self.app_log.read_text())
            time.sleep(0.05)

    def restart_app(self):
        """fcgi-app stopped and started again, as after an edit of the database it reads only at start."""
        self.app.terminate()
        self.app.wait()
        self.socket.unlink(missing_ok=True)
        self.start_app()

    def app_pid(self):
        """The pid of fcgi-app itself (under the supervisor, its child)."""
        if not self.supervised:
            return self.app.pid
        out = subprocess.run(["pgrep", "-P", str(self.app.pid), "-f", "fcgi-app"], capture_output=True, text=True)
        return int(out.stdout.split()[0]) if out.stdout.split() else None

    def nginx_command(self, *extra):
        prefix = self.dir / "nginx"
        return ["nginx", "-p", str(prefix), "-c", self.nginx_conf, "-e", str(prefix / "logs" / "error.log"), *extra]

    def wait_until_up(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                status, _, _ = self.get("/api/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the stack did not come up")
            time.sleep(0.1)

    def stop(self):
        if self.nginx_conf:
            subprocess.run(self.nginx_command("-s", "stop"), capture_output=True)
        if self.app and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.app.kill()
        time.sleep(0.2)
        if self.check_logs:
            LEAKS.extend(self.log_leaks())
        shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self):
        """nginx's access and error logs and fcgi-app's log, and what logrotate made of them."""
        return [path for path in [*(self.dir / "nginx" / "logs").glob("*.log*"), *(self.dir / "app-logs").glob("*"),
                                  self.app_log] if path.exists()]

    def app_log_lines(self):
        """fcgi-app's JSON log lines (its log file's, if it has one), parsed."""
        path = self.app_log_file or self.app_log
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def access_log_lines(self):
        """nginx's JSON access log lines, parsed."""
        path = self.dir / "nginx" / "logs" / "access.log"
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def log_leaks(self):
        return [leak for path in self.logs() for leak in self.sensitive.find_in(path)]

    def request(self, method, path, body=None, headers=None, source="127.0.0.1"):
        """One request, sent exactly as given (no redirects followed, the path not normalised), from
        `source`, a 127.0.0.x address: nginx's limits count per client address."""
        if self.production:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0),
                                                     context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        self.sensitive.note_request(body, headers)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            answer = Headers(response.msg)
            self.sensitive.note_answer(answer.set_cookies)
            return response.status, answer, response.read()
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)


class Headers(dict):
    """Response headers by name, and every Set-Cookie as `cookies` ({name: value}) and `set_cookies`."""
    def __init__(self, message):
        super().__init__(message.items())
        self.message = message
        self.set_cookies = message.get_all("Set-Cookie") or []
        self.cookies = {line.split(";")[0].split("=", 1)[0]: line.split(";")[0].split("=", 1)[1] for line in self.set_cookies}


def error_of(body):
    """The `error` object of an API error answer, checked for the shape every error must have."""
    document = json.loads(body)
    assert set(document) == {"error"}
    error = document["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error
