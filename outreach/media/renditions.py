"""Renditions: the file a channel uploads, made from an original photo to its limits.

A rendition has the EXIF orientation applied and no metadata at all (no EXIF,
so no GPS position of the people photographed; no XMP, no comment, no ICC
profile: colours are converted to sRGB first, which is what an untagged image
means on the web). It fits the channel's ``MediaLimits``:

- a photo longer than ``max_ratio`` (long side / short side) is cropped to
  that ratio, because platforms reject such photos rather than shrink them:
  around the faces in it (``outreach.media.faces``), else around its centre,
  where the subject of a photo without people usually is;
- it is scaled down (never up) to fit ``max_side`` and ``max_sum``;
- it is saved as JPEG when the channel takes JPEG, else in the first format it
  lists that Outreach can write, with transparency flattened on white for JPEG;
- it is re-encoded at lower quality, then at a smaller size, until it is under
  ``max_bytes``, with a fixed number of attempts.

``RenditionCache`` keeps one file per (photo sha256, ``limits.key()``, watermark),
so a photo published to five channels is encoded once per distinct set of limits.

A channel may ask for the centre's logo as a small ``Watermark`` in one corner
of its photos. Corners only: the middle of a photo is where faces are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import math
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from outreach.errors import MediaError
from outreach.i18n import _, format_number
from outreach.media.faces import crop_box as face_crop_box
from outreach.media.faces import detect_faces

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PIL import Image as PILImage
    from PIL.ImageCms import ImageCmsTransform

    from outreach.media.faces import Face
    from outreach.media.limits import MediaLimits

__all__ = ["Rendition", "RenditionCache", "Watermark", "fit_size", "make_rendition",
           "output_format"]

#: Formats a rendition can be written in, with the file suffix the cache uses.
WRITABLE = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_ALIASES = {"JPG": "JPEG"}

#: JPEG quality is lowered in these steps, never below the floor, before the size is.
QUALITY_STEP = 10
QUALITY_FLOOR = 50
#: Attempts at a smaller size before giving up on ``max_bytes``.
MAX_SHRINKS = 12

# EXIF Orientation value -> the transpose that puts the photo upright.
_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class Rendition:
    path: Path
    width: int
    height: int
    bytes: int
    format: str  # Pillow format name: "JPEG", "PNG", "WEBP"


CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")
MAX_WATERMARK_SIZE = 0.25  # of the photo's width: a logo this small stays clear of the middle


@dataclass(frozen=True)
class Watermark:
    """The centre's logo in a corner of each rendition of a channel."""

    logo: Path
    corner: str = "bottom-right"
    size: float = 0.15  # logo width as a share of the photo's width
    opacity: float = 0.85
    margin: float = 0.03  # gap to the photo's edges, as a share of its shorter side

    def key(self) -> str:
        """A stable text key for the cache: the logo's content and every option."""
        try:
            digest = hashlib.sha256(Path(self.logo).read_bytes()).hexdigest()[:16]
        except OSError:
            raise _unreadable_logo(self.logo) from None
        return f"w{digest}-{self.corner}-{self.size:g}-{self.opacity:g}-{self.margin:g}"


def apply_watermark(image: PILImage.Image, watermark: Watermark) -> PILImage.Image:
    """``image`` with the logo pasted in ``watermark.corner`` at ``watermark.opacity``."""
    from PIL import Image, UnidentifiedImageError

    if watermark.corner not in CORNERS:
        raise MediaError(_("watermark corner {corner!r} is not one of {corners}").format(
            corner=watermark.corner, corners=", ".join(CORNERS)))
    try:
        with Image.open(watermark.logo) as source:
            logo = source.convert("RGBA")
    except (OSError, UnidentifiedImageError, ValueError):
        raise _unreadable_logo(watermark.logo) from None
    width = max(1, round(image.width * min(watermark.size, MAX_WATERMARK_SIZE)))
    height = max(1, round(logo.height * width / logo.width))
    logo = logo.resize((width, height), Image.Resampling.LANCZOS)
    alpha = logo.getchannel("A").point(lambda v: round(v * max(0.0, min(1.0, watermark.opacity))))
    margin = round(min(image.size) * watermark.margin)
    x = margin if watermark.corner.endswith("left") else image.width - width - margin
    y = margin if watermark.corner.startswith("top") else image.height - height - margin
    base = image if image.mode in ("RGB", "RGBA") else image.convert("RGB")
    base = base.copy()
    base.paste(logo.convert(base.mode), (x, y), alpha)
    return base


