"""Leader leases: one worker at a time does a job (reads a bot's updates); another takes over.

A lease is a row of ``leaderlease``. Its holder renews it every ``RENEW_EVERY``
on a thread of its own; a worker that dies, hangs or loses the database stops
renewing, and ``TTL`` after the last renewal the lease is free. Followers try
every ``FOLLOW_EVERY``, so a dead leader's job is taken over within
``TAKEOVER_BOUND`` (a worker that stops cleanly releases it at once). The same
row on SQLite and PostgreSQL, unlike the planner's lock: a row, unlike a
PostgreSQL session lock, also frees the job of a worker whose machine vanished
without closing its connection, and it carries the reader's position.

Times come from the database's clock on PostgreSQL, so workers on machines
whose clocks disagree still agree on who holds a lease; SQLite has one machine.
Only the holder may move the position (every write checks ``holder``), so a
worker that lost the lease while it waited cannot set the next holder back.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from outreach.channels import Lease, Leases
from outreach.db.models import LeaderLease, utcnow
from outreach.db.upsert import insert_for
from outreach.engine.alarm import StoreAlarm
from outreach.errors import StoreError
from outreach.i18n import _

if TYPE_CHECKING:
    from outreach.db import Store

log = logging.getLogger("outreach.leases")

TTL = dt.timedelta(seconds=10)
RENEW_EVERY = TTL / 3  # two renewals may fail (a busy database) before the lease lapses
FOLLOW_EVERY = dt.timedelta(seconds=2)
#: How long after its holder died (or hung) another worker holds a lease, at most.
TAKEOVER_BOUND = TTL + FOLLOW_EVERY

LEASE = LeaderLease.__table__


class StoreLease(Lease):
    """One named lease in the store, held by ``holder`` while its heartbeat thread runs."""

    def __init__(self, store: Store, name: str, holder: str, ttl: dt.timedelta = TTL,
                 follow_every: dt.timedelta = FOLLOW_EVERY,
                 alarm: StoreAlarm | None = None) -> None:
        self.store = store
        self.alarm = alarm or StoreAlarm()
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.retry_every = follow_every.total_seconds()
        self._guard = threading.Lock()
        self._held = False
        self._renewed = 0.0  # monotonic time of the last successful take or renewal
        self._beating: threading.Event | None = None

    @property
    def held(self) -> bool:
        # A holder that could not renew for a whole TTL may have been replaced.
        return self._held and time.monotonic() - self._renewed < self.ttl.total_seconds()

    def acquire(self) -> bool:
        with self._guard:
            if self.held:
                return True
            try:
                taken = self._take()
            except StoreError as exc:  # damaged, full, away: said once for every job
                self.alarm.trouble(exc)
                taken = False
            except Exception as exc:  # noqa: BLE001  (the database is away: not leading)
                log.warning(_("Lease {name}: the database did not answer ({error})").format(
                    name=self.name, error=type(exc).__name__))
                taken = False
            if taken:
                self._held, self._renewed = True, time.monotonic()
                self._start_heartbeat()
                log.debug("lease %s taken by %s", self.name, self.holder)
            else:
                self._held = False
            return taken

    def release(self) -> None:
        with self._guard:
            self._stop_heartbeat()
            was_held, self._held = self._held, False
        if was_held:
            try:
                with self.store.engine.begin() as connection:
                    connection.execute(self._mine().values(holder=None, expires_at=None))
            except Exception as exc:  # noqa: BLE001  (it lapses by itself within TTL)
                log.warning(_("Lease {name} was not released ({error}); it lapses within "
                              "{seconds} s").format(name=self.name, error=type(exc).__name__,
                                                    seconds=int(self.ttl.total_seconds())))

    def position(self) -> str | None:
        with self.store.engine.connect() as connection:
            return connection.execute(sa.select(LEASE.c.position).where(
                LEASE.c.name == self.name)).scalar()

    def save_position(self, value: str) -> bool:
        if not self.held:
            return False
        with self.store.engine.begin() as connection:
            return connection.execute(self._mine().values(position=value)).rowcount == 1

    # --- the row ---

    def _now(self, connection: sa.Connection) -> dt.datetime:
        if connection.dialect.name == "postgresql":
            now: dt.datetime = connection.execute(sa.text("SELECT now()")).scalar_one()
            return now.astimezone(dt.UTC)
        return utcnow()

    def _mine(self) -> Any:
        return sa.update(LEASE).where(LEASE.c.name == self.name, LEASE.c.holder == self.holder)

    def _take(self) -> bool:
        with self.store.engine.begin() as connection:
            now = self._now(connection)
            values = {"holder": self.holder, "expires_at": now + self.ttl, "updated_at": now}
            taken = connection.execute(sa.update(LEASE).where(
                LEASE.c.name == self.name,
                sa.or_(LEASE.c.holder.is_(None), LEASE.c.holder == self.holder,
                       LEASE.c.expires_at < now)).values(**values)).rowcount
            if taken:
                return True
            insert = insert_for(connection.dialect.name)(LEASE).values(name=self.name, **values)
            return connection.execute(insert.on_conflict_do_nothing(index_elements=["name"])
                                      .returning(LEASE.c.name)).first() is not None

    def _renew(self) -> bool:
        with self.store.engine.begin() as connection:
            now = self._now(connection)
            return connection.execute(self._mine().values(
                expires_at=now + self.ttl, updated_at=now)).rowcount == 1

    # --- the heartbeat ---

    def _start_heartbeat(self) -> None:
        self._stop_heartbeat()
        stop = self._beating = threading.Event()
        threading.Thread(target=self._beat, args=(stop,), name=f"lease-{self.name}",
                         daemon=True).start()

    def _stop_heartbeat(self) -> None:
        if self._beating is not None:
            self._beating.set()
            self._beating = None

    def _beat(self, stop: threading.Event) -> None:
        while not stop.wait(RENEW_EVERY.total_seconds() * self.ttl / TTL):
            try:
                renewed = self._renew()
            except StoreError as exc:  # try again; `held` lapses meanwhile
                self.alarm.trouble(exc)
                continue
            except Exception as exc:  # noqa: BLE001  (try again; `held` lapses meanwhile)
                log.warning(_("Lease {name} could not be renewed ({error})").format(
                    name=self.name, error=type(exc).__name__))
                continue
            with self._guard:
                if stop.is_set():
                    return
                if renewed:
                    self._renewed = time.monotonic()
                    continue
                self._held = False
                self._beating = None
            log.warning(_("Lease {name} was taken over by another worker").format(
                name=self.name))
            return


class StoreLeases(Leases):
    """The leases of one worker (``outreach run``), one object per name."""

    def __init__(self, store: Store, worker: str, ttl: dt.timedelta = TTL,
                 alarm: StoreAlarm | None = None) -> None:
        self.store = store
        self.alarm = alarm or StoreAlarm()
        # A restarted worker may get its old pid back: the random part tells them apart.
        self.holder = f"{worker}:{secrets.token_hex(4)}"
        self.ttl = ttl
        self._leases: dict[str, StoreLease] = {}
        self._lock = threading.Lock()

    def lease(self, name: str) -> Lease:
        with self._lock:
            found = self._leases.get(name)
            if found is None:
                found = self._leases[name] = StoreLease(self.store, name, self.holder, self.ttl,
                                                        alarm=self.alarm)
            return found

    def close(self) -> None:
        """Release every lease still held (the plugins release theirs when they stop)."""
        with self._lock:
            leases = list(self._leases.values())
        for lease in leases:
            lease.release()
