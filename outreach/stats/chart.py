"""The weekly chart of ``outreach stats --chart``: a PNG drawn with matplotlib.

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

from outreach.i18n import _, format_number
from outreach.stats.plotting import BARS, INK, LINE, MUTED, new_figure, save_png, short_date

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from outreach.stats import WeekPoint

WIDTH, HEIGHT = 1600, 900  # pixels of the PNG
DIVISIONS = 5
LABELLED = 26  # more weeks than this: the figures above bars and dots would crowd
# Room above the highest bar or dot for its figure, so it never runs into the legend; the
# axis goes on a little past its last round tick when the figures reach it.
HEADROOM = 1.15
# Heights in points, to keep a bar's figure off the sign-up dot: a bar's figure (12 pt
# type), the dot's radius with its white edge, and from the dot's centre to the top of
# its boxed figure (13 pt type, 10 pt up).
FIGURE = 16
DOT = 7
DOT_FIGURE = 34


def nice_ceiling(value: float, divisions: int = DIVISIONS) -> tuple[int, int]:
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


def weekly_figure(points: Sequence[WeekPoint], *, title: str | None = None,
                  period: str) -> Figure:
    """The chart of ``points`` (consecutive weeks) as a matplotlib figure."""
    figure = new_figure(WIDTH / 100, HEIGHT / 100)
    figure.suptitle(title or _("Engagement and sign-ups by week"), x=0.02, ha="left",
                    fontsize=26, fontweight="bold", color=INK)
    axes = figure.add_subplot()
    axes.set_title(period, loc="left", fontsize=17, color=MUTED, pad=52)
    if not points:
        axes.set_axis_off()
        axes.text(0.5, 0.5, _("No publications or sign-ups in this period"), ha="center",
                  va="center", fontsize=20, color=MUTED, transform=axes.transAxes)
        return figure
    most_engagement = max(p.engagement for p in points)
    most_signups = max(p.signups for p in points)
    engagement_top, engagement_step = nice_ceiling(most_engagement)
    signups_top, signups_step = nice_ceiling(most_signups)
    xs = list(range(len(points)))
    bars = axes.bar(xs, [p.engagement for p in points], width=0.6, color=BARS, zorder=2,
                    label=_("likes + shares + comments + reactions (left axis)"))
    axes.set_ylim(0, max(engagement_top, most_engagement * HEADROOM))
    axes.set_yticks([i * engagement_step for i in range(DIVISIONS + 1)],
                    [format_number(i * engagement_step) for i in range(DIVISIONS + 1)],
                    color=BARS)
    axes.grid(axis="y", color="#dee2e6", zorder=0)
    axes.set_ylabel(_("engagement"), color=BARS, fontsize=15)
    right = axes.twinx()
    right.spines["right"].set_visible(True)
    line, = right.plot(xs, [p.signups for p in points], color=LINE, linewidth=3.5, marker="o",
                       markersize=10, markeredgecolor="white", markeredgewidth=2, zorder=3,
                       label=_("sign-ups (right axis)"))
    right.set_ylim(0, max(signups_top, most_signups * HEADROOM))
    right.set_yticks([i * signups_step for i in range(DIVISIONS + 1)],
                     [format_number(i * signups_step) for i in range(DIVISIONS + 1)],
                     color=LINE)
    right.set_ylabel(_("sign-ups"), color=LINE, fontsize=15)
    if len(points) <= LABELLED:
        _figures(figure, axes, right, points)
    every = max(1, math.ceil(len(points) / 13))
    labels = []
    for i, point in enumerate(points):
        monday = dt.date.fromisocalendar(point.week[0], point.week[1], 1)
        week = _("W{week}").format(week=f"{point.week[1]:02d}")
        labels.append(f"{week}\n{short_date(monday)}" if i % every == 0 else "")
    axes.set_xticks(xs, labels)
    axes.set_xlim(-0.6, len(points) - 0.4)
    years = sorted({points[0].week[0], points[-1].week[0]})
    axes.set_xlabel(_("ISO week of {years} (and its Monday)").format(
        years="–".join(map(str, years))), color=MUTED)
    axes.legend([bars, line], [str(bars.get_label()), str(line.get_label())],
                loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False,
                fontsize=13)
    return figure


def _figures(figure: Figure, axes: Axes, right: Axes, points: Sequence[WeekPoint]) -> None:
    """Each bar's figure and each dot's, never on top of each other.

    A bar's figure sits above it, unless the sign-up dot of its week (with the dot's own
    figure above and to the right) would cover it; then it goes inside the bar below the
    dot, or, when the bar is too short for it, above the dot's figure. With one week they
    always meet: the bar and the dot both top their axes.
    """
    figure.draw_without_rendering()  # lays the axes out: their height in points
    height = axes.get_window_extent().height * 72 / figure.dpi
    left_top, right_top = axes.get_ylim()[1], right.get_ylim()[1]
    for x, point in enumerate(points):
        if point.engagement:
            gap = (point.signups / right_top - point.engagement / left_top) * height
            lift, colour, where, box = 4.0, BARS, "bottom", None  # points above the top
            near = (point.signups and gap - DOT < lift + FIGURE and gap + DOT_FIGURE > lift)
            if near and point.engagement / left_top * height + gap - DOT - 3 > FIGURE + 2:
                # On the bar's colour, so the line to the next week's dot passes under it.
                lift, colour, where = min(-4.0, gap - DOT - 3), "white", "top"
                box = {"boxstyle": "round,pad=0.15", "fc": BARS, "ec": "none"}
            elif near:
                lift = gap + DOT_FIGURE + 4
            # Drawn with the right axes (the bar's place read on the left one's scale), over
            # the sign-up line.
            right.annotate(format_number(point.engagement), (x, point.engagement),
                           xycoords=axes.transData, xytext=(0, lift),
                           textcoords="offset points", ha="center", va=where, color=colour,
                           fontsize=12, bbox=box, zorder=4, gid="engagement")
        if point.signups:
            right.annotate(format_number(point.signups), (x, point.signups),
                           xytext=(12, 10), textcoords="offset points", color=LINE,
                           fontsize=13, fontweight="bold", zorder=4, gid="signups",
                           bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": LINE})


def draw_weekly_chart(points: Sequence[WeekPoint], path: Path, *, title: str | None = None,
                      period: str) -> Path:
    """Write the chart of ``points`` (consecutive weeks) to ``path`` as a PNG.

    ``title`` defaults to "Engagement and sign-ups by week" in the reader's language.
    """
    return save_png(weekly_figure(points, title=title, period=period), path)
