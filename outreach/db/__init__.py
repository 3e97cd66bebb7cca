"""The store: opening it, keeping its schema current (Alembic, applied on start), checking it.

``models`` holds the tables and ``states`` the states and kinds they record
(importable without SQLAlchemy); ``tables`` the columns that read-only
commands query, as SQLAlchemy Core tables that load without the models, and
``lookups`` finds rows by the names people type; ``reader`` runs plain SQL
through the database's own driver (``outreach stats`` answers without loading
SQLAlchemy), ``urls`` reads ``database_url`` alike; ``migrations`` the frozen
Alembic revisions that build them. ``sqlite`` holds what is particular to an
SQLite file (making it, its pragmas, its check and backup); ``failures`` turns
the driver's errors that a person must act on into one-line messages;
``upsert`` spells "insert, or else" for each dialect.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.db.failures import RESTORE, Named, reaching, reason
from outreach.db.failures import redact_url as redact_url  # the CLI shows addresses with it
from outreach.errors import DatabaseDamaged, SchemaTooNew, StoreError
from outreach.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

    from outreach.db.reader import Reader

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


class Store:
    """The database: an engine, sessions, the schema's revision and its health."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        from outreach.db import failures, sqlite

        _quiet_alembic()
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.path = sqlite.file_of(url) if self.is_sqlite else None
        if self.is_sqlite:
            if self.path is not None:
                sqlite.prepare(self.path, redact_url(url))
            self.engine = sqlite.engine(url, self.path)
            self.where = sqlite.where(self.path) if self.path else Named(N_("the database"))
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
            self.where = Named(N_("the database {url}"), url=redact_url(url))
            failures.install(self.engine, self.where)

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

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for queries that only read: SQLAlchemy Core, no ORM or models
        loaded (what ``outreach stats`` needs to start fast)."""
        with self.engine.connect() as connection:
            yield connection

    @property
    def concurrent_reads(self) -> bool:
        """Whether two threads may read at once, each on a connection of its own (an
        in-memory SQLite database lives in one connection: no)."""
        return not (self.is_sqlite and self.path is None)

    def reader(self) -> contextlib.AbstractContextManager[Reader]:
        """A ``Reader`` for plain SQL on one of the store's connections (``reader``)."""
        from outreach.db.reader import store_reader

        return store_reader(self.engine, self.where)

    def _script(self) -> ScriptDirectory:
        return _script()

    def current_revision(self) -> str | None:
        """The revision the database is at (None for an empty database)."""
        from alembic.runtime.migration import MigrationContext

        with reaching(self.url), self.engine.connect() as connection:
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
            raise SchemaTooNew(_(
                "the database was made by a newer version of Outreach (revision {revision}); "
                "install that version again, or restore the backup made before it was "
                "installed (docs/deploy.md)").format(revision=current))

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

    def check(self) -> str:
        """Raise DatabaseDamaged unless the database is sound; say what was checked.

        SQLite: its ``quick_check`` of every page and index. Both: no table left
        behind by a schema change cut short, and, at the latest revision, every
        table and column the models expect.
        """
        import sqlalchemy as sa

        from outreach.db import sqlite

        checked = []
        with reaching(self.url), self.engine.connect() as connection:
            if self.is_sqlite:
                problems = sqlite.quick_check(connection)
                if problems:
                    raise DatabaseDamaged(ngettext(
                        "{where} is damaged: SQLite's check found {count} problem(s), the "
                        "first: {first}; {restore}",
                        "{where} is damaged: SQLite's check found {count} problem(s), the "
                        "first: {first}; {restore}", len(problems)).format(
                            where=self.where, count=len(problems), first=problems[0][:120],
                            restore=RESTORE))
                checked.append(_("pages and indexes"))
            inspector = sa.inspect(connection)
            tables = set(inspector.get_table_names())
            _refuse_leftovers(self.where, tables)
            current = self._revision_on(connection) if "alembic_version" in tables else None
            if current is not None and current == newest_revision_file():
                missing = _missing_schema(inspector, tables)
                if missing:
                    raise DatabaseDamaged(_(
                        "{where} lacks what its revision {revision} should hold: {missing}; "
                        "{restore}").format(where=self.where, revision=current,
                                            missing=", ".join(missing[:5]), restore=RESTORE))
                checked.append(_("tables and columns"))
        return ", ".join(checked) or _("nothing yet (an empty database)")

    @staticmethod
    def _revision_on(connection: Any) -> str | None:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision``, all or nothing; rows already stored are kept."""
        if revision == "head" and self._at_newest_file():
            return  # the usual case, answered without loading Alembic
        script = self._script()
        self._known(script, self.current_revision())
        with reaching(self.url), self._migration_lock():
            # Checked again under the lock: another worker may have just migrated.
            current = self.current_revision()
            if revision == "head" and current == script.get_current_head():
                return
            self.check()  # a damaged file is reported, never migrated
            self._migrate("upgrade", revision, current)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (for going back to an older Outreach)."""
        current = self.current_revision()
        self._known(self._script(), current)
        with reaching(self.url), self._migration_lock():
            self._migrate("downgrade", revision, current)

    def _migrate(self, direction: str, revision: str, current: str | None) -> None:
        """Run Alembic in one transaction: a crash or power cut midway changes nothing."""
        from alembic import command
        from sqlalchemy.exc import SQLAlchemyError

        from outreach.db import sqlite

        # An in-memory database lives in its engine: nothing to lose to a crash there.
        engine = (sqlite.migration_engine(self.url, self.path) if self.path is not None
                  else self.engine)
        try:
            getattr(command, direction)(_alembic_config(engine), revision)
        except SQLAlchemyError as exc:
            message = (_("cannot upgrade {where} from revision {current} to {revision}: "
                         "{reason}; the database was left as it was") if direction == "upgrade"
                       else _("cannot downgrade {where} from revision {current} to "
                              "{revision}: {reason}; the database was left as it was"))
            raise StoreError(message.format(where=self.where, current=current or _("none"),
                                            revision=revision, reason=reason(exc))) from exc
        finally:
            if engine is not self.engine:
                engine.dispose()

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
            elif self.path is not None:
                import fcntl

                with open(f"{self.path}.migrate-lock", "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(lock, fcntl.LOCK_UN)
            else:
                yield

    def backup(self, target: Path, *, force: bool = False) -> int:
        """Copy the database to ``target`` (0600), safe while the service runs; its size.

        Only an SQLite file can be copied here; for PostgreSQL the error names
        the exact ``pg_dump`` command.
        """
        from outreach.db import sqlite

        if self.path is None:
            raise StoreError(_pg_dump_advice(self.url, target) if not self.is_sqlite else
                             _("an in-memory database has nothing to back up"))
        return sqlite.backup(self.engine, self.path, target, force=force)

    def purge_erased(self) -> None:
        """Make data just erased (``signups forget``) unrecoverable from the database's files.

        Call it after the erasing transaction has committed: PostgreSQL's VACUUM
        cannot run inside one. SQLite overwrites what it deletes with zeros
        (``secure_delete``, on for every connection); a checkpoint then moves the
        zeroed pages into the file and empties the write-ahead log, whose older
        frames still hold the data. PostgreSQL keeps an updated row's old version
        in the table until VACUUM, and a plain VACUUM only marks its space free
        (the bytes stay): VACUUM FULL rewrites the sign-up table without them.
        Backups made before, and PostgreSQL's own WAL archives, keep the data
        until they are deleted (see "Backups" in the README).
        """
        import sqlalchemy as sa

        from outreach.db import sqlite
        from outreach.db.models import IntakeEvent, SignUp

        if self.is_sqlite:
            sqlite.scrub(self.engine)
            return
        # The bots' events hold replies still owed to a person, their name among them.
        tables = ", ".join(t.__table__.name for t in (SignUp, IntakeEvent))
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"SET lock_timeout = '{PURGE_LOCK_TIMEOUT}s'"))
            try:
                connection.execute(sa.text(f"VACUUM (FULL) {tables}"))
            except sa.exc.OperationalError as exc:
                raise StoreError(_(
                    "the data is erased, but PostgreSQL could not rewrite the sign-up table "
                    "now ({reason}); run the command again later, or `{command}` in psql")
                    .format(reason=reason(exc), command=f"VACUUM (FULL) {tables}")) from exc

    def dispose(self) -> None:
        self.engine.dispose()


