"""Photos cropped to fill their frame on a poster: never squashed, never stretched.

Every crop keeps the faces in the photo (the core's face detection, see
``outreach.channels.face_crop_box``): all of them when they fit the frame, the
most that fit when they do not. A photo without faces follows the rule it
always had: the photo is scaled to cover the frame and the part that does not
fit is cut away evenly left and right; from top and bottom, 60 % of the cut
comes off the bottom, because people photographed standing or sitting have
their heads in the upper half of the picture.

Every crop on a poster goes through ``choose_crop`` (a photo in a frame) or
``portrait_crop`` (the one face of a billboard), and ``best_portrait`` picks the
photo for a single-portrait slot (the largest face).

A JPEG is decoded at 1/2, 1/4 or 1/8 scale (``draft``) when that still covers
the frame, so four 12-megapixel photos on an A3 poster cost little memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import best_portrait as best_face_portrait
from outreach.channels import detect_faces, face_crop_box

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from outreach.channels import Face

TOP_SHARE = 0.4  # of the height cut away, the share taken off the top
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height

Box = tuple[int, int, int, int]
#: Chooses the part of an upright picture shown in a frame:
#: (picture, frame size, faces found in it) -> box.
Crop = Callable[["PILImage.Image", tuple[int, int], "Sequence[Face]"], Box]


@dataclass(frozen=True)
class Placed:
    image: PILImage.Image  # exactly the frame's size, RGB
    source_size: tuple[int, int]  # the photo's upright size in pixels
    used: tuple[int, int]  # pixels of the photo that cover the frame (before scaling)
    faces: tuple[Face, ...] = ()  # the faces found in the photo, as fractions of it


def cover_box(width: int, height: int, frame: tuple[int, int],
              faces: Sequence[Face] = ()) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) part of a ``width`` x ``height`` photo with the
    frame's aspect ratio, cut as the module docstring says."""
    return face_crop_box((width, height), frame[0] / frame[1], faces, top_share=TOP_SHARE)


def choose_crop(picture: PILImage.Image, frame: tuple[int, int],
                faces: Sequence[Face] = ()) -> Box:
    """The part of ``picture`` (upright) a frame of ``frame``'s proportions shows:
    every face in ``faces`` when they fit."""
    return cover_box(*picture.size, frame, faces)


def portrait_crop(picture: PILImage.Image, frame: tuple[int, int],
                  faces: Sequence[Face] = ()) -> Box:
    """The part of ``picture`` a single-portrait slot (the billboard's) shows: the
    largest face of ``faces``, or the rule of a photo without faces."""
    largest = max(faces, key=lambda face: face.area, default=None)
    return cover_box(*picture.size, frame, () if largest is None else (largest,))


def best_portrait(paths: Sequence[Path]) -> Path | None:
    """The photo for a single-portrait slot: the one with the largest face, else the
    story's first."""
    return best_face_portrait(paths) or (paths[0] if paths else None)


def upright_size(path: Path) -> tuple[int, int]:
    """The photo's size as shown (EXIF orientation applied), read from its header only."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        return (height, width) if _orientation(image) in _ROTATED else (width, height)


def place_photo(path: Path, frame: tuple[int, int], crop: Crop = choose_crop,
                enlarge: bool = True, *, faces: bool = True) -> Placed:
    """``path`` upright, cropped to the frame's ratio by ``crop`` and scaled to ``frame``
    pixels; with ``enlarge=False`` a photo with fewer pixels than the frame keeps its own
    (the frame's proportions, the photo's pixels: a PDF scales it, memory does not); with
    ``faces=False`` the crop does not look for faces.

    Raises OSError (or PIL's UnidentifiedImageError) when the file cannot be read.
    """
    from PIL import Image, ImageOps

    found = detect_faces(path) if faces else ()
    with Image.open(path) as image:
        orientation = _orientation(image)
        raw_w, raw_h = image.size
        upright = (raw_h, raw_w) if orientation in _ROTATED else (raw_w, raw_h)
        box = cover_box(*upright, frame, found)
        factor = min(1.0, frame[0] / max(1, box[2] - box[0]))
        image.draft(None, (max(1, math.ceil(raw_w * factor)), max(1, math.ceil(raw_h * factor))))
        image.load()
        picture = ImageOps.exif_transpose(image)
    if picture.mode != "RGB":
        picture = _rgb(picture)
    scaled_box = crop(picture, frame, found)
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
    return Placed(placed, upright, used, tuple(found))


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
