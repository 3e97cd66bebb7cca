"""The service's heartbeat in the store: which ``outreach run`` processes are alive.

Each worker upserts its row every ``EVERY`` and marks it stopped when it stops
cleanly. A row whose beat is older than ``STALE`` without a stop is a process
that died (a crash, a kill, the machine off); ``outreach status`` says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.db.models import Heartbeat
from outreach.db.upsert import insert_for

if TYPE_CHECKING:
    from outreach.db import Store

EVERY = dt.timedelta(seconds=30)
#: A beat older than this, with no stop recorded, means the process is gone.
STALE = 3 * EVERY
#: Stopped or dead workers' rows are deleted after this long.
FORGET_AFTER = dt.timedelta(days=30)

HEARTBEAT = Heartbeat.__table__


@dataclass(frozen=True)
class Beat:
    worker: str
    started_at: dt.datetime
    beat_at: dt.datetime
    stopped_at: dt.datetime | None

    def alive(self, now: dt.datetime) -> bool:
        return self.stopped_at is None and now - self.beat_at <= STALE


def beat(store: Store, worker: str, now: dt.datetime, *, starting: bool = False) -> None:
    """Record that ``worker`` is alive at ``now`` (``starting``: it has just started)."""
    values: dict[str, object] = {"beat_at": now, "stopped_at": None}
    if starting:
        values["started_at"] = now
    with store.engine.begin() as connection:
        insert = insert_for(connection.dialect.name)(HEARTBEAT).values(
            worker=worker, started_at=now, beat_at=now)
        connection.execute(insert.on_conflict_do_update(index_elements=["worker"], set_=values))
        connection.execute(sa.delete(HEARTBEAT).where(HEARTBEAT.c.beat_at < now - FORGET_AFTER))


def stopped(store: Store, worker: str, now: dt.datetime) -> None:
    """Record that ``worker`` stopped cleanly at ``now``."""
    with store.engine.begin() as connection:
        connection.execute(sa.update(HEARTBEAT).where(HEARTBEAT.c.worker == worker)
                           .values(beat_at=now, stopped_at=now))


def beats(store: Store) -> list[Beat]:
    """Every worker's last beat, the latest first."""
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(
            HEARTBEAT.c.worker, HEARTBEAT.c.started_at, HEARTBEAT.c.beat_at,
            HEARTBEAT.c.stopped_at).order_by(HEARTBEAT.c.beat_at.desc())).all()
    return [Beat(*row) for row in rows]
