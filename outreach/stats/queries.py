"""The SQL behind ``outreach stats``: aggregate queries that run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from outreach.db import tables
from outreach.db.states import METRICS, PublicationStatus, SignupStatus, SlotOutcome
from outreach.stats import weeks
from outreach.stats.figures import AudienceChange, SlotWarning, StoryInfo


@dataclass(frozen=True)
class Grain:
    """Sums for one key of the grouping asked for, as the database added them up."""

    key: tuple[Any, ...]  # values of KEY_COLUMNS[by]: slugs, channels, weeks, story ids
    # publications, signups, then per metric the sum of the known values (0 when none
    # was known) and how many were known: see Figures.from_vector.
    vector: tuple[int, ...]


def counted(s: Any) -> sa.ColumnElement[bool]:
    """A sign-up that counts: finished, added offline, or finished and later forgotten
    (a dialog begun and left is a start in the funnel, not a sign-up; a sign-up merged
    into another is that other one: the person counts once)."""
    return sa.and_(s.status != SignupStatus.merged,
                   sa.or_(s.completed_at.is_not(None),
                          s.status.not_in((SignupStatus.started, SignupStatus.forgotten))))


def in_period(column: sa.ColumnElement[Any], since: dt.datetime | None,
            until: dt.datetime | None) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def _period_bounds(connection: sa.Connection, column: Any, since: dt.datetime | None,
                   until: dt.datetime | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and last moment ``column`` holds in the period (what a week needs to know)."""
    if since is not None and until is not None:
        return since, until
    # Two subqueries, not min() and max() in one: each then reads one end of the
    # column's index (SQLite scans the whole index for the pair).
    first, last = (sa.select(function(column)).where(*in_period(column, since, until))
                   .scalar_subquery() for function in (sa.func.min, sa.func.max))
    found = connection.execute(sa.select(first, last)).one()
    return since or found[0], until or found[1]


def _keys(by: str, *, campaign: Any, channel: Any, story: Any, municipality: Any,
          week: Any) -> list[Any]:
    """The SQL expressions a grouping groups by (see KEY_COLUMNS)."""
    return {"campaign-channel": [campaign, channel], "campaign": [campaign],
            "channel": [channel], "municipality": [municipality], "week": [week],
            "story": [story]}[by]


def _engagement(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
                campaign_id: int | None, channel: str | None, by: str,
                zone: zoneinfo.ZoneInfo) -> list[tuple[Any, ...]]:
    """Per key of ``by``: publications published in the period, and their latest figures."""
    p = tables.publication.c
    latest = tables.engagementlatest
    e = latest.c
    st = tables.story.c
    joined = tables.publication.outerjoin(latest, e.publication_id == p.id)
    week = None
    if by == "week":
        week = weeks.week_number(p.published_at, zone,
                                 *_period_bounds(connection, p.published_at, since, until))
    if by == "municipality":
        joined = joined.outerjoin(tables.story, st.id == p.story_id)
    keys = _keys(by, campaign=p.campaign_id, channel=p.channel, story=p.story_id,
                 municipality=st.municipality, week=week)
    figures: list[Any] = [sa.func.count(p.id)]
    for metric in METRICS:
        figures += [sa.func.sum(e[metric]), sa.func.count(e[metric])]
    query = (
        sa.select(*keys, *figures)
        .select_from(joined)
        .where(p.status == PublicationStatus.published.value,
               *in_period(p.published_at, since, until))
        .group_by(*keys)
    )
    if campaign_id is not None:
        query = query.where(p.campaign_id == campaign_id)
    if channel is not None:
        query = query.where(p.channel == channel)
    return list(connection.execute(query))


def _signups(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
             campaign_id: int | None, channel: str | None, by: str,
             zone: zoneinfo.ZoneInfo) -> list[tuple[Any, ...]]:
    """Attributed sign-ups per key of ``by`` (a poster's sign-ups fall under the municipality
    the person gave: a poster has no story)."""
    s = tables.signup.c
    r = tables.referralcode.c
    p = tables.publication.c
    st = tables.story.c
    campaign = sa.func.coalesce(p.campaign_id, r.campaign_id)
    to_channel = sa.func.coalesce(p.channel, r.channel)
    joined = tables.signup.join(tables.referralcode, r.id == s.referral_code_id)
    week = None
    if by == "week":
        week = weeks.week_number(s.created_at, zone,
                                 *_period_bounds(connection, s.created_at, since, until))
    if by != "week" or campaign_id is not None or channel is not None:
        # A week needs no publication: looking up each sign-up's would double its time.
        joined = joined.outerjoin(tables.publication, p.id == r.publication_id)
    if by == "municipality":
        joined = joined.outerjoin(tables.story, st.id == p.story_id)
    municipality = sa.case((p.id.is_not(None), st.municipality), else_=s.municipality)
    keys = _keys(by, campaign=campaign, channel=to_channel, story=p.story_id,
                 municipality=municipality, week=week)
    query = (
        sa.select(*keys, sa.func.count(s.id))
        .select_from(joined)
        .where(counted(s), *in_period(s.created_at, since, until))
        .group_by(*keys)
    )
    if campaign_id is not None:
        query = query.where(campaign == campaign_id)
    if channel is not None:
        query = query.where(to_channel == channel)
    return list(connection.execute(query))


