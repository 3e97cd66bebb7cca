"""``outreach report``: the centre's results for a period, as a workbook and a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.i18n import N_, _

if TYPE_CHECKING:
    from outreach.cli import App

FORMATS = ("xlsx", "pdf", "both")


@click.command()
@click.option("--period", required=True, metavar=N_("PERIOD"),
              help=N_("A year (`2026`), a quarter (`2026-Q4`), a month (`2026-11`) or two "
                      "dates (`2026-10-01..2026-12-31`)."))
@click.option("--compare", type=click.Choice(("previous", "year", "none")), default="previous",
              show_default=True,
              help=N_("Compare with the period just before, the same period a year "
                      "earlier, or nothing."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="both", show_default=True,
              help=N_("An Excel workbook, a PDF, or both."))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar=N_("FILE"),
              help=N_("Where to write it (with both formats, the other gets its own "
                      "ending). Default: in the output folder, "
                      "`reports/report-PERIOD.xlsx` and `.pdf`."))
@click.pass_obj
def report(app: App, period: str, compare: str, fmt: str, out: Path | None) -> None:
    """The centre's results for a period, for the ministry and the board.

    \b
    New volunteers and their growth against the compared period; where they
    live and what brought them (campaign, channel, post, poster, local media,
    offline); events covered; municipalities reached; participants and people
    helped (from the stories and from outreach results); publications, reach
    and engagement per channel and campaign; each community's audience; the
    stories that brought most volunteers and most views. Each figure says how
    it was counted. "No data" means the platform does not report a figure
    (Telegram has no views): it is never shown as 0.

    \b
    Examples:
      `outreach report --period 2026-Q4`
      `outreach report --period 2026 --compare year --format pdf`
    """
    from outreach.report.build import build_report
    from outreach.report.period import PeriodError, parse_period

    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="'--period'") from None
    config = app.config
    if out is None:
        folder = config.output_dir / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"report-{parsed.text.replace('..', '_')}"
    built = build_report(app.store, parsed, None if compare == "none" else compare,
                         zone=config.time_zone, centre=config.centre,
                         places={n: c.municipality for n, c in config.channels.items()})
    written = []
    if fmt in ("xlsx", "both"):
        from outreach.report.xlsx import write_xlsx

        target = out if fmt == "xlsx" and out.suffix.lower() == ".xlsx" else out.with_suffix(
            ".xlsx")
        written.append(write_xlsx(built, target))
    if fmt in ("pdf", "both"):
        from outreach.report.pdf import write_pdf

        target = out if fmt == "pdf" and out.suffix.lower() == ".pdf" else out.with_suffix(
            ".pdf")
        written.append(write_pdf(built, target))
    click.echo(_("The report for {period} ({span}):").format(period=parsed.title(),
                                                             span=parsed.span()))
    for path in written:
        click.echo(f"  {path}")
