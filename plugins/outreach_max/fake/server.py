"""The fake MAX's HTTP side: REST paths, the upload host, and an admin path.

It serves any ``Platform`` (the ``FakeMax``) and knows nothing else of it.
Answers are JSON; an error is its HTTP status with ``{"code", "message"}``
(schema, info.description "Error responses" and components Error).
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from outreach.fakes import FakeHandler, FakeServer, multipart_files


class MaxError(Exception):
    """An error answer: HTTP ``status`` with MAX's ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = {"code": code, "message": message}


class Server(FakeServer):
    platform = "max"


class Platform(Protocol):
    """What the HTTP side asks of the fake."""

    def answer(self, verb: str, path: str, query: dict[str, str], token: str | None,
               body: Any) -> tuple[int, Any]: ...

    def upload(self, key: str, files: list[tuple[str, str, bytes]]) -> tuple[int, Any]: ...

    def admin(self, action: str, data: dict[str, Any]) -> Any: ...

    def fault(self, name: str) -> Any: ...

    def download(self, key: str) -> bytes | None: ...


class Handler(FakeHandler):
    fake: Platform  # set on a subclass per server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._route("GET", b"")

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST", self.read_body())

    def do_DELETE(self) -> None:  # noqa: N802
        self._route("DELETE", b"")

    def _route(self, verb: str, raw: bytes) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/_sandbox/"):
            return self._admin(url.path[len("/_sandbox/"):], raw)
        slow = self.fake.fault("slow")
        if slow:
            time.sleep(float(slow))
        if self.fake.fault("outage"):
            return self.send_bytes(503, b"<html><body>503 Service Unavailable</body></html>",
                              "text/html")
        if url.path.startswith("/_files/") and verb == "GET":
            data = self.fake.download(url.path[len("/_files/"):])
            if data is None:
                return self.send_json({"code": "not.found", "message": "file not found"}, 404)
            return self.send_bytes(200, data, "application/octet-stream")
        if url.path.startswith("/_upload/"):
            status, answer = self.fake.upload(url.path[len("/_upload/"):], multipart_files(
                self.headers.get("Content-Type", ""), raw))
            return self.send_json(answer, status)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return self.send_json({"code": "proto.payload",
                                   "message": "request body is not JSON"}, 400)
        status, answer = self.fake.answer(verb, url.path, dict(parse_qsl(url.query)),
                                          self.headers.get("Authorization"), body)
        return self.send_json(answer, status)

    def _admin(self, action: str, raw: bytes) -> None:
        try:
            answer = self.fake.admin(action, json.loads(raw or b"{}"))
        except (ValueError, KeyError) as exc:
            return self.send_json({"error": f"bad request: {exc}"}, 400)
        return self.send_json(answer)


