"""What a report holds, whatever it is written to: sections of tables with their footnotes.

The workbook and the PDF are two views of the same ``Report``: a sheet (a PDF
section) per ``Section``, with its headers, rows and the lines saying how
each figure was counted. Cells are plain values: text, whole numbers, dates,
shares (0.25 for 25 %) and None, which is an unknown figure ("нет данных"),
never 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach.config import Centre
    from outreach.report.period import Period
    from outreach.stats.audience import AudienceDay

KINDS = ("text", "number", "date", "share")


@dataclass(frozen=True)
class Column:
    key: str  # a stable identifier: tests and scripts find a column by it
    header: str  # in the reader's language
    kind: str = "number"  # one of KINDS


@dataclass
class Section:
    key: str  # stable identifier: "summary", "volunteers_home", ...
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)  # how the figures were counted
    total: list[Any] | None = None  # a last row, set apart
    row_keys: list[str] | None = None  # stable identifiers of the rows, where they have one
    sheet: str | None = None  # a shorter name for the workbook's tab (Excel allows 31 characters)
    indented: frozenset[int] = frozenset()  # rows that break down the row above them

    def column(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


@dataclass
class Charts:
    """The series the charts are drawn from (the tables hold the same figures)."""

    volunteers_by_month: list[tuple[dt.date, int]] = field(default_factory=list)
    volunteers_by_home: list[tuple[str, int]] = field(default_factory=list)
    publications_by_channel: list[tuple[str, int]] = field(default_factory=list)
    audience: list[AudienceDay] = field(default_factory=list)


@dataclass
class Report:
    period: Period
    compared: Period | None
    centre: Centre
    created: dt.datetime
    time_zone: str
    sections: list[Section]
    charts: Charts
    unknown: str  # how an unknown figure reads: "нет данных"

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)
