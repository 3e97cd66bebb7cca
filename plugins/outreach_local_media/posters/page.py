"""A poster page as a list of things to draw, in the page's own pixels.

The layout is worked out once, in pixels of the format's resolution (``Layout.pixels``);
the list is then drawn twice: by Pillow as a small PNG preview, and by ``pdf`` as
vector text, vector shapes and photos for the print shop. No raster of the whole
page is ever made at print size, so a 6 x 3 m billboard costs no more memory than
its photos.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outreach_local_media.posters.photos import Crop, choose_crop, place_photo
from outreach_local_media.posters.qr import qr_image
from outreach_local_media.posters.textfit import font

if TYPE_CHECKING:
    from PIL import Image as PILImage

Box = tuple[int, int, int, int]
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Fill:
    box: Box
    colour: Colour


@dataclass(frozen=True)
class Line:
    """One line of text; ``(x, y)`` is its top left as Pillow draws it (the ascender line)."""

    x: float
    y: float
    text: str
    font: Path
    size: int
    colour: Colour


@dataclass(frozen=True)
class Picture:
    path: Path
    frame: Box
    crop: Crop = choose_crop


@dataclass(frozen=True)
class Logo:
    path: Path
    box: Box  # exactly where the logo goes, its own proportions kept


@dataclass(frozen=True)
class Code:
    data: str  # what the QR code holds
    box: Box  # the code with its quiet zone, square


Item = Fill | Line | Picture | Logo | Code


@dataclass
class Page:
    width: int
    height: int
    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> None:
        self.items.append(item)


def preview(page: Page, scale: float,
            on_picture: Callable[[Picture], None] | None = None) -> PILImage.Image:
    """The page drawn by Pillow at ``scale`` (1.0: one pixel per page pixel)."""
    from PIL import Image, ImageDraw

    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)

    def scaled(box: Box) -> Box:
        return (round(box[0] * scale), round(box[1] * scale), round(box[2] * scale),
                round(box[3] * scale))

    for item in page.items:
        if isinstance(item, Fill):
            left, top, right, bottom = scaled(item.box)
            draw.rectangle((left, top, right - 1, bottom - 1), fill=item.colour)
        elif isinstance(item, Line):
            face = font(item.font, max(1, round(item.size * scale)))
            draw.text((item.x * scale, item.y * scale), item.text, font=face, fill=item.colour)
        elif isinstance(item, Picture):
            frame = scaled(item.frame)
            placed = place_photo(item.path, (max(1, frame[2] - frame[0]),
                                             max(1, frame[3] - frame[1])), crop=item.crop)
            image.paste(placed.image, frame[:2])
            placed.image.close()
            if on_picture is not None:
                on_picture(item)
        elif isinstance(item, Logo):
            box = scaled(item.box)
            logo = logo_image(item.path, (max(1, box[2] - box[0]), max(1, box[3] - box[1])))
            image.paste(logo, box[:2], logo)
        else:
            box = scaled(item.box)
            code = qr_image(item.data, box[2] - box[0])
            # qr_image keeps whole pixels per module: centre what it made in the box.
            offset = ((box[2] - box[0] - code.width) // 2, (box[3] - box[1] - code.height) // 2)
            image.paste(code.convert("RGB"), (box[0] + offset[0], box[1] + offset[1]))
    return image


def logo_image(path: Path, size: tuple[int, int]) -> PILImage.Image:
    """The logo as RGBA, fitted inside ``size`` (never enlarged past its own pixels
    more than needed to fill it)."""
    from PIL import Image

    with Image.open(path) as source:
        source.draft("RGB", size)
        logo = source.convert("RGBA")
    if logo.size != size:
        logo = logo.resize(size, Image.Resampling.LANCZOS)
    return logo


def fit_inside(inner: tuple[int, int], box: Box) -> tuple[int, int]:
    """The largest size with ``inner``'s proportions that fits ``box``."""
    width, height = box[2] - box[0], box[3] - box[1]
    factor = min(width / max(1, inner[0]), height / max(1, inner[1]))
    return (max(1, math.floor(inner[0] * factor)), max(1, math.floor(inner[1] * factor)))
