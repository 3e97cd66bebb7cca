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
    from openpyxl.worksheet.worksheet import Worksheet

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

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for section in report.sections:
        _sheet(book.create_sheet(sheet_name(section.sheet or section.title, taken)), section, report)
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


def _sheet(sheet: Worksheet, section: Section, report: Report) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    sheet.append([c.header for c in section.columns])
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    rows = list(section.rows)
    if section.total is not None:
        rows.append(section.total)
    widths = [len(c.header) for c in section.columns]
    for number, row in enumerate(rows, start=2):
        for index, (value, column) in enumerate(zip(row, section.columns, strict=True)):
            cell = sheet.cell(row=number, column=index + 1,
                              value=_cell_value(value, column, report.unknown))
            if value is None and column.kind in ("number", "share"):
                cell.alignment = Alignment(horizontal="right")
            elif column.kind == "number":
                cell.number_format = NUMBER
            elif column.kind == "share":
                cell.number_format = SHARE
            elif column.kind == "date" and isinstance(value, dt.date):
                cell.number_format = DATE
            elif column.kind == "text" and isinstance(value, str) and len(value) > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[index] = max(widths[index], _width(cell.value, column))
            if section.total is not None and number == len(rows) + 1:
                cell.font = bold
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, width + 3)
    row = len(rows) + 3
    for note in section.notes:
        sheet.cell(row=row, column=1, value=note).font = Font(italic=True, color="595959")
        row += 1


def _width(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if column.kind == "date":
        return 10
    if column.kind == "number" and isinstance(value, int):
        return len(f"{value:,}")
    if column.kind == "share":
        return 6
    return len(str(value))
