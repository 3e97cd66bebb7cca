"""What every chart shares: matplotlib without a display, the package's Cyrillic font, colours.

matplotlib is imported here only, when a chart is drawn, so ``outreach --help``
does not pay for it. Charts are drawn on a ``Figure`` of their own (not
pyplot's global state), so threads and repeated calls do not mix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.errors import OutreachError, os_reason
from outreach.i18n import _, current_language, format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
BARS = "#3465a4"
LINE = "#d65f00"
SERIES = ("#3465a4", "#d65f00", "#4e9a06", "#75507b", "#c4a000", "#06989a", "#a40000")
FAMILY = "DejaVu Sans"


def _fonts() -> None:
    from matplotlib import font_manager

    from outreach.assets import FONTS, font_file

    known = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    for name in FONTS:
        path = font_file(name)
        if path.resolve() not in known:
            font_manager.fontManager.addfont(str(path))


def new_figure(width: float, height: float, dpi: int = 100) -> Figure:
    """A blank figure (inches) in the house style: the shipped font, large type, no clutter."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _fonts()
    matplotlib.rcParams.update({
        "font.family": FAMILY, "font.size": 13, "axes.edgecolor": MUTED,
        "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
        "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",
        "pdf.fonttype": 42,
    })
    figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def texts(figure: Figure) -> list[str]:
    """Every text the figure shows once drawn (titles, labels, ticks, legend), its title first."""
    from matplotlib.text import Text

    figure.canvas.draw()
    found = [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
    title = figure.get_suptitle()
    if title and title in found:
        found.remove(title)
    return [title, *found] if title else found


def thousands(value: float, _position: Any = None) -> str:
    """An axis tick as the reader writes numbers: "12 345" / "12,345"."""
    return format_number(int(round(value)))


def short_date(day: dt.date) -> str:
    """A day without its year: "7 дек." / "Dec 7"."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", day, locale=current_language())


def month_name(day: dt.date, with_year: bool = True) -> str:
    """"нояб. 2026 г." / "Nov 2026", or without the year: "нояб." / "Nov"."""
    from babel.dates import format_date, format_skeleton

    if with_year:
        return format_skeleton("yMMM", day, locale=current_language())
    return format_date(day, "LLL", locale=current_language())


def save_png(figure: Figure, path: Path) -> Path:
    try:
        figure.savefig(path, format="png", facecolor="white")
    except OSError as exc:
        raise OutreachError(_("cannot write the chart to {path}: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    return path