def unattributed(connection: sa.Connection, since: dt.datetime | None,
                  until: dt.datetime | None) -> int:
    s = tables.signup.c
    query = (sa.select(sa.func.count(s.id))
             .where(s.referral_code_id.is_(None), counted(s),
                    *in_period(s.created_at, since, until)))
    return int(connection.execute(query).scalar() or 0)


def audience_changes(connection: sa.Connection, since: dt.datetime | None,
                     until: dt.datetime | None,
                     channels: Iterable[str] | None = None) -> list[AudienceChange]:
    """Per channel: its first and last member count in the period."""
    a = tables.audiencesnapshot.c
    where = [a.members.is_not(None), *in_period(a.taken_at, since, until)]
    if channels is not None:
        where.append(a.channel.in_(list(channels)))
    bounds = (sa.select(a.channel, sa.func.min(a.taken_at).label("first"),
                        sa.func.max(a.taken_at).label("last"))
              .where(*where).group_by(a.channel).subquery())
    query = (sa.select(a.channel, a.taken_at, a.members)
             .join(bounds, sa.and_(bounds.c.channel == a.channel,
                                   sa.or_(a.taken_at == bounds.c.first,
                                          a.taken_at == bounds.c.last)))
             .where(a.members.is_not(None))
             .order_by(a.channel, a.taken_at, a.id))
    seen: dict[str, list[tuple[dt.datetime, int]]] = {}
    for name, taken_at, members in connection.execute(query):
        seen.setdefault(name, []).append((taken_at, members))
    return [AudienceChange(name, points[0][0], points[0][1], points[-1][0], points[-1][1])
            for name, points in sorted(seen.items())]


def slot_warnings(connection: sa.Connection, since: dt.datetime | None,
                  until: dt.datetime | None, campaign_id: int | None) -> list[SlotWarning]:
    """Slots in the period that published nothing: no story left (empty), or missed (skipped)."""
    s = tables.campaignslot.c
    c = tables.campaign.c
    query = (sa.select(c.slug, s.slot, s.outcome, s.detail)
             .join(tables.campaign, c.id == s.campaign_id)
             .where(s.outcome.in_([SlotOutcome.empty.value, SlotOutcome.skipped.value]),
                    *in_period(s.slot, since, until))
             .order_by(s.slot, c.slug))
    if campaign_id is not None:
        query = query.where(s.campaign_id == campaign_id)
    return [SlotWarning(slug, slot, outcome, detail)
            for slug, slot, outcome, detail in connection.execute(query)]


def grains(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
           campaign_id: int | None, channel: str | None, by: str,
           zone: zoneinfo.ZoneInfo) -> list[Grain]:
    """Publications, their figures and the sign-ups they brought, summed per key of ``by``
    by the database: a grain per row of the table, never one per publication."""
    c = tables.campaign.c
    slugs = dict(connection.execute(sa.select(c.id, c.slug)).all())
    width = 1 if by != "campaign-channel" else 2

    def key(values: tuple[Any, ...]) -> tuple[Any, ...]:
        if by in ("campaign-channel", "campaign"):
            return (slugs.get(values[0]), *values[1:])
        if by == "week":
            return (weeks.iso_week(values[0]),)
        return tuple(values)

    found = []
    no_engagement = (0,) * (2 * len(METRICS))
    for row in _engagement(connection, since, until, campaign_id, channel, by, zone):
        values = row[width:]
        vector = (int(values[0]), 0, *(int(t or 0) for t in values[1::2]),
                  *(int(k) for k in values[2::2]))
        found.append(Grain(key(tuple(row[:width])), vector))
    for row in _signups(connection, since, until, campaign_id, channel, by, zone):
        found.append(Grain(key(tuple(row[:width])), (0, int(row[-1]), *no_engagement)))
    return found


def channels_of(connection: sa.Connection, since: dt.datetime | None,
                until: dt.datetime | None, campaign_id: int) -> list[str]:
    """The channels a campaign published to, or brought sign-ups through, in the period."""
    return sorted({g.key[0] for g in grains(connection, since, until, campaign_id, None,
                                            "channel", zoneinfo.ZoneInfo("UTC"))
                   if g.key[0]})


def story_infos(connection: sa.Connection, ids: Iterable[int]) -> dict[int, StoryInfo]:
    """Title and municipality of each story in ``ids``."""
    st = tables.story.c
    wanted = sorted(ids)
    found: dict[int, StoryInfo] = {}
    for start in range(0, len(wanted), 5000):  # stays under every driver's parameter limit
        query = sa.select(st.id, st.title, st.municipality).where(
            st.id.in_(wanted[start:start + 5000]))
        found.update({i: StoryInfo(i, t, m) for i, t, m in connection.execute(query)})
    return found
