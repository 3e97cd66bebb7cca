"""Which stories a campaign takes at a slot.

Only approved stories with consent recorded are ever chosen. A story counts
as used on a channel when it has a publication there that is planned, being
sent, published or uncertain; it is not used again on that channel within
``reuse_after_days`` (or ever, when that is 0).

Kinds, municipalities and status are filtered in SQL; tags (a JSON list) are
matched in Python, the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from outreach.campaigns.routing import channels_for
from outreach.db.models import Publication, PublicationStatus, Story, StoryStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.config import Config

USED = (
    PublicationStatus.planned.value,
    PublicationStatus.sending.value,
    PublicationStatus.published.value,
    PublicationStatus.uncertain.value,
)


@dataclass(frozen=True)
class Usage:
    """How a story has been used on one channel, as seen from one slot."""

    blocked: bool  # used within the reuse window (or ever, without reuse)
    last_used: dt.datetime | None  # the latest slot it was used at, if ever


NEVER_USED = Usage(False, None)


@dataclass(frozen=True)
class Candidate:
    """What selection needs of a story: a light row, not the story with its text."""

    id: int
    event_date: dt.date | None
    tags: list[str]
    municipality: str | None


def eligible_stories(session: Session, spec: CampaignSpec,
                     exclude: Collection[int] = frozenset()) -> list[Candidate]:
    """Approved stories that match the campaign's kinds, tags and municipalities.

    A story with photos also needs recorded consent of the people shown; one
    without photos needs none (as at approval).
    """
    import sqlalchemy as sa
    from sqlmodel import col, select

    from outreach.db.models import Photo

    has_photos = sa.exists().where(col(Photo.story_id) == col(Story.id))
    query = select(col(Story.id), col(Story.event_date), col(Story.tags),
                   col(Story.municipality)).where(
        Story.status == StoryStatus.approved.value,
        sa.or_(sa.and_(col(Story.consent_by).is_not(None), col(Story.consent_at).is_not(None)),
               ~has_photos),
    )
    rule = spec.content
    if rule.kinds:
        query = query.where(col(Story.kind).in_(rule.kinds))
    if rule.municipalities:
        query = query.where(col(Story.municipality).in_(rule.municipalities))
    wanted = set(rule.tags)
    rows = session.exec(query.order_by(col(Story.id))).all()
    # A stored story always has its id.
    return [
        Candidate(*row) for row in cast("list[tuple[int, dt.date | None, list[str], str | None]]",
                                        rows)
        if row[0] not in exclude and (not wanted or wanted.intersection(row[2] or ()))
    ]


def usage(session: Session, story_ids: Iterable[int], channels: Iterable[str],
          slot: dt.datetime, reuse_after_days: int) -> dict[tuple[int, str], Usage]:
    """Usage per (story id, channel) that has any publication; absent keys were never used."""
    from sqlmodel import col, select

    ids, names = list(story_ids), list(channels)
    if not ids or not names:
        return {}
    since = slot - dt.timedelta(days=reuse_after_days) if reuse_after_days else None
    rows = session.exec(
        select(Publication.story_id, Publication.channel, Publication.slot).where(
            col(Publication.story_id).in_(ids),
            col(Publication.channel).in_(names),
            col(Publication.status).in_(USED),
        )
    ).all()
    found: dict[tuple[int, str], Usage] = {}
    # A stored publication always has its story and slot (both NOT NULL).
    for story_id, channel, used_at in cast("list[tuple[int, str, dt.datetime]]", rows):
        key = (story_id, channel)
        before = found.get(key, NEVER_USED)
        blocked = before.blocked or since is None or used_at > since
        last = used_at if before.last_used is None else max(before.last_used, used_at)
        found[key] = Usage(blocked, last)
    return found


def _order(stories: list[Candidate], spec: CampaignSpec, slot: dt.datetime,
           last_used: dict[int, dt.datetime | None]) -> list[Candidate]:
    order = spec.content.order
    if order == "random":
        ordered = sorted(stories, key=lambda s: s.id or 0)
        seed = f"{spec.content.seed}:{slot.astimezone(dt.UTC).isoformat()}"
        random.Random(seed).shuffle(ordered)
        return ordered
    if order == "newest":
        return sorted(stories, key=lambda s: (s.event_date is None,
                                              -(s.event_date or dt.date.min).toordinal(),
                                              -(s.id or 0)))
    # oldest-unpublished: never used first, oldest event first; then the least recently used.
    def key(s: Candidate) -> tuple[object, ...]:
        used = last_used.get(s.id or 0)
        return (used is not None, used or slot, s.event_date is None,
                s.event_date or dt.date.max, s.id or 0)

    return sorted(stories, key=key)


def pick_for_slot(session: Session, spec: CampaignSpec, config: Config, slot: dt.datetime,
                  exclude: Collection[int] = frozenset()) -> list[tuple[Story, list[str]]]:
    """The stories of one slot (up to ``per_run``), each with the channels it goes to.

    A story's channels come from routing (``channels_for``) less those where it
    is still within the reuse window; a story left with no channel is skipped.
    "Never published" for ordering means on none of its channels.
    """
    stories = eligible_stories(session, spec, exclude)
    routes = {s.id: channels_for(spec, s.municipality, config) for s in stories}
    every_channel = {c for names in routes.values() for c in names}
    used = usage(session, [s.id for s in stories if s.id is not None], every_channel, slot,
                 spec.content.reuse_after_days)
    last: dict[int, dt.datetime | None] = {}
    for (sid, _), use in used.items():
        if use.last_used is not None:
            last[sid] = max(last.get(sid) or use.last_used, use.last_used)
    free: list[Candidate] = []
    open_channels: dict[int, list[str]] = {}
    for story in stories:
        channels = [c for c in routes[story.id]
                    if not used.get((story.id, c), NEVER_USED).blocked]
        if channels:
            free.append(story)
            open_channels[story.id] = channels
    chosen = _order(free, spec, slot, last)[: spec.content.per_run]
    return list(zip(_load(session, chosen), (open_channels[c.id] for c in chosen), strict=True))


def _load(session: Session, chosen: list[Candidate]) -> list[Story]:
    """The chosen stories in full, in the chosen order."""
    found = []
    for candidate in chosen:
        story = session.get(Story, candidate.id)
        assert story is not None
        found.append(story)
    return found
