"""What an attempt to publish left behind, kept between attempts and restarts.

One small file per publication in the channel's data folder: the photos already
uploaded to VK (``photo-<group>_<id>``, re-used by the next attempt instead of a
second upload) and the moment ``wall.post`` was last sent, after which the next
attempt looks on the wall before it sends again. VK's ``guid`` cannot be relied
on for that: what VK answers a repeat is not documented. Files older than
KEEP_DAYS are removed as others are written.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from outreach.channels import PostPhoto, write_private

KEEP_DAYS = 14
FOLDER = "vk-attempts"


@dataclass
class Attempt:
    """One publication's uploads (with what they were made from) and its last wall.post."""

    photos: list[str] = field(default_factory=list)  # "photo-<group>_<id>", in order
    made_from: list[str] = field(default_factory=list)  # fingerprint of each source photo
    sent_at: float | None = None  # when wall.post was last sent (time.time())


def fingerprint(photos: Sequence[PostPhoto]) -> list[str]:
    """What identifies the photos of a post: name, size and caption of each file."""
    made = []
    for photo in photos:
        try:
            size = photo.path.stat().st_size
        except OSError:
            size = -1
        made.append(f"{photo.path.name}:{size}:{photo.caption or ''}")
    return made


class Attempts:
    """The attempts of one channel, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def load(self, key: str) -> Attempt:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Attempt(photos=list(data.get("photos", [])),
                           made_from=list(data.get("made_from", [])),
                           sent_at=data.get("sent_at"))
        except (OSError, ValueError, AttributeError):
            return Attempt()  # none yet, or unreadable: as if none (the wall still tells)

    def save(self, key: str, attempt: Attempt) -> None:
        write_private(self._path(key), json.dumps(asdict(attempt)), durable=True)
        self._prune()

    def _prune(self) -> None:
        old = time.time() - KEEP_DAYS * 86400
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime < old:
                    path.unlink()
            except OSError:
                pass
