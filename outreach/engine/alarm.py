"""The database's trouble, said once: not a traceback per scheduled job.

The service's jobs (publishing, planning, collecting, tidying, the bots'
leases) all meet a damaged or unreachable database within a second of each
other, and again at every run. ``StoreAlarm`` turns that into one line a
coordinator can act on, says nothing more while the trouble lasts (unless it
changes), and one line again when the database answers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from outreach.errors import DatabaseDamaged, StoreError
from outreach.i18n import _

log = logging.getLogger("outreach.service")


class StoreAlarm:
    """Says what is wrong with the database the first time a job meets it, then keeps quiet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._said: str | None = None  # the trouble last reported, until it is over

    @property
    def raised(self) -> bool:
        return self._said is not None

    def trouble(self, error: StoreError) -> None:
        text = str(error)
        with self._lock:
            if text == self._said:
                return
            self._said = text
        if isinstance(error, DatabaseDamaged):
            log.error(_("Publishing and collecting have stopped: {reason}. Stop Outreach "
                        "(Ctrl+C) before you restore the database.").format(reason=text))
        else:
            log.error(_("The database cannot be used: {reason}. Outreach keeps trying and "
                        "says so here when it works again.").format(reason=text))

    def fine(self) -> None:
        """A job used the database without trouble: say so once if it had been failing."""
        with self._lock:
            was, self._said = self._said, None
        if was is not None:
            log.info(_("The database works again; publishing and collecting go on."))

    @contextmanager
    def job(self, failed: Callable[[], str], uses_store: bool = True) -> Iterator[None]:
        """Run one pass of a scheduled job: its database trouble said once, any other
        error logged with ``failed()`` and its traceback (a bug to report).

        ``uses_store``: the job touched the database, so its success proves it works.
        """
        try:
            yield
        except StoreError as exc:
            self.trouble(exc)
        except Exception:
            log.exception(failed())
        else:
            if uses_store:
                self.fine()
