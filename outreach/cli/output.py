"""Printing rows as a table, CSV or JSON, the same way for every list command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import click

FORMATS = ("table", "csv", "json")
MISSING = "—"  # a figure the platform does not report: never shown as 0


def format_option(default: str = "table") -> Callable[[Any], Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
        help="Output format.",
    )


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


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Render ``rows`` (dicts) with ``columns`` in ``fmt``; None prints as "—" in tables."""
    if fmt == "json":
        return json.dumps(
            [{c: row.get(c) for c in columns} for row in rows],
            ensure_ascii=False, indent=2, default=_plain,
        )
    if fmt == "csv":
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
    table = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for r in table:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def echo_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str,
              empty: str = "Nothing to show.") -> None:
    if not rows and fmt == "table":
        click.echo(empty)
        return
    click.echo(render(rows, columns, fmt))
