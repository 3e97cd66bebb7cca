"""Reading the store through its database's own driver (sqlite3, psycopg), without SQLAlchemy.

``outreach stats`` answers in a fresh process, and importing SQLAlchemy alone
takes longer than its queries over a year of a busy federation. So the
statistics' queries (``outreach.stats.queries``) are plain SQL, one text for
SQLite and PostgreSQL but for ``Reader.epoch_seconds``, run by a ``Reader``
over a DB-API connection: the store's own (``Store.reader``), or one opened
here (``direct``) when the database exists and is at the newest revision.
Anything else (a new database, one to migrate, one that cannot be reached) is
left to ``open_store``, which makes, migrates or explains it.

Parameters are written ``?`` (PostgreSQL's driver gets ``%s``); the SQL text
holds no ``%``. Moments go in and come out as the store keeps them
(``tables.UTCDateTime``): naive UTC in the database, SQLite's in SQLAlchemy's
text form, aware UTC in Python.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from outreach.db import newest_revision_file, urls
from outreach.db.failures import Named, reason, translate
from outreach.db.sqlite import BUSY_TIMEOUT, where
from outreach.errors import StoreError
from outreach.i18n import N_, _

# The text SQLAlchemy's SQLite dialect stores a DateTime in (sqlalchemy/dialects/sqlite/
# base.py, DATETIME): fixed width, so text order is time order.
SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"


class Readable(Protocol):
    """What the statistics read from: the store, or its database opened ``direct``."""

    #: Whether two threads may each hold a ``reader`` at once.
    concurrent_reads: bool

    def reader(self) -> contextlib.AbstractContextManager[Reader]: ...


class Reader:
    """Runs read-only SQL on a DB-API ``connection`` of ``dialect`` ("sqlite", "postgresql")."""

    def __init__(self, connection: Any, dialect: str, where: str | Named) -> None:
        self.connection = connection
        self.dialect = dialect
        self.where = where

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        values = [self._bound(value) for value in params]
        if self.dialect != "sqlite":
            sql = sql.replace("?", "%s")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, values)
            return [tuple(row) for row in cursor.fetchall()]
        except Exception as exc:
            translated = translate(exc, self.where)
            if translated is not None:
                raise translated from None
            raise
        finally:
            cursor.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        return self.rows(sql, params)[0]

    def _bound(self, value: Any) -> Any:
        if not isinstance(value, dt.datetime):
            return value
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; times must be timezone-aware")
        naive = value.astimezone(dt.UTC).replace(tzinfo=None)
        return naive.strftime(SQLITE_MOMENT) if self.dialect == "sqlite" else naive

    def moment(self, value: Any) -> dt.datetime | None:
        """A moment the database returned, as aware UTC."""
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]

    def epoch_seconds(self, column: str) -> str:
        """SQL: whole seconds since 1970-01-01 00:00 UTC of a stored moment."""
        if self.dialect == "sqlite":
            # "2026-10-05 06:00:00.999999": SQLite would round that fraction up to the
            # next second (its clock counts milliseconds), so it is cut off first.
            # julianday() is a little quicker than strftime('%s'); 2440587.5 is 1970-01-01.
            return (f"CAST(round((julianday(substr({column}, 1, 19)) - 2440587.5) * 86400) "
                    "AS INTEGER)")
        # A timestamp without time zone gives its seconds as if it were UTC.
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"


class Direct:
    """The store's database opened with its driver alone, for reading; see ``direct``.

    Each ``reader`` has a connection of its own, so two threads may read at once
    (``outreach stats`` reads its sections beside its rows); connections are kept
    for the next reader and closed by ``dispose``.
    """

    concurrent_reads = True

    def __init__(self, connect: Callable[[], Any], dialect: str, where: str | Named) -> None:
        self._connect = connect
        self.dialect = dialect
        self.where = where
        self._idle: list[Any] = []
        self._opened: list[Any] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def reader(self) -> Iterator[Reader]:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = self._connect()
            with self._lock:
                self._opened.append(connection)
        try:
            yield Reader(connection, self.dialect, self.where)
        finally:
            with self._lock:
                self._idle.append(connection)

    def dispose(self) -> None:
        with self._lock:
            opened, self._opened, self._idle = self._opened, [], []
        for connection in opened:
            with contextlib.suppress(Exception):
                connection.close()


def direct(url: str) -> Direct | None:
    """The database at ``url`` opened for reading without SQLAlchemy, when it is an
    existing SQLite file or a PostgreSQL database (psycopg) at the newest revision;
    None otherwise, and ``open_store`` should open it."""
    try:
        parsed = urls.parse(url)
    except ValueError:
        return None
    if parsed.backend == "sqlite":
        opened = _sqlite(parsed)
    elif parsed.backend == "postgresql" and parsed.driver == "psycopg":
        opened = _postgresql(parsed)
    else:
        return None
    if opened is None:
        return None
    try:
        with opened.reader() as reader:
            current = reader.one("SELECT version_num FROM alembic_version")[0]
    except Exception:  # no such table yet, or the database cannot answer: open_store says
        current = None
    if current is None or current != newest_revision_file():
        opened.dispose()
        return None
    return opened


def _sqlite(parsed: urls.DatabaseUrl) -> Direct | None:
    path = parsed.sqlite_file()
    # What open_store checks and explains (a missing, read-only or foreign file) stays its.
    if (path is None or not path.is_file() or not os.access(path, os.R_OK | os.W_OK)
            or not os.access(path.parent, os.W_OK)):
        return None

    def connect() -> sqlite3.Connection:
        # One thread at a time uses a connection (Direct hands each to one reader).
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, check_same_thread=False)
        connection.execute("PRAGMA query_only=ON")
        return connection

    opened = Direct(connect, "sqlite", where(path))
    try:
        with opened.reader():
            pass
    except sqlite3.Error:
        opened.dispose()
        return None
    return opened


def _postgresql(parsed: urls.DatabaseUrl) -> Direct | None:
    try:
        import psycopg
    except ImportError:
        return None
    given: dict[str, Any] = {"dbname": parsed.database, "user": parsed.username,
                             "password": parsed.password, "host": parsed.host,
                             "port": parsed.port, **parsed.options}
    shown = parsed.render(hide_password=True)

    def connect() -> Any:
        connection = psycopg.connect(**{k: v for k, v in given.items() if v is not None})
        connection.read_only = True
        return connection

    opened = Direct(connect, "postgresql", Named(N_("the database {url}"), url=shown))
    try:
        with opened.reader():
            pass
    except psycopg.OperationalError as exc:
        # Said at once as open_store says it: trying again through it would only wait
        # for an unreachable server twice.
        raise StoreError(_("cannot open the database {url}: {reason}").format(
            url=shown, reason=reason(exc))) from None
    except psycopg.Error:
        opened.dispose()
        return None
    return opened


def store_reader(engine: Any, where: str | Named) -> contextlib.AbstractContextManager[Reader]:
    """A ``Reader`` over a connection of the store's SQLAlchemy ``engine``."""
    @contextlib.contextmanager
    def reading() -> Iterator[Reader]:
        connection = engine.raw_connection()
        try:
            yield Reader(connection, engine.dialect.name, where)
        finally:
            with contextlib.suppress(Exception):
                connection.rollback()
            connection.close()

    return reading()

