"""The SQL behind ``outreach report``: counts per period, the same on SQLite and PostgreSQL.

Every function takes the period as UTC bounds [start, end) (sign-ups, publications)
or as days (a story's event date, on the centre's calendar) and returns plain rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from outreach.db.models import (
    METRICS,
    Campaign,
    EngagementLatest,
    Publication,
    PublicationStatus,
    ReferralCode,
    SignUp,
    Story,
)
from outreach.db.tables import counted, in_period

Bounds = tuple[dt.datetime, dt.datetime]


def new_volunteers(connection: sa.Connection, bounds: Bounds) -> int:
    s = SignUp.__table__.c
    query = sa.select(sa.func.count(s.id)).where(counted(s), *in_period(s.created_at, *bounds))
    return int(connection.execute(query).scalar() or 0)


def volunteer_times(connection: sa.Connection, bounds: Bounds) -> list[dt.datetime]:
    """When each new volunteer signed up (for the monthly chart)."""
    s = SignUp.__table__.c
    query = sa.select(s.created_at).where(counted(s), *in_period(s.created_at, *bounds))
    return [row[0] for row in connection.execute(query)]


def volunteers_by_home(connection: sa.Connection, bounds: Bounds) -> dict[str | None, int]:
    s = SignUp.__table__.c
    query = (sa.select(s.municipality, sa.func.count(s.id))
             .where(counted(s), *in_period(s.created_at, *bounds)).group_by(s.municipality))
    return {m: int(n) for m, n in connection.execute(query)}


@dataclass(frozen=True)
class SourceRow:
    kind: str  # publication | placement | outlet | offline | bot (the last two: no code)
    campaign: str | None
    channel: str | None
    story: str | None  # a post's story title
    published: dt.datetime | None
    placement: str | None
    count: int


def volunteers_by_source(connection: sa.Connection, bounds: Bounds) -> list[SourceRow]:
    s, r = SignUp.__table__.c, ReferralCode.__table__.c
    p, c, st = Publication.__table__.c, Campaign.__table__.c, Story.__table__.c
    campaign_id = sa.func.coalesce(p.campaign_id, r.campaign_id)
    kind = sa.case((r.id.is_not(None), r.kind),
                   (s.source == "offline", sa.literal("offline")), else_=sa.literal("bot"))
    grain = [kind, c.slug, sa.func.coalesce(p.channel, r.channel, s.channel), st.title,
             p.published_at, r.placement]
    query = (sa.select(*grain, sa.func.count(s.id))
             .select_from(SignUp.__table__
                          .outerjoin(ReferralCode.__table__, r.id == s.referral_code_id)
                          .outerjoin(Publication.__table__, p.id == r.publication_id)
                          .outerjoin(Story.__table__, st.id == p.story_id)
                          .outerjoin(Campaign.__table__, c.id == campaign_id))
             .where(counted(s), *in_period(s.created_at, *bounds))
             .group_by(*grain, p.id))
    return [SourceRow(*row[:6], int(row[6])) for row in connection.execute(query)]


@dataclass(frozen=True)
class EventRow:
    day: dt.date
    kind: str
    title: str
    municipality: str | None
    participants: int | None
    beneficiaries: int | None


def events(connection: sa.Connection, first: dt.date, last: dt.date) -> list[EventRow]:
    st = Story.__table__.c
    query = (sa.select(st.event_date, st.kind, st.title, st.municipality, st.participants,
                       st.beneficiaries)
             .where(st.event_date >= first, st.event_date <= last)
             .order_by(st.event_date, st.id))
    return [EventRow(*row) for row in connection.execute(query)]


@dataclass(frozen=True)
class PublishedRow:
    campaign: str | None
    channel: str
    publications: int
    sums: dict[str, int | None]  # None: no publication of the row reported the figure


def publications(connection: sa.Connection, bounds: Bounds) -> list[PublishedRow]:
    """Per campaign × channel: publications published in the period and their latest figures."""
    p, c, e = Publication.__table__.c, Campaign.__table__.c, EngagementLatest.__table__.c
    figures: list[Any] = []
    for metric in METRICS:
        figures += [sa.func.sum(e[metric]), sa.func.count(e[metric])]
    query = (sa.select(c.slug, p.channel, sa.func.count(p.id), *figures)
             .select_from(Publication.__table__
                          .outerjoin(EngagementLatest.__table__, e.publication_id == p.id)
                          .outerjoin(Campaign.__table__, c.id == p.campaign_id))
             .where(p.status == PublicationStatus.published.value,
                    *in_period(p.published_at, *bounds))
             .group_by(c.slug, p.channel))
    found = []
    for slug, channel, count, *values in connection.execute(query):
        sums = {m: (int(values[2 * i]) if values[2 * i + 1] else None)
                for i, m in enumerate(METRICS)}
        found.append(PublishedRow(slug, channel, int(count), sums))
    return found


@dataclass(frozen=True)
class StoryRank:
    title: str
    municipality: str | None
    volunteers: int
    publications: int
    views: int | None


def top_stories(connection: sa.Connection, bounds: Bounds, limit: int) -> tuple[
        list[StoryRank], list[StoryRank]]:
    """The stories that brought most volunteers, and those with most views, in the period."""
    s, r = SignUp.__table__.c, ReferralCode.__table__.c
    p, st, e = Publication.__table__.c, Story.__table__.c, EngagementLatest.__table__.c
    brought = (sa.select(p.story_id, sa.func.count(s.id).label("n"))
               .select_from(SignUp.__table__
                            .join(ReferralCode.__table__, r.id == s.referral_code_id)
                            .join(Publication.__table__, p.id == r.publication_id))
               .where(counted(s), *in_period(s.created_at, *bounds))
               .group_by(p.story_id).subquery())
    reach = (sa.select(p.story_id, sa.func.count(p.id).label("n"),
                       sa.func.sum(e.views).label("views"),
                       sa.func.count(e.views).label("known"))
             .select_from(Publication.__table__
                          .outerjoin(EngagementLatest.__table__, e.publication_id == p.id))
             .where(p.status == PublicationStatus.published.value,
                    *in_period(p.published_at, *bounds))
             .group_by(p.story_id).subquery())

    def ranked(order: Any, where: Any) -> list[StoryRank]:
        query = (sa.select(st.title, st.municipality, sa.func.coalesce(brought.c.n, 0),
                           sa.func.coalesce(reach.c.n, 0), reach.c.views, reach.c.known)
                 .select_from(Story.__table__
                              .outerjoin(brought, brought.c.story_id == st.id)
                              .outerjoin(reach, reach.c.story_id == st.id))
                 .where(where).order_by(*order, st.id).limit(limit))
        return [StoryRank(t, m, int(v), int(n), int(views) if known else None)
                for t, m, v, n, views, known in connection.execute(query)]

    by_volunteers = ranked((sa.desc(sa.func.coalesce(brought.c.n, 0)),
                            sa.desc(sa.func.coalesce(reach.c.views, 0))),
                           brought.c.n > 0)
    by_reach = ranked((sa.desc(reach.c.views),), reach.c.known > 0)
    return by_volunteers, by_reach
