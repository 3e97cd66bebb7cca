"""The audience chart: each community's members day by day (lines), and below them the
joins credited to posts (bars), on one time axis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from outreach.i18n import _
from outreach.stats.plotting import INK, MUTED, SERIES, new_figure, thousands

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from outreach.stats.audience import AudienceDay


def audience_figure(days: Sequence[AudienceDay], *, width: float, height: float,
                    title: str | None = None, period: str | None = None,
                    joins: bool = True) -> Figure:
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = new_figure(width, height)
    title = _("Community members") if title is None else title
    channels = sorted({d.channel for d in days})
    if not any(d.members is not None for d in days):
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.set_title(title, loc="left", fontsize=14, fontweight="bold", color=INK)
        axes.text(0.5, 0.5, _("No member counts in this period"), ha="center", va="center",
                  color=MUTED, fontsize=13, transform=axes.transAxes)
        return figure
    credited = joins and any(d.credited for d in days)
    if credited:
        members, below = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    else:
        members, below = figure.add_subplot(), None
    members.set_title(title if not period else f"{title}\n{period}", loc="left", fontsize=14,
                      fontweight="bold", color=INK)
    for index, channel in enumerate(channels):
        points = [(d.day, d.members) for d in days
                  if d.channel == channel and d.members is not None]
        if points:
            members.plot([p[0] for p in points], [p[1] for p in points], linewidth=2,
                         color=SERIES[index % len(SERIES)], label=channel)
    members.yaxis.set_major_formatter(FuncFormatter(thousands))
    members.grid(axis="y", color="#dee2e6")
    members.legend(frameon=False, fontsize=10, loc="upper left", ncols=min(4, len(channels)))
    members.set_ylabel(_("members"), color=INK)
    axis = members
    if below is not None:
        for index, channel in enumerate(channels):
            points = [(d.day, d.credited) for d in days if d.channel == channel and d.credited]
            if points:
                below.bar([p[0] for p in points], [p[1] for p in points], width=0.9,
                          color=SERIES[index % len(SERIES)], alpha=0.8)
        below.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        below.set_ylabel(_("joins credited\nto posts"), color=INK, fontsize=10)
        axis = below
    # matplotlib.dates is not annotated.
    axis.xaxis.set_major_locator(AutoDateLocator(maxticks=8))  # type: ignore[no-untyped-call]
    axis.xaxis.set_major_formatter(DateFormatter("%d.%m.%Y"))  # type: ignore[no-untyped-call]
    axis.tick_params(labelsize=9)
    return figure
