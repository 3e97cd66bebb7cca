"""How the service stands, for ``outreach status`` and monitoring: all from the store.

The store is what every worker shares, so the answer is the same wherever
it is asked (another terminal, another machine of a PostgreSQL set-up) and
needs no channel tokens: whether a worker beats (``outreach.engine.heartbeat``),
the outbox by status and channel, and the next slots of the campaign files.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.campaigns.schedule import next_slots
from outreach.campaigns.spec import load_campaigns
from outreach.db.models import Publication, PublicationStatus
from outreach.engine.heartbeat import Beat, beats

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store

PUBLICATION = Publication.__table__
#: How many of the next slots are shown.
NEXT_SLOTS = 5


class Level(enum.IntEnum):
    """The overall state; its value is ``outreach status``'s exit code."""

    healthy = 0
    degraded = 1  # running, but publications failed or wait for a person
    down = 2  # no worker beats


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    enabled: bool
    last_published: dt.datetime | None
    queued: int
    failed: int
    uncertain: int

    @property
    def state(self) -> str:
        """disabled, failing, uncertain or ok (stable words: JSON and monitoring read them)."""
        if self.failed:  # even a channel since turned off: its publications need a person
            return "failing"
        if self.uncertain:
            return "uncertain"
        return "ok" if self.enabled else "disabled"


@dataclass(frozen=True)
class Health:
    now: dt.datetime
    running: list[Beat]  # the workers whose beat is fresh
    last_beat: Beat | None  # the latest beat of any worker, alive or not
    last_published: dt.datetime | None
    queued: int  # planned or being sent
    failed: int
    uncertain: int
    channels: list[ChannelHealth]
    next_slots: list[tuple[str, dt.datetime]]  # (campaign slug, slot), soonest first

    @property
    def level(self) -> Level:
        if not self.running:
            return Level.down
        if self.failed or self.uncertain:
            return Level.degraded
        return Level.healthy


def publication_counts(connection: sa.Connection) -> dict[tuple[str, str], int]:
    """How many publications each (channel, status) has."""
    return {(channel, status): count for channel, status, count in connection.execute(
        sa.select(PUBLICATION.c.channel, PUBLICATION.c.status, sa.func.count())
        .group_by(PUBLICATION.c.channel, PUBLICATION.c.status))}


def last_published(connection: sa.Connection) -> dict[str, dt.datetime]:
    """Each channel's latest publication time (UTC)."""
    last = {}
    for channel, when in connection.execute(sa.select(
            PUBLICATION.c.channel, sa.func.max(PUBLICATION.c.published_at))
            .where(PUBLICATION.c.status == PublicationStatus.published.value)
            .group_by(PUBLICATION.c.channel)):
        # max() loses the column's type on some dialects: the store keeps naive UTC.
        last[channel] = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return last


def check(config: Config, store: Store, now: dt.datetime) -> Health:
    """The service's state at ``now``."""
    every = beats(store)
    with store.engine.connect() as connection:
        counts = publication_counts(connection)
        last = last_published(connection)

    def total(status: PublicationStatus, channel: str | None = None) -> int:
        return sum(n for (c, s), n in counts.items()
                   if s == status.value and channel in (None, c))

    names = sorted(set(config.channels) | {c for c, _s in counts})
    channels = [ChannelHealth(
        name=name, enabled=config.channels[name].enabled if name in config.channels else False,
        last_published=last.get(name),
        queued=total(PublicationStatus.planned, name) + total(PublicationStatus.sending, name),
        failed=total(PublicationStatus.failed, name),
        uncertain=total(PublicationStatus.uncertain, name)) for name in names]
    specs, _problems = load_campaigns(config)
    slots = sorted(((spec.slug, slot) for spec in specs if spec.active
                    for slot in next_slots(spec, now, NEXT_SLOTS)), key=lambda item: item[1])
    return Health(
        now=now, running=[b for b in every if b.alive(now)],
        last_beat=every[0] if every else None,
        last_published=max(last.values(), default=None),
        queued=total(PublicationStatus.planned) + total(PublicationStatus.sending),
        failed=total(PublicationStatus.failed),
        uncertain=total(PublicationStatus.uncertain),
        channels=channels, next_slots=slots[:NEXT_SLOTS])
