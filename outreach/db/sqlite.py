"""The SQLite file: made without a half-made moment, opened with the right pragmas,
checked, copied while the service runs, and scrubbed of erased data.

An existing file is never replaced: an empty or unreadable one, or one that is
not SQLite's, is reported (it may be the only copy of a centre's records), and
a missing folder is a mistake in ``database_url``, not something to create.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from outreach.db.failures import RESTORE, Named, disk_full, install, read_only, translate
from outreach.errors import DatabaseDamaged, StoreError
from outreach.i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# The first 16 bytes of every SQLite database: https://www.sqlite.org/fileformat.html
HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT = 30  # seconds a connection waits for another one's write lock


def file_of(url: str) -> Path | None:
    """The file an SQLite ``url`` names; None for an in-memory database or an SQLite URI."""
    from outreach.db import urls

    # "file:...?mode=ro&uri=true": SQLite reads it; nothing of ours to prepare.
    return urls.parse(url).sqlite_file()


def where(path: Path) -> Named:
    return Named(N_("the database file {path}"), path=path)


def prepare(path: Path, shown_url: str) -> None:
    """Make sure ``path`` is an SQLite database, creating it in an existing folder if missing."""
    folder = path.parent
    try:
        folder_exists = folder.is_dir()
    except OSError as exc:
        raise StoreError(_("cannot open the database {url}: cannot look into the folder "
                           "{folder}: {reason}").format(url=shown_url, folder=folder,
                                                         reason=exc.strerror)) from None
    if not folder_exists:
        raise StoreError(_("cannot open the database {url}: the folder {folder} does not "
                           "exist; create it, or correct the setting database_url in the "
                           "config").format(url=shown_url, folder=folder))
    try:
        with open(path, "rb") as file:
            head = file.read(len(HEADER))
    except FileNotFoundError:
        _create(path)
        return
    except IsADirectoryError:
        raise StoreError(_("cannot open the database {url}: {path} is a folder; the "
                           "setting database_url must name a file").format(
            url=shown_url, path=path)) from None
    except OSError as exc:
        raise StoreError(_("cannot read the database file {path}: {reason}; check its owner "
                           "and permissions (Outreach never replaces it)").format(
            path=path, reason=exc.strerror)) from None
    if not head:
        raise DatabaseDamaged(_(
            "the database file {path} is empty (0 bytes) and holds no Outreach data: "
            "{restore}, or delete the empty file to start a new database").format(
                path=path, restore=RESTORE))
    if head != HEADER:
        raise DatabaseDamaged(_("the database file {path} is not an SQLite database, or its "
                                "first page is damaged: {restore}").format(
            path=path, restore=RESTORE))
    # SQLite opens a read-only file only to fail on its -shm or first write, with a
    # vaguer error: say it here. The folder counts too: the -wal and -shm live there.
    for part in (path, folder):
        if not os.access(part, os.W_OK):
            raise read_only(where(path) if part == path else _(
                "the folder {folder} of {where}").format(folder=folder, where=where(path)))


def _create(path: Path) -> None:
    """A new database file, readable by its owner only (sign-ups hold personal data).

    It is made under a temporary name and linked into place, so a worker
    starting at the same moment never finds it empty, and an existing file is
    never replaced.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            connection = sqlite3.connect(temporary)
            try:
                # Writes the file's first page, so it is never an empty file.
                connection.execute("PRAGMA journal_mode=WAL")
            finally:
                connection.close()
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another worker made it first: theirs is as good
            except OSError:  # a file system without hard links (FAT on a USB stick)
                if not path.exists():
                    os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    except sqlite3.Error as exc:
        raise translate(exc, where(path)) or _cannot_create(path, exc) from None
    except OSError as exc:
        raise _cannot_create(path, exc.strerror or exc) from None


def _cannot_create(path: Path, reason: object) -> StoreError:
    return StoreError(_("cannot create the database file {path}: {reason}").format(
        path=path, reason=reason))


