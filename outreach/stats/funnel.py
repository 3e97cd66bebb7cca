"""The sign-up funnel: reach → deep-link starts → completed sign-ups → per 1,000 views.

Per campaign × channel × placement. A start is a sign-up dialog begun with a
referral code (whatever became of it); a completed sign-up is one the person
finished (or a coordinator added). Joins (a community or channel joined soon
after a post) are weaker evidence and are counted beside, never added in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from outreach.db import tables
from outreach.db.states import PublicationStatus
from outreach.stats.queries import counted, in_period


@dataclass
class FunnelRow:
    campaign: str | None
    channel: str | None
    placement: str | None
    views: int | None = None  # None: the platform does not tell (Telegram, posters)
    starts: int = 0
    completed: int = 0
    joins: int = 0

    @property
    def per_thousand_views(self) -> float | None:
        """Completed sign-ups per 1,000 views; None when views are unknown or zero."""
        if not self.views:
            return None
        return round(self.completed * 1000 / self.views, 2)


def compute_funnel(connection: sa.Connection, since: dt.datetime | None,
                   until: dt.datetime | None, campaign_id: int | None,
                   channel: str | None) -> list[FunnelRow]:
    c = tables.campaign.c
    slugs = dict(connection.execute(sa.select(c.id, c.slug)).all())
    rows: dict[tuple[Any, ...], FunnelRow] = {}

    def row(campaign: int | None, to_channel: str | None, placement: str | None) -> FunnelRow:
        key = (slugs.get(campaign), to_channel, placement)
        if key not in rows:
            rows[key] = FunnelRow(*key)
        return rows[key]

    p = tables.publication.c
    e = tables.engagementlatest.c
    reach = (sa.select(p.campaign_id, p.channel, sa.func.sum(e.views), sa.func.count(e.views))
             .select_from(tables.publication.outerjoin(tables.engagementlatest,
                                                          e.publication_id == p.id))
             .where(p.status == PublicationStatus.published.value,
                    *in_period(p.published_at, since, until))
             .group_by(p.campaign_id, p.channel))
    if campaign_id is not None:
        reach = reach.where(p.campaign_id == campaign_id)
    if channel is not None:
        reach = reach.where(p.channel == channel)
    for campaign, to_channel, views, known in connection.execute(reach):
        row(campaign, to_channel, None).views = int(views) if known else None

    s = tables.signup.c
    r = tables.referralcode.c
    campaign_of = sa.func.coalesce(p.campaign_id, r.campaign_id)
    channel_of = sa.func.coalesce(p.channel, r.channel)
    done = sa.func.sum(sa.case((counted(s), 1), else_=0))
    signups = (sa.select(campaign_of, channel_of, r.placement, sa.func.count(s.id), done)
               .select_from(tables.signup
                            .join(tables.referralcode, r.id == s.referral_code_id)
                            .outerjoin(tables.publication, p.id == r.publication_id))
               .where(*in_period(s.created_at, since, until))
               .group_by(campaign_of, channel_of, r.placement))
    if campaign_id is not None:
        signups = signups.where(campaign_of == campaign_id)
    if channel is not None:
        signups = signups.where(channel_of == channel)
    for campaign, to_channel, placement, starts, completed in connection.execute(signups):
        found = row(campaign, to_channel, placement)
        found.starts += int(starts)
        found.completed += int(completed or 0)

    j = tables.audiencejoin.c
    joins = (sa.select(p.campaign_id, j.channel, sa.func.count(j.id))
             .select_from(tables.audiencejoin.outerjoin(tables.publication,
                                                           p.id == j.publication_id))
             .where(*in_period(j.joined_at, since, until))
             .group_by(p.campaign_id, j.channel))
    if campaign_id is not None:
        joins = joins.where(p.campaign_id == campaign_id)
    if channel is not None:
        joins = joins.where(j.channel == channel)
    for campaign, to_channel, count in connection.execute(joins):
        row(campaign, to_channel, None).joins += int(count)

    def order(item: FunnelRow) -> tuple[Any, ...]:
        return tuple((v is None, v or "") for v in (item.campaign, item.channel, item.placement))

    return sorted(rows.values(), key=order)
