"""A print shop's CMYK output profile, and the poster's colours converted through it.

The page is designed in sRGB (what screens and the PNG preview show). When the
channel names a print profile (``print_profile``), the print PDF carries CMYK
instead: photos, the logo, fills and text go from sRGB to the profile's inks
through one LittleCMS transform (Pillow's ImageCms), and the profile itself is
the document's output intent, so the shop's preflight sees the press and paper
the file was separated for.

Rendering intent: relative colorimetric with black point compensation, the
default of prepress colour settings (Adobe's "Europe Prepress 3", ECI's
recommendations). Colours that the press can print (skin, the centre's blue,
the yellow band) stay exactly as designed, only the few beyond the press's gamut
(a screen's most saturated blues and greens) move to the nearest printable one;
black point compensation maps sRGB black to the darkest black of the paper, so
shadows in photos keep their detail. Perceptual would also move in-gamut
colours, by a table that differs from one vendor's profile to another's.

Neutral greys, text's near-black among them, are printed with black ink alone
(K), matched to the grey's lightness on that paper: four inks on small type
blur when the plates are a hair out of register, and a grey of four inks
shifts colour on press.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import _

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageCms

Colour = tuple[int, int, int]
Ink = tuple[float, float, float, float]  # C, M, Y, K from 0 to 1
_HEADER = 128
_MAX_BYTES = 64 * 1024 * 1024  # press profiles weigh 0.5-5 MB; larger is not one


class ProfileError(ValueError):
    """The file named as the print profile cannot be used; the message says why."""


def profile_problem(path: Path) -> str | None:
    """Why the file at ``path`` is not a CMYK output profile, or None when it is one."""
    try:
        open_profile(path)
    except ProfileError as exc:
        return str(exc)
    return None


def open_profile(path: Path) -> CmykProfile:
    """The profile at ``path``, read and checked once per process while the file stays
    the same: config checking and every poster then share one transform.

    Raises ProfileError as CmykProfile does.
    """
    try:
        stat = path.stat()
    except OSError:
        return CmykProfile(path)  # raises, saying why
    return _opened(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _opened(path: Path, _mtime: int, _size: int) -> CmykProfile:
    return CmykProfile(path)


class CmykProfile:
    """A CMYK output ICC profile (device class 'prtr') and the sRGB-to-it transform.

    Raises ProfileError naming the file when it is missing, not an ICC profile,
    or a profile of something other than a CMYK printer.
    """

    def __init__(self, path: Path) -> None:
        from PIL import ImageCms

        self.path = path
        self._inks: dict[Colour, Ink] = {}
        try:
            with path.open("rb") as handle:
                self.data = handle.read(_MAX_BYTES + 1)
        except FileNotFoundError:
            raise ProfileError(_(
                "the file {path} does not exist; put the print shop's colour profile "
                "(.icc) there or correct the path").format(path=path)) from None
        except OSError as exc:
            raise ProfileError(_("cannot read {path}: {reason}").format(
                path=path, reason=exc.strerror or type(exc).__name__)) from None
        if len(self.data) < _HEADER or self.data[36:40] != b"acsp" or len(self.data) > _MAX_BYTES:
            raise ProfileError(_(
                "{path} is not an ICC colour profile; ask the print shop for the profile "
                "of its press and paper (a file ending in .icc or .icm)").format(path=path))
        try:
            if int.from_bytes(self.data[:4], "big") > len(self.data):
                raise ValueError("shorter than its header says")  # a download cut short
            self.profile = ImageCms.ImageCmsProfile(io.BytesIO(self.data))
        except (OSError, ValueError, ImageCms.PyCMSError):
            raise ProfileError(_(
                "{path} is a damaged ICC colour profile; ask the print shop for the file "
                "again").format(path=path)) from None
        space = self.profile.profile.xcolor_space.strip()
        kind = self.profile.profile.device_class
        if space != "CMYK" or kind != "prtr":
            raise ProfileError(_(
                "{path} is a colour profile for {what}, not for printing in CMYK; ask the "
                "print shop for the CMYK profile of its press and paper (e.g. ISO Coated v2)"
            ).format(path=path, what=_what(kind, space)))
        self.description = _description(self.profile) or path.stem
        try:
            self.transform  # noqa: B018  # built now: a profile without tables fails here
        except ImageCms.PyCMSError:
            raise ProfileError(_(
                "{path} is a CMYK profile that cannot convert colours into CMYK (it has no "
                "tables for that); ask the print shop for its output profile"
            ).format(path=path)) from None

    @functools.cached_property
    def transform(self) -> ImageCms.ImageCmsTransform:
        from PIL import ImageCms

        return ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), self.profile, "RGB", "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)

    def image(self, picture: PILImage.Image) -> PILImage.Image:
        """``picture`` (RGB, sRGB) as a new CMYK image for this press and paper."""
        from PIL import ImageCms

        converted = ImageCms.applyTransform(picture, self.transform)
        assert converted is not None  # None only when converting in place
        return converted

    def ink(self, colour: Colour) -> Ink:
        """The inks that print ``colour`` (sRGB 0-255), each from 0 to 1."""
        from PIL import Image

        found = self._inks.get(colour)
        if found is None:
            if colour[0] == colour[1] == colour[2]:
                found = (0.0, 0.0, 0.0, self._black_ramp[colour[0]] / 255)
            else:
                with Image.new("RGB", (1, 1), colour) as one:
                    c, m, y, k = self.image(one).getpixel((0, 0))  # type: ignore[misc]
                found = (c / 255, m / 255, y / 255, k / 255)
            self._inks[colour] = found
        return found

    @functools.cached_property
    def _black_ramp(self) -> list[int]:
        """For each sRGB grey 0-255, the K-alone tint that prints it as light."""
        from PIL import Image, ImageCms

        # 256 pixels: not worth LittleCMS precalculating a table for (NOOPTIMIZE).
        back = ImageCms.buildTransform(
            self.profile, ImageCms.createProfile("sRGB"), "CMYK", "RGB",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION | ImageCms.Flags.NOOPTIMIZE)
        ramp = Image.new("CMYK", (256, 1))
        ramp.putdata([(0, 0, 0, k) for k in range(256)])
        shown = ImageCms.applyTransform(ramp, back)
        assert shown is not None
        greys = [sum(shown.getpixel((k, 0))) / 3 for k in range(256)]  # type: ignore[arg-type]
        return [min(range(256), key=lambda k: abs(greys[k] - grey)) if 0 < grey < 255
                else 255 - grey for grey in range(256)]


def _what(kind: str, space: str) -> str:
    kinds = {"mntr": _("a screen"), "scnr": _("a scanner"), "prtr": _("a printer"),
             "spac": _("converting between colour spaces"), "link": _("a device link"),
             "abst": _("an effect"), "nmcl": _("named colours")}
    return f"{kinds.get(kind, kind)} ({space})"


def _description(profile: ImageCms.ImageCmsProfile) -> str:
    """The profile's own name ('ISO Coated v2 300% (ECI)'), as a print shop knows it."""
    text = profile.profile.profile_description or ""
    return " ".join(text.split())

