"""The SQL behind ``outreach stats``: aggregate queries that run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from outreach.db.models import (
    METRICS,
    AudienceSnapshot,
    Campaign,
    CampaignSlot,
    EngagementLatest,
    Publication,
    PublicationStatus,
    ReferralCode,
    SignUp,
    SlotOutcome,
    Story,
)
from outreach.db.states import SignupStatus
from outreach.stats.figures import AudienceChange, SlotWarning, StoryInfo, week_of


@dataclass(frozen=True)
class Grain:
    """One row of the fine-grained sums."""

    campaign: str | None
    channel: str | None
    story_id: int | None
    municipality: str | None  # the sign-up's own, for sign-ups not tied to a story
    week: tuple[int, int] | None
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


def _engagement(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
                campaign_id: int | None, channel: str | None,
                weekly: bool) -> list[tuple[Any, ...]]:
    """Per campaign × channel × story (× publication time when ``weekly``): counts and sums."""
    p = Publication.__table__.c
    latest = EngagementLatest.__table__
    e = latest.c
    grain: list[Any] = [p.campaign_id, p.channel, p.story_id]
    if weekly:
        grain.append(p.published_at)
    figures: list[Any] = [sa.func.count(p.id)]
    for metric in METRICS:
        figures += [sa.func.sum(e[metric]), sa.func.count(e[metric])]
    query = (
        sa.select(*grain, *figures)
        .select_from(Publication.__table__.outerjoin(latest, e.publication_id == p.id))
        .where(p.status == PublicationStatus.published.value,
               *in_period(p.published_at, since, until))
        .group_by(*grain)
    )
    if campaign_id is not None:
        query = query.where(p.campaign_id == campaign_id)
    if channel is not None:
        query = query.where(p.channel == channel)
    return list(connection.execute(query))


def _signups(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
             campaign_id: int | None, channel: str | None,
             weekly: bool) -> list[tuple[Any, ...]]:
    """Attributed sign-ups per campaign × channel × story × the person's municipality."""
    s = SignUp.__table__.c
    r = ReferralCode.__table__.c
    p = Publication.__table__.c
    campaign = sa.func.coalesce(p.campaign_id, r.campaign_id)
    to_channel = sa.func.coalesce(p.channel, r.channel)
    grain: list[Any] = [campaign, to_channel, p.story_id, s.municipality]
    if weekly:
        grain.append(s.created_at)
    query = (
        sa.select(*grain, sa.func.count(s.id))
        .select_from(SignUp.__table__
                     .join(ReferralCode.__table__, r.id == s.referral_code_id)
                     .outerjoin(Publication.__table__, p.id == r.publication_id))
        .where(counted(s), *in_period(s.created_at, since, until))
        .group_by(*grain)
    )
    if campaign_id is not None:
        query = query.where(campaign == campaign_id)
    if channel is not None:
        query = query.where(to_channel == channel)
    return list(connection.execute(query))


def unattributed(connection: sa.Connection, since: dt.datetime | None,
                  until: dt.datetime | None) -> int:
    s = SignUp.__table__.c
    query = (sa.select(sa.func.count(s.id))
             .where(s.referral_code_id.is_(None), counted(s),
                    *in_period(s.created_at, since, until)))
    return int(connection.execute(query).scalar() or 0)


def audience_changes(connection: sa.Connection, since: dt.datetime | None,
                     until: dt.datetime | None,
                     channels: Iterable[str] | None = None) -> list[AudienceChange]:
    """Per channel: its first and last member count in the period."""
    a = AudienceSnapshot.__table__.c
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
    s = CampaignSlot.__table__.c
    c = Campaign.__table__.c
    query = (sa.select(c.slug, s.slot, s.outcome, s.detail)
             .join(Campaign.__table__, c.id == s.campaign_id)
             .where(s.outcome.in_([SlotOutcome.empty.value, SlotOutcome.skipped.value]),
                    *in_period(s.slot, since, until))
             .order_by(s.slot, c.slug))
    if campaign_id is not None:
        query = query.where(s.campaign_id == campaign_id)
    return [SlotWarning(slug, slot, outcome, detail)
            for slug, slot, outcome, detail in connection.execute(query)]


def grains(connection: sa.Connection, since: dt.datetime | None, until: dt.datetime | None,
            campaign_id: int | None, channel: str | None, weekly: bool,
            zone: zoneinfo.ZoneInfo) -> list[Grain]:
    c = Campaign.__table__.c
    slugs = dict(connection.execute(sa.select(c.id, c.slug)).all())
    found = []
    metrics = len(METRICS)
    no_engagement = (0,) * (2 * metrics)
    for row in _engagement(connection, since, until, campaign_id, channel, weekly):
        values = row[4:] if weekly else row[3:]
        vector = (values[0], 0, *(int(t or 0) for t in values[1::2]), *values[2::2])
        week = week_of(row[3], zone) if weekly else None
        found.append(Grain(slugs.get(row[0]), row[1], row[2], None, week, vector))
    for row in _signups(connection, since, until, campaign_id, channel, weekly):
        week = week_of(row[4], zone) if weekly else None
        found.append(Grain(slugs.get(row[0]), row[1], row[2], row[3], week,
                           (0, row[-1], *no_engagement)))
    return found


def story_infos(connection: sa.Connection, ids: Iterable[int]) -> dict[int, StoryInfo]:
    """Title and municipality of each story in ``ids``."""
    st = Story.__table__.c
    wanted = sorted(ids)
    found: dict[int, StoryInfo] = {}
    for start in range(0, len(wanted), 5000):  # stays under every driver's parameter limit
        query = sa.select(st.id, st.title, st.municipality).where(
            st.id.in_(wanted[start:start + 5000]))
        found.update({i: StoryInfo(i, t, m) for i, t, m in connection.execute(query)})
    return found
