"""Opening the store and keeping its schema current (Alembic, applied on start)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock key held while migrating (any constant unique to Outreach).
MIGRATION_LOCK = 0x0C7EAC40001
_MIGRATING = threading.Lock()


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str
    pending: list[str]  # revisions still to apply, oldest first
    messages: dict[str, str] = field(default_factory=dict)  # revision -> what it does

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def _alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Logging is ours; Alembic must not reconfigure it.
    config.attributes["configure_logger"] = False
    config.attributes["engine"] = engine
    return config


def _quiet_alembic() -> None:
    """Alembic narrates every step at INFO; volunteers see what our commands print instead.

    A level set on the "alembic" logger beforehand is kept (the CLI may set one for --debug).
    """
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET:
        alembic_log.setLevel(logging.WARNING)


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    _quiet_alembic()

    return ScriptDirectory(str(MIGRATIONS))


def newest_revision_file() -> str | None:
    """The newest revision by its file name: revisions are named ``NNNN_what.py``
    with revision id ``NNNN`` (a test holds every file to this)."""
    names = sorted(path.name.split("_", 1)[0]
                   for path in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return names[-1] if names else None


def head_revision() -> str:
    """The newest schema revision this version of Outreach knows."""
    head = _script().get_current_head()
    assert head is not None
    return head


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for messages and listings."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line only (no SQL, no background link)."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig)
    elif isinstance(exc, ImportError):
        # e.g. mysql:// without its driver: name what to install.
        return f"its driver is not installed ({exc.name or exc}); pip install it"
    else:
        text = str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc).__name__
    return reason.removeprefix("connection failed: ")


@contextlib.contextmanager
def _reaching(url: str) -> Iterator[None]:
    """Turn a database that cannot be reached into one StoreError line."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OSError, ImportError) as exc:
        raise StoreError(f"cannot open the database {redact_url(url)}: {_reason(exc)}") from exc


class Store:
    """The database: an engine, sessions, and the schema's revision."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import event
        from sqlmodel import create_engine

        _quiet_alembic()
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self._prepare_sqlite_file(url)
            engine = create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()
        else:
            engine = create_engine(url, pool_pre_ping=True)
        self.engine = engine

    @staticmethod
    def _prepare_sqlite_file(url: str) -> None:
        from sqlalchemy.engine import make_url

        database = make_url(url).database
        if not database or database == ":memory:":
            return
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Sign-ups hold personal data: the file is the owner's alone.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _script(self) -> ScriptDirectory:
        return _script()

    def current_revision(self) -> str | None:
        """The revision the database is at (None for an empty database)."""
        from alembic.runtime.migration import MigrationContext

        with _reaching(self.url), self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def _known(self, script: ScriptDirectory, current: str | None) -> None:
        from alembic.util.exc import CommandError

        if current is None:
            return
        try:
            found = script.get_revision(current)
        except CommandError:
            found = None
        if found is None:
            raise StoreError(
                f"the database was made by a newer version of Outreach (revision {current}); "
                "upgrade Outreach"
            )

    def status(self) -> SchemaStatus:
        """Where the schema is, where the code is, and what is still to apply."""
        script = self._script()
        head = head_revision()
        current = self.current_revision()
        self._known(script, current)
        revisions = [
            rev
            for rev in reversed(list(script.iterate_revisions(head, current or "base")))
            if rev.revision != current
        ]
        return SchemaStatus(
            current=current,
            head=head,
            pending=[rev.revision for rev in revisions],
            messages={rev.revision: (rev.doc or "").strip() for rev in revisions},
        )

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision``; rows already stored are kept."""
        if revision == "head" and self._at_newest_file():
            return  # the usual case, answered without loading Alembic
        from alembic import command

        script = self._script()
        self._known(script, self.current_revision())
        with _reaching(self.url), self._migration_lock():
            # Checked again under the lock: another worker may have just migrated.
            current = self.current_revision()
            if revision == "head" and current == script.get_current_head():
                return
            command.upgrade(_alembic_config(self.engine), revision)

    def _at_newest_file(self) -> bool:
        """Whether the database is at the newest revision file, read with one query."""
        import sqlalchemy as sa

        newest = newest_revision_file()
        try:
            with self.engine.connect() as connection:
                current = connection.execute(
                    sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.SQLAlchemyError:
            return False  # a new database, or one Alembic should look at
        return newest is not None and current == newest

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """One migration at a time: workers may open a new database together.

        Alembic's context is process-global, so threads take a lock first;
        processes then take PostgreSQL's advisory lock or a file lock beside
        the SQLite database.
        """
        with _MIGRATING:
            if self.engine.dialect.name == "postgresql":
                import sqlalchemy as sa

                with self.engine.connect() as connection:
                    key = {"key": MIGRATION_LOCK}
                    connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), key)
                    try:
                        yield
                    finally:
                        connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), key)
                        connection.commit()
            elif (path := self._sqlite_path()) is not None:
                import fcntl

                with open(f"{path}.migrate-lock", "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(lock, fcntl.LOCK_UN)
            else:
                yield

    def _sqlite_path(self) -> Path | None:
        from sqlalchemy.engine import make_url

        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        return Path(database) if database and database != ":memory:" else None

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (for going back to an older Outreach)."""
        from alembic import command

        self._known(self._script(), self.current_revision())
        with _reaching(self.url):
            command.downgrade(_alembic_config(self.engine), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, migrate: bool = True) -> Store:
    """Open the store at ``url`` and, unless told not to, bring its schema up to date.

    With ``migrate=False`` nothing is read yet: a database that cannot be reached
    is reported by the first call that needs it (``status``, ``upgrade``).
    """
    with _reaching(url):
        store = Store(url)
    if migrate:
        try:
            store.upgrade()
        except BaseException:
            store.dispose()
            raise
    return store
