"""Opening the store and keeping its schema current (Alembic, applied on start)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str
    pending: list[str]

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


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class Store:
    """The database: an engine, sessions, and the schema's revision."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import event
        from sqlmodel import create_engine

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

    def status(self) -> SchemaStatus:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_alembic_config(self.engine))
        head = script.get_current_head()
        assert head is not None
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        pending = [
            rev.revision
            for rev in reversed(list(script.iterate_revisions(head, current or "base")))
            if rev.revision != current
        ]
        return SchemaStatus(current=current, head=head, pending=pending)

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        command.upgrade(_alembic_config(self.engine), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, migrate: bool = True) -> Store:
    """Open the store at ``url`` and, unless told not to, bring its schema up to date."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    try:
        store = Store(url)
        if migrate:
            store.upgrade()
        return store
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open the database {_redacted(url)}: {reason}") from exc
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot open the database {_redacted(url)}: {exc}") from exc
