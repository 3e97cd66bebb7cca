"""The weekly chart of ``outreach stats --chart``: a PNG drawn with Pillow only.

Bars are the week's engagement (likes, shares, comments and reactions the
platforms reported) on the left axis; the line is the week's sign-ups on the
right axis, whose ticks sit on the same grid lines. Large type, so that it
stays readable printed in a report or shown on a projector.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import OutreachError

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

    from outreach.stats import WeekPoint

WIDTH, HEIGHT = 1600, 900
LEFT, RIGHT, TOP, BOTTOM = 150, 150, 250, 140  # margins around the plot area
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
GRID = (222, 226, 230)
BARS = (52, 101, 164)
LINE = (214, 95, 0)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The font the core ships (``outreach.assets``): it has Cyrillic."""
    from PIL import ImageFont

    from outreach.assets import font_file

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(font_file(name)), size)


def nice_ceiling(value: float, divisions: int = 5) -> tuple[int, int]:
    """(top, step): a round axis top at or above ``value`` split into ``divisions`` steps."""
    if value <= 0:
        return divisions, 1
    raw = value / divisions
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw and step == int(step):
            return int(step) * divisions, int(step)
    step = max(1, math.ceil(raw))
    return step * divisions, step


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str,
          font: ImageFont.FreeTypeFont | ImageFont.ImageFont, fill: tuple[int, int, int],
          anchor: str) -> None:
    draw.text(xy, text, font=font, fill=fill, anchor=anchor)


def draw_weekly_chart(points: Sequence[WeekPoint], path: Path, *, title: str,
                      period: str) -> Path:
    """Write the chart of ``points`` (consecutive weeks) to ``path`` as a PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, medium, small = _font(44, bold=True), _font(30), _font(24)
    _text(draw, (LEFT, 30), title, big, INK, "la")
    _text(draw, (LEFT, 92), period, medium, MUTED, "la")
    _legend(draw, small)
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    if not points:
        _text(draw, ((plot_left + plot_right) / 2, (plot_top + plot_bottom) / 2),
              "No publications or sign-ups in this period", medium, MUTED, "mm")
        return _save(image, path)

    divisions = 5
    engagement_top, engagement_step = nice_ceiling(max(p.engagement for p in points), divisions)
    signups_top, signups_step = nice_ceiling(max(p.signups for p in points), divisions)
    height = plot_bottom - plot_top

    def y_of(value: float, top: int) -> float:
        return plot_bottom - height * value / top

    for tick in range(divisions + 1):
        y = y_of(tick * engagement_step, engagement_top)
        draw.line([(plot_left, y), (plot_right, y)], fill=GRID if tick else MUTED, width=2)
        _text(draw, (plot_left - 14, y), f"{tick * engagement_step:,}".replace(",", " "),
              small, BARS, "rm")
        _text(draw, (plot_right + 14, y), f"{tick * signups_step:,}".replace(",", " "),
              small, LINE, "lm")
    _text(draw, (24, plot_top - 34), "engagement", small, BARS, "ls")
    _text(draw, (WIDTH - 24, plot_top - 34), "sign-ups", small, LINE, "rs")

    slot = (plot_right - plot_left) / len(points)
    bar = max(2.0, slot * 0.6)
    label_every = max(1, math.ceil(len(points) / 16))
    centres = [plot_left + slot * (i + 0.5) for i in range(len(points))]
    for i, (x, point) in enumerate(zip(centres, points, strict=True)):
        y = y_of(point.engagement, engagement_top)
        if point.engagement:
            draw.rectangle([x - bar / 2, y, x + bar / 2, plot_bottom], fill=BARS)
            if len(points) <= 26:
                _text(draw, (x, y - 8), str(point.engagement), small, BARS, "ms")
        if i % label_every == 0:
            monday = dt.date.fromisocalendar(point.week[0], point.week[1], 1)
            _text(draw, (x, plot_bottom + 16), f"W{point.week[1]:02d}", small, INK, "ma")
            _text(draw, (x, plot_bottom + 48), f"{monday:%d.%m}", small, MUTED, "ma")
    years = sorted({points[0].week[0], points[-1].week[0]})
    _text(draw, ((plot_left + plot_right) / 2, HEIGHT - 30),
          f"ISO week of {'–'.join(map(str, years))} (and its Monday)", small, MUTED, "ms")

    line = [(x, y_of(p.signups, signups_top)) for x, p in zip(centres, points, strict=True)]
    if len(line) > 1:
        draw.line(line, fill=LINE, width=5, joint="curve")
    for (x, y), point in zip(line, points, strict=True):
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=LINE, outline=BACKGROUND, width=3)
        if point.signups and len(points) <= 26:
            # On a white label, so it stays legible where it crosses a bar or its figure.
            box = draw.textbbox((x + 14, y - 14), str(point.signups), font=small, anchor="ls")
            draw.rectangle([box[0] - 5, box[1] - 4, box[2] + 5, box[3] + 4], fill=BACKGROUND,
                           outline=LINE, width=2)
            _text(draw, (x + 14, y - 14), str(point.signups), small, LINE, "ls")
    return _save(image, path)


def _legend(draw: ImageDraw.ImageDraw,
            font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    """One row under the subtitle: a bar swatch, then a line-and-dot swatch."""
    x, y = LEFT, 170
    entries = [("likes + shares + comments + reactions (left axis)", BARS, "bar"),
               ("sign-ups (right axis)", LINE, "line")]
    for label, colour, shape in entries:
        if shape == "bar":
            draw.rectangle([x, y - 13, x + 28, y + 13], fill=colour)
        else:
            draw.line([(x - 4, y), (x + 32, y)], fill=colour, width=5)
            draw.ellipse([x + 6, y - 9, x + 22, y + 9], fill=colour)
        _text(draw, (x + 42, y), label, font, INK, "lm")
        x += 42 + draw.textlength(label, font=font) + 60


def _save(image: object, path: Path) -> Path:
    try:
        image.save(path, format="PNG", optimize=True)  # type: ignore[attr-defined]
    except OSError as exc:
        raise OutreachError(f"cannot write the chart to {path}: {exc.strerror or exc}") from exc
    return path
