"""The period of a report, as a coordinator writes it: 2026-Q4, 2026, 2026-11 or a range.

A period is whole days on the centre's clock, first and last day included. The
period it is compared with is the one just before (``previous``: Q3 for Q4,
2025 for 2026, October for November, the same number of days before a range)
or the same period a year earlier (``year``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from outreach.errors import OutreachError
from outreach.i18n import _, format_date

COMPARISONS = ("previous", "year")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[QqКк]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(OutreachError):
    """A period written in a way the report does not understand."""


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last``, both included; ``text`` is how it was written."""

    first: dt.date
    last: dt.date
    text: str
    kind: str  # year | quarter | month | range

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC: midnight of the first day to midnight after the last."""
        start = dt.datetime.combine(self.first, dt.time(), zone)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def contains(self, other: Period) -> bool:
        return self.first <= other.first and other.last <= self.last

    def title(self) -> str:
        """In the reader's words: "4-й квартал 2026", "ноябрь 2026", "2026 год"."""
        if self.kind == "year":
            return _("year {year}").format(year=self.first.year)
        if self.kind == "quarter":
            return _("quarter {quarter} of {year}").format(
                quarter=(self.first.month - 1) // 3 + 1, year=self.first.year)
        if self.kind == "month":
            from babel.dates import format_skeleton

            from outreach.i18n import current_language

            return format_skeleton("yMMMM", self.first, locale=current_language())
        return _("{first} to {last}").format(first=format_date(self.first),
                                            last=format_date(self.last))

    def span(self) -> str:
        """Its first and last day: "1 октября 2026 – 31 декабря 2026"."""
        return f"{format_date(self.first)} – {format_date(self.last)}"

    def compared(self, how: str) -> Period:
        """The period to compare with: ``previous`` or the same one a ``year`` earlier."""
        if how == "year":
            return _shifted(self, years=-1)
        if self.kind == "year":
            return _shifted(self, years=-1)
        if self.kind == "quarter":
            return _months(self, -3)
        if self.kind == "month":
            return _months(self, -1)
        last = self.first - dt.timedelta(days=1)
        first = last - dt.timedelta(days=self.days - 1)
        return Period(first, last, f"{first.isoformat()}..{last.isoformat()}", "range")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(period: Period, shift: int) -> Period:
    index = period.first.year * 12 + period.first.month - 1 + shift
    year, month = divmod(index, 12)
    length = 3 if period.kind == "quarter" else 1
    first = dt.date(year, month + 1, 1)
    end_index = index + length - 1
    last = _month_end(end_index // 12, end_index % 12 + 1)
    text = (f"{year}-Q{month // 3 + 1}" if period.kind == "quarter"
            else f"{year}-{month + 1:02d}")
    return Period(first, last, text, period.kind)


def _shifted(period: Period, years: int) -> Period:
    def move(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    first = move(period.first)
    if period.kind in ("month", "quarter", "year"):
        last = _month_end(first.year, period.last.month)
        text = period.text.replace(str(period.first.year), str(first.year), 1)
    else:
        last = move(period.last)
        text = f"{first.isoformat()}..{last.isoformat()}"
    return Period(first, last, text, period.kind)


def _day(text: str, written: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(_("{text!r}: {day} is not a date of the calendar").format(
            text=written, day=text)) from None


def parse_period(text: str) -> Period:
    """``2026``, ``2026-Q4``, ``2026-11`` or ``2026-10-01..2026-12-31``; PeriodError if not."""
    written = text.strip()
    if match := _YEAR.match(written):
        year = int(match[1])
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), written, "year")
    if match := _QUARTER.match(written):
        year, quarter = int(match[1]), int(match[2])
        first = dt.date(year, 3 * quarter - 2, 1)
        return Period(first, _month_end(year, 3 * quarter), f"{year}-Q{quarter}", "quarter")
    if match := _MONTH.match(written):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(_("{text!r}: there is no month {month}; months are 01 to 12")
                              .format(text=written, month=month))
        return Period(dt.date(year, month, 1), _month_end(year, month),
                      f"{year}-{month:02d}", "month")
    if match := _RANGE.match(written):
        first, last = _day(match[1], written), _day(match[2], written)
        if last < first:
            raise PeriodError(_("{text!r}: the period ends before it starts").format(
                text=written))
        return Period(first, last, f"{first.isoformat()}..{last.isoformat()}", "range")
    raise PeriodError(_(
        "{text!r} is not a period. Write a year (2026), a quarter (2026-Q4), a month "
        "(2026-11) or two dates with two dots between them (2026-10-01..2026-12-31)").format(
            text=written))
