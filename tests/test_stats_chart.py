"""The weekly chart: axis scales, and that bars and the sign-up line land where the figures say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle
from PIL import Image

from outreach.i18n import format_number
from outreach.stats import WeekPoint
from outreach.stats.chart import HEIGHT, WIDTH, draw_weekly_chart, nice_ceiling, weekly_figure
from outreach.stats.plotting import BARS, LINE, texts


@pytest.mark.parametrize(("value", "expected"), [
    (0, (5, 1)), (3, (5, 1)), (24, (25, 5)), (101, (125, 25)), (1234, (1250, 250)),
    (7, (10, 2)),
])
def test_axis_tops_are_round(value: int, expected: tuple[int, int]) -> None:
    assert nice_ceiling(value) == expected


def colours(path: Path) -> set[tuple[int, int, int]]:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (WIDTH, HEIGHT)
        return {colour for _count, colour in rgb.getcolors(maxcolors=WIDTH * HEIGHT)}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_bars_are_as_tall_as_their_figures(tmp_path: Path) -> None:
    points = [WeekPoint((2026, 41), 24, 5), WeekPoint((2026, 42), 12, 5),
              WeekPoint((2026, 43), 0, 5)]
    figure = weekly_figure(points, title="Engagement", period="October")
    left, right = figure.axes
    bars = [p for p in left.patches if isinstance(p, Rectangle)]
    assert [b.get_height() for b in bars] == [24, 12, 0]
    # Round ticks up to 25, and room above 24 (and above the 5 sign-ups, the right axis's
    # top tick) for their figures, below the legend.
    assert list(left.get_yticks())[-1] == 25 and left.get_ylim()[1] >= 24 * 1.15
    assert list(right.get_yticks())[-1] == 5 and right.get_ylim()[1] >= 5 * 1.15
    (line,) = right.get_lines()
    assert list(line.get_ydata()) == [5, 5, 5]
    shown = texts(figure)
    assert "Engagement" in shown and "October" in shown
    for figure_text in ("24", "12", "W41\nOct 5", "25"):
        assert figure_text in shown, shown
    path = draw_weekly_chart(points, tmp_path / "c.png", title="Engagement", period="October")
    found = colours(path)
    assert rgb(BARS) in found and rgb(LINE) in found  # bars and the sign-up line are drawn


def test_no_points_draws_the_message_instead(tmp_path: Path) -> None:
    figure = weekly_figure([], title="Engagement", period="2030")
    assert "No publications or sign-ups in this period" in texts(figure)
    path = draw_weekly_chart([], tmp_path / "empty.png", title="Engagement", period="2030")
    assert not colours(path) & {rgb(BARS), rgb(LINE)}


def test_the_chart_speaks_in_the_font_the_package_ships() -> None:
    from matplotlib import font_manager

    from outreach.assets import font_file

    weekly_figure([WeekPoint((2026, 41), 24, 5)], period="Октябрь")
    # Cyrillic labels need a full font, found as package data (a wheel has it too).
    found = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    shipped = {str(font_file("DejaVuSans.ttf")), str(font_file("DejaVuSans-Bold.ttf"))}
    known = {f.fname for f in font_manager.fontManager.ttflist}
    assert shipped <= known
    assert Path(found).name == "DejaVuSans.ttf"


def drawn_boxes(figure: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """(bar figures' boxes, sign-up figures' boxes, sign-up dots' boxes) in pixels, drawn."""
    from matplotlib.transforms import Bbox

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    left, right = figure.axes
    shown = [t for t in (*left.texts, *right.texts) if t.get_text()]
    bar_figures = [t.get_window_extent(renderer) for t in shown if t.get_gid() == "engagement"]
    signup_figures = [t.get_bbox_patch().get_window_extent(renderer) for t in shown
                      if t.get_gid() == "signups"]
    (line,) = right.get_lines()
    radius = line.get_markersize() / 2 + line.get_markeredgewidth()  # points
    pixels = radius * figure.dpi / 72
    dots = [Bbox.from_extents(x - pixels, y - pixels, x + pixels, y + pixels)
            for x, y in line.get_transform().transform(line.get_xydata())]
    return bar_figures, signup_figures, dots


@pytest.mark.parametrize("points", [
    [WeekPoint((2026, 41), 24, 5)],  # one week: the bar and the dot both top their axes
    [WeekPoint((2026, 41), 12_345, 40)],
    [WeekPoint((2026, 41), 24, 5), WeekPoint((2026, 42), 10, 2)],
], ids=["one-week", "one-week-wide", "two-weeks"])
def test_a_bar_s_figure_is_clear_of_the_sign_up_dot_and_its_figure(
        points: list[WeekPoint], tmp_path: Path) -> None:
    figure = weekly_figure(points, title="Engagement", period="October")
    bar_figures, signup_figures, dots = drawn_boxes(figure)
    assert len(bar_figures) == len(points) and len(signup_figures) == len(points)
    for bar_figure in bar_figures:
        for other in (*signup_figures, *dots):
            assert not bar_figure.overlaps(other), (bar_figure, other)
    # And the figures are still each above (or on) their own bar and dot.
    assert [t.get_text() for t in figure.axes[1].texts if t.get_gid() == "engagement"] == [
        format_number(p.engagement) for p in points]
