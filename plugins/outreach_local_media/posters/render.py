"""Composing a poster page and writing its print PDF and PNG preview.

Made for people who read at arm's length with older eyes: dark text on white,
white text on deep blue, and the call to action with the phone number on a
yellow band across the page (black on yellow is the most legible pair there
is). Type sizes are in hundredths of the page's short side, so an A4 flyer
and a 1.4-metre stand look alike; the smallest text on A4 is about 14 pt.

One page image is held in memory at a time; photos are decoded at the
smallest scale that covers their frame (see ``photos``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import N_, _, ngettext
from outreach_local_media.posters.layouts import Layout
from outreach_local_media.posters.photos import effective_dpi, place_photo
from outreach_local_media.posters.qr import qr_image
from outreach_local_media.posters.textfit import (
    BOLD,
    REGULAR,
    Fitted,
    draw_text,
    fit_text,
    printable,
)

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageDraw

INK = (17, 17, 17)
WHITE = (255, 255, 255)
BLUE = (11, 79, 138)  # white on it: contrast 8:1
YELLOW = (255, 210, 63)  # black on it: contrast 14:1
MAX_PHOTOS = 4
PREVIEW_SIDE = 1600  # pixels on the long side of a preview
PDF_QUALITY = 92
# The poster's own words, in the language of config.toml ("Наведите камеру телефона").
LABEL_SCAN = N_("Point your phone's camera here")  # wraps to two lines under the code
LABEL_CODE = N_("Sign-up code: {code}")
LABEL_PHONE = N_("Call: {phone}")

#: How warnings name the parts of a poster (``TextBox.name``).
PARTS = {"headline": N_("the headline"), "line": N_("the line under the headline"),
         "centre": N_("the centre's name"), "call": N_("the call to action"),
         "phone": N_("the phone line"), "code": N_("the code line"),
         "scan": N_("the label under the QR code"), "footer": N_("the footer")}

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class PosterContent:
    """What goes on a poster; every text as the reader will see it."""

    title: str
    line: str = ""  # a short line from the story
    photos: Sequence[Path] = ()
    centre_name: str = ""
    slogan: str = ""
    website: str = ""
    logo: Path | None = None
    call_to_action: str = ""
    phone: str = ""
    short_code: str | None = None  # "MIA-7", said on the phone
    link: str | None = None  # the sign-up deep link the QR code holds


@dataclass(frozen=True)
class TextBox:
    name: str  # headline, line, centre, call, phone, code, scan, footer
    box: Box  # where the text had to stay
    ink: Box  # where it was drawn
    size: int  # type size in pixels
    text: str


@dataclass
class PosterResult:
    png: Path
    pdf: Path | None
    layout: Layout
    warnings: list[str] = field(default_factory=list)
    texts: list[TextBox] = field(default_factory=list)
    photo_frames: list[tuple[Box, tuple[int, int]]] = field(default_factory=list)
    qr_box: Box | None = None


class Composer:
    """Draws one page: regions per shape (portrait, landscape, square), then content."""

    def __init__(self, layout: Layout, content: PosterContent) -> None:
        from PIL import Image, ImageDraw

        self.layout = layout
        self.content = content
        self.width, self.height = layout.pixels
        self.unit = min(self.width, self.height) / 100
        self.page = Image.new("RGB", (self.width, self.height), WHITE)
        self.draw: ImageDraw.ImageDraw = ImageDraw.Draw(self.page)
        self.result_texts: list[TextBox] = []
        self.frames: list[tuple[Box, tuple[int, int]]] = []
        self.warnings: list[str] = []
        self.qr_box: Box | None = None

    # --- text ------------------------------------------------------------------

    def text(self, name: str, text: str, box: Box, *, bold: bool = False, max_u: float,
             min_u: float, fill: tuple[int, int, int] = INK, align: str = "left",
             valign: str = "top", max_lines: int | None = None) -> Fitted | None:
        clean, dropped = printable(text, BOLD if bold else REGULAR)
        if dropped:
            shown = " ".join(dict.fromkeys(dropped))
            self.warnings.append(_("{part}: left out characters the poster font cannot "
                                   "print: {characters}").format(part=_(PARTS[name]),
                                                                 characters=shown))
        if not clean:
            return None
        left, top, right, bottom = box
        fitted = fit_text(clean, right - left, bottom - top, BOLD if bold else REGULAR,
                          max(1, round(max_u * self.unit)), max(1, round(min_u * self.unit)),
                          max_lines)
        if fitted.truncated:
            self.warnings.append(_("{part}: the text is too long for the {format} format and "
                                   "was shortened to end with '…'").format(
                part=_(PARTS[name]), format=self.layout.name))
        ink = draw_text(self.draw, fitted, box, fill, align, valign)
        if ink is not None:
            self.result_texts.append(TextBox(name, box, ink, fitted.size, " ".join(fitted.lines)))
        return fitted

    # --- pieces ----------------------------------------------------------------

    def photos(self, box: Box) -> None:
        # A billboard is read in a glance from a moving car: two photos at most.
        most = 2 if self.layout.shape == "landscape" else MAX_PHOTOS
        paths = list(self.content.photos)[:most]
        if len(self.content.photos) > most:
            count = len(self.content.photos)
            self.warnings.append(ngettext(
                "the story has {count} photo; the {format} format shows the first {most}",
                "the story has {count} photos; the {format} format shows the first {most}",
                count).format(count=count, format=self.layout.name, most=most))
        gap = round(1.2 * self.unit)
        for path, frame in zip(paths, _grid(box, len(paths), gap), strict=True):
            size = (frame[2] - frame[0], frame[3] - frame[1])
            placed = place_photo(path, size)
            self.page.paste(placed.image, frame[:2])
            self.frames.append((frame, placed.source_size))
            dpi = effective_dpi(placed, size[0], self.layout.dpi)
            if dpi < self.layout.dpi / 2:
                self.warnings.append(_(
                    "photo {name} is {width}x{height} pixels: on the {format} format it "
                    "prints at {dpi} dpi (sharp needs {sharp} or more), so it will look "
                    "soft; a larger original would print better").format(
                    name=path.name, width=placed.source_size[0],
                    height=placed.source_size[1], format=self.layout.name,
                    dpi=f"{dpi:.0f}", sharp=self.layout.dpi // 2))
            placed.image.close()

    def logo(self, box: Box) -> int:
        """Draw the logo fitted into ``box`` (left-aligned); return its width."""
        from PIL import Image

        path = self.content.logo
        if path is None:
            return 0
        with Image.open(path) as source:
            source.draft("RGB", (box[2] - box[0], box[3] - box[1]))
            logo = source.convert("RGBA")
        logo.thumbnail((box[2] - box[0], box[3] - box[1]), Image.Resampling.LANCZOS)
        top = box[1] + (box[3] - box[1] - logo.height) // 2
        self.page.paste(logo, (box[0], top), logo)
        return logo.width

    def header(self, box: Box, fill: tuple[int, int, int] = INK) -> None:
        left, top, right, bottom = box
        used = self.logo((left, top, left + round((right - left) * 0.3), bottom))
        if used:
            left += used + round(2.5 * self.unit)
        self.text("centre", self.content.centre_name, (left, top, right, bottom), bold=True,
                  max_u=4.2, min_u=2.4, fill=fill, valign="middle", max_lines=3)

    def call_band(self, box: Box, qr_share: float = 0.9) -> None:
        """Yellow band: the call to action, the phone, the code and the QR code."""
        left, top, right, bottom = box
        self.draw.rectangle(box, fill=YELLOW)
        pad = round(2.5 * self.unit)
        inner = (left + pad + round(3 * self.unit), top + pad, right - pad - round(3 * self.unit),
                 bottom - pad)
        text_right = inner[2]
        if self.content.link:
            side = round(min((inner[3] - inner[1]) * qr_share, (inner[2] - inner[0]) * 0.36))
            label_h = round(5.2 * self.unit)
            code_side = side - label_h
            qr = qr_image(self.content.link, code_side)
            qx = inner[2] - qr.width
            qy = inner[1] + (inner[3] - inner[1] - qr.height - label_h) // 2
            self.page.paste(qr.convert("RGB"), (qx, qy))
            self.qr_box = (qx, qy, qx + qr.width, qy + qr.height)
            self.text("scan", _(LABEL_SCAN),
                      (qx - round(2 * self.unit), qy + qr.height, qx + qr.width
                       + round(2 * self.unit), qy + qr.height + label_h),
                      max_u=2.2, min_u=1.4, align="center", max_lines=2)
            text_right = qx - round(3 * self.unit)
        height = inner[3] - inner[1]
        rows = [("call", self.content.call_to_action, True, 0.42, 7.0, 3.2),
                ("phone", _(LABEL_PHONE).format(phone=self.content.phone)
                 if self.content.phone else "", True, 0.32, 7.5, 3.0),
                ("code", _(LABEL_CODE).format(code=self.content.short_code)
                 if self.content.short_code else "", False, 0.2, 4.0, 2.4)]
        rows = [row for row in rows if row[1]]
        total = sum(row[3] for row in rows) or 1
        y = inner[1]
        for name, text, bold, share, max_u, min_u in rows:
            h = round(height * share / total)
            self.text(name, text, (inner[0], y, text_right, y + h), bold=bold, max_u=max_u,
                      min_u=min_u, valign="middle", max_lines=3 if name == "call" else 2)
            y += h

    def footer(self, box: Box) -> None:
        self.draw.rectangle(box, fill=BLUE)
        words = " · ".join(t for t in (self.content.slogan, self.content.website) if t)
        pad = round(3 * self.unit)
        self.text("footer", words, (box[0] + pad, box[1], box[2] - pad, box[3]), max_u=3.2,
                  min_u=1.6, fill=WHITE, align="center", valign="middle", max_lines=2)

    # --- compositions ------------------------------------------------------------

    def compose(self) -> None:
        getattr(self, f"_{self.layout.shape}")()

    def _portrait(self) -> None:
        w, h, c = self.width, self.height, self.content
        m = round(6 * self.unit)
        self.header((m, round(0.035 * h), w - m, round(0.105 * h)))
        self.draw.rectangle((m, round(0.118 * h), w - m, round(0.118 * h + 0.5 * self.unit)),
                            fill=BLUE)
        call_top, foot_top = round(0.735 * h), round(0.94 * h)
        if c.photos:
            self.photos((m, round(0.14 * h), w - m, round(0.49 * h)))
            self.text("headline", c.title, (m, round(0.51 * h), w - m, round(0.645 * h)),
                      bold=True, max_u=9, min_u=3.6, max_lines=4)
            self.text("line", c.line, (m, round(0.655 * h), w - m, round(0.725 * h)),
                      max_u=4.2, min_u=2.5, max_lines=3)
        else:
            block = (0, round(0.14 * h), w, round(0.56 * h))
            self.draw.rectangle(block, fill=BLUE)
            self.text("headline", c.title, (m, block[1] + m, w - m, block[3] - m), bold=True,
                      max_u=13, min_u=4, fill=WHITE, valign="middle", max_lines=6)
            self.text("line", c.line, (m, round(0.585 * h), w - m, round(0.72 * h)),
                      max_u=5.5, min_u=2.8, valign="middle", max_lines=4)
        self.call_band((0, call_top, w, foot_top))
        self.footer((0, foot_top, w, h))

    def _landscape(self) -> None:
        w, h, c = self.width, self.height, self.content
        m = round(5 * self.unit)
        split = round(w * 0.5) if c.photos else 0
        if c.photos:
            self.photos((0, 0, split, h))
        else:
            split = round(w * 0.42)
            self.draw.rectangle((0, 0, split, h), fill=BLUE)
            self.text("headline", c.title, (m, m, split - m, h - m), bold=True, max_u=14,
                      min_u=4, fill=WHITE, valign="middle", max_lines=6)
        left = split + m
        self.header((left, round(0.04 * h), w - m, round(0.17 * h)))
        if c.photos:
            self.text("headline", c.title, (left, round(0.2 * h), w - m, round(0.46 * h)),
                      bold=True, max_u=11, min_u=4, max_lines=3)
            self.text("line", c.line, (left, round(0.47 * h), w - m, round(0.55 * h)),
                      max_u=5, min_u=2.8, max_lines=2)
        else:
            self.text("line", c.line, (left, round(0.2 * h), w - m, round(0.52 * h)),
                      max_u=7, min_u=3, valign="middle", max_lines=4)
        self.call_band((split, round(0.58 * h), w, round(0.9 * h)))
        self.footer((split, round(0.9 * h), w, h))

    def _square(self) -> None:
        w, h, c = self.width, self.height, self.content
        m = round(5 * self.unit)
        if c.photos:
            self.photos((0, 0, w, round(0.46 * h)))
            self.text("headline", c.title, (m, round(0.48 * h), w - m, round(0.66 * h)),
                      bold=True, max_u=7.5, min_u=3.4, max_lines=3, valign="middle")
        else:
            self.draw.rectangle((0, 0, w, round(0.66 * h)), fill=BLUE)
            self.header((m, m, w - m, round(0.16 * h)), fill=WHITE)
            self.text("headline", c.title, (m, round(0.2 * h), w - m, round(0.62 * h)),
                      bold=True, max_u=10, min_u=4, fill=WHITE, valign="middle", max_lines=5)
        self.call_band((0, round(0.68 * h), w, round(0.93 * h)), qr_share=1.0)
        self.footer((0, round(0.93 * h), w, h))


def _grid(box: Box, count: int, gap: int) -> list[Box]:
    """Frames for 1-4 photos: one; two side by side; one large and two stacked; two by two."""
    left, top, right, bottom = box
    if count == 0:
        return []
    if count == 1:
        return [box]
    mid_x = (left + right - gap) // 2
    mid_y = (top + bottom - gap) // 2
    if count == 2:
        if right - left <= bottom - top:  # a tall or square area: one above the other
            return [(left, top, right, mid_y), (left, mid_y + gap, right, bottom)]
        return [(left, top, mid_x, bottom), (mid_x + gap, top, right, bottom)]
    if count == 3:
        wide = left + round((right - left - gap) * 0.62)
        return [(left, top, wide, bottom), (wide + gap, top, right, mid_y),
                (wide + gap, mid_y + gap, right, bottom)]
    return [(left, top, mid_x, mid_y), (mid_x + gap, top, right, mid_y),
            (left, mid_y + gap, mid_x, bottom), (mid_x + gap, mid_y + gap, right, bottom)]


def render_poster(content: PosterContent, layout: Layout, out_dir: Path,
                  name: str) -> PosterResult:
    """Compose ``content`` in ``layout``; write ``<name>.png`` (and ``<name>.pdf``) in
    ``out_dir``. Files are renamed into place only when complete.

    Raises OSError when a photo or the logo cannot be read or the folder written.
    """
    composer = Composer(layout, content)
    composer.compose()
    page = composer.page
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = None
    if layout.pdf:
        pdf = out_dir / f"{name}.pdf"
        _save(page, pdf, "PDF", resolution=layout.dpi, quality=PDF_QUALITY)
    if layout.pdf and max(page.size) > PREVIEW_SIDE:
        from PIL import Image

        # The print file is written: the page itself becomes the preview.
        page.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    png = out_dir / f"{name}.png"
    _save(page, png, "PNG")
    return PosterResult(png, pdf, layout, composer.warnings, composer.result_texts,
                        composer.frames, composer.qr_box)


def _save(image: PILImage.Image, dest: Path, fmt: str, **options: object) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp",
                                         dir=dest.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            image.info = {}  # nothing but pixels: no EXIF, no comments
            image.save(out, fmt, **options)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, dest)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
