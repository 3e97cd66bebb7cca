"""The weekly chart: axis scales, and that bars and the sign-up line land where the figures say."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from outreach.stats import WeekPoint
from outreach.stats.chart import (
    BARS,
    BOTTOM,
    HEIGHT,
    LINE,
    TOP,
    WIDTH,
    draw_weekly_chart,
    nice_ceiling,
)


@pytest.mark.parametrize(("value", "expected"), [
    (0, (5, 1)), (3, (5, 1)), (24, (25, 5)), (101, (125, 25)), (1234, (1250, 250)),
    (7, (10, 2)),
])
def test_axis_tops_are_round(value: int, expected: tuple[int, int]) -> None:
    assert nice_ceiling(value) == expected


def bar_height(image: Image.Image, x: int) -> int:
    """Pixels of bar colour standing on the axis at column ``x`` (labels above do not count)."""
    y, height = HEIGHT - BOTTOM - 1, 0
    while y > TOP and image.getpixel((x, y)) == BARS:
        height, y = height + 1, y - 1
    return height


def colours_in_plot(image: Image.Image) -> set[tuple[int, int, int]]:
    plot = image.crop((0, TOP, WIDTH, HEIGHT))
    return {colour for _, colour in plot.getcolors(maxcolors=WIDTH * HEIGHT)}


def test_bars_are_as_tall_as_their_figures(tmp_path: Path) -> None:
    # Five sign-ups a week: the line runs along the top, above every bar.
    points = [WeekPoint((2026, 41), 24, 5), WeekPoint((2026, 42), 12, 5),
              WeekPoint((2026, 43), 0, 5)]
    path = draw_weekly_chart(points, tmp_path / "c.png", title="Engagement", period="October")
    with Image.open(path) as image:
        assert image.size == (WIDTH, HEIGHT)
        rgb = image.convert("RGB")
        slot = (WIDTH - 150 - 150) / 3
        heights = [bar_height(rgb, int(150 + slot * (i + 0.5))) for i in range(3)]
        assert heights[2] == 0
        assert heights[0] == pytest.approx(2 * heights[1], abs=2)  # 24 against 12
        assert heights[0] == pytest.approx((HEIGHT - TOP - BOTTOM) * 24 / 25, abs=2)
        assert LINE in colours_in_plot(rgb)  # the sign-up line is drawn


def test_no_points_draws_the_message_instead(tmp_path: Path) -> None:
    path = draw_weekly_chart([], tmp_path / "empty.png", title="Engagement", period="2030")
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        assert not colours_in_plot(rgb) & {BARS, LINE}


def test_the_chart_speaks_in_the_font_the_package_ships() -> None:
    from outreach.assets import font_file
    from outreach.stats.chart import _font

    # Cyrillic labels need a full font, found as package data (a wheel has it too).
    assert _font(40).path == str(font_file("DejaVuSans.ttf"))
    assert _font(40, bold=True).path == str(font_file("DejaVuSans-Bold.ttf"))
    assert _font(40).getmask("Ж").getbbox() is not None
