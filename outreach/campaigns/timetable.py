"""The ``[schedule]`` table of a campaign file: what it may say and how it is checked.

Exactly one way of saying when: days and times, cron, every (with first) or
dates. Slots are computed from the result by ``outreach.campaigns.schedule``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from outreach.campaigns.days import cron_trigger, day_names, parse_day, parse_time, time_hint
from outreach.config.schema import Checker, Field, parse_duration
from outreach.errors import did_you_mean
from outreach.i18n import _

MIN_INTERVAL = dt.timedelta(minutes=1)


def check_duration(value: str) -> str | None:
    if parse_duration(value) is None:
        return _("{value!r} is not a length of time: write a number and m (minutes), "
                 "h (hours), d (days) or w (weeks), like \"30m\" or \"3d\"").format(value=value)
    return None


def _check_cron(value: str) -> str | None:
    try:
        cron_trigger(value)
    except ValueError as exc:
        return _("{value!r} is not a valid cron expression: {reason} (five fields: minute hour day "
                 "month weekday, e.g. \"0 10 * * вт,чт\"); or write days and times: "
                 "days = [\"вт\", \"чт\"] and times = [\"10:00\"]").format(
                     value=value, reason=exc)
    return None


SCHEDULE = {
    "cron": Field(str, check=_check_cron, help="minute hour day month weekday"),
    "every": Field(str, check=check_duration, help="'3d', '12h', '30m'"),
    "first": Field(dt.datetime, help="With every: the first slot; later ones follow"),
    "dates": Field(list, items=dt.datetime, help="Exact local dates and times"),
    "days": Field(list, items=str, help="Days of the week: 'пн', 'чт', 'будни', 'выходные'"),
    "times": Field(list, help="Times of day: '10:00', '18:30'"),
}


@dataclass(frozen=True)
class Schedule:
    """Exactly one of cron, every, dates or times is set (days go with times)."""

    cron: str | None = None
    every: dt.timedelta | None = None
    first: dt.datetime | None = None  # aware; anchor of ``every``
    dates: tuple[dt.datetime, ...] = ()  # aware
    days: frozenset[int] = frozenset(range(7))  # with times: 0 is Monday
    times: tuple[dt.time, ...] = ()  # local wall-clock times, sorted


def _localize(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """A local date and time in ``zone`` as aware; None when clocks skip it (DST)."""
    if value.tzinfo is not None:
        return value
    aware = value.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return aware if back == value else None


def _times(check: Checker, written: list[Any]) -> tuple[dt.time, ...] | None:
    """``times = ["10:00", "18:30"]`` (or TOML times, 10:00:00, unquoted)."""
    found: list[dt.time] = []
    for item in written:
        if isinstance(item, dt.time):
            found.append(item.replace(tzinfo=None))
            continue
        time = parse_time(item) if isinstance(item, str) else None
        if time is None:
            check.problem("schedule.times", time_hint(str(item)))
            return None
        found.append(time)
    if not found:
        check.problem("schedule.times", _("is empty: list at least one time, like "
                                          "times = [\"10:00\"]"))
        return None
    return tuple(sorted(set(found)))


def _days(check: Checker, written: list[str]) -> frozenset[int] | None:
    days: set[int] = set()
    for word in written:
        found = parse_day(word)
        if found is None:
            check.problem("schedule.days", _(
                "{word!r} is not a day of the week: write пн, вт, ср, чт, пт, сб, вс (or "
                "mon…sun), \"будни\" or \"выходные\"").format(word=word)
                + did_you_mean(word.lower(), day_names()))
            return None
        days |= found
    if not days:
        check.problem("schedule.days", _("is empty: list at least one day, like "
                                         "days = [\"пн\", \"чт\"]"))
        return None
    return frozenset(days)


def parse_schedule(check: Checker, written: dict[str, Any], values: dict[str, Any],
              zone: zoneinfo.ZoneInfo | None) -> Schedule | None:
    given = [k for k in ("cron", "every", "dates", "times") if k in written]
    if "days" in written and "times" not in written:
        check.problem("schedule.days", _("needs the times of day too: "
                                         "times = [\"10:00\"]"))
        return None
    if len(given) != 1:
        what = ", ".join(given) if given else _("none of them")
        check.problem("schedule", _("needs exactly one way of saying when: days and times, "
                                    "cron, every or dates; it gives {what}").format(what=what))
        return None
    if "first" in written and given != ["every"]:
        check.problem("schedule.first", _("only goes with every"))
    if zone is None or values.get(given[0]) is None:
        return None  # the value itself is wrong, and already reported
    if given == ["times"]:
        times = _times(check, values["times"])
        days = _days(check, values["days"]) if "days" in written else frozenset(range(7))
        if times is None or days is None:
            return None
        return Schedule(days=days, times=times)
    if given == ["cron"]:
        return Schedule(cron=values["cron"].strip())
    if given == ["every"]:
        every = parse_duration(values["every"])
        if every is None:
            return None
        if every < MIN_INTERVAL:
            check.problem("schedule.every", _("must be at least 1m"))
            return None
        first = values.get("first")
        anchored = _localize(first, zone) if first is not None else None
        if first is not None and anchored is None:
            check.problem("schedule.first", _skipped(first, zone))
            return None
        return Schedule(every=every, first=anchored)
    dates: list[dt.datetime] = []
    for value in values["dates"]:
        local = _localize(value, zone)
        if local is None:
            check.problem("schedule.dates", _skipped(value, zone))
            continue
        dates.append(local)
    if not dates:
        if values["dates"] == []:
            check.problem("schedule.dates", _("is empty: list at least one date and time"))
        return None
    return Schedule(dates=tuple(sorted(set(dates))))


def _skipped(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return _("{value} does not exist in {zone} (the clocks skip that hour)").format(
        value=value, zone=zone.key)
