"""ISO weeks on the centre's wall clock, computed by the database (SQLite and PostgreSQL).

The store keeps UTC. A moment's week is the ISO week of its date in the
centre's time zone. Neither SQLite nor a portable SQL knows time zones, so the
zone's UTC offset is handed to the query as a CASE over the offset changes
(summer time, law changes) that fall in the data's range: none for the
Russian zones since 2014, so a constant. The query then counts whole weeks
since a Monday: ``(epoch seconds + offset + BIAS) / 604800``, an integer that
names the week by its Monday (``monday_of``). BIAS keeps the dividend positive,
where integer division truncating towards zero and flooring agree.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

WEEK = 7 * 24 * 3600
# 1970-01-05 was a Monday: week 0 starts there at 00:00 on the local clock.
FIRST_MONDAY = dt.date(1970, 1, 5)
FIRST_MONDAY_SECONDS = 4 * 24 * 3600
BIAS_WEEKS = 10_000  # about 190 years before 1970
STEP = dt.timedelta(hours=6)  # zones change their offset at most once in this long


def offset_changes(zone: zoneinfo.ZoneInfo, first: dt.datetime,
                   last: dt.datetime) -> list[tuple[int, int]]:
    """[(epoch second from which it holds, UTC offset in seconds)] over [first, last].

    The first pair's moment is 0: its offset holds from the start.
    """
    def offset(second: int) -> int:
        delta = dt.datetime.fromtimestamp(second, zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    day, step = 24 * 3600, int(STEP.total_seconds())
    here = int(first.timestamp()) - day
    end = int(last.timestamp()) + day
    changes = [(0, offset(here))]
    while here < end:
        after = min(here + step, end)
        if offset(after) != changes[-1][1]:
            low, high = here, after  # the offset changes in (low, high]: find its second
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((high, offset(high)))
        here = after
    return changes


def week_number(epoch: str, zone: zoneinfo.ZoneInfo, first: dt.datetime | None,
                last: dt.datetime | None) -> str:
    """SQL: the week, as an integer for ``monday_of``, of a moment whose seconds since
    1970 UTC the SQL ``epoch`` gives (``Reader.epoch_seconds``), on the clock of
    ``zone``; ``first`` and ``last`` bound the moments it will meet.

    The numbers are written into the text, not passed as parameters: PostgreSQL
    must see the same expression in SELECT and GROUP BY.
    """
    if first is None or last is None:
        changes = [(0, 0)]
    else:
        changes = offset_changes(zone, first, last)
    if len(changes) == 1:
        offset = str(changes[0][1])
    else:
        whens = " ".join(f"WHEN {epoch} < {start} THEN {before}"
                         for (_, before), (start, _) in zip(changes, changes[1:], strict=False))
        offset = f"CASE {whens} ELSE {changes[-1][1]} END"
    return f"({epoch} + {offset} + {BIAS_WEEKS * WEEK - FIRST_MONDAY_SECONDS}) / {WEEK}"


def monday_of(number: int) -> dt.date:
    """The Monday of a week that ``week_number`` gave."""
    return FIRST_MONDAY + dt.timedelta(weeks=number - BIAS_WEEKS)


def iso_week(number: int | None) -> tuple[int, int] | None:
    """ISO (year, week) of a week that ``week_number`` gave."""
    if number is None:
        return None
    year, week, _ = monday_of(int(number)).isocalendar()
    return year, week
