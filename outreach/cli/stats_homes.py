"""``outreach stats --by home``: where new volunteers live × what brought them, printed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import number, render
from outreach.i18n import _, _l

if TYPE_CHECKING:
    from collections.abc import Callable

    from outreach.stats.homes import HomeTable

# The kinds of source as a column's header (came_from in CSV and JSON).
SOURCE_HEADERS = {"publication": _l("Posts"), "placement": _l("Posters, stands"),
                  "outlet": _l("Press"), "offline": _l("No code, by a coordinator"),
                  "unattributed": _l("No code")}
NOT_GIVEN = _l("(not given)")
NO_VALUE = {"campaign": _l("(no campaign)"), "channel": _l("(no channel)")}


def echo_homes(table: HomeTable, fmt: str, period: Callable[[], str]) -> None:
    """The table a person reads (sources as columns), or long rows for CSV and JSON."""
    rows = [{"home": home, table.across: column, "signups": table.counts[(home, column)]}
            for home in table.homes for column in table.columns
            if (home, column) in table.counts]
    if fmt == "csv":
        click.echo(render(rows, ("home", table.across, "signups"), "csv"))
        return
    if fmt == "json":
        click.echo(json.dumps({
            "since": table.since.isoformat() if table.since else None,
            "until": table.until.isoformat() if table.until else None,
            "time_zone": table.zone.key, "by": "home", "across": table.across,
            "rows": rows,
            "homes": [{"home": home, "signups": table.of_home(home)} for home in table.homes],
            "total": table.total}, ensure_ascii=False, indent=2))
        return
    click.echo(_("Period: {period}").format(period=period()))
    click.echo("")
    if not table.homes:
        click.echo(_("No sign-ups in this period."))
        return
    click.echo({"source": _("Where new volunteers live, by what brought them:"),
                "campaign": _("Where new volunteers live, by campaign:"),
                "channel": _("Where new volunteers live, by channel:")}[table.across])
    keys = [f"c{i}" for i in range(len(table.columns))]
    headers: dict[str, Any] = {"home": _l("Lives in"), "total": _l("Total"),
                               **{k: _column_header(table.across, c)
                                  for k, c in zip(keys, table.columns, strict=True)}}
    shown = []
    for home in [*table.homes, "total"]:
        total = home == "total"
        row: dict[str, Any] = {"home": _("total") if total else (home or str(NOT_GIVEN))}
        for key, column in zip(keys, table.columns, strict=True):
            count = (table.of_column(column) if total
                     else table.counts.get((home, column), 0))
            row[key] = number(count)
        row["total"] = number(table.total if total else table.of_home(home))
        shown.append(row)
    click.echo("\n".join("  " + line for line in render(
        shown, ("home", *keys, "total"), "table", headers).splitlines()))
    click.echo("  " + _("Completed sign-ups in the period, with a code or without, under the "
                        "municipality each person gave (--by municipality counts them where "
                        "the story happened)."))


def _column_header(across: str, value: str | None) -> str:
    if across == "source":
        return str(SOURCE_HEADERS.get(value or "", value))
    if value is None:
        return str(NO_VALUE[across])
    return value
