"""Faces in photos, so that every crop keeps the people in it.

Detection uses the frontal-face Haar cascade that ships inside OpenCV
(``cv2.data.haarcascades``): nothing is downloaded, and the model is the same
on every machine. Of OpenCV's bundled face models, ``frontalface_alt2`` found
the faces in the test photographs and no false faces in textures (coins,
bricks, grass) where ``frontalface_default`` saw some.

A photo is decoded at a reduced size for detection (0.75 megapixels: a
12-megapixel JPEG at 1/4 scale): faces a print needs to keep are large enough
there, and it costs a fraction of a second. Results are kept per file (path,
modification time and size), so a poster that looks at a photo to choose it and
again to crop it detects once. ``without_detection`` turns it off for a
benchmark's comparison.

Faces are given as fractions of the upright photo (EXIF orientation applied),
so they apply to the photo at any scale it is decoded at.

``crop_box`` is the one rule every crop follows (posters, stands, billboards,
social cards, channel renditions with a forced aspect ratio):

- no faces: the rule of the caller (``top_share`` of the height cut away comes
  off the top; the sides are cut evenly);
- faces that fit, with a margin for hair and chin: all of them are kept, the
  group centred across, its middle placed a little above the middle of the
  frame, where a photographer puts heads;
- faces that do not all fit: the crop keeps as much face area as it can, whole
  faces only, the largest first.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.i18n import _

if TYPE_CHECKING:
    import cv2
    from PIL import Image as PILImage

__all__ = ["Face", "best_portrait", "clear_cache", "crop_box", "detect_faces", "faces_in",
           "without_detection"]

#: Pixels of the copy faces are looked for in: a 12-megapixel JPEG decodes straight to
#: it at 1/4 scale, and a panorama keeps more of its height than a long-side limit would.
DETECT_PIXELS = 750_000
#: The smallest face looked for, as a share of the copy's shorter side (a face in a
#: group photographed from across a room is about 1/25 of it).
MIN_FACE = 1 / 30
#: Step between the sizes of face looked for: 1.15 found every face of the test groups,
#: in half the time of 1.1, and no false face in the benchmark's textures.
SCALE_STEP = 1.15
#: Room kept around a face, as a share of its height: hair above, chin below, ears aside.
MARGIN_ABOVE, MARGIN_BELOW, MARGIN_SIDE = 0.45, 0.35, 0.25
#: Where the faces' middle goes in a frame cut from top and bottom (share of its height).
FACE_LINE = 0.4
_CASCADE = "haarcascade_frontalface_alt2.xml"
_INSTALL = "pip install 'opencv-python-headless>=4.10,<5'"
_CACHE_SIZE = 512
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height

Box = tuple[int, int, int, int]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Face:
    """A face as fractions (0..1) of the upright photo's width and height."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def area(self) -> float:
        return (self.right - self.left) * (self.bottom - self.top)


# --- detection ------------------------------------------------------------------


def detect_faces(path: Path) -> tuple[Face, ...]:
    """The faces in the photo at ``path``, largest first; () when it has none or cannot be
    read (a crop then follows its usual rule, and reading the photo reports the problem)."""
    if not _enabled:
        return ()
    try:
        stat = os.stat(path)
    except OSError:
        return ()
    return _detect_cached(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)


_enabled = True


@contextlib.contextmanager
def without_detection() -> Iterator[None]:
    """Within it, ``detect_faces`` finds none, so crops follow the rule without faces: what a
    benchmark compares detection against."""
    global _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = True


def clear_cache() -> None:
    """Forget the faces found so far (a benchmark measures detection from scratch)."""
    _detect_cached.cache_clear()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _detect_cached(path: str, mtime_ns: int, size: int) -> tuple[Face, ...]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            raw_w, raw_h = image.size
            factor = _detect_scale(raw_w, raw_h)
            image.draft("L", (max(1, math.ceil(raw_w * factor)),
                              max(1, math.ceil(raw_h * factor))))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError):
        return ()
    return faces_in(upright)


def faces_in(image: PILImage.Image) -> tuple[Face, ...]:
    """The faces in an upright ``image``, largest first."""
    import numpy as np
    from PIL import Image

    grey = image if image.mode == "L" else image.convert("L")
    factor = _detect_scale(*grey.size)
    if factor < 1.0:
        grey = grey.resize((max(1, round(grey.width * factor)),
                            max(1, round(grey.height * factor))), Image.Resampling.BILINEAR,
                           reducing_gap=2.0)
    w, h = grey.size
    if min(w, h) < 24:
        return ()
    cascade = _cascade()
    if cascade is None:
        return ()
    import cv2

    pixels = cv2.equalizeHist(np.asarray(grey))
    smallest = max(20, round(min(w, h) * MIN_FACE))
    with _lock:  # a CascadeClassifier is not safe to share between threads
        found = cascade.detectMultiScale(pixels, scaleFactor=SCALE_STEP, minNeighbors=5,
                                         minSize=(smallest, smallest))
    faces = [Face(x / w, y / h, (x + fw) / w, (y + fh) / h) for x, y, fw, fh in found]
    return tuple(sorted(faces, key=lambda f: (-f.area, f.left, f.top)))


