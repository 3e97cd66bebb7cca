"""Photos cropped to fill their frame on a poster: never squashed, never stretched.

The rule, without guessing where faces are: the photo is scaled to cover the
frame and the part that does not fit is cut away evenly left and right; from
top and bottom, 60 % of the cut comes off the bottom. People photographed
standing or sitting have their heads in the upper half of the picture, so a
tall photo in a wide frame keeps the faces rather than the shoes, while a
group photographed from afar still keeps most of the middle.

Every crop on a poster goes through ``choose_crop`` (a photo in a frame) or
``portrait_crop`` (the one face of a billboard), and ``best_portrait`` picks the
photo for a single-portrait slot: the one place where a better rule (faces
detected in the picture) replaces the rule above.

A JPEG is decoded at 1/2, 1/4 or 1/8 scale (``draft``) when that still covers
the frame, so four 12-megapixel photos on an A3 poster cost little memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

TOP_SHARE = 0.4  # of the height cut away, the share taken off the top
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height

Box = tuple[int, int, int, int]
#: Chooses the part of an upright picture shown in a frame: (picture, frame size) -> box.
Crop = Callable[["PILImage.Image", tuple[int, int]], Box]


@dataclass(frozen=True)
class Placed:
    image: PILImage.Image  # exactly the frame's size, RGB
    source_size: tuple[int, int]  # the photo's upright size in pixels
    used: tuple[int, int]  # pixels of the photo that cover the frame (before scaling)


def cover_box(width: int, height: int, frame: tuple[int, int]) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) part of a ``width`` x ``height`` photo with the
    frame's aspect ratio, cut as the module docstring says."""
    fw, fh = frame
    if width * fh > height * fw:  # photo is wider than the frame: cut the sides evenly
        keep = max(1, round(height * fw / fh))
        left = (width - keep) // 2
        return (left, 0, left + keep, height)
    keep = max(1, round(width * fh / fw))
    top = round((height - keep) * TOP_SHARE)
    return (0, top, width, top + keep)


def choose_crop(picture: PILImage.Image, frame: tuple[int, int]) -> Box:
    """The part of ``picture`` (upright) a frame of ``frame``'s proportions shows."""
    return cover_box(*picture.size, frame)


def portrait_crop(picture: PILImage.Image, frame: tuple[int, int]) -> Box:
    """The part of ``picture`` a single-portrait slot (the billboard's) shows."""
    return cover_box(*picture.size, frame)


def best_portrait(paths: Sequence[Path]) -> Path | None:
    """The photo for a single-portrait slot: the story's first."""
    return paths[0] if paths else None


def upright_size(path: Path) -> tuple[int, int]:
    """The photo's size as shown (EXIF orientation applied), read from its header only."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        return (height, width) if _orientation(image) in _ROTATED else (width, height)


def place_photo(path: Path, frame: tuple[int, int], crop: Crop = choose_crop,
                enlarge: bool = True) -> Placed:
    """``path`` upright, cropped to the frame's ratio by ``crop`` and scaled to ``frame``
    pixels; with ``enlarge=False`` a photo with fewer pixels than the frame keeps its own
    (the frame's proportions, the photo's pixels: a PDF scales it, memory does not).

    Raises OSError (or PIL's UnidentifiedImageError) when the file cannot be read.
    """
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        orientation = _orientation(image)
        raw_w, raw_h = image.size
        upright = (raw_h, raw_w) if orientation in _ROTATED else (raw_w, raw_h)
        box = cover_box(*upright, frame)
        factor = min(1.0, frame[0] / max(1, box[2] - box[0]))
        image.draft(None, (max(1, math.ceil(raw_w * factor)), max(1, math.ceil(raw_h * factor))))
        image.load()
        picture = ImageOps.exif_transpose(image)
    if picture.mode != "RGB":
        picture = _rgb(picture)
    scaled_box = crop(picture, frame)
    shrinking = scaled_box[2] - scaled_box[0] >= frame[0]
    if not shrinking and not enlarge:
        kept = scaled_box[2] - scaled_box[0]
        frame = (kept, max(1, round(kept * frame[1] / frame[0])))
        shrinking = True
    # LANCZOS keeps detail when shrinking; enlarging a small photo gains nothing from it.
    method = Image.Resampling.LANCZOS if shrinking else Image.Resampling.BICUBIC
    placed = picture.resize(frame, method, box=scaled_box, reducing_gap=2.0 if shrinking else None)
    used = (round((scaled_box[2] - scaled_box[0]) * upright[0] / picture.size[0]),
            round((scaled_box[3] - scaled_box[1]) * upright[1] / picture.size[1]))
    return Placed(placed, upright, used)


def effective_dpi(placed: Placed, frame_width_px: int, page_dpi: int) -> float:
    """How many of the photo's own pixels fall on each printed inch of its frame."""
    inches = frame_width_px / page_dpi
    return placed.used[0] / inches if inches else float(page_dpi)


def _orientation(image: PILImage.Image) -> int:
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # a damaged EXIF block must not stop the photo itself
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _rgb(picture: PILImage.Image) -> PILImage.Image:
    from PIL import Image

    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P"
                                                and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return picture.convert("RGB")