# Seconds VACUUM FULL waits for the sign-up table's lock before giving up.
PURGE_LOCK_TIMEOUT = 30


def _refuse_leftovers(where: str | Named, tables: set[str]) -> None:
    """Alembic's batch copies of tables: only a schema change cut short leaves them."""
    leftovers = sorted(t for t in tables if t.startswith("_alembic_tmp_"))
    if leftovers:
        raise DatabaseDamaged(_(
            "{where} holds a schema change cut short ({leftovers} is left from it), probably "
            "by an older version of Outreach: {restore} (one made before the upgrade)").format(
                where=where, leftovers=", ".join(leftovers), restore=RESTORE))


def _missing_schema(inspector: Any, tables: set[str]) -> list[str]:
    """Tables and columns the models expect but the database lacks."""
    from sqlmodel import SQLModel

    import outreach.db.models  # noqa: F401  (registers the tables on SQLModel.metadata)

    missing = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            missing.append(_("table {name}").format(name=table.name))
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing.extend(_("column {name}").format(name=f"{table.name}.{column.name}")
                       for column in table.columns if column.name not in present)
    return missing


def _pg_dump_advice(url: str, target: Path) -> str:
    """The exact pg_dump command that backs up the PostgreSQL database at ``url``."""
    import shlex

    from outreach.db import urls

    # libpq takes the plain scheme; the password stays out (pg_dump asks, or ~/.pgpass).
    plain = urls.parse(url).for_libpq()
    command = ["pg_dump", "--format=custom", f"--file={target}",
               plain.render(hide_password=False)]
    return _("outreach db backup copies SQLite files; back up this PostgreSQL database "
             "with: {command}").format(command=shlex.join(command))


def open_store(url: str, migrate: bool = True) -> Store:
    """Open the store at ``url`` and, unless told not to, bring its schema up to date.

    With ``migrate=False`` nothing is read yet: a database that cannot be reached
    is reported by the first call that needs it (``status``, ``upgrade``).
    """
    with reaching(url):
        store = Store(url)
    if migrate:
        try:
            store.upgrade()
        except BaseException:
            store.dispose()
            raise
    return store
