"""The planner lock: one worker plans at a time; another takes over when it dies.

On PostgreSQL it is a session advisory lock held on a connection of its own,
released by the server when the holder's connection ends. Advisory locks belong
to the whole database, so the key includes the schema the store lives in: two
stores in schemas of one database (``?options=-csearch_path%3D...``) plan side
by side instead of one waiting for the other. On SQLite it is a
file lock beside the database, released by the kernel when the process ends.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach.db import Store

PLANNER_LOCK = 0x0C7EAC40002
# The key for the store's own schema (hashtext is PostgreSQL's stable text hash).
_KEY = "(CAST(:key AS bigint) # CAST(hashtext(coalesce(current_schema(), '')) AS bigint))"


class PlannerLock:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._connection: Any = None
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        """Try once, without waiting; True while this process holds the lock."""
        if self.held:
            return True
        if self.store.engine.dialect.name == "postgresql":
            return self._acquire_postgres()
        path = self._sqlite_path()
        if path is None:
            return True  # an in-memory database belongs to this process alone
        return self._acquire_file(path)

    def _acquire_postgres(self) -> bool:
        import sqlalchemy as sa

        connection = self.store.engine.connect()
        got = connection.execute(sa.text(f"SELECT pg_try_advisory_lock({_KEY})"),
                                 {"key": PLANNER_LOCK}).scalar()
        connection.commit()
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def _acquire_file(self, path: Path) -> bool:
        import fcntl

        handle = open(f"{path}.planner-lock", "a")  # noqa: SIM115  (held for the lock's life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def _sqlite_path(self) -> Path | None:
        from outreach.db import urls

        database = urls.parse(self.store.url).database
        return Path(database) if database and database != ":memory:" else None

    def release(self) -> None:
        if self._connection is not None:
            import sqlalchemy as sa

            with contextlib.suppress(Exception):
                self._connection.execute(sa.text(f"SELECT pg_advisory_unlock({_KEY})"),
                                         {"key": PLANNER_LOCK})
                self._connection.commit()
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()  # closing the file releases the flock
            self._file = None