def _unreadable_logo(logo: object) -> MediaError:
    return MediaError(_("{path}: the watermark logo cannot be read").format(path=logo))


def output_format(limits: MediaLimits) -> str:
    """The format a rendition for ``limits`` is written in: JPEG if allowed, else the first
    allowed format Outreach can write."""
    allowed = [_ALIASES.get(f.upper(), f.upper()) for f in limits.formats]
    if "JPEG" in allowed:
        return "JPEG"
    for name in allowed:
        if name in WRITABLE:
            return name
    raise MediaError(_("the channel accepts only {formats}; Outreach can write {writable}")
                     .format(formats=", ".join(limits.formats) or _("no formats"),
                             writable=", ".join(WRITABLE)))


def crop_box(width: int, height: int, max_ratio: float | None,
             faces: Sequence[Face] = ()) -> tuple[int, int, int, int]:
    """The (left, top, right, bottom) box that brings the photo within ``max_ratio``:
    around its ``faces`` when it has some (see ``outreach.media.faces``), else centred."""
    if not max_ratio or width <= 0 or height <= 0:
        return (0, 0, width, height)
    max_ratio = _long_ratio(max_ratio)
    if width >= height and width > height * max_ratio:
        keep = max(1, math.floor(height * max_ratio))
        return face_crop_box((width, height), keep / height, faces)
    if height > width and height > width * max_ratio:
        keep = max(1, math.floor(width * max_ratio))
        return face_crop_box((width, height), width / keep, faces)
    return (0, 0, width, height)


def _long_ratio(ratio: float) -> float:
    """Long side over short side: 1:20 and 20:1 mean the same to a platform."""
    return max(ratio, 1 / ratio)


def fit_size(width: int, height: int, limits: MediaLimits) -> tuple[int, int]:
    """The size of the rendition of an upright ``width`` x ``height`` photo.

    Crops to ``max_ratio`` first (see ``crop_box``), then scales down to fit
    ``max_side`` and ``max_sum``. Never scales up. Does not know about
    ``max_bytes``: a photo that is too heavy may end up smaller still.
    """
    left, top, right, bottom = crop_box(width, height, limits.max_ratio)
    w, h = right - left, bottom - top
    scale = 1.0
    if limits.max_side and max(w, h) > limits.max_side:
        scale = min(scale, limits.max_side / max(w, h))
    if limits.max_sum and w + h > limits.max_sum:
        scale = min(scale, limits.max_sum / (w + h))
    if scale >= 1.0:
        return (w, h)
    tw, th = max(1, round(w * scale)), max(1, round(h * scale))
    # Rounding may overshoot a limit by a pixel; take it off the longer side.
    while limits.max_side and max(tw, th) > limits.max_side:
        tw, th = (tw - 1, th) if tw >= th else (tw, th - 1)
    while limits.max_sum and tw + th > limits.max_sum and max(tw, th) > 1:
        tw, th = (tw - 1, th) if tw >= th else (tw, th - 1)
    while limits.max_ratio and max(tw, th) > min(tw, th) * _long_ratio(limits.max_ratio):
        tw, th = (tw - 1, th) if tw >= th else (tw, th - 1)
    return (tw, th)


def make_rendition(source: Path, limits: MediaLimits, dest: Path,
                   watermark: Watermark | None = None) -> Rendition:
    """Write the rendition of ``source`` for ``limits`` to ``dest``, atomically.

    With ``watermark``, the logo goes in its corner after the photo is fitted.

    ``dest`` is written as given, whatever its suffix; ``output_format(limits)``
    tells the format beforehand. Raises MediaError naming ``source`` when the
    photo cannot be read or cannot be made small enough.
    """
    fmt = output_format(limits)
    image = _load_fitted(Path(source), limits)
    if watermark is not None:
        image = apply_watermark(image, watermark)
    data, image = _encode_within(image, fmt, limits, Path(source))
    _write_atomic(Path(dest), data)
    return Rendition(Path(dest), image.width, image.height, len(data), fmt)


