"""What simulated people attach to their messages in the fake VK: photos, documents, videos.

A photo attachment is a ``photos_photo`` (schema ``photos/objects.json``) whose
``sizes`` are proportional copies of the photo, each ``{"type", "url", "width",
"height"}``: s (longest side 75 px), m (130), x (604), y (807), z (at most
1080×1024), w (at most 2560×2048), per dev.vk.com "Формат описания размеров
фотографии" (reference/objects/photo-sizes); a type is listed while the copy is
smaller than the photo, and the first type the whole photo fits holds the
photo itself, byte for byte. Each size is downloadable from the fake at its
``url``. A document is a ``docs_doc`` (id, owner_id, title, size, ext, url,
date, type), downloadable too; a video is a ``video_video`` with no file to
download (VK gives bots no video file, only the player).
"""

from __future__ import annotations

import io
import itertools
import threading
from typing import Any

#: (type, widest, tallest) of a proportional copy, smallest first (dev.vk.com photo-sizes).
SIZES = (("s", 75, 75), ("m", 130, 130), ("x", 604, 604), ("y", 807, 807),
         ("z", 1080, 1024), ("w", 2560, 2048))
#: docs_doc.type: 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video, 7 e-book, 8 unknown
#: (dev.vk.com, objects "Файл").
DOC_TYPES = {"txt": 1, "doc": 1, "docx": 1, "pdf": 1, "zip": 2, "rar": 2, "gif": 3,
             "jpg": 4, "jpeg": 4, "png": 4, "heic": 4, "webp": 4, "mp3": 5, "mp4": 6,
             "epub": 7}


class Media:
    """The files people attached, kept in memory and served at ``/media/<name>``."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._ids = itertools.count(457_240_001)
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        with self._lock:
            return self._files.get(name)

    def _keep(self, name: str, data: bytes) -> None:
        with self._lock:
            self._files[name] = data

    def photo(self, owner: int, data: bytes, base_url: str, date: int) -> dict[str, Any]:
        """A message's photo attachment for the JPEG or PNG ``data`` sent by ``owner``."""
        from PIL import Image

        photo_id = next(self._ids)
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            sizes = []
            for kind, most_w, most_h in SIZES:
                name = f"photo{owner}_{photo_id}_{kind}.jpg"
                if width <= most_w and height <= most_h:  # the photo itself: the largest
                    self._keep(name, data)
                    sizes.append({"type": kind, "url": f"{base_url}/media/{name}",
                                  "width": width, "height": height})
                    break
                copy = image.convert("RGB")
                copy.thumbnail((most_w, most_h))
                out = io.BytesIO()
                copy.save(out, "JPEG", quality=85)
                self._keep(name, out.getvalue())
                sizes.append({"type": kind, "url": f"{base_url}/media/{name}",
                              "width": copy.width, "height": copy.height})
        return {"type": "photo", "photo": {
            "id": photo_id, "album_id": -3, "owner_id": owner, "date": date,
            "has_tags": False, "text": "", "access_key": f"{photo_id:x}key", "sizes": sizes}}

    def doc(self, owner: int, data: bytes, title: str, base_url: str,
            date: int) -> dict[str, Any]:
        """A message's document attachment: ``data`` sent as a file named ``title``."""
        doc_id = next(self._ids)
        ext = title.rsplit(".", 1)[-1].lower() if "." in title else ""
        name = f"doc{owner}_{doc_id}"
        self._keep(name, data)
        return {"type": "doc", "doc": {
            "id": doc_id, "owner_id": owner, "title": title, "size": len(data), "ext": ext,
            "url": f"{base_url}/media/{name}", "date": date, "type": DOC_TYPES.get(ext, 8),
            "access_key": f"{doc_id:x}key"}}

    def video(self, owner: int, date: int, duration: int = 12) -> dict[str, Any]:
        """A message's video attachment: a player's description, no file."""
        video_id = next(self._ids)
        return {"type": "video", "video": {
            "id": video_id, "owner_id": owner, "title": "Видео", "duration": duration,
            "date": date, "access_key": f"{video_id:x}key", "width": 1280, "height": 720}}
