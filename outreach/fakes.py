"""What the plugins' fake platforms share: their HTTP server on 127.0.0.1 and its plumbing.

The second module of the plugin API, beside ``outreach.channels`` (and
``outreach.commands`` for plugins' commands): a plugin's fake subclasses
``FakeServer`` and ``FakeHandler``, runs its server with ``Serving``, reads
uploads with ``multipart_files`` and counts a token's requests with
``ArrivalLimit``, so every fake answers the same way: quietly, on kept-alive
connections, and with one log line when a client hangs up.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from outreach.channels import client_hung_up

__all__ = ["ArrivalLimit", "FakeHandler", "FakeServer", "Serving", "multipart_files"]


class FakeServer(ThreadingHTTPServer):
    """A fake's server: a thread per connection, none of them keeping the process alive."""

    daemon_threads = True
    #: The platform's name in the line said when a client hangs up (set per subclass).
    platform = "fake"

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not client_hung_up(self.platform):  # e.g. a long poll whose service stopped
            super().handle_error(request, client_address)


class FakeHandler(BaseHTTPRequestHandler):
    """A fake's request handler: HTTP/1.1 kept alive, no line per request, JSON answers."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes on a kept-alive connection: without this,
    # Nagle's algorithm holds the body until the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    def read_body(self) -> bytes:
        """The request's body (``Content-Length`` bytes; none without it)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        pass  # the sandbox prints its own summary; a line per request would drown it

    def send_json(self, payload: Any, status: int = 200) -> None:
        self.send_bytes(status, json.dumps(payload, ensure_ascii=False).encode(),
                        "application/json; charset=utf-8")

    def send_bytes(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Serving:
    """A fake's server answering on 127.0.0.1:``port`` (0: any free one) in a thread of
    its own, from when it is made until ``stop``; its handler class is ``handler`` with
    ``fake`` set to the fake it asks."""

    def __init__(self, server: type[FakeServer], handler: type[FakeHandler], fake: Any,
                 port: int = 0) -> None:
        bound = type("BoundHandler", (handler,), {"fake": fake})
        self.server = server(("127.0.0.1", port), bound)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fake-{server.platform}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class ArrivalLimit:
    """A platform's per-token request limit as its fake keeps it: at most ``rate``
    requests in any ``window`` seconds of their arrivals. Not thread-safe: the fake
    calls it under its own lock."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str, rate: int) -> bool:
        """Count a request of ``key`` if fewer than ``rate`` came in the window."""
        now = time.monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= rate:
            return False
        seen.append(now)
        return True


def multipart_files(content_type: str, body: bytes) -> list[tuple[str, str, bytes]]:
    """(field, file name, bytes) of each file in a multipart/form-data body."""
    if not content_type.startswith("multipart/form-data"):
        return []
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    found = []
    for part in message.iter_parts():
        filename = part.get_filename()
        if filename is not None:
            decoded = part.get_payload(decode=True)
            found.append((str(part.get_param("name", header="content-disposition")),
                          filename, decoded if isinstance(decoded, bytes) else b""))
    return found
