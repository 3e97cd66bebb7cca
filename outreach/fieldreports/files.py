"""Photos a reporter sends, taken into a staging folder one by one, streamed to disk.

The staging folder of an account holds the photos of the report being told,
named by the platform's unique id of each (so the same photo sent twice is
one file, and a message delivered twice downloads nothing new). It becomes the
story's folder when the report is finished, and is erased with a dialog left
unfinished.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import ChannelError, TransientError
from outreach.i18n import _
from outreach.media.probe import file_sha256

if TYPE_CHECKING:
    from outreach.channels import Channel, IncomingFile

#: Image formats a story takes (outreach.media.probe), by Pillow's name, with the suffix
#: the photo gets in the story's folder.
SUFFIXES = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
FETCH_ATTEMPTS = 3  # a download that timed out is tried again after 1 s, then 2 s
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Taken:
    """One file of a message: stored (``name``), or refused with a ``reason`` to tell."""

    unique_id: str
    name: str | None = None  # the file in the staging folder
    sha256: str | None = None
    reason: str | None = None  # why it was not taken, in the reader's words
    video: bool = False  # a video: kept out, politely


def staging(data_dir: Path, account: str) -> Path:
    """The staging folder of ``account``'s report (named by a hash: no ids in paths)."""
    digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:24]
    return data_dir / "reports" / "incoming" / digest


def erase(data_dir: Path, account: str) -> None:
    shutil.rmtree(staging(data_dir, account), ignore_errors=True)


def take(channel: Channel, file: IncomingFile, folder: Path) -> Taken:
    """Download ``file`` into ``folder`` when it is a photo a story can hold."""
    from PIL import Image, UnidentifiedImageError

    unique = _SAFE.sub("_", file.unique_id)[:80] or "photo"
    if file.kind == "video" or (file.mime or "").startswith("video/"):
        return Taken(file.unique_id, video=True, reason=_(
            "I do not take videos — only photos. If you can, send a few frames as photos."))
    if file.kind == "other":
        return Taken(file.unique_id, reason=_(
            "This is not a photo. Please send photos from the event."))
    if file.kind == "document" and file.mime and not file.mime.startswith("image/"):
        return Taken(file.unique_id, reason=_(
            "The file “{name}” is not a photo, so I did not keep it. I take photos in "
            "JPEG, PNG or WEBP.").format(name=file.name or file.mime))
    limit = channel.download_limit
    if limit is not None and file.size is not None and file.size > limit:
        return Taken(file.unique_id, reason=_too_big(file, limit))
    for existing in folder.glob(f"{unique}.*"):  # delivered before: already here
        if existing.suffix != ".part":
            return Taken(file.unique_id, existing.name, file_sha256(existing))
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{unique}.part"
    for attempt in range(FETCH_ATTEMPTS):
        try:
            channel.fetch_file(file, part)
            break
        except ChannelError as exc:
            with contextlib.suppress(OSError):
                part.unlink()
            if isinstance(exc, TransientError) and attempt < FETCH_ATTEMPTS - 1:
                time.sleep(2 ** attempt)  # a busy line or platform: the file is still there
                continue
            return Taken(file.unique_id, reason=_(
                "I could not download this photo ({reason}). Please send it again.").format(
                    reason=str(exc)))
    try:
        with Image.open(part) as image:  # reads the header only: the import decodes it
            fmt = image.format or ""
    except (UnidentifiedImageError, OSError, ValueError):
        fmt = ""
    suffix = SUFFIXES.get(fmt)
    if suffix is None:
        part.unlink()
        what = file.name or (fmt and f"{fmt}") or _("this file")
        return Taken(file.unique_id, reason=_(
            "I cannot read “{name}” as a photo (I take JPEG, PNG or WEBP). If your phone "
            "saves HEIC pictures, send it as a photo rather than as a file.").format(name=what))
    final = folder / f"{unique}{suffix}"
    part.replace(final)
    return Taken(file.unique_id, final.name, file_sha256(final))


def _too_big(file: IncomingFile, limit: int) -> str:
    megabytes = (file.size or 0) // (1024 * 1024)
    return _("This file is {size} MB, and a bot may download at most {limit} MB. Send it as a "
             "photo rather than as a file: the app makes it smaller.").format(
                 size=megabytes, limit=limit // (1024 * 1024))
