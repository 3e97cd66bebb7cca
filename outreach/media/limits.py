"""What a platform accepts for one photo: the limits renditions are made to fit.

Plugins state them through ``outreach.channels.MediaLimits``; they live here,
with the media code that reads them, so that the media package needs nothing
from the plugin API.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MediaLimits"]


@dataclass(frozen=True)
class MediaLimits:
    """What a platform accepts for one photo, and how many go in one post.

    Renditions are made to fit these (``outreach.media``); a plugin writes
    no image code of its own.
    """

    max_side: int | None = None  # longest side, pixels
    max_sum: int | None = None  # width + height, pixels
    max_ratio: float | None = None  # long side / short side
    max_bytes: int = 10 * 1024 * 1024
    formats: tuple[str, ...] = ("JPEG",)  # Pillow format names; the first is preferred
    max_photos: int = 10
    quality: int = 85  # starting JPEG quality; lowered to meet max_bytes

    def key(self) -> str:
        """A stable text key for the rendition cache."""
        return (
            f"s{self.max_side}-t{self.max_sum}-r{self.max_ratio}-b{self.max_bytes}"
            f"-f{'+'.join(self.formats)}-q{self.quality}"
        )
