"""``outreach results``: figures entered by hand for the report (seminars, agreements...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import echo_rows, format_option, number
from outreach.i18n import N_, _, _l

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.report.results import Entry

COLUMNS = ("id", "period", "indicator", "value", "note")
HEADERS = {**SHARED_HEADERS, "period": _l("Period"), "indicator": _l("Indicator"),
           "value": _l("Value"), "note": _l("Note")}
PERIOD_HELP = N_("The period: `2026`, `2026-Q4`, `2026-11` or `2026-10-01..2026-12-31`.")


@click.group()
def results() -> None:
    """Figures entered by hand for the report: what Outreach cannot see.

    \b
    Seminars held, agreements with municipalities, people helped at events
    nobody wrote a story about. A report counts each figure whose period lies
    inside its own: enter a figure once, for the shortest period it belongs to.
    Indicators: `seminars`, `events`, `participants`, `beneficiaries`,
    `agreements`, `municipalities`, `media`, `placements`, `other`.
    """


def _shown(entry: Entry) -> str:
    return _("{id}: {period}, {indicator} = {value}").format(
        id=entry.id, period=entry.period, indicator=entry.label, value=number(entry.value))


@results.command("add")
@click.option("--period", required=True, metavar=N_("PERIOD"), help=PERIOD_HELP)
@click.option("--indicator", required=True, metavar=N_("INDICATOR"),
              help=N_("What is counted: `seminars`, `agreements`, `beneficiaries`... "
                      "(`outreach results --help` lists them)."))
@click.option("--value", required=True, type=int, metavar=N_("NUMBER"),
              help=N_("The figure, a whole number."))
@click.option("--note", default=None, metavar=N_("TEXT"),
              help=N_("Where the figure comes from, shown under it in the report."))
@click.pass_obj
def add_command(app: App, period: str, indicator: str, value: int, note: str | None) -> None:
    """Enter a figure for a period.

    \b
    `outreach results add --period 2026-Q4 --indicator seminars --value 6`
    """
    from outreach.report.results import add

    entry = add(app.store, period, indicator, value, note)
    click.echo(_("Added {figure}.").format(figure=_shown(entry)))


@results.command("list")
@click.option("--period", default=None, metavar=N_("PERIOD"),
              help=N_("Only the figures inside this period (as a report counts them)."))
@format_option()
@click.pass_obj
def list_command(app: App, period: str | None, fmt: str) -> None:
    """The figures entered by hand."""
    from outreach.report.period import parse_period
    from outreach.report.results import listed

    entries = listed(app.store, parse_period(period) if period else None)
    rows = [{"id": e.id, "period": e.period,
             "indicator": e.indicator if fmt != "table" else e.label,
             "value": e.value if fmt != "table" else number(e.value), "note": e.note}
            for e in entries]
    echo_rows(rows, COLUMNS, fmt, headers=HEADERS,
              empty=_("No figures entered yet. Add one: outreach results add --period 2026-Q4 "
                      "--indicator seminars --value 6"))


@results.command("edit")
@click.argument("entry_id", type=int, metavar="ID")
@click.option("--period", default=None, metavar=N_("PERIOD"), help=PERIOD_HELP)
@click.option("--indicator", default=None, metavar=N_("INDICATOR"), help=N_("A new indicator."))
@click.option("--value", default=None, type=int, metavar=N_("NUMBER"), help=N_("A new value."))
@click.option("--note", default=None, metavar=N_("TEXT"),
              help=N_("A new note (an empty one clears it)."))
@click.pass_obj
def edit_command(app: App, entry_id: int, period: str | None, indicator: str | None,
                 value: int | None, note: str | None) -> None:
    """Correct a figure (its ID is in `outreach results list`)."""
    from outreach.report.results import edit

    if period is None and indicator is None and value is None and note is None:
        raise click.UsageError(_("say what to change: --period, --indicator, --value or --note"))
    entry = edit(app.store, entry_id, period=period, indicator=indicator, value=value, note=note)
    click.echo(_("Changed {figure}.").format(figure=_shown(entry)))


@results.command("remove")
@click.argument("entry_id", type=int, metavar="ID")
@click.pass_obj
def remove_command(app: App, entry_id: int) -> None:
    """Remove a figure entered by mistake."""
    from outreach.report.results import remove

    entry = remove(app.store, entry_id)
    click.echo(_("Removed {figure}.").format(figure=_shown(entry)))
