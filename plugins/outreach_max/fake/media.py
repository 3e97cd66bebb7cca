"""What people send the fake MAX's bot: photos, files and videos, and their download.

A ``message_created`` carries them as attachments (schema, MessageBody.attachments,
Attachment's discriminator): an ``image`` with ``payload`` {``photo_id`` "Unique
identifier of this image", ``token``, ``url`` "Image URL"} (PhotoAttachment),
a ``file`` with ``payload`` {``url``, ``token``}, ``filename`` and ``size``
(FileAttachment), a ``video`` with ``payload`` {``url``, ``token``} and its
size (VideoAttachment). The bytes behind each ``url`` are served by the fake
at ``/_files/<key>`` to a plain GET. ASSUMPTION: the schema documents no
header or token for downloading an attachment's URL, so none is asked for; and
no limit on what a bot may download (the plugin stops at 50 MB by itself).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import threading
from collections.abc import Callable
from typing import Any


class Media:
    """Files people sent, by key, and the attachments that point at them."""

    def __init__(self, base_url: Callable[[], str]) -> None:
        self.base_url = base_url
        self._files: dict[str, bytes] = {}
        self._photo_ids: dict[str, int] = {}  # sha256 -> photo_id: the same photo, one id
        self._next_photo = 78_000_001
        self._lock = threading.Lock()
        #: Keys downloaded, in order (a test checks what the bot fetched).
        self.downloads: list[str] = []

    def _keep(self, data: bytes) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._files[key] = data
        return key

    def url(self, key: str) -> str:
        return f"{self.base_url()}/_files/{key}"

    def image(self, data: bytes) -> dict[str, Any]:
        """An ``image`` attachment (PhotoAttachment) of the photo ``data``."""
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            photo_id = self._photo_ids.get(digest)
            if photo_id is None:
                photo_id = self._photo_ids[digest] = self._next_photo
                self._next_photo += 1
        key = self._keep(data)
        return {"type": "image", "payload": {"photo_id": photo_id,
                                             "token": secrets.token_urlsafe(24),
                                             "url": self.url(key)}}

    def file(self, data: bytes, filename: str) -> dict[str, Any]:
        """A ``file`` attachment (FileAttachment): a photo or a document sent as a file."""
        key = self._keep(data)
        return {"type": "file", "payload": {"url": self.url(key),
                                            "token": secrets.token_urlsafe(24)},
                "filename": filename, "size": len(data)}

    def video(self, data: bytes, duration: int = 12) -> dict[str, Any]:
        """A ``video`` attachment (VideoAttachment); its file is not for the bot to fetch
        ("use getVideoAttachmentDetails method to obtain direct links", AttachmentPayload)."""
        return {"type": "video", "payload": {"url": self.url(self._keep(data)),
                                             "token": secrets.token_urlsafe(24)},
                "width": 1280, "height": 720, "duration": duration}

    def read(self, key: str) -> bytes | None:
        with self._lock:
            data = self._files.get(key)
        if data is not None:
            self.downloads.append(key)
        return data


def sample_photo(seed: int, size: tuple[int, int] = (1280, 960)) -> bytes:
    """A JPEG a simulated person sends (a colour of its own, so photos differ)."""
    from PIL import Image

    image = Image.new("RGB", size, ((seed * 67) % 256, (seed * 31) % 256, (seed * 13) % 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
