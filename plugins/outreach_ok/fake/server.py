"""The fake OK's HTTP side: the REST endpoint ``/fb.do``, the upload host and an admin path.

It serves any ``Platform`` (the ``FakeOK``) and knows nothing else of it.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from outreach.fakes import FakeHandler, FakeServer, multipart_files
from outreach_ok import limits


class Server(FakeServer):
    platform = "ok"


class Platform(Protocol):
    """What the HTTP side asks of the fake."""

    def slow(self) -> float: ...

    def outage(self) -> bool: ...

    def answer(self, params: dict[str, str]) -> Any: ...

    def upload(self, query: dict[str, str], files: list[tuple[str, str, bytes]]) -> Any: ...

    def admin(self, action: str, data: dict[str, Any]) -> Any: ...


class Handler(FakeHandler):
    fake: Platform  # set on a subclass per server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._route(b"")

    def do_POST(self) -> None:  # noqa: N802
        self._route(self.read_body())

    def _route(self, body: bytes) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/_sandbox/"):
            return self._admin(url.path[len("/_sandbox/"):], body)
        if self.fake.slow():
            time.sleep(self.fake.slow())
        if self.fake.outage():
            return self.send_bytes(503, b"<html><body>503 Service Unavailable</body></html>",
                              "text/html")
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path == limits.ENDPOINT:
            # apiok.ru/dev/methods: "All API methods are available with GET and POST".
            if body:
                query.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            return self.send_json(self.fake.answer(query))
        if url.path == "/uploadImage":
            return self.send_json(self.fake.upload(query, multipart_files(
                self.headers.get("Content-Type", ""), body)))
        return self.send_bytes(404, b"not found", "text/plain")

    def _admin(self, action: str, body: bytes) -> None:
        try:
            answer = self.fake.admin(action, json.loads(body or b"{}"))
        except (ValueError, KeyError) as exc:
            return self.send_json({"error": f"bad request: {exc}"}, 400)
        return self.send_json(answer)




def probe(data: bytes) -> dict[str, Any] | str:
    """What the fake checks of an uploaded photo: a readable JPG/PNG/GIF of allowed size."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.PHOTO_MAX_BYTES:
        return "the file is too big"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        return "the file is not an image"
    if kind not in limits.PHOTO_FORMATS:
        return f"{kind} is not JPG, PNG or GIF"
    return {"width": width, "height": height, "format": kind}
