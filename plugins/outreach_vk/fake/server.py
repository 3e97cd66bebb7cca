"""The fake VK's HTTP side: VK's wire protocol, the photo upload server and an admin path.

It serves any ``Platform`` (the ``FakeVK``) and knows nothing else of it.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from outreach.fakes import FakeHandler, FakeServer, multipart_files
from outreach_vk import limits
from outreach_vk.fake.execute import SandboxLimit

if TYPE_CHECKING:
    from outreach_vk.fake.media import Media
    from outreach_vk.fake.methods import Methods, VKError

RATE = {"user": limits.USER_RPS, "group": limits.COMMUNITY_RPS, "service": limits.SERVICE_RPS}


class Server(FakeServer):
    platform = "vk"


class Platform(Protocol):
    """What the HTTP side asks of the fake."""

    methods: Methods
    media: Media

    def answer(self, method: str, params: dict[str, str]) -> dict[str, Any]: ...

    def long_poll(self, query: dict[str, str]) -> dict[str, Any]: ...

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
        if self.fake.methods.faults.get("slow"):
            time.sleep(float(self.fake.methods.faults["slow"]))
        if self.fake.methods.take("outage"):
            return self.send_bytes(503, b"<html><body>503 Service Unavailable</body></html>",
                              "text/html")
        if url.path.startswith("/method/"):
            params = dict(parse_qsl(url.query))
            if body:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            try:
                return self.send_json(self.fake.answer(url.path[len("/method/"):], params))
            except SandboxLimit as exc:
                # Not VK's answer: the sandbox's own limit, so no test takes it for VK's.
                return self.send_json({"sandbox_limit": str(exc)}, 501)
        if url.path.startswith("/lp/"):
            return self.send_json(self.fake.long_poll(dict(parse_qsl(url.query))))
        if url.path.startswith("/media/"):  # what people attached (fake.media)
            found = self.fake.media.get(url.path[len("/media/"):])
            if found is None:
                return self.send_bytes(404, b"not found", "text/plain")
            kind = "image/jpeg" if url.path.endswith(".jpg") else "application/octet-stream"
            return self.send_bytes(200, found, kind)
        # dev.vk.com/ru/api/upload/photo-in-message: the file goes in the field "photo" too.
        if url.path in ("/upload/wall", "/upload/messages"):
            return self.send_json(self.fake.upload(dict(parse_qsl(url.query)), multipart_files(
                self.headers.get("Content-Type", ""), body)))
        return self.send_bytes(404, b"not found", "text/plain")

    def _admin(self, action: str, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
            answer = self.fake.admin(action, data)
        except (ValueError, KeyError) as exc:
            return self.send_json({"error": f"bad request: {exc}"}, 400)
        return self.send_json(answer)




def probe(data: bytes) -> dict[str, Any] | str:
    """What VK checks of an uploaded photo: a readable JPG/PNG/GIF of allowed size."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.PHOTO_MAX_BYTES:
        return "ERR_UPLOAD_FILE_TOO_BIG: more than 50 MB"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError):
        return "ERR_UPLOAD_BAD_IMAGE: not an image"
    if kind not in limits.PHOTO_FORMATS:
        return f"ERR_UPLOAD_BAD_IMAGE: {kind} is not JPG, PNG or GIF"
    if width + height > limits.PHOTO_MAX_SUM:
        return "ERR_UPLOAD_BAD_IMAGE_SIZE: width + height more than 14000"
    if max(width, height) > min(width, height) * limits.PHOTO_MAX_RATIO:
        return "ERR_UPLOAD_BAD_IMAGE_SIZE: sides more than 1:20"
    return {"width": width, "height": height, "format": kind,
            "sha256": hashlib.sha256(data).hexdigest()}


def error_body(error: VKError, method: str, params: dict[str, str]) -> dict[str, Any]:
    shown = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    shown += [{"key": k, "value": v} for k, v in params.items()
              if k not in ("access_token", "code")]
    return {"error": {"error_code": error.code, "error_msg": str(error),
                      "request_params": shown, **error.extra}}
