"""Poster formats: named page sizes with the resolution they are printed at.

A format is a physical size in millimetres, the resolution its photos are
printed at, the bleed a print shop asks for, and a design. Paper (A4, A3) gets
300 dpi and 3 mm of bleed. Large prints are seen from further away: a stand at
a pension-fund office (1000 x 1400 mm), read at arm's length, 150 dpi and 5 mm;
a billboard (6 x 3 m), read from the road, 50 dpi and 50 mm (what outdoor
printers ask: docs/posters.md). The square social card is a 1080-pixel PNG for
VK and Telegram and has no PDF.

A channel may change or add formats in its ``layouts`` table::

    [channels.press.layouts]
    stand = { width_mm = 800, height_mm = 2000, dpi = 150 }
    flyer = { width_mm = 148, height_mm = 210 }   # A5, 300 dpi, 3 mm bleed
    billboard = { qr = true }                     # a QR code on the billboard after all
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from outreach.channels import _, format_number

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72
# No page is rasterised at print size, but a photo may be: this keeps one under ~450 MB.
MAX_MEGAPIXELS = 150
DESIGNS = ("sheet", "stand", "billboard", "card")


@dataclass(frozen=True)
class Layout:
    """One poster format: physical size, print resolution, bleed, design, whether it gets a
    PDF and a QR code."""

    name: str
    width_mm: float
    height_mm: float
    dpi: int = 300
    pdf: bool = True
    bleed_mm: float = 3.0
    design: str = "sheet"  # sheet (one story), stand (a municipality's news), billboard, card
    qr: bool = True

    @property
    def pixels(self) -> tuple[int, int]:
        return (round(self.width_mm / MM_PER_INCH * self.dpi),
                round(self.height_mm / MM_PER_INCH * self.dpi))

    @property
    def points(self) -> tuple[float, float]:
        """The PDF page size in points (1/72 inch)."""
        return (self.width_mm / MM_PER_INCH * POINTS_PER_INCH,
                self.height_mm / MM_PER_INCH * POINTS_PER_INCH)

    @property
    def shape(self) -> str:
        """portrait, landscape or square: each has its own composition."""
        ratio = self.width_mm / self.height_mm
        if ratio > 1.15:
            return "landscape"
        if ratio < 0.87:
            return "portrait"
        return "square"


DEFAULT_LAYOUTS: dict[str, Layout] = {
    "a4": Layout("a4", 210, 297),
    "a3": Layout("a3", 297, 420),
    "stand": Layout("stand", 1000, 1400, dpi=150, bleed_mm=5, design="stand"),
    "billboard": Layout("billboard", 6000, 3000, dpi=50, bleed_mm=50, design="billboard",
                        qr=False),
    # 1080 px at 300 "dpi": the physical size only matters for the arithmetic.
    "social": Layout("social", 1080 / 300 * MM_PER_INCH, 1080 / 300 * MM_PER_INCH, pdf=False,
                     bleed_mm=0, design="card"),
}

_KEYS = {"width_mm": (int, float), "height_mm": (int, float), "dpi": (int,), "pdf": (bool,),
         "bleed_mm": (int, float), "design": (str,), "qr": (bool,)}


def layout_problems(value: object) -> str | None:
    """Why a ``layouts`` table cannot be used, in plain words; None when it can."""
    if not isinstance(value, dict):
        return _("must be a table of formats, "
                 "e.g. {{ stand = {{ width_mm = 1000, height_mm = 1400 }} }}").format()
    for name, spec in value.items():
        if not isinstance(spec, dict):
            return _("{name}: must be a table like {{ width_mm = 210, height_mm = 297 }}").format(
                name=name)
        for key, item in spec.items():
            kinds = _KEYS.get(key)
            if kinds is None:
                close = difflib.get_close_matches(key, list(_KEYS), n=1)
                if close:
                    return _("{name}.{key}: unknown key (did you mean '{close}'?)").format(
                        name=name, key=key, close=close[0])
                return _("{name}.{key}: unknown key").format(name=name, key=key)
            if isinstance(item, bool) != (kinds == (bool,)) or not isinstance(item, kinds):
                if kinds == (bool,):
                    return _("{name}.{key}: must be true or false").format(name=name, key=key)
                if kinds == (str,):
                    return _("{name}.{key}: must be one of {choices}").format(
                        name=name, key=key, choices=", ".join(DESIGNS))
                return _("{name}.{key}: must be a number").format(name=name, key=key)
            if key == "design" and item not in DESIGNS:
                return _("{name}.{key}: must be one of {choices}").format(
                    name=name, key=key, choices=", ".join(DESIGNS))
        base = DEFAULT_LAYOUTS.get(name)
        if base is None and not {"width_mm", "height_mm"} <= set(spec):
            return _("{name}: a new format needs width_mm and height_mm").format(name=name)
        try:
            layout = _merge(name, spec, base)
        except ValueError as exc:
            return f"{name}: {exc}"
        megapixels = layout.pixels[0] * layout.pixels[1] / 1e6
        if megapixels > MAX_MEGAPIXELS:
            return _("{name}: {width} x {height} mm at {dpi} dpi is {megapixels} megapixels; "
                     "lower dpi to keep it under {most} (large prints are seen from afar: "
                     "150 dpi or less)").format(
                name=name, width=format_number(layout.width_mm),
                height=format_number(layout.height_mm), dpi=layout.dpi,
                megapixels=format_number(round(megapixels)), most=MAX_MEGAPIXELS)
    return None


def _merge(name: str, spec: Mapping[str, Any], base: Layout | None) -> Layout:
    width = float(spec.get("width_mm", base.width_mm if base else 0))
    height = float(spec.get("height_mm", base.height_mm if base else 0))
    dpi = int(spec.get("dpi", base.dpi if base else 300))
    pdf = bool(spec.get("pdf", base.pdf if base else True))
    bleed = float(spec.get("bleed_mm", base.bleed_mm if base else 3.0))
    design = str(spec.get("design", base.design if base else "sheet"))
    qr = bool(spec.get("qr", base.qr if base else True))
    if width <= 0 or height <= 0:
        raise ValueError(_("width_mm and height_mm must be more than 0"))
    if not 10 <= dpi <= 600:
        raise ValueError(_("dpi must be between 10 and 600"))
    if not 0 <= bleed <= 100:
        raise ValueError(_("bleed_mm must be between 0 and 100"))
    return Layout(name, width, height, dpi, pdf, bleed, design, qr)


def layouts_from(settings: Mapping[str, Any] | None) -> dict[str, Layout]:
    """The default formats with a channel's ``layouts`` table applied (already checked)."""
    layouts = dict(DEFAULT_LAYOUTS)
    for name, spec in (settings or {}).items():
        layouts[name] = _merge(name, spec, DEFAULT_LAYOUTS.get(name))
    return layouts
