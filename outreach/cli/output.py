"""Printing rows as a table, CSV or JSON, the same way for every list command.

Rows are dicts with stable keys, the same identifiers in every language: they
are the JSON keys and the CSV columns, which scripts and spreadsheets read.
Only a table, which a person reads, shows headers in the reader's language:
pass ``headers`` (key -> translated header, e.g. ``{"title": _l("Title")}``);
``HEADERS`` names the columns the commands share: ``headers={**HEADERS, ...}``. Its
cells are the reader's too: states through ``outreach.db.states.label``,
counts through ``number``, moments through ``moment``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from outreach.i18n import N_, _, _l, format_date, format_number, format_time

if TYPE_CHECKING:
    import zoneinfo

FORMATS = ("table", "csv", "json")
MISSING = "—"  # a figure the platform does not report: never shown as 0

# Table headers of the columns the commands share, by their stable key.
HEADERS: dict[str, Any] = {
    "id": _l("ID"), "status": _l("Status"), "state": _l("State"), "kind": _l("Kind"),
    "campaign": _l("Campaign"), "channel": _l("Channel"), "channels": _l("Channels"),
    "story": _l("Story"), "title": _l("Title"), "name": _l("Name"), "slot": _l("Slot"),
    "date": _l("Date"), "municipality": _l("Municipality"), "tags": _l("Tags"),
    "photos": _l("Photos"), "attempts": _l("Attempts"), "url_or_error": _l("Link or error"),
    "publications": _l("Publications"), "views": _l("Views"), "likes": _l("Likes"),
    "shares": _l("Shares"), "comments": _l("Comments"), "reactions": _l("Reactions"),
    "signups": _l("Sign-ups"), "placement": _l("Placement"), "code": _l("Code"),
    "source": _l("Source"), "phone": _l("Phone"), "created": _l("Created"),
    "reason": _l("Reason"), "error": _l("Error"), "outcome": _l("Outcome"),
    "detail": _l("Details"), "week": _l("Week"),
}


def format_option(default: str = "table") -> Callable[[Any], Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
        help=N_("Output format."),
    )


def number(value: int | None) -> str | None:
    """A count as the reader writes it ("12 345"); None stays None (shown as "—")."""
    return None if value is None else format_number(value)


def moment(instant: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str | None:
    """A moment on the clock of ``zone``, as the reader writes it: "14 октября 2026 10:00"."""
    if instant is None:
        return None
    local = instant.astimezone(zone)
    return f"{format_date(local.date())} {format_time(local)}"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def aligned(fields: Sequence[tuple[str, Any]]) -> list[str]:
    """"Name: value" lines with the values in one column, whatever the names' language."""
    width = max(len(name) for name, _value in fields) + 1
    return [f"{name + ':':<{width}} {value}" for name, value in fields]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return MISSING
    value = _plain(value)
    return str(value)


def _csv_text(text: str) -> str:
    # The writer quotes a cell holding its line end ("\n") but not a lone "\r", which
    # a spreadsheet reads as the start of a new row.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str,
           headers: Mapping[str, Any] | None = None) -> str:
    """Render ``rows`` (dicts) with ``columns`` in ``fmt``; None prints as "—" in tables.

    ``columns`` are the rows' keys, written as they are in JSON and CSV; a table
    heads each with ``headers[key]`` (translated text), or the key in capitals.
    """
    if fmt == "json":
        import json  # here, not at the top: commands' modules load for ``outreach --help``

        return json.dumps(
            [{c: row.get(c) for c in columns} for row in rows],
            ensure_ascii=False, indent=2, default=_plain,
        )
    if fmt == "csv":
        import csv
        import io

        from outreach.text.spreadsheets import spreadsheet_safe

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            value = [_plain(row.get(c)) for c in columns]
            # Coordinators open these in Excel: text someone typed into a bot must
            # never run there as a formula. Numbers stay numbers.
            writer.writerow(["" if v is None else _csv_text(spreadsheet_safe(v))
                             if isinstance(v, str) else v for v in value])
        return buffer.getvalue().rstrip("\n")
    labels = [str((headers or {}).get(c, c)).upper() for c in columns]
    table = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(label)] + [len(r[i]) for r in table]) for i, label in enumerate(labels)]
    lines = ["  ".join(label.ljust(w) for label, w in zip(labels, widths, strict=True)).rstrip()]
    for r in table:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def echo_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str,
              empty: str | None = None, headers: Mapping[str, Any] | None = None) -> None:
    if not rows and fmt == "table":
        click.echo(_("Nothing to show.") if empty is None else empty)
        return
    click.echo(render(rows, columns, fmt, headers))
