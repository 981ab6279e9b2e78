"""A minimal text/event-stream client over a raw socket, noting when each event arrives."""
import socket
import time


class EventStream:
    def __init__(self, port, path, last_event_id=None, timeout=10, source="127.0.0.1", headers=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
        # HTTP/1.0: nginx then streams the body as it comes, without chunked framing.
        lines = [f"GET {path} HTTP/1.0", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        if last_event_id is not None:
            lines.append(f"Last-Event-ID: {last_event_id}")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        self.ended = False
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines if ":" in h)}

    def _read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                self.ended = True
                raise EOFError("the stream ended")
            self.buffer += chunk
        block, self.buffer = self.buffer.split(marker, 1)
        return block

    def next_event(self):
        """The next event (comments and the server's 15-second pings skipped) as a dict of its fields,
        with the time it arrived."""
        while True:
            block = self._read_until(b"\n\n").decode()
            fields = {}
            for line in block.split("\n"):
                if line.startswith(":") or not line:
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                fields[name] = fields[name] + "\n" + value if name == "data" and name in fields else value
            if fields and fields.get("event") != "ping":
                return fields, time.monotonic()

    def wait_for_end(self):
        """Reads until the server closes the stream; True if it did within the socket timeout."""
        try:
            while True:
                self._read_until(b"\n\n")
        except EOFError:
            return True
        except socket.timeout:
            return False

    def rest(self):
        """Everything the server still sends until it closes the stream (None if it does not within
        the socket timeout), as text."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    self.ended = True
                    return self.buffer.decode()
                self.buffer += chunk
        except socket.timeout:
            return None

    def close(self):
        self.sock.close()
