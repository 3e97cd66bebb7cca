"""Files people send the fake bot: photos, albums, documents, videos; getFile and download.

What Telegram documents (Bot API, shared/specs/telegram-bot-api/api.json):

- ``Message.photo`` is an "array of PhotoSize": "available sizes of the photo";
  each ``PhotoSize`` has ``file_id``, ``file_unique_id`` ("supposed to be the same
  over time and for different bots"), ``width``, ``height``, ``file_size``.
  The fake gives a 320-pixel thumbnail and the photo itself (at most 2560 on the
  long side, as Telegram's largest size is), smallest first.
- ``Message.media_group_id``: "the unique identifier of a media message group
  this message belongs to" — an album arrives as one message per item.
- ``Message.document`` (``Document``: ``file_name``, ``mime_type``) for a file
  sent as is; ``Message.video`` (``Video``: ``duration``, ``width``, ``height``).
- ``getFile``: "bots can download files of up to 20MB in size"; the ``File``
  then downloads from ``/file/bot<token>/<file_path>``. Over the limit Telegram
  answers 400 "Bad Request: file is too big" (its answer as observed; the text
  is not in the docs).

The files are kept on disk (``FileStore``), never in a dict of bytes, so a
benchmark of many albums measures the service, not the fake.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outreach_telegram.fake.state import ApiError, FakeState

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Bot API getFile
THUMB, LARGEST = 320, 2560


@dataclass
class FakeFile:
    file_id: str
    unique_id: str
    path: Path  # the bytes on the fake's disk
    size: int
    file_path: str  # as getFile gives it: "photos/file_3.jpg"


class FileStore:
    """Every file people sent, by file_id, on disk in a folder of the fake's own."""

    def __init__(self, folder: Path | None = None) -> None:
        self._temporary = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="telegram-fake-files-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, FakeFile] = {}
        self.by_path: dict[str, FakeFile] = {}
        self.next = 1

    def add(self, data: bytes | Path, kind: str, suffix: str) -> FakeFile:
        """Keep ``data``; the same bytes get the same unique id, as in Telegram."""
        digest = hashlib.sha256()
        target = self.folder / f"file_{self.next}{suffix}"
        if isinstance(data, Path):
            shutil.copyfile(data, target)
            with target.open("rb") as source:
                for chunk in iter(lambda: source.read(1 << 16), b""):
                    digest.update(chunk)
        else:
            target.write_bytes(data)
            digest.update(data)
        unique = "AQAD" + digest.hexdigest()[:16] + kind[:1]
        found = FakeFile(f"{kind[:2].upper()}{self.next:06d}{unique}", unique, target,
                         target.stat().st_size, f"{kind}s/file_{self.next}{suffix}")
        self.next += 1
        self.files[found.file_id] = found
        self.by_path[found.file_path] = found
        return found

    def close(self) -> None:
        if self._temporary:
            shutil.rmtree(self.folder, ignore_errors=True)


def files_of(state: FakeState) -> FileStore:
    store: FileStore | None = state.file_store
    if store is None:
        folder = state.data_dir / "telegram-fake-files" if state.data_dir else None
        store = state.file_store = FileStore(folder)
    return store


def photo_sizes(state: FakeState, data: bytes | Path) -> list[dict[str, Any]]:
    """The PhotoSize array of a photo a person sends: a thumbnail, then the photo."""
    from PIL import Image

    raw = data.read_bytes() if isinstance(data, Path) else data
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        width, height = image.size
        sizes = []
        for side in (THUMB, LARGEST):
            scale = min(1.0, side / max(width, height))
            if side == THUMB and scale >= 1.0:
                continue
            if scale < 1.0:
                target = (max(1, round(width * scale)), max(1, round(height * scale)))
                copy = image.convert("RGB").resize(target)
                out = io.BytesIO()
                copy.save(out, "JPEG", quality=87)
                stored = files_of(state).add(out.getvalue(), "photo", ".jpg")
                w, h = copy.size
            else:
                stored = files_of(state).add(raw, "photo", ".jpg")
                w, h = width, height
            sizes.append({"file_id": stored.file_id, "file_unique_id": stored.unique_id,
                          "width": w, "height": h, "file_size": stored.size})
    return sizes


def document(state: FakeState, data: bytes | Path, name: str, mime: str) -> dict[str, Any]:
    stored = files_of(state).add(data, "document", Path(name).suffix or ".bin")
    return {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_name": name,
            "mime_type": mime, "file_size": stored.size}


def video(state: FakeState, data: bytes, duration: int = 12) -> dict[str, Any]:
    stored = files_of(state).add(data, "video", ".mp4")
    return {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "width": 1280,
            "height": 720, "duration": duration, "mime_type": "video/mp4",
            "file_size": stored.size}


def get_file(state: FakeState, params: dict[str, Any], files: dict[str, bytes]) -> Any:
    file_id = str(params.get("file_id") or "")
    found = files_of(state).files.get(file_id)
    if found is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if found.size > DOWNLOAD_LIMIT:
        raise ApiError(400, "Bad Request: file is too big")
    return {"file_id": found.file_id, "file_unique_id": found.unique_id,
            "file_size": found.size, "file_path": found.file_path}


def download_path(state: FakeState, file_path: str) -> Path | None:
    """The file at ``/file/bot<token>/<file_path>``, or None (404)."""
    with state.lock:
        found = files_of(state).by_path.get(file_path)
    if found is None or found.size > DOWNLOAD_LIMIT:
        return None
    return found.path
