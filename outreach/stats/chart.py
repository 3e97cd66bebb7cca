"""The weekly chart of ``outreach stats --chart``: a PNG drawn with Pillow only.

Bars are the week's engagement (likes, shares, comments and reactions the
platforms reported) on the left axis; the line is the week's sign-ups on the
right axis, whose ticks sit on the same grid lines. Large type, so that it
stays readable printed in a report or shown on a projector. Its words and
figures are in the reader's language: "Отклики и записи по неделям", "12 345",
"7 дек.".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import OutreachError, os_reason
from outreach.i18n import _, current_language, format_number

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
Box = tuple[float, float, float, float]


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


def _short_date(day: dt.date) -> str:
    """A day without its year: "7 дек." / "Dec 7"."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", day, locale=current_language())


def draw_weekly_chart(points: Sequence[WeekPoint], path: Path, *, title: str | None = None,
                      period: str) -> Path:
    """Write the chart of ``points`` (consecutive weeks) to ``path`` as a PNG.

    ``title`` defaults to "Engagement and sign-ups by week" in the reader's language.
    """
    from PIL import Image, ImageDraw

    if title is None:
        title = _("Engagement and sign-ups by week")
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
              _("No publications or sign-ups in this period"), medium, MUTED, "mm")
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
        _text(draw, (plot_left - 14, y), format_number(tick * engagement_step),
              small, BARS, "rm")
        _text(draw, (plot_right + 14, y), format_number(tick * signups_step),
              small, LINE, "lm")
    _text(draw, (24, plot_top - 34), _("engagement"), small, BARS, "ls")
    _text(draw, (WIDTH - 24, plot_top - 34), _("sign-ups"), small, LINE, "rs")

    slot = (plot_right - plot_left) / len(points)
    bar = max(2.0, slot * 0.6)
    centres = [plot_left + slot * (i + 0.5) for i in range(len(points))]
    for x, point in zip(centres, points, strict=True):
        if point.engagement:
            y = y_of(point.engagement, engagement_top)
            draw.rectangle([x - bar / 2, y, x + bar / 2, plot_bottom], fill=BARS)
    _week_labels(draw, points, centres, slot, plot_bottom, small)

    line = [(x, y_of(p.signups, signups_top)) for x, p in zip(centres, points, strict=True)]
    if len(line) > 1:
        draw.line(line, fill=LINE, width=5, joint="curve")
    # The bars' figures over the line, on white, so a line crossing one hides nothing.
    taken = _bar_figures(draw, points, [(x, y_of(p.engagement, engagement_top))
                                        for x, p in zip(centres, points, strict=True)],
                         line, slot, plot_bottom, small)
    for (x, y), point in zip(line, points, strict=True):
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=LINE, outline=BACKGROUND, width=3)
        if point.signups and len(points) <= 26:
            # On a white label, so it stays legible where it crosses a bar; beside the dot
            # where it hides no bar's figure.
            figure = format_number(point.signups)
            places = [((x + 14, y - 14), "ls"), ((x + 14, y + 14), "la"),
                      ((x - 14, y - 14), "rs"), ((x - 14, y + 14), "ra")]
            frames = []
            for xy, anchor in places:
                box = draw.textbbox(xy, figure, font=small, anchor=anchor)
                frames.append((xy, anchor, (box[0] - 5, box[1] - 4, box[2] + 5, box[3] + 4)))
            xy, anchor, frame = next(
                (f for f in frames if f[2][3] <= plot_bottom
                 and not any(_overlap(f[2], other) for other in taken)), frames[0])
            draw.rectangle(frame, fill=BACKGROUND, outline=LINE, width=2)
            _text(draw, xy, figure, small, LINE, anchor)
    return _save(image, path)


def _week_labels(draw: ImageDraw.ImageDraw, points: Sequence[WeekPoint],
                 centres: Sequence[float], slot: float, bottom: float,
                 font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    """Under the axis: each labelled week's number and Monday, as many as fit side by side
    ("нед. 05" and "9 февр." are wider than "W05" and "Feb 9")."""
    labels = []
    for point in points:
        monday = dt.date.fromisocalendar(point.week[0], point.week[1], 1)
        labels.append((_("W{week}").format(week=f"{point.week[1]:02d}"), _short_date(monday)))
    widest = max(draw.textlength(text, font=font) for pair in labels for text in pair)
    every = max(1, math.ceil((widest + 16) / slot))
    for i in range(0, len(points), every):
        week, day = labels[i]
        _text(draw, (centres[i], bottom + 16), week, font, INK, "ma")
        _text(draw, (centres[i], bottom + 48), day, font, MUTED, "ma")
    years = sorted({points[0].week[0], points[-1].week[0]})
    _text(draw, ((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 30),
          _("ISO week of {years} (and its Monday)").format(years="–".join(map(str, years))),
          font, MUTED, "ms")


def _bar_figures(draw: ImageDraw.ImageDraw, points: Sequence[WeekPoint],
                 tops: Sequence[tuple[float, float]], dots: Sequence[tuple[float, float]],
                 slot: float, bottom: float,
                 font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> list[Box]:
    """Each bar's figure above it, when the widest fits a slot ("12 345" is wide), or in
    white inside the bar's top where the sign-up dot would cover it; the boxes they take."""
    figures = [format_number(p.engagement) for p in points]
    if len(points) > 26 or max(draw.textlength(f, font=font) for f in figures) > slot - 6:
        return []
    taken: list[Box] = []
    for (x, y), (dx, dy), point, figure in zip(tops, dots, points, figures, strict=True):
        if not point.engagement:
            continue
        box = draw.textbbox((x, y - 8), figure, font=font, anchor="ms")
        inside = draw.textbbox((x, y + 8), figure, font=font, anchor="ma")
        if _overlap(box, (dx - 12, dy - 12, dx + 12, dy + 12)) and inside[3] + 6 < bottom:
            _text(draw, (x, y + 8), figure, font, BACKGROUND, "ma")
            taken.append(inside)
            continue
        draw.rectangle([box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2], fill=BACKGROUND)
        taken.append(box)
        _text(draw, (x, y - 8), figure, font, BARS, "ms")
    return taken


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(draw: ImageDraw.ImageDraw,
            font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    """Under the subtitle: a bar swatch, then a line-and-dot swatch; on two rows when one
    row would run off the page (the Russian labels are longer)."""
    x: float = LEFT
    y = 158
    entries = [(_("likes + shares + comments + reactions (left axis)"), BARS, "bar"),
               (_("sign-ups (right axis)"), LINE, "line")]
    row = sum(42 + draw.textlength(label, font=font) + 60 for label, _c, _s in entries) - 60
    two_rows = LEFT + row > WIDTH - 24
    if not two_rows:
        y += 12
    for label, colour, shape in entries:
        if shape == "bar":
            draw.rectangle([x, y - 13, x + 28, y + 13], fill=colour)
        else:
            draw.line([(x - 4, y), (x + 32, y)], fill=colour, width=5)
            draw.ellipse([x + 6, y - 9, x + 22, y + 9], fill=colour)
        _text(draw, (x + 42, y), label, font, INK, "lm")
        if two_rows:
            x, y = LEFT, y + 36
        else:
            x += 42 + draw.textlength(label, font=font) + 60


def _save(image: object, path: Path) -> Path:
    try:
        image.save(path, format="PNG", optimize=True)  # type: ignore[attr-defined]
    except OSError as exc:
        raise OutreachError(_("cannot write the chart to {path}: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    return path
