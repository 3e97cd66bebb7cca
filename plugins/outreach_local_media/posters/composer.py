"""What goes on a poster, and the pieces every design is built from.

Made for people who read at arm's length with older eyes: dark text on white,
white text on deep blue, and the call to action with the phone number on a
yellow band (black on yellow is the most legible pair there is). Type sizes are
in hundredths of the page's short side (``unit``), so an A4 flyer and a
1.4-metre stand look alike; the smallest text on A4 is about 9 pt (photo
credits), the rest 14 pt and up.

The composer lays things out on a ``Page`` (a list of things to draw); it draws
nothing itself. Every piece stays inside its own box: no text over a photo but
a photo's own credit, no photo reaching into its neighbour's frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outreach.channels import N_, _, ngettext
from outreach_local_media.posters.layouts import Layout
from outreach_local_media.posters.page import (
    Box,
    Code,
    Colour,
    Fill,
    Line,
    Logo,
    Page,
    Picture,
    fit_inside,
)
from outreach_local_media.posters.photos import Crop, choose_crop, cover_box, upright_size
from outreach_local_media.posters.textfit import BOLD, REGULAR, Fitted, fit_text, place_lines
from outreach_local_media.posters.textfit import printable as printable_text
from outreach_local_media.release import clean_credit

INK = (17, 17, 17)
WHITE = (255, 255, 255)
BLUE = (11, 79, 138)  # white on it: contrast 8:1
YELLOW = (255, 210, 63)  # black on it: contrast 14:1
SHADE = (0, 0, 0)  # under a photo's credit
MAX_PHOTOS = 4
# The poster's own words, in the language of config.toml ("Наведите камеру телефона").
LABEL_SCAN = N_("Point your phone's camera here")  # wraps to two lines under the code
LABEL_CODE = N_("Sign-up code: {code}")
LABEL_PHONE = N_("Call: {phone}")
LABEL_CREDIT = N_("Photo: {names}")

#: How warnings name the parts of a poster (``TextBox.name``).
PARTS = {"headline": N_("the headline"), "line": N_("the line under the headline"),
         "centre": N_("the centre's name"), "call": N_("the call to action"),
         "phone": N_("the phone line"), "code": N_("the code line"),
         "scan": N_("the label under the QR code"), "footer": N_("the footer"),
         "credit": N_("the photo credit"), "slogan": N_("the slogan"),
         "address": N_("the address"), "section": N_("a section heading"),
         "caption": N_("a report's caption"), "date": N_("a report's date"),
         "event": N_("an event"), "prefix": N_("the phone's area code")}


@dataclass(frozen=True)
class Report:
    """One recent report on a stand: a photo with its caption."""

    title: str
    photo: Path | None = None
    caption: str = ""
    credit: str = ""
    date: str = ""  # as the reader sees it: "14 октября 2026"


@dataclass(frozen=True)
class Event:
    """An upcoming meeting or event on a stand."""

    when: str  # "10 декабря, 11:00"
    title: str
    place: str = ""


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
    credits: Sequence[str] = ()  # who took the photos ("Ирина Петрова")
    address: str = ""  # the centre's, on a stand
    billboard_headline: str = ""  # at most seven words; the call to action when empty
    municipality: str = ""  # whose news a stand shows
    reports: Sequence[Report] = ()  # a stand's recent reports
    events: Sequence[Event] = ()  # a stand's upcoming meetings


@dataclass(frozen=True)
class TextBox:
    name: str  # headline, line, centre, call, phone, code, scan, footer, credit...
    box: Box  # where the text had to stay
    ink: Box  # where it was drawn
    size: int  # type size in pixels
    text: str


def credit_line(credits: Sequence[str]) -> str:
    """"Фото: Ирина Петрова, Олег Смирнов" from the credits as written in story files
    (a credit that already starts with "Фото:" is not given a second one)."""
    names = [clean_credit(credit) for credit in credits if credit]
    names = [name for name in dict.fromkeys(names) if name]
    return _(LABEL_CREDIT).format(names=", ".join(names)) if names else ""


class Composer:
    """The pieces of a page: text in boxes, photos, logo, header, call band, footer."""

    def __init__(self, layout: Layout, content: PosterContent) -> None:
        self.layout = layout
        self.content = content
        self.width, self.height = layout.pixels
        self.unit = min(self.width, self.height) / 100
        self.page = Page(self.width, self.height)
        self.result_texts: list[TextBox] = []
        self.frames: list[tuple[Box, tuple[int, int]]] = []
        self.warnings: list[str] = []
        self.qr_box: Box | None = None

    def u(self, hundredths: float) -> int:
        return round(hundredths * self.unit)

    def fill(self, box: Box, colour: Colour) -> None:
        self.page.add(Fill(box, colour))

    # --- text ------------------------------------------------------------------

    def text(self, name: str, text: str, box: Box, *, bold: bool = False, max_u: float,
             min_u: float, fill: Colour = INK, align: str = "left",
             valign: str = "top", max_lines: int | None = None) -> Fitted | None:
        clean = self.printable(name, text, bold)
        if not clean:
            return None
        left, top, right, bottom = box
        fitted = fit_text(clean, right - left, bottom - top, BOLD if bold else REGULAR,
                          max(1, self.u(max_u)), max(1, self.u(min_u)), max_lines)
        if fitted.truncated:
            self.warnings.append(_("{part}: the text is too long for the {format} format and "
                                   "was shortened to end with '…'").format(
                part=_(PARTS[name]), format=self.layout.name))
        self.put(name, fitted, box, fill, align, valign)
        return fitted

    def printable(self, name: str, text: str, bold: bool = False) -> str:
        clean, dropped = printable_text(text, BOLD if bold else REGULAR)
        if dropped:
            shown = " ".join(dict.fromkeys(dropped))
            self.warnings.append(_("{part}: left out characters the poster font cannot "
                                   "print: {characters}").format(part=_(PARTS[name]),
                                                                 characters=shown))
        return clean

    def put(self, name: str, fitted: Fitted, box: Box, fill: Colour, align: str = "left",
            valign: str = "top") -> None:
        lines, ink = place_lines(fitted, box, align, valign)
        for x, y, line in lines:
            self.page.add(Line(x, y, line, fitted.path, fitted.size, fill))
        if ink is not None:
            self.result_texts.append(TextBox(name, box, ink, fitted.size, " ".join(fitted.lines)))

    # --- pieces ----------------------------------------------------------------

    def photos(self, box: Box, paths: Sequence[Path] | None = None, most: int = MAX_PHOTOS,
               crop: Crop = choose_crop) -> None:
        chosen = list(self.content.photos if paths is None else paths)
        if len(chosen) > most:
            count = len(chosen)
            self.warnings.append(ngettext(
                "the story has {count} photo; the {format} format shows the first {most}",
                "the story has {count} photos; the {format} format shows the first {most}",
                count).format(count=count, format=self.layout.name, most=most))
        chosen = chosen[:most]
        for path, frame in zip(chosen, grid(box, len(chosen), self.u(1.2)), strict=True):
            self.photo(path, frame, crop)

    def photo(self, path: Path, frame: Box, crop: Crop = choose_crop) -> None:
        """One photo filling ``frame`` (cropped, never squashed); a warning when it has
        too few pixels for the format's resolution."""
        size = (frame[2] - frame[0], frame[3] - frame[1])
        source = upright_size(path)
        self.page.add(Picture(path, frame, crop))
        self.frames.append((frame, source))
        used = cover_box(*source, size)
        inches = size[0] / self.layout.dpi
        dpi = (used[2] - used[0]) / inches if inches else float(self.layout.dpi)
        if dpi < self.layout.dpi / 2:
            self.warnings.append(_(
                "photo {name} is {width}x{height} pixels: on the {format} format it "
                "prints at {dpi} dpi (sharp needs {sharp} or more), so it will look "
                "soft; a larger original would print better").format(
                name=path.name, width=source[0], height=source[1],
                format=self.layout.name, dpi=f"{dpi:.0f}", sharp=self.layout.dpi // 2))

    def credit(self, box: Box, credits: Sequence[str] | None = None, *, over: bool = False,
               align: str = "left", max_u: float = 1.6, min_u: float = 1.1) -> None:
        """The photo credit in ``box``: white on a dark strip when ``over`` a photo."""
        words = credit_line(self.content.credits if credits is None else credits)
        if not words:
            return
        if over:
            self.fill(box, SHADE)
            pad = self.u(1)
            box = (box[0] + pad, box[1], box[2] - pad, box[3])
        self.text("credit", words, box, max_u=max_u, min_u=min_u,
                  fill=WHITE if over else INK, align=align, valign="middle", max_lines=1)

    def logo(self, box: Box, align: str = "left") -> int:
        """The logo fitted into ``box``; return its width."""
        path = self.content.logo
        if path is None:
            return 0
        from PIL import Image

        with Image.open(path) as source:
            native = source.size
        width, height = fit_inside(native, box)
        left = box[0] if align == "left" else box[2] - width
        top = box[1] + (box[3] - box[1] - height) // 2
        self.page.add(Logo(path, (left, top, left + width, top + height)))
        return width

    def header(self, box: Box, fill: Colour = INK, max_u: float = 4.2) -> None:
        left, top, right, bottom = box
        used = self.logo((left, top, left + round((right - left) * 0.3), bottom))
        if used:
            left += used + self.u(2.5)
        self.text("centre", self.content.centre_name, (left, top, right, bottom), bold=True,
                  max_u=max_u, min_u=2.0, fill=fill, valign="middle", max_lines=3)

    def qr(self, box: Box, side: int, label_h: int) -> Box:
        """The QR code (right-aligned in ``box``, centred down) with its label; its box."""
        link = self.content.link
        assert link is not None
        qx = box[2] - side
        qy = box[1] + (box[3] - box[1] - side - label_h) // 2
        self.page.add(Code(link, (qx, qy, qx + side, qy + side)))
        self.qr_box = (qx, qy, qx + side, qy + side)
        self.text("scan", _(LABEL_SCAN), (qx - self.u(2), qy + side, qx + side + self.u(2),
                                          qy + side + label_h),
                  max_u=2.2, min_u=1.4, align="center", max_lines=2)
        return self.qr_box

    def call_band(self, box: Box, qr_share: float = 0.9, address: bool = False,
                  label_u: float = 5.2) -> None:
        """Yellow band: the call to action, the phone, the code and the QR code."""
        left, top, right, bottom = box
        self.fill(box, YELLOW)
        pad = self.u(2.5)
        inner = (left + pad + self.u(3), top + pad, right - pad - self.u(3), bottom - pad)
        text_right = inner[2]
        if self.content.link and self.layout.qr:
            side = round(min((inner[3] - inner[1]) * qr_share, (inner[2] - inner[0]) * 0.36))
            label_h = self.u(label_u)
            qx = self.qr(inner, side - label_h, label_h)[0]
            text_right = qx - self.u(3)
        height = inner[3] - inner[1]
        c = self.content
        rows = [("call", c.call_to_action, True, 0.42, 7.0, 3.2),
                ("phone", _(LABEL_PHONE).format(phone=c.phone) if c.phone else "", True,
                 0.32, 7.5, 3.0),
                ("address", c.address if address else "", False, 0.2, 3.4, 2.2),
                ("code", _(LABEL_CODE).format(code=c.short_code) if c.short_code else "",
                 False, 0.2, 4.0, 2.4)]
        rows = [row for row in rows if row[1]]
        total = sum(row[3] for row in rows) or 1
        y = inner[1]
        for name, text, bold, share, max_u, min_u in rows:
            h = round(height * share / total)
            self.text(name, text, (inner[0], y, text_right, y + h), bold=bold, max_u=max_u,
                      min_u=min_u, valign="middle", max_lines=3 if name == "call" else 2)
            y += h

    def footer(self, box: Box) -> None:
        self.fill(box, BLUE)
        words = " · ".join(t for t in (self.content.slogan, self.content.website) if t)
        pad = self.u(3)
        self.text("footer", words, (box[0] + pad, box[1], box[2] - pad, box[3]), max_u=3.2,
                  min_u=1.6, fill=WHITE, align="center", valign="middle", max_lines=2)


def grid(box: Box, count: int, gap: int) -> list[Box]:
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
