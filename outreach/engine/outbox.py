"""The outbox: claiming due publications and recording what became of them.

Every change of a publication's state here is one conditional UPDATE, so two
workers (threads, processes, machines) can never both own a row: a claim
moves ``planned`` to ``sending`` with a lease; only the lease holder records
the outcome. On PostgreSQL claims skip rows another worker has locked
(``FOR UPDATE SKIP LOCKED``); on SQLite the UPDATE itself is the lock.
A lease records its holder's process too (``liveness.Holder``), so a worker on
the same machine can take over a dead one's rows before the lease runs out.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.db.models import Publication, PublicationAttempt
from outreach.db.states import AttemptOutcome, PublicationStatus
from outreach.engine.liveness import Holder
from outreach.i18n import _

if TYPE_CHECKING:
    from outreach.channels import Published
    from outreach.db import Store

PUB = Publication.__table__
ATTEMPT = PublicationAttempt.__table__

# Transient errors are retried with exponential backoff and jitter, then given up.
MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Claimed:
    id: int
    attempt: int  # this attempt's number, from 1


def backoff(attempt: int, rng: random.Random | None = None) -> dt.timedelta:
    """Delay before retry number ``attempt`` (1-based): doubling, capped, ±50 % jitter."""
    rng = rng or random.Random()
    delay = min(BACKOFF_CAP.total_seconds(), BACKOFF_BASE.total_seconds() * 2 ** (attempt - 1))
    return dt.timedelta(seconds=delay * rng.uniform(0.5, 1.5))


# What a row holds once no one holds its lease.
NO_LEASE = {"lease_owner": None, "lease_until": None, "lease_host": None, "lease_pid": None,
            "lease_process": None}


def _lease(worker: str, until: dt.datetime, holder: Holder | None) -> dict[str, object]:
    if holder is None:  # a holder that cannot be told apart: only the lease's end frees it
        return {**NO_LEASE, "lease_owner": worker, "lease_until": until}
    return {"lease_owner": worker, "lease_until": until, "lease_host": holder.host,
            "lease_pid": holder.pid, "lease_process": holder.process}


def claim(store: Store, worker: str, now: dt.datetime, lease: dt.timedelta, *,
          limit: int, channels: Sequence[str] | None = None,
          holder: Holder | None = None) -> list[Claimed]:
    """Lease up to ``limit`` due publications (on ``channels``) to ``worker``,
    in the process ``holder``."""
    due = (
        sa.select(PUB.c.id)
        .where(PUB.c.status == PublicationStatus.planned,
               sa.or_(PUB.c.next_attempt_at.is_(None), PUB.c.next_attempt_at <= now))
        .order_by(PUB.c.next_attempt_at, PUB.c.id)
        .limit(limit)
    )
    if channels is not None:
        due = due.where(PUB.c.channel.in_(list(channels)))
    if not store.is_sqlite:
        due = due.with_for_update(skip_locked=True)
    # A CTE, materialised: PostgreSQL may re-run an IN (subquery) once per row it
    # scans, and each run of a SKIP LOCKED subquery locks a fresh batch.
    chosen = due.cte("due")
    if not store.is_sqlite:
        chosen = chosen.prefix_with("MATERIALIZED")
    statement = (
        sa.update(PUB)
        .where(PUB.c.id.in_(sa.select(chosen.c.id)), PUB.c.status == PublicationStatus.planned)
        .values(status=PublicationStatus.sending, attempts=PUB.c.attempts + 1,
                **_lease(worker, now + lease, holder))
        .returning(PUB.c.id, PUB.c.attempts)
    )
    with store.engine.begin() as connection:
        rows = connection.execute(statement).all()
        if rows:
            connection.execute(ATTEMPT.insert(), [
                {"publication_id": row.id, "number": row.attempts, "started_at": now,
                 "outcome": AttemptOutcome.uncertain, "worker": worker}
                for row in rows
            ])
    return sorted((Claimed(row.id, row.attempts) for row in rows), key=lambda c: c.id)


def take_over(store: Store, publication_id: int, worker: str, now: dt.datetime,
              lease: dt.timedelta, *, holder: Holder | None = None,
              dead: Holder | None = None) -> int | None:
    """Take a ``sending`` row whose lease has expired, or (``dead``) that a process now
    known dead still holds; return its attempt number, or None when it was not free."""
    if dead is None:
        free = PUB.c.lease_until < now
        error = _("the worker stopped answering before recording the outcome")
    else:
        free = sa.and_(PUB.c.lease_host == dead.host, PUB.c.lease_pid == dead.pid,
                       PUB.c.lease_process == dead.process)
        error = _("the worker's process ({host}, PID {pid}) ended before recording the "
                  "outcome").format(host=dead.host, pid=dead.pid)
    statement = (
        sa.update(PUB)
        .where(PUB.c.id == publication_id, PUB.c.status == PublicationStatus.sending, free)
        .values(**_lease(worker, now + lease, holder))
        .returning(PUB.c.attempts)
    )
    with store.engine.begin() as connection:
        row = connection.execute(statement).first()
        if row is not None:
            _finish_attempt(connection, publication_id, row.attempts, now,
                            AttemptOutcome.lease_expired, error)
    return None if row is None else row.attempts


def expired(store: Store, now: dt.datetime) -> list[int]:
    """Publications left in ``sending`` by a worker whose lease ran out."""
    query = sa.select(PUB.c.id).where(PUB.c.status == PublicationStatus.sending,
                                      PUB.c.lease_until < now).order_by(PUB.c.id)
    with store.engine.connect() as connection:
        return list(connection.execute(query).scalars())


def held_on(store: Store, host: str) -> list[tuple[int, Holder]]:
    """Publications in ``sending`` whose lease a process on ``host`` holds, with the holder."""
    query = (sa.select(PUB.c.id, PUB.c.lease_pid, PUB.c.lease_process)
             .where(PUB.c.status == PublicationStatus.sending, PUB.c.lease_host == host,
                    PUB.c.lease_pid.is_not(None), PUB.c.lease_process.is_not(None))
             .order_by(PUB.c.id))
    with store.engine.connect() as connection:
        return [(row.id, Holder(host, row.lease_pid, row.lease_process))
                for row in connection.execute(query)]


def next_due(store: Store, channels: Sequence[str] | None = None) -> dt.datetime | None:
    """When the next planned publication falls due (None: nothing planned)."""
    query = sa.select(sa.func.min(PUB.c.next_attempt_at)).where(
        PUB.c.status == PublicationStatus.planned)
    if channels is not None:
        query = query.where(PUB.c.channel.in_(list(channels)))
    with store.engine.connect() as connection:
        value = connection.execute(query).scalar()
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _finish_attempt(connection: sa.Connection, publication_id: int, number: int,
                    now: dt.datetime, outcome: str, error: str | None) -> None:
    connection.execute(
        sa.update(ATTEMPT)
        .where(ATTEMPT.c.publication_id == publication_id, ATTEMPT.c.number == number)
        .values(finished_at=now, outcome=outcome, error=error)
    )


def _held(publication_id: int, worker: str) -> sa.ColumnElement[bool]:
    return sa.and_(PUB.c.id == publication_id, PUB.c.status == PublicationStatus.sending,
                   PUB.c.lease_owner == worker)


def record_published(store: Store, publication_id: int, attempt: int, worker: str,
                     now: dt.datetime, published: Published) -> bool:
    """Record the platform's id and URL. Also settles a row already marked uncertain.

    A call that returns after its row was given up as ``uncertain`` is proof
    the post exists, so it is accepted. Returns False when the row was neither
    held by this worker nor uncertain (nothing is changed then).
    """
    holder = sa.or_(_held(publication_id, worker),
                    sa.and_(PUB.c.id == publication_id,
                            PUB.c.status == PublicationStatus.uncertain))
    with store.engine.begin() as connection:
        changed = connection.execute(
            sa.update(PUB).where(holder).values(
                status=PublicationStatus.published, external_id=published.external_id,
                url=published.url, published_at=now, next_attempt_at=None, last_error=None,
                **NO_LEASE)
        ).rowcount
        _finish_attempt(connection, publication_id, attempt, now, AttemptOutcome.published, None)
    return bool(changed)


def record_retry(store: Store, publication_id: int, attempt: int, worker: str,
                 now: dt.datetime, outcome: str, error: str, retry_at: dt.datetime) -> bool:
    """Back to ``planned``, due at ``retry_at``, keeping the error for people to read."""
    with store.engine.begin() as connection:
        changed = connection.execute(
            sa.update(PUB).where(_held(publication_id, worker)).values(
                status=PublicationStatus.planned, next_attempt_at=retry_at, last_error=error,
                **NO_LEASE)
        ).rowcount
        _finish_attempt(connection, publication_id, attempt, now, outcome, error)
    return bool(changed)


def record_stopped(store: Store, publication_id: int, attempt: int, worker: str,
                   now: dt.datetime, status: str, outcome: str, error: str) -> bool:
    """End the row as ``failed`` or ``uncertain``: it now waits for a person."""
    with store.engine.begin() as connection:
        changed = connection.execute(
            sa.update(PUB).where(_held(publication_id, worker)).values(
                status=status, last_error=error, next_attempt_at=None, **NO_LEASE)
        ).rowcount
        _finish_attempt(connection, publication_id, attempt, now, outcome, error)
    return bool(changed)


def release(store: Store, publication_id: int, attempt: int, worker: str,
            now: dt.datetime) -> bool:
    """Hand back a claimed row that was never sent (shutting down): due again now."""
    with store.engine.begin() as connection:
        changed = connection.execute(
            sa.update(PUB).where(_held(publication_id, worker)).values(
                status=PublicationStatus.planned, next_attempt_at=now,
                attempts=PUB.c.attempts - 1, **NO_LEASE)
        ).rowcount
        connection.execute(
            sa.delete(ATTEMPT).where(ATTEMPT.c.publication_id == publication_id,
                                     ATTEMPT.c.number == attempt))
    return bool(changed)