_lock = threading.Lock()


def _detect_scale(width: int, height: int) -> float:
    return min(1.0, math.sqrt(DETECT_PIXELS / max(1, width * height)))


@functools.cache
def _cascade() -> cv2.CascadeClassifier | None:
    """OpenCV's face model; None, said once in the log, when OpenCV is missing or broken:
    crops then follow the rule without faces rather than stop a poster or a post."""
    try:
        import cv2

        folder: str = cv2.data.haarcascades  # type: ignore[attr-defined]  # not in its stubs
        cascade = cv2.CascadeClassifier(os.path.join(folder, _CASCADE))
    except (ImportError, AttributeError, OSError) as exc:
        logger.warning(_("Faces are not looked for in photos, so crops keep their middle: "
                         "OpenCV cannot be loaded ({reason}); reinstall it with {command}")
                       .format(reason=exc, command=_INSTALL))
        return None
    if cascade.empty():
        logger.warning(_("Faces are not looked for in photos, so crops keep their middle: "
                         "OpenCV's face model {name} cannot be read; reinstall it with "
                         "{command}").format(name=_CASCADE, command=_INSTALL))
        return None
    return cascade


def best_portrait(photos: Sequence[Path]) -> Path | None:
    """The photo for a slot that shows one person: the one with the largest face
    (a face that fills more of its photo is nearer and sharper on a large print).
    None when no photo shows a face."""
    best: tuple[float, int] | None = None
    chosen: Path | None = None
    for index, photo in enumerate(photos):
        faces = detect_faces(photo)
        if faces:
            score = (faces[0].area, -index)  # the earlier photo wins a tie
            if best is None or score > best:
                best, chosen = score, photo
    return chosen


# --- cropping -------------------------------------------------------------------


def crop_box(size: tuple[int, int], aspect: float, faces: Sequence[Face] = (),
             *, top_share: float = 0.5) -> Box:
    """The (left, top, right, bottom) part of a photo of ``size`` pixels with width/height
    ``aspect``, as large as the photo allows, keeping ``faces`` as the module says.

    Without faces, the sides are cut evenly and ``top_share`` of the height cut away
    comes off the top (0.5: around the centre).
    """
    width, height = size
    if width <= 0 or height <= 0 or aspect <= 0:
        return (0, 0, max(0, width), max(0, height))
    if width > height * aspect:  # wider than the frame: slide across
        keep = min(width, max(1, round(height * aspect)))
        spans = [(f.left * width, f.right * width, f.bottom - f.top) for f in faces]
        margins = [(MARGIN_SIDE * h * height, MARGIN_SIDE * h * height) for *_, h in spans]
        left = _place(width, keep, [(a, b) for a, b, _h in spans], margins, 0.5, 0.5)
        return (left, 0, left + keep, height)
    keep = min(height, max(1, round(width / aspect)))
    spans = [(f.top * height, f.bottom * height, f.bottom - f.top) for f in faces]
    margins = [(MARGIN_ABOVE * h * height, MARGIN_BELOW * h * height) for *_, h in spans]
    top = _place(height, keep, [(a, b) for a, b, _h in spans], margins, FACE_LINE, top_share)
    return (0, top, width, top + keep)


def _place(length: int, keep: int, spans: Sequence[tuple[float, float]],
           margins: Sequence[tuple[float, float]], line: float, fallback: float) -> int:
    """Where a window of ``keep`` along ``length`` starts so it holds the face ``spans``."""
    if keep >= length:
        return 0
    if not spans:
        return round((length - keep) * fallback)
    chosen = _fitting(spans, keep)
    lo = min(spans[i][0] for i in chosen)
    hi = max(spans[i][1] for i in chosen)
    # With the margins when they fit too; whole faces in any case.
    lo_m = min(spans[i][0] - margins[i][0] for i in chosen)
    hi_m = max(spans[i][1] + margins[i][1] for i in chosen)
    if hi_m - lo_m <= keep:
        lo, hi = max(0.0, lo_m), min(float(length), hi_m)
    start = (lo + hi) / 2 - keep * line
    start = min(max(start, hi - keep), lo)  # the faces inside
    return int(min(max(0, math.floor(start)), length - keep))


def _fitting(spans: Sequence[tuple[float, float]], keep: int) -> list[int]:
    """The faces one window of ``keep`` holds: all when they fit, else the set with the
    most face length, whole faces only (at least the largest face, cut if it must be)."""
    everything = list(range(len(spans)))
    if max(b for _a, b in spans) - min(a for a, _b in spans) <= keep:
        return everything
    best: list[int] = []
    best_score = -1.0
    for start in sorted({a for a, _b in spans} | {b - keep for _a, b in spans}):
        inside = [i for i, (a, b) in enumerate(spans) if a >= start and b <= start + keep]
        score = sum((spans[i][1] - spans[i][0]) ** 2 for i in inside)
        if score > best_score:
            best, best_score = inside, score
    if best:
        return best
    largest = max(everything, key=lambda i: spans[i][1] - spans[i][0])
    return [largest]
