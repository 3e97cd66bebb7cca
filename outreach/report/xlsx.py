"""The report as a workbook (openpyxl): a sheet per section, as a person opens it in Excel.

Headers in the reader's language on a frozen first row, numbers as numbers
(thousands grouped by Excel itself), dates as dates, shares as percentages,
columns as wide as their text, and no formulas: every cell is a value.
An unknown figure is the text "нет данных", never 0.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.errors import OutreachError, os_reason
from outreach.i18n import _

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from outreach.report.model import Column, Report, Section

NUMBER = "#,##0"
DATE = "DD.MM.YYYY"
SHARE = "0%"
MAX_WIDTH = 60  # characters; longer text wraps


def sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip()
    base, number = name, 2
    while name in taken:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook

    # Write-only: rows stream to the file, so a year of thousands of rows stays quick and small.
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for section in report.sections:
        name = sheet_name(section.sheet or section.title, taken)
        _sheet(book.create_sheet(name), section, report)
    book.properties.title = _("Results of {centre}: {period}").format(
        centre=report.centre.name or "Outreach", period=report.period.title())
    book.properties.creator = "Outreach"
    try:
        book.save(path)
    except OSError as exc:
        raise OutreachError(_("cannot write the report to {path}: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    return path


def _cell_value(value: Any, column: Column, unknown: str) -> Any:
    if value is None:
        return unknown if column.kind in ("number", "share") else None
    return value


def _sheet(sheet: WriteOnlyWorksheet, section: Section, report: Report) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = list(section.rows)
    if section.total is not None:
        rows.append(section.total)
    columns = section.columns
    # A write-only sheet takes its widths and frozen row before its first row.
    widths = [len(c.header) for c in columns]
    for row in rows:
        for index, (value, column) in enumerate(zip(row, columns, strict=True)):
            widths[index] = max(widths[index], _width(
                _cell_value(value, column, report.unknown), column))
    dimensions = sheet.column_dimensions  # type: ignore[attr-defined]  # missing in the stubs
    for index, width in enumerate(widths):
        dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, width + 3)
    sheet.freeze_panes = "A2"

    bold, right = Font(bold=True), Alignment(horizontal="right")
    wrap = Alignment(wrap_text=True, vertical="top")
    indent = Alignment(indent=2)
    header_fill = PatternFill("solid", fgColor="DCE6F1")

    def cell(value: Any, **style: Any) -> Any:
        """A styled cell, or the bare value when it needs no style (much quicker to write)."""
        if not style:
            return value
        made: Cell = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(made, name, setting)
        return made

    sheet.append([cell(c.header, font=bold, fill=header_fill, alignment=wrap) for c in columns])
    formats = {"number": NUMBER, "share": SHARE, "date": DATE}
    for number, row in enumerate(rows):
        last = section.total is not None and number == len(rows) - 1
        cells = []
        for place, (value, column) in enumerate(zip(row, columns, strict=True)):
            style: dict[str, Any] = {"font": bold} if last else {}
            if place == 0 and number in section.indented:
                style["alignment"] = indent
            if value is None and column.kind in ("number", "share"):
                style["alignment"] = right
            elif column.kind == "number" and isinstance(value, int) and -1000 < value < 1000:
                pass  # "#,##0" would show it the same
            elif column.kind in formats and (column.kind != "date"
                                             or isinstance(value, dt.date)):
                style["number_format"] = formats[column.kind]
            elif column.kind == "text" and isinstance(value, str) and len(value) > MAX_WIDTH:
                style["alignment"] = wrap
            cells.append(cell(_cell_value(value, column, report.unknown), **style))
        sheet.append(cells)
    sheet.append([])
    note = Font(italic=True, color="595959")
    for line in section.notes:
        sheet.append([cell(line, font=note)])


def _width(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if column.kind == "date" and isinstance(value, dt.date):
        return 10
    if column.kind == "number" and isinstance(value, int):
        return len(f"{value:,}")
    if column.kind == "share" and isinstance(value, float):
        return 6
    return len(str(value))
