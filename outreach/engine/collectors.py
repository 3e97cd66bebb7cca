"""Collecting what publications earned (engagement) and how channels grew (audience).

Young posts are asked about often, old ones rarely, then never: a snapshot is
due at each age in ``ENGAGEMENT_AGES`` after publication. Figures a platform
does not report are stored as NULL and shown as "—", never as 0.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from outreach.db.models import (
    METRICS,
    AudienceSnapshot,
    EngagementLatest,
    EngagementSnapshot,
    Publication,
)
from outreach.db.states import PublicationStatus
from outreach.db.upsert import insert_for
from outreach.errors import OutreachError, StoreError
from outreach.i18n import _, ngettext

if TYPE_CHECKING:
    from outreach.db import Store
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.collectors")

ENGAGEMENT_AGES = (
    dt.timedelta(minutes=10), dt.timedelta(hours=1), dt.timedelta(hours=6), dt.timedelta(days=1),
    dt.timedelta(days=3), dt.timedelta(days=7), dt.timedelta(days=30),
)
AUDIENCE_EVERY = dt.timedelta(hours=23)  # daily, with room for a late start
BATCH = 1000

PUB = Publication.__table__
SNAP = EngagementSnapshot.__table__
LATEST = EngagementLatest.__table__
AUD = AudienceSnapshot.__table__


@dataclass
class CollectReport:
    snapshots: int = 0
    audiences: int = 0
    errors: list[str] = field(default_factory=list)


def due_for_engagement(store: Store, now: dt.datetime,
                       speed: float = 1.0) -> dict[str, list[tuple[int, str]]]:
    """Channel → (publication id, external id) of posts whose next snapshot is due.

    ``speed`` shortens the ages (a sandbox whose audience lives faster).
    """
    ages = [age / speed for age in ENGAGEMENT_AGES]
    oldest = now - ages[-1] - dt.timedelta(days=1)
    latest = (
        sa.select(SNAP.c.publication_id, sa.func.max(SNAP.c.taken_at).label("taken_at"))
        .group_by(SNAP.c.publication_id).subquery()
    )
    query = (
        sa.select(PUB.c.id, PUB.c.channel, PUB.c.external_id, PUB.c.published_at,
                  latest.c.taken_at)
        .select_from(PUB.outerjoin(latest, latest.c.publication_id == PUB.c.id))
        .where(PUB.c.status == PublicationStatus.published, PUB.c.external_id.is_not(None),
               PUB.c.published_at >= oldest)
    )
    due: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with store.engine.connect() as connection:
        for row in connection.execute(query):
            published = row.published_at
            reached = [age for age in ages if published + age <= now]
            if not reached:
                continue
            last = row.taken_at
            if last is None or last < published + reached[-1]:
                due[row.channel].append((row.id, row.external_id))
    return dict(due)


def collect_engagement(store: Store, registry: Registry, now: dt.datetime,
                       speed: float = 1.0) -> CollectReport:
    """Ask each channel, in batches, for the counts of its posts that are due."""
    report = CollectReport()
    for channel_name, posts in sorted(due_for_engagement(store, now, speed).items()):
        try:
            channel = registry.get(channel_name)
        except OutreachError as exc:
            report.errors.append(f"{channel_name}: {exc}")
            continue
        if not channel.capabilities.engagement:
            continue
        for start in range(0, len(posts), BATCH):
            batch = posts[start:start + BATCH]
            ids = {external: publication for publication, external in batch}
            try:
                counts = channel.engagement(list(ids))
            except StoreError:
                raise  # the database's trouble, not the channel's
            except Exception as exc:  # noqa: BLE001  (one channel's outage stops only itself)
                message = registry.redact(channel_name, str(exc) or type(exc).__name__)
                report.errors.append(f"{channel_name}: {message}")
                log.warning(_("Views and likes on {channel} were not collected: {reason}. "
                              "Trying again later").format(
                    channel=registry.describe(channel_name), reason=message))
                break
            rows = [
                {"publication_id": ids[c.external_id], "taken_at": now,
                 **{metric: getattr(c, metric) for metric in METRICS}}
                for c in counts if c.external_id in ids
            ]
            if rows:
                with store.engine.begin() as connection:
                    record_snapshots(connection, rows)
                report.snapshots += len(rows)
    if report.snapshots:
        log.info(ngettext("Views and likes collected for {count} publication",
                          "Views and likes collected for {count} publications",
                          report.snapshots).format(count=report.snapshots))
    return report


def record_snapshots(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Store engagement snapshots and bring each publication's latest figures up to date."""
    connection.execute(SNAP.insert(), rows)
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        known = latest.get(row["publication_id"])
        if known is None or row["taken_at"] >= known["taken_at"]:
            latest[row["publication_id"]] = row
    statement = insert_for(connection.dialect.name)(LATEST).values(list(latest.values()))
    figures = ("taken_at", *METRICS)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["publication_id"],
        set_={name: statement.excluded[name] for name in figures},
        where=LATEST.c.taken_at <= statement.excluded.taken_at,
    ))


def collect_audience(store: Store, registry: Registry, now: dt.datetime,
                     speed: float = 1.0) -> CollectReport:
    """Member counts of every ready channel that reports one, at most once a day."""
    report = CollectReport()
    with store.engine.connect() as connection:
        last = dict(connection.execute(
            sa.select(AUD.c.channel, sa.func.max(AUD.c.taken_at)).group_by(AUD.c.channel)).all())
    for status in registry.statuses():
        if status.state != "ready":
            continue
        taken = last.get(status.name)
        if taken is not None and taken > now - AUDIENCE_EVERY / speed:
            continue
        try:
            channel = registry.get(status.name)
            if not channel.capabilities.audience:
                continue
            members = channel.audience()
        except StoreError:
            raise  # the database's trouble, not the channel's
        except Exception as exc:  # noqa: BLE001
            message = registry.redact(status.name, str(exc) or type(exc).__name__)
            report.errors.append(f"{status.name}: {message}")
            log.warning(_("The audience of {channel} was not counted: {reason}. Trying again "
                          "later").format(channel=registry.describe(status.name),
                                          reason=message))
            continue
        with store.engine.begin() as connection:
            connection.execute(AUD.insert().values(channel=status.name, taken_at=now,
                                                   members=members))
        report.audiences += 1
    return report