class RenditionCache:
    """Renditions on disk, one per (photo sha256, limits), made on first use.

    Files are named ``<sha256[:2]>/<sha256>-<limits digest><suffix>`` under
    ``cache_dir``; each is written to a temporary file and renamed into place,
    so another worker or a crash never leaves a half-written rendition. The
    cache trusts ``sha256`` to be the source's content hash as stored at import.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self._locks: dict[Path, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def path_for(self, sha256: str, limits: MediaLimits,
                 watermark: Watermark | None = None) -> Path:
        """Where the rendition of photo ``sha256`` for ``limits`` is kept."""
        if not re.fullmatch(r"[0-9a-f]{16,128}", sha256):
            raise ValueError(f"not a content hash: {sha256!r}")
        key = limits.key() + (f"-{watermark.key()}" if watermark is not None else "")
        if limits.max_ratio:  # cut around faces since renditions first were; make them anew
            key += "-faces"
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        suffix = WRITABLE[output_format(limits)]
        return self.cache_dir / sha256[:2] / f"{sha256}-{digest}{suffix}"

    def get(self, source: Path, sha256: str, limits: MediaLimits,
            watermark: Watermark | None = None) -> Rendition:
        """The rendition of ``source`` for ``limits`` (with ``watermark``), encoded only if
        not cached yet."""
        path = self.path_for(sha256, limits, watermark)
        # Threads of one worker wait for each other instead of encoding the same file twice.
        with self._lock(path):
            cached = _read_cached(path)
            if cached is not None:
                return cached
            if watermark is None:
                return make_rendition(source, limits, path)
            return make_rendition(source, limits, path, watermark)

    def _lock(self, path: Path) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(path, threading.Lock())


def _read_cached(path: Path) -> Rendition | None:
    from PIL import Image, UnidentifiedImageError

    try:
        size = path.stat().st_size
        with Image.open(path) as image:  # reads the header only
            return Rendition(path, image.width, image.height, size, image.format or "")
    except FileNotFoundError:
        return None
    except (OSError, UnidentifiedImageError, ValueError):
        return None  # damaged by something outside Outreach: make it again


# --- decoding -------------------------------------------------------------------


def _load_fitted(source: Path, limits: MediaLimits) -> PILImage.Image:
    """Decode ``source`` upright, cropped and scaled to ``fit_size``, in an 8-bit mode."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            orientation = _orientation(image)
            width, height = image.size
            upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
            target = fit_size(*upright, limits)
            box = crop_box(*upright, limits.max_ratio)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale for far less work: ask for the
            # smallest scale that still leaves the cropped area at least the target size.
            factor = min(1.0, target[0] / max(1, box[2] - box[0]))
            image.draft(None, (max(1, math.ceil(width * factor)),
                               max(1, math.ceil(height * factor))))
            image.load()
            icc = image.info.get("icc_profile")
            fitted = _eight_bit(_upright(image, orientation), source)
            # Faces are looked for only in a photo that has to lose a part.
            faces = detect_faces(source) if box != (0, 0, *upright) else ()
            box = crop_box(*fitted.size, limits.max_ratio, faces)
            if fitted.size != target or box != (0, 0, *fitted.size):
                fitted = fitted.resize(target, Image.Resampling.LANCZOS, box=box,
                                       reducing_gap=3.0)
            return _to_srgb(fitted, icc)
    except MediaError:
        raise
    except FileNotFoundError:
        raise MediaError(_("{path}: the photo file is missing").format(path=source)) from None
    except UnidentifiedImageError:
        raise MediaError(_("{path}: not an image Outreach can read").format(
            path=source)) from None
    except Image.DecompressionBombError:
        raise MediaError(_("{path}: the image is too large to open safely").format(
            path=source)) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise MediaError(_("{path}: the photo cannot be read ({reason})").format(
            path=source, reason=exc)) from None


