"""The report's charts (matplotlib): new volunteers by month, by home, publications per
channel, and each community's members over time. Each is (title, PNG bytes): the PDF
writes the title as text above the picture, so it can be searched and copied."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from outreach.i18n import _, format_number
from outreach.stats.plotting import BARS, MUTED, month_name, new_figure, thousands

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outreach.report.model import Charts

WIDTH, HEIGHT = 7.5, 3.4  # inches: the width of an A4 page's text
DPI = 160
LONGEST = 12  # bars in a ranking; the table holds the rest


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _empty(figure: Figure) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, _("Nothing in this period"), ha="center", va="center", color=MUTED,
              fontsize=12, transform=axes.transAxes)
    return figure


def _bars(labels: list[str], values: list[int], horizontal: bool) -> Figure:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    height = HEIGHT if not horizontal else max(2.2, 0.32 * len(values) + 1.0)
    figure = new_figure(WIDTH, height)
    if not values:
        return _empty(figure)
    axes = figure.add_subplot()
    if horizontal:
        bars = axes.barh(labels[::-1], values[::-1], color=BARS, height=0.6)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(thousands))
        axes.set_xlim(0, max(values) * 1.15 or 1)
        axes.bar_label(bars, [format_number(v) for v in values[::-1]], padding=3, fontsize=10)
    else:
        bars = axes.bar(labels, values, color=BARS, width=0.6)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(thousands))
        axes.set_ylim(0, max(values) * 1.18 or 1)
        axes.bar_label(bars, [format_number(v) if v else "" for v in values], padding=3,
                       fontsize=10)
        if len(labels) > 6:
            axes.tick_params(axis="x", labelrotation=45, labelsize=9)
    axes.tick_params(labelsize=10)
    return figure


def volunteers_by_month(charts: Charts) -> tuple[str, bytes]:
    months = charts.volunteers_by_month
    one_year = len({m.year for m, _n in months}) == 1
    return _("New volunteers by month"), _png(_bars(
        [month_name(m, with_year=not one_year) for m, _n in months],
        [n for _m, n in months], horizontal=False))


def volunteers_by_home(charts: Charts) -> tuple[str, bytes]:
    ranked = charts.volunteers_by_home[:LONGEST]
    return _("New volunteers by where they live"), _png(_bars(
        [m for m, _n in ranked], [n for _m, n in ranked], horizontal=True))


def publications_by_channel(charts: Charts) -> tuple[str, bytes]:
    ranked = charts.publications_by_channel[:LONGEST]
    return _("Publications per channel"), _png(_bars(
        [c for c, _n in ranked], [n for _c, n in ranked], horizontal=True))


def audience(charts: Charts) -> tuple[str, bytes]:
    """Each community's members, one line per channel, day by day."""
    from outreach.stats.audience_chart import audience_figure

    figure = audience_figure(charts.audience, width=WIDTH, height=HEIGHT, title="",
                             joins=False)
    counted = {d.day for d in charts.audience if d.members is not None}
    if len(counted) == 1:
        _one_day(figure, counted.pop())
    return _("Community members"), _png(figure)


def _one_day(figure: Figure, day: dt.date) -> None:
    """A first report, with one day of counts: a line of one point draws nothing, and
    matplotlib spreads that day over years of axis (and warns in English on the
    terminal). Show each count as a dot, on a week around the day."""
    for axes in figure.axes:
        for line in axes.get_lines():
            line.set_marker("o")
        if axes.get_lines():
            # matplotlib.dates is not annotated.
            axes.set_xlim(day - dt.timedelta(days=3), day + dt.timedelta(days=3))  # type: ignore[arg-type]
            from matplotlib.dates import DayLocator

            axes.xaxis.set_major_locator(DayLocator())  # type: ignore[no-untyped-call]
