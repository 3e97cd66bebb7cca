"""When a campaign posts: its slots, as aware UTC datetimes, and its schedule in words.

Days and times (``days = ["пн", "чт"]``, ``times = ["10:00"]``) are walked
day by day on the campaign's wall clock. Cron expressions are read by
APScheduler's CronTrigger (through ``days.cron_trigger``, which keeps cron's
own numbering of the days of the week) but evaluated on the
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

from outreach.campaigns.days import cron_in_words, cron_trigger, days_in_words, times_in_words
from outreach.i18n import N_, _, format_datetime, format_number, ngettext

if TYPE_CHECKING:
    from collections.abc import Callable

    from outreach.campaigns.spec import CampaignSpec

# Anchor of an interval schedule with neither schedule.first nor start.
DEFAULT_ANCHOR = dt.datetime(2026, 1, 1)


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


def _weekly_slots(spec: CampaignSpec, after: dt.datetime, count: int,
                  end: dt.datetime | None) -> list[dt.datetime]:
    """Slots of ``days`` and ``times``: each chosen day, each time, on the wall clock."""
    schedule = spec.schedule
    zone = spec.zone
    # A day before: a fall-back hour puts later wall times at earlier instants.
    day = after.astimezone(zone).date() - dt.timedelta(days=1)
    last_day = end.astimezone(zone).date() if end is not None else dt.date.max
    slots: list[dt.datetime] = []
    while len(slots) < count and day <= last_day:
        if day.weekday() in schedule.days:
            for time in schedule.times:
                instant = _wall_to_instant(dt.datetime.combine(day, time), zone)
                if instant is None or instant <= after:
                    continue
                if end is not None and instant >= end:
                    return slots
                slots.append(instant)
                if len(slots) >= count:
                    break
        day += dt.timedelta(days=1)
    return slots


def _cron_slots(spec: CampaignSpec, after: dt.datetime, count: int,
                end: dt.datetime | None) -> list[dt.datetime]:
    assert spec.schedule.cron is not None
    zone = spec.zone
    # The trigger walks naive wall-clock times (dressed as UTC, which has no DST).
    trigger = cron_trigger(spec.schedule.cron)
    # Start a little early: a fall-back hour puts later wall times at earlier instants.
    wall = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=3)
    cursor = wall.replace(tzinfo=dt.UTC)
    slots: list[dt.datetime] = []
    previous: dt.datetime | None = None
    # A cron expression can name a date that never comes (30 February): stop looking.
    for _attempt in range(count * 50 + 1000):
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
    if spec.schedule.times:
        return _weekly_slots(spec, after, count, end)
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


def _every_words(every: dt.timedelta) -> str:
    seconds = int(every.total_seconds())
    units: tuple[tuple[int, str, Callable[[int], str]], ...] = (
             (604800, N_("every week"), lambda n: ngettext(
                  "every {count} week", "every {count} weeks", n)),
             (86400, N_("every day"), lambda n: ngettext(
                  "every {count} day", "every {count} days", n)),
             (3600, N_("every hour"), lambda n: ngettext(
                  "every {count} hour", "every {count} hours", n)),
             (60, N_("every minute"), lambda n: ngettext(
                  "every {count} minute", "every {count} minutes", n)))
    for size, one, several in units:
        if seconds % size == 0:
            number = seconds // size
            if number == 1:
                return _(one)
            return several(number).format(count=format_number(number))
    return _("every {interval}").format(interval=every)


def zone_in_words(time_zone: str) -> str:
    """The zone as a reader knows it: its city ("Екатеринбург" / "Yekaterinburg")."""
    from babel.dates import get_timezone_location

    from outreach.i18n import current_language

    try:
        return str(get_timezone_location(time_zone, locale=current_language(),
                                         return_city=True))
    except LookupError:
        return time_zone


def schedule_in_words(spec: CampaignSpec) -> str:
    """The schedule alone in words: "по понедельникам и четвергам в 10:00"."""
    schedule = spec.schedule
    if schedule.times:
        return f"{days_in_words(schedule.days)} {times_in_words(schedule.times)}"
    if schedule.cron is not None:
        return cron_in_words(schedule.cron) or _('on the cron schedule "{cron}"').format(
            cron=schedule.cron)
    if schedule.every is not None:
        return _every_words(schedule.every)
    first = format_datetime(local(spec, schedule.dates[0]).replace(tzinfo=None))
    if len(schedule.dates) == 1:
        return _("once, {when}").format(when=first)
    count = len(schedule.dates)
    return ngettext("{count} date from {when}", "{count} dates from {when}", count).format(
        count=format_number(count), when=first)


def describe(spec: CampaignSpec) -> str:
    """The schedule and its zone in words: "по вторникам и четвергам в 10:00 (Екатеринбург)"."""
    return f"{schedule_in_words(spec)} ({zone_in_words(spec.time_zone)})"
