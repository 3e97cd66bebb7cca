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

from outreach.db.reader import Reader
from outreach.db.states import PublicationStatus, counted_sql
from outreach.stats.queries import Where, slugs_of


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


def compute_funnel(reader: Reader, since: dt.datetime | None, until: dt.datetime | None,
                   campaign_id: int | None, channel: str | None) -> list[FunnelRow]:
    slugs = slugs_of(reader)
    rows: dict[tuple[Any, ...], FunnelRow] = {}

    def row(campaign: int | None, to_channel: str | None, placement: str | None) -> FunnelRow:
        key = (slugs.get(campaign) if campaign is not None else None, to_channel, placement)
        if key not in rows:
            rows[key] = FunnelRow(*key)
        return rows[key]

    where = (Where().add("p.status = ?", PublicationStatus.published.value)
             .period("p.published_at", since, until))
    if campaign_id is not None:
        where.add("p.campaign_id = ?", campaign_id)
    if channel is not None:
        where.add("p.channel = ?", channel)
    reach = ("SELECT p.campaign_id, p.channel, sum(e.views), count(e.views) "
             "FROM publication AS p LEFT OUTER JOIN engagementlatest AS e "
             f"ON e.publication_id = p.id {where} GROUP BY p.campaign_id, p.channel")
    for campaign, to_channel, views, known in reader.rows(reach, where.params):
        row(campaign, to_channel, None).views = int(views) if known else None

    campaign_of = "coalesce(p.campaign_id, r.campaign_id)"
    channel_of = "coalesce(p.channel, r.channel)"
    where = Where().period("s.created_at", since, until)
    if campaign_id is not None:
        where.add(f"{campaign_of} = ?", campaign_id)
    if channel is not None:
        where.add(f"{channel_of} = ?", channel)
    signups = (f"SELECT {campaign_of}, {channel_of}, r.placement, count(s.id), "
               f"sum(CASE WHEN {counted_sql('s')} THEN 1 ELSE 0 END) "
               "FROM signup AS s JOIN referralcode AS r ON r.id = s.referral_code_id "
               f"LEFT OUTER JOIN publication AS p ON p.id = r.publication_id {where} "
               "GROUP BY 1, 2, 3")
    for campaign, to_channel, placement, starts, completed in reader.rows(signups,
                                                                          where.params):
        found = row(campaign, to_channel, placement)
        found.starts += int(starts)
        found.completed += int(completed or 0)

    where = Where().period("j.joined_at", since, until)
    if campaign_id is not None:
        where.add("p.campaign_id = ?", campaign_id)
    if channel is not None:
        where.add("j.channel = ?", channel)
    joins = ("SELECT p.campaign_id, j.channel, count(j.id) FROM audiencejoin AS j "
             f"LEFT OUTER JOIN publication AS p ON p.id = j.publication_id {where} "
             "GROUP BY p.campaign_id, j.channel")
    for campaign, to_channel, count in reader.rows(joins, where.params):
        row(campaign, to_channel, None).joins += int(count)

    def order(item: FunnelRow) -> tuple[Any, ...]:
        return tuple((v is None, v or "") for v in (item.campaign, item.channel, item.placement))

    return sorted(rows.values(), key=order)
