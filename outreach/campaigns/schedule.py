"""When a campaign posts: its slots, as aware UTC datetimes, and its schedule in words.

Cron expressions are read by APScheduler's CronTrigger but evaluated on the
campaign's wall clock here, because APScheduler 3.x with zoneinfo zones yields
non-existent times on a spring-forward day and fires twice on a fall-back day.
Our rule: a time the clocks skip has no slot; a time that happens twice
has one slot, at its first occurrence. ``every`` counts elapsed time from its
anchor, so across a DST change its wall-clock time moves; use cron for fixed times.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outreach.campaigns.spec import CampaignSpec

# Anchor of an interval schedule with neither schedule.first nor start.
DEFAULT_ANCHOR = dt.datetime(2026, 1, 1)
_WEEKDAYS = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri",
             "sat": "Sat", "sun": "Sun", "0": "Sun", "1": "Mon", "2": "Tue", "3": "Wed",
             "4": "Thu", "5": "Fri", "6": "Sat", "7": "Sun"}


def _window(spec: CampaignSpec) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The campaign's [first, last) instants in UTC from its start and end dates."""
    zone = spec.zone
    start = end = None
    if spec.start is not None:
        start = _wall_to_instant(dt.datetime.combine(spec.start, dt.time()), zone, forward=True)
    if spec.end is not None:
        day_after = dt.datetime.combine(spec.end + dt.timedelta(days=1), dt.time())
        end = _wall_to_instant(day_after, zone, forward=True)
    return start, end


def _wall_to_instant(wall: dt.datetime, zone: zoneinfo.ZoneInfo,
                     forward: bool = False) -> dt.datetime | None:
    """A naive wall-clock time in ``zone`` as an aware UTC instant.

    None when the clocks skip it, unless ``forward``: then the instant the gap ends.
    """
    aware = wall.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    if not forward:
        return None
    return wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)


def _cron_slots(spec: CampaignSpec, after: dt.datetime, count: int,
                end: dt.datetime | None) -> list[dt.datetime]:
    from apscheduler.triggers.cron import CronTrigger

    assert spec.schedule.cron is not None
    zone = spec.zone
    # The trigger walks naive wall-clock times (dressed as UTC, which has no DST).
    trigger = CronTrigger.from_crontab(spec.schedule.cron, timezone=dt.UTC)
    # Start a little early: a fall-back hour puts later wall times at earlier instants.
    wall = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=3)
    cursor = wall.replace(tzinfo=dt.UTC)
    slots: list[dt.datetime] = []
    previous: dt.datetime | None = None
    # A cron expression can name a date that never comes (30 February): stop looking.
    for _ in range(count * 50 + 1000):
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None:
            break
        previous = fire
        cursor = fire + dt.timedelta(microseconds=1)
        instant = _wall_to_instant(fire.replace(tzinfo=None), zone)
        if instant is None or instant <= after:
            continue
        if end is not None and instant >= end:
            break
        slots.append(instant)
        if len(slots) >= count:
            break
    return slots


def _interval_slots(spec: CampaignSpec, after: dt.datetime, count: int,
                    end: dt.datetime | None) -> list[dt.datetime]:
    every = spec.schedule.every
    assert every is not None
    anchor = spec.schedule.first
    if anchor is None:
        day = spec.start or DEFAULT_ANCHOR.date()
        anchor = _wall_to_instant(dt.datetime.combine(day, dt.time()), spec.zone, forward=True)
    assert anchor is not None
    anchor = anchor.astimezone(dt.UTC)
    steps = 0 if after < anchor else (after - anchor) // every + 1
    slots: list[dt.datetime] = []
    while len(slots) < count:
        instant = anchor + steps * every
        if end is not None and instant >= end:
            break
        if instant > after:
            slots.append(instant)
        steps += 1
    return slots


def next_slots(spec: CampaignSpec, after: dt.datetime, count: int) -> list[dt.datetime]:
    """The next ``count`` slots strictly after ``after``, as aware UTC datetimes.

    Slots before the campaign's start date or after its end date are left out.
    """
    if after.tzinfo is None:
        raise ValueError("next_slots needs an aware datetime")
    after = after.astimezone(dt.UTC)
    if count <= 0:
        return []
    start, end = _window(spec)
    if start is not None and after < start:
        after = start - dt.timedelta(microseconds=1)
    if spec.schedule.cron is not None:
        return _cron_slots(spec, after, count, end)
    if spec.schedule.every is not None:
        return _interval_slots(spec, after, count, end)
    dates = [d.astimezone(dt.UTC) for d in spec.schedule.dates]
    return [d for d in dates if d > after and (end is None or d < end)][:count]


def slots_between(spec: CampaignSpec, after: dt.datetime, until: dt.datetime,
                  limit: int = 100_000) -> list[dt.datetime]:
    """Slots in (after, until], at most ``limit`` of them (for catching up).

    Walks in small steps so the usual case, one slot or none, costs little.
    """
    slots: list[dt.datetime] = []
    step = 4
    while len(slots) < limit:
        batch = next_slots(spec, after, step)
        for slot in batch:
            if slot > until:
                return slots
            slots.append(slot)
        if len(batch) < step:
            return slots
        after = batch[-1]
        step = min(step * 4, 4096)
    return slots[:limit]


def local(spec: CampaignSpec, instant: dt.datetime) -> dt.datetime:
    """``instant`` on the campaign's wall clock."""
    return instant.astimezone(spec.zone)


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}" + ("" if number == 1 else "s")


def _duration_words(every: dt.timedelta) -> str:
    seconds = int(every.total_seconds())
    for size, unit in ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            number = seconds // size
            return unit if number == 1 else _plural(number, unit)
    return str(every)


def _cron_words(expression: str) -> str | None:
    fields = expression.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if not (minute.isdigit() and hour.isdigit()) or day != "*" or month != "*":
        return None
    at = f"at {int(hour):02d}:{int(minute):02d}"
    if weekday == "*":
        return f"every day {at}"
    names = [_WEEKDAYS.get(part.lower()) for part in weekday.split(",")]
    if None in names:
        return None
    return f"{', '.join(n for n in names if n)} {at}"


def describe(spec: CampaignSpec) -> str:
    """The schedule in words, e.g. 'Tue, Thu at 10:00 (Asia/Yekaterinburg)'."""
    schedule = spec.schedule
    if schedule.cron is not None:
        words = _cron_words(schedule.cron) or f"cron '{schedule.cron}'"
    elif schedule.every is not None:
        words = f"every {_duration_words(schedule.every)}"
    else:
        first = local(spec, schedule.dates[0]).strftime("%Y-%m-%d %H:%M")
        words = (f"once, {first}" if len(schedule.dates) == 1
                 else f"{len(schedule.dates)} dates from {first}")
    return f"{words} ({spec.time_zone})"