def _configure(dbapi_connection: sqlite3.Connection, *, foreign_keys: bool) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Erased means erased: deleted content is overwritten with zeros, not left in
        # free space. Some builds (Debian's) default to it, SQLite itself does not:
        # https://www.sqlite.org/pragma.html#pragma_secure_delete
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def engine(url: str, path: Path | None) -> Engine:
    """The store's engine: every connection with the pragmas above, errors translated."""
    from sqlalchemy import create_engine, event

    made = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @event.listens_for(made, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        _configure(dbapi_connection, foreign_keys=True)

    install(made, where(path) if path else Named(N_("the database")))
    return made


def migration_engine(url: str, path: Path | None) -> Engine:
    """An engine whose transactions hold DDL too, for applying migrations all or nothing.

    Python's sqlite3 (before 3.12) commits before each CREATE, ALTER or DROP,
    so a migration cut short by a crash or a power cut would stay half-applied.
    Here the driver is left in autocommit mode and every transaction opens with
    an explicit BEGIN, the recipe in SQLAlchemy's pysqlite notes ("Serializable
    isolation / Savepoints / Transactional DDL"). Foreign keys are off: SQLite
    alters a table by copying it, and dropping the old copy of a referenced
    table would fail; the migration runner checks every reference afterwards.
    """
    from sqlalchemy import create_engine, event

    made = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @event.listens_for(made, "connect")
    def _autocommit(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        _configure(dbapi_connection, foreign_keys=False)

    @event.listens_for(made, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    install(made, where(path) if path else Named(N_("the database")))
    return made


def quick_check(connection: Connection) -> list[str]:
    """What SQLite's quick_check finds wrong ([] for a sound file).

    A file damaged badly enough makes the check itself fail: that error
    reaches the caller as DatabaseDamaged (see ``failures``).
    """
    return _problems(connection.exec_driver_sql("PRAGMA quick_check").scalars())


def _problems(rows: Iterable[object]) -> list[str]:
    """quick_check's answer as a list of problems: a row may hold several lines, under a
    heading naming the schema ("*** in database main ***"); "ok" alone means none."""
    lines = [line for row in rows for line in str(row).splitlines()
             if line.strip() and not line.startswith("*** in database")]
    return [] if lines == ["ok"] else lines


def backup(source: Engine, path: Path, target: Path, *, force: bool) -> int:
    """Copy the database at ``path`` to ``target`` while others use it; the copy's size.

    SQLite's online backup copies one consistent snapshot (what the write-ahead
    log holds included), however busy the service is. The copy is written
    beside ``target`` under a temporary name, checked, and only then renamed.
    """
    target = target.absolute()
    if target.is_dir():
        raise StoreError(_("{target} is a folder; name the backup file, e.g. {example}")
                         .format(target=target, example=target / "outreach-backup.db"))
    if not target.parent.is_dir():
        raise StoreError(_("cannot write the backup {target}: the folder {folder} does not "
                           "exist").format(target=target, folder=target.parent))
    if target.exists():
        if not force:
            raise StoreError(_("{target} already exists; name another file, or add --force "
                               "to replace it").format(target=target))
        if target.samefile(path):
            raise StoreError(_("{target} is the database itself; name another file").format(
                target=target))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
        _copy(source, path, temporary)
        _check_copy(temporary)
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        if not force and target.exists():
            raise StoreError(_("{target} appeared while the backup was made; it was kept")
                             .format(target=target))
        os.replace(temporary, target)
        for side in ("-wal", "-shm"):  # belonged to the file just replaced
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{target}{side}")
        return target.stat().st_size
    except OSError as exc:
        raise StoreError(_("cannot write the backup {target}: {reason}").format(
            target=target, reason=exc.strerror)) from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _copy(source: Engine, path: Path, temporary: Path) -> None:
    raw = source.raw_connection()
    try:
        copy = sqlite3.connect(temporary)
        try:
            # The SQLite store's driver connection is sqlite3's own.
            cast(sqlite3.Connection, raw.driver_connection).backup(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == 13:  # SQLITE_FULL: the copy's disk
            raise disk_full(_("the backup in {folder}").format(folder=temporary.parent)) \
                from None
        raise translate(exc, where(path)) or StoreError(
            _("cannot back up {where}: {reason}").format(where=where(path), reason=exc)) \
            from None
    finally:
        raw.close()


def _check_copy(copy: Path) -> None:
    connection = sqlite3.connect(copy)
    try:
        found = _problems(row[0] for row in connection.execute("PRAGMA quick_check"))
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        connection.close()
    if found:
        raise DatabaseDamaged(_("the copy failed SQLite's check ({found}), so the database "
                                "itself is likely damaged; nothing was written: run "
                                "`outreach db status`").format(found=found[0]))


def scrub(source: Engine) -> None:
    """Move erased pages (already zeroed) into the file and empty the write-ahead log,
    whose older frames still hold what was erased."""
    with source.connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
    if busy:
        raise StoreError(_(
            "the data is erased, but another program was reading the database, so SQLite's "
            "write-ahead log (the -wal file) still holds the old data; run the command again "
            "when the service is idle"))
