"""What the plugins' fake platforms share: their HTTP server on 127.0.0.1 and its plumbing.

The second module of the plugin API, beside ``outreach.channels`` (and
``outreach.commands`` for plugins' commands): a plugin's fake subclasses
``FakeServer`` and ``FakeHandler``, runs its server with ``Serving``, reads
uploads with ``multipart_files`` and counts a token's requests with
``ArrivalLimit``, so every fake answers the same way: quietly, on kept-alive
connections, and with one log line when a client hangs up. A fake that plays
the sandbox's reporter (``FakePlatform.rehearse_report``) scripts them on
``ReportRehearsal``.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from outreach.channels import client_hung_up

__all__ = ["ArrivalLimit", "FakeHandler", "FakeServer", "ReportRehearsal", "Serving",
           "multipart_files"]


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


class ReportRehearsal(ABC):
    """The sandbox's reporter and coordinator, scripted on a thread of their own.

    The reporter opens their invitation link, sends the photos with the caption
    once the bot has greeted them, then answers each question with the first
    button after ``think`` seconds; the coordinator opens their link and
    approves the report's card ``approve_after`` seconds after it comes to the
    coordinators' chat. Times are of the fake's clock (``now``). A fake says
    how each step is done on its platform, through its own updates, as people
    act: nothing talks to Outreach directly.
    """

    def __init__(self, now: Callable[[], float], reporter_code: str,
                 coordinator_code: str | None, photos: Sequence[Path], caption: str,
                 coordinators_chat: str | None, start_after: float, approve_after: float,
                 think: float = 3.0) -> None:
        self.now = now
        self.reporter_code = reporter_code
        self.coordinator_code = coordinator_code
        self.photos = list(photos)
        self.caption = caption
        try:
            self.chat: int | None = int(str(coordinators_chat).strip())
        except ValueError:
            self.chat = None
        self.start_after = start_after
        self.approve_after = approve_after
        self.think = think
        self.done = False
        self._started = now()
        self._thread = threading.Thread(target=self._run, name="fake-rehearsal", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        stage = "waiting"
        while not self.done and not self.closing():
            time.sleep(0.2)
            now = self.now()
            if stage == "waiting" and now - self._started >= self.start_after:
                self.open_links()
                stage = "greeted"
            elif stage == "greeted" and self.greeted():
                self.send_report()
                stage = "telling"
            elif stage == "telling" and self.answer(now):
                stage = "told"
            if stage in ("telling", "told"):
                if not (self.chat and self.coordinator_code):
                    self.done = stage == "told"
                elif self.approve(now):
                    self.done = True

    @abstractmethod
    def closing(self) -> bool:
        """The fake is stopping: the script ends."""

    @abstractmethod
    def open_links(self) -> None:
        """The coordinator (when there is one) and the reporter open their links."""

    @abstractmethod
    def greeted(self) -> bool:
        """The bot has written to the reporter."""

    @abstractmethod
    def send_report(self) -> None:
        """The reporter sends ``photos`` with ``caption``."""

    @abstractmethod
    def answer(self, now: float) -> bool:
        """Answer the bot's last question by its first button when it is time; True once
        the report is told (every question answered)."""

    @abstractmethod
    def approve(self, now: float) -> bool:
        """Press Approve on a card in ``chat`` that has waited ``approve_after``; True when
        pressed."""
