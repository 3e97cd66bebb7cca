"""Each community's members day by day, and the joins credited to posts beside them.

The collector samples every channel's member count (``AudienceSnapshot``,
daily or more often); a day's figure is its last sample on the centre's clock.
The change is against the previous day that has a figure. Joins are the
``AudienceJoin`` rows of that day: all of them, and those credited to a post
(joined within the join window after a publication on that channel). A join
is weaker evidence than a sign-up; the two are never added together.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import sqlalchemy as sa

from outreach.db import tables
from outreach.db.tables import in_period


@dataclass(frozen=True)
class AudienceDay:
    channel: str
    day: dt.date
    members: int | None  # None: no count that day (joins were seen all the same)
    change: int | None  # against the previous day with a count; None for the first
    joins: int
    credited: int  # joins credited to a post


def audience_days(connection: sa.Connection, zone: zoneinfo.ZoneInfo,
                  since: dt.datetime | None, until: dt.datetime | None,
                  channels: list[str] | None = None) -> list[AudienceDay]:
    """Per channel, per day of [since, until) with a count or a join, in date order."""
    a = tables.audiencesnapshot.c
    query = (sa.select(a.channel, a.taken_at, a.members)
             .where(a.members.is_not(None), *in_period(a.taken_at, since, until))
             .order_by(a.channel, a.taken_at, a.id))
    j = tables.audiencejoin.c
    joins = (sa.select(j.channel, j.joined_at, j.publication_id.is_not(None))
             .where(*in_period(j.joined_at, since, until)))
    if channels is not None:
        query = query.where(a.channel.in_(channels))
        joins = joins.where(j.channel.in_(channels))
    members: dict[tuple[str, dt.date], int] = {}
    for channel, taken_at, count in connection.execute(query):
        members[(channel, taken_at.astimezone(zone).date())] = count  # the day's last
    joined: dict[tuple[str, dt.date], list[int]] = {}
    for channel, joined_at, credited in connection.execute(joins):
        tally = joined.setdefault((channel, joined_at.astimezone(zone).date()), [0, 0])
        tally[0] += 1
        tally[1] += int(bool(credited))
    days: list[AudienceDay] = []
    previous: dict[str, int] = {}
    for channel, day in sorted(members.keys() | joined.keys()):
        count = members.get((channel, day))
        before = previous.get(channel)
        change = count - before if count is not None and before is not None else None
        if count is not None:
            previous[channel] = count
        all_joins, credited = joined.get((channel, day), [0, 0])
        days.append(AudienceDay(channel, day, count, change, all_joins, credited))
    return days
