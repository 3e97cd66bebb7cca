"""Database errors as people read them: one line naming the database and what to do.

SQLAlchemy wraps a driver's error with the SQL and its parameters (story text,
names, phones). The store's engines hand every driver error to ``translate``
first (SQLAlchemy's ``handle_error`` event): the ones a person must act on — a
damaged file, a full or read-only disk — become a ``StoreError`` whose message
says which database and what to do; the rest (a unique key taken, a lock) are
left to the code that handles them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from outreach.errors import DatabaseDamaged, StoreError
from outreach.i18n import _, lazy_gettext

if TYPE_CHECKING:
    from sqlalchemy.engine import ExceptionContext

RESTORE = lazy_gettext('restore it from a backup as "Backups" in the README says')

# SQLite's primary result codes: https://www.sqlite.org/rescode.html
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26
# Python's sqlite3 module, on text that is not UTF-8: only a damaged page (or another
# program writing bytes as text) holds such text. Its message quotes the text.
UNDECODABLE = "Could not decode to UTF-8"
# PostgreSQL's SQLSTATEs: https://www.postgresql.org/docs/current/errcodes-appendix.html
PG_DAMAGED = {"XX001": lazy_gettext("data corrupted"),
              "XX002": lazy_gettext("index corrupted")}
PG_DISK_FULL, PG_IO_ERROR, PG_READ_ONLY = "53100", "58030", "25006"


class Named:
    """A database (or its folder) as messages name it, in the language of the moment a
    message is made, not of the moment the store was opened."""

    def __init__(self, msgid: str, **values: object) -> None:
        self.msgid = msgid
        self.values = values

    def __str__(self) -> str:
        return _(self.msgid).format(**self.values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit for messages and listings."""
    from outreach.db import urls

    try:
        return urls.parse(url).render(hide_password=True)
    except ValueError:
        return _("(not a database URL)")


def reason(exc: BaseException) -> str:
    """The driver's own words, first line only (no SQL, no background link)."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig)
    elif isinstance(exc, ImportError):
        # e.g. mysql:// without its driver: name what to install.
        return _("its driver is not installed ({name}); pip install it").format(
            name=exc.name or exc)
    else:
        text = str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first.removeprefix("connection failed: ")


@contextlib.contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn a database that cannot be reached into one StoreError line."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OSError, ImportError) as exc:
        raise StoreError(_("cannot open the database {url}: {reason}").format(
            url=redact_url(url), reason=reason(exc))) from exc


def translate(error: BaseException, where: str | Named) -> StoreError | None:
    """The project's error for a driver's ``error`` on the database ``where``, or None.

    ``where`` names it for people: "the database file /home/centre/outreach.db".
    Only fixed words reach the message, never the driver's text with data in it.
    """
    code = getattr(error, "sqlite_errorcode", None)
    if code is None and str(error).startswith(UNDECODABLE):
        return damaged(where, _("text that is not UTF-8"))
    if isinstance(code, int):
        primary = code & 0xFF  # extended codes carry the primary one in their low byte
        if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
            what = (_("it is not a database") if primary == SQLITE_NOTADB
                    else _("its pages are malformed"))
            return damaged(where, what)
        if primary == SQLITE_FULL:
            return disk_full(where)
        if primary == SQLITE_READONLY:
            return read_only(where)
        if primary == SQLITE_IOERR:
            return io_error(where)
        if primary == SQLITE_CANTOPEN:
            return StoreError(_("cannot open {where}: check that the file and its folder "
                                "exist and that you may read and write both").format(
                where=where))
        return None
    state = getattr(error, "sqlstate", None)
    if state in PG_DAMAGED:
        return damaged(where, str(PG_DAMAGED[state]))
    if state == PG_DISK_FULL:
        return disk_full(where)
    if state == PG_READ_ONLY:
        return read_only(where)
    if state == PG_IO_ERROR:
        return io_error(where)
    return None


def damaged(where: str | Named, what: str) -> DatabaseDamaged:
    return DatabaseDamaged(_("{where} is damaged ({what}): {restore}").format(
        where=where, what=what, restore=RESTORE))


def disk_full(where: str | Named) -> StoreError:
    return StoreError(_("cannot write {where}: the disk is full; free some space on it, "
                        "then try again (nothing half-written was kept)").format(where=where))


def read_only(where: str | Named) -> StoreError:
    return StoreError(_("cannot write {where}: it is read-only (a disk mounted read-only, "
                        "a file or folder you may not write, or a read-only server)").format(
        where=where))


def io_error(where: str | Named) -> StoreError:
    return StoreError(_("cannot read or write {where}: the disk reported an input/output "
                        "error; copy the file somewhere safe, check the disk, then run "
                        "`outreach db status`").format(where=where))


def install(engine: object, where: str | Named) -> None:
    """Have ``engine`` raise the project's errors for the driver errors ``translate`` knows."""
    from sqlalchemy import event

    def handle_error(context: ExceptionContext) -> StoreError | None:
        original = context.original_exception
        translated = translate(original, where)
        if translated is not None and str(original).startswith(UNDECODABLE):
            # It stays chained to ours (SQLAlchemy raises "from" it), so it would reach
            # a logged traceback with the text it quotes: a story's, or a person's name.
            original.args = (f"{UNDECODABLE} (the text is left out)",)
        return translated

    event.listen(engine, "handle_error", handle_error)
