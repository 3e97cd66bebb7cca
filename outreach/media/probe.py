"""Checking an original photo at import: is it a whole, decodable image, and how big.

Every pixel is decoded once, because a truncated JPEG opens and reports its
size without complaint and fails only when a channel tries to use it. For
JPEG the decoder works at 1/8 scale (``Image.draft``): it still reads the
whole compressed stream, so truncation is caught, about six times faster.
Other formats are also ``verify()``-ed, which checks e.g. PNG chunk checksums.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import ContentError, MediaError
from outreach.i18n import _, format_decimal, format_number

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PIL import Image as PILImage

# Formats a volunteer's camera or phone produces and the media pipeline can
# turn into what every channel accepts. MPO is how Pillow names many camera JPEGs.
SUPPORTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "TIFF", "BMP"})

# EXIF Orientation values that turn the picture by 90 degrees.
_SIDEWAYS = frozenset({5, 6, 7, 8})
_ORIENTATION = 0x0112


@dataclass(frozen=True)
class PhotoInfo:
    """What import records about a photo; width and height as it is shown (EXIF applied)."""

    sha256: str
    width: int
    height: int
    format: str


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes (hex), read in blocks: a large file is never held
    whole. An unreadable file raises its OSError."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """``sha256_of`` a photo, raising MediaError naming the file when unreadable."""
    with _reading(path, "photo", MediaError):
        return sha256_of(path)


def probe_photo(path: Path) -> PhotoInfo:
    """Check that ``path`` is a whole image Pillow can decode; raise MediaError if not."""
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice the limit; a photo
            # that large is refused all the same, so the warning is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                fmt = image.format or "unknown"
                if fmt not in SUPPORTED_FORMATS:
                    raise MediaError(_("{path}: {format} images are not supported; save it "
                                       "as JPEG or PNG").format(path=path, format=fmt))
                width, height = image.size
                if fmt in ("JPEG", "MPO"):
                    orientation = _orientation(image)
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                    image.load()
                else:
                    # verify() checks what decoding alone lets pass (PNG chunk CRCs);
                    # it must come first and leaves the image unusable, so a fresh
                    # copy is decoded after it.
                    image.verify()
                    with Image.open(io.BytesIO(data)) as fresh:
                        orientation = _orientation(fresh)
                        fresh.load()
    except MediaError:
        raise
    except UnidentifiedImageError:
        raise MediaError(_("{path}: not an image (Pillow cannot read it)").format(
            path=path)) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"{path}: {_too_large(str(exc), limit)}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports damage as any of these, depending on the format.
        raise MediaError(_("{path}: truncated or damaged ({reason})").format(
            path=path, reason=_reason(exc))) from None
    if orientation in _SIDEWAYS:
        width, height = height, width
    return PhotoInfo(sha256=digest, width=width, height=height, format=fmt)


def read_bytes(path: Path, what: str = "photo", error: type[ContentError] = MediaError) -> bytes:
    """A file's bytes, or ``error`` naming the file and why it cannot be read."""
    with _reading(path, what, error):
        return path.read_bytes()


@contextlib.contextmanager
def _reading(path: Path, what: str, error: type[ContentError]) -> Iterator[None]:
    """Turns the OSError of reading ``path`` into ``error`` naming the file and why."""
    try:
        yield
    except FileNotFoundError:
        raise error(_("{path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise error((_("{path}: cannot read: it is a folder, not a photo") if what == "photo"
                     else _("{path}: cannot read: it is a folder, not a file")).format(
            path=path)) from None
    except OSError as exc:
        raise error(_("{path}: cannot read: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None


def _orientation(image: PILImage.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - broken EXIF is not a broken photo
        return 1
    return value if isinstance(value, int) else 1


def _too_large(message: str, limit: int | None) -> str:
    match = re.search(r"\((\d+) pixels\)", message)
    if match is None or not limit:
        return _("too large to open safely")
    pixels = int(match.group(1))
    return _("too large: {size}, the limit is {limit} (make it smaller before importing)"
             ).format(size=_amount(pixels), limit=_amount(limit))


def _amount(pixels: int) -> str:
    value = pixels / 1e6
    if value >= 10:
        return _("{count} megapixels").format(count=format_decimal(value, 0))
    if value >= 0.1:
        return _("{count} megapixels").format(count=format_decimal(value, 1))
    return _("{count} pixels").format(count=format_number(pixels))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