def _orientation(image: PILImage.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a damaged EXIF block must not stop the photo itself
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(image: PILImage.Image, orientation: int) -> PILImage.Image:
    from PIL import Image

    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def _eight_bit(image: PILImage.Image, source: Path) -> PILImage.Image:
    """One of L, LA, RGB, RGBA, CMYK: the modes that resize well and encode everywhere."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if mode == "P":
        has_alpha = "transparency" in image.info or (
            image.palette is not None and image.palette.mode == "RGBA")
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode == "PA":
        return image.convert("RGBA")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        # 16- and 32-bit greyscale: Pillow's convert("L") clips at 255 instead of
        # scaling, which turns most 16-bit photos white.
        wide = image.convert("F") if mode != "F" else image
        # One band: (lowest, highest).
        high = float(cast("tuple[float, float]", wide.getextrema())[1])
        if mode.startswith("I;16") or (mode == "I" and 255 < high <= 65535):
            top = 65535.0
        elif mode == "I" and high <= 255:
            top = 255.0
        else:
            top = high if high > 0 else 1.0
        return wide.point(lambda v: v * (255.0 / top)).convert("L")
    try:
        return image.convert("RGB")
    except ValueError:
        raise MediaError(_("{path}: colour mode {mode} is not supported").format(
            path=source, mode=mode)) from None


@functools.lru_cache(maxsize=16)
def _srgb_transform(icc: bytes, mode: str) -> ImageCmsTransform | None:
    """A transform from the embedded profile to sRGB; None when it is sRGB already or broken."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if mode != "CMYK" and "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None
        out_mode = "RGBA" if mode == "RGBA" else "RGB"
        return ImageCms.buildTransform(profile, ImageCms.createProfile("sRGB"), mode, out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _to_srgb(image: PILImage.Image, icc: bytes | None) -> PILImage.Image:
    """Colours converted to sRGB with the embedded profile (after resizing: fewer pixels)."""
    from PIL import ImageCms

    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        transform = _srgb_transform(bytes(icc), image.mode)
        if transform is not None:
            try:
                converted = ImageCms.applyTransform(image, transform)
                if converted is not None:  # None only for a transform applied in place
                    return converted
            except (ImageCms.PyCMSError, ValueError):
                pass  # a profile that does not match the pixels: use them as they are
    if image.mode == "CMYK":
        return image.convert("RGB")
    return image


# --- encoding -------------------------------------------------------------------


def _flatten(image: PILImage.Image) -> PILImage.Image:
    """Transparent pixels on white, for formats without an alpha channel."""
    from PIL import Image

    if image.mode not in ("RGBA", "LA"):
        return image
    base = "RGB" if image.mode == "RGBA" else "L"
    background = Image.new(base, image.size, "white")
    background.paste(image.convert(base), mask=image.getchannel("A"))
    return background


def _encode(image: PILImage.Image, fmt: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.info = {}  # no EXIF, XMP, ICC or comment may travel with the pixels
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=quality)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=quality, method=4)
    else:
        image.save(buffer, fmt, optimize=True)
    return buffer.getvalue()


def _encode_within(
    image: PILImage.Image, fmt: str, limits: MediaLimits, source: Path
) -> tuple[bytes, PILImage.Image]:
    """Encode under ``limits.max_bytes``: lower quality stepwise, then shrink; bounded."""
    from PIL import Image

    if fmt == "JPEG":
        image = _flatten(image)
    lossy = fmt in ("JPEG", "WEBP")
    quality = max(1, min(95, limits.quality))
    data = _encode(image, fmt, quality)
    while lossy and len(data) > limits.max_bytes and quality > QUALITY_FLOOR:
        quality = max(QUALITY_FLOOR, quality - QUALITY_STEP)
        data = _encode(image, fmt, quality)
    shrinks = 0
    while len(data) > limits.max_bytes:
        if shrinks == MAX_SHRINKS or max(image.size) <= 16:
            raise MediaError(_(
                "{path}: cannot make the photo smaller than {limit} bytes (the channel's "
                "limit); it is {size} bytes at {width}x{height}").format(
                    path=source, limit=format_number(limits.max_bytes),
                    size=format_number(len(data)), width=image.width, height=image.height))
        # Bytes grow with the pixel count: aim a little below the limit.
        scale = min(0.9, math.sqrt(limits.max_bytes / len(data)) * 0.95)
        smaller = dataclasses.replace(limits, max_side=max(1, round(max(image.size) * scale)))
        size = fit_size(*image.size, smaller)  # keeps max_sum and max_ratio despite rounding
        image = image.resize(size, Image.Resampling.LANCZOS)
        data = _encode(image, fmt, quality)
        shrinks += 1
    return data, image


def _write_atomic(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` through a temporary file, so no reader sees half a file."""
    temporary: str | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent
        )
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, dest)
    except OSError as exc:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise MediaError(_("{path}: cannot write the rendition ({reason})").format(
            path=dest, reason=exc.strerror or exc)) from None
