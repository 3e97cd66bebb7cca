"""Publications that came back after they were published: e-mails to editors that bounced.

A channel whose ``capabilities.returns`` is true reads them (``Channel.read_returns``)
on a schedule under ``outreach run`` and when its plugin's command asks. Each return
fails its publication with the channel's reason, so coordinators see it where they
see every failure: ``outreach publications list`` and ``show``, ``outreach status``,
and the coordinators' chat with a Retry button (``outreach.fieldreports.news``).

A return is recorded once: its key is taken (a ``ReportNotice`` row) in the same
transaction that fails the publication, so a channel that passes it again (it
crashed before marking the bounce read, or two workers read the same mailbox)
changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.db.models import (
    AttemptOutcome,
    Publication,
    PublicationAttempt,
    PublicationStatus,
    ReportNotice,
    utcnow,
)
from outreach.db.upsert import insert_for
from outreach.engine.posts import idempotency_key, publication_id_of
from outreach.errors import ChannelError, StoreError, TransientError
from outreach.i18n import _

if TYPE_CHECKING:
    from collections.abc import Collection

    from outreach.channels import Returned
    from outreach.db import Store
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.returns")

RETURNED = "returned"  # the worker name recorded in the attempt log for a return
NOTICE = ReportNotice.__table__
PUB = Publication.__table__
ATTEMPT = PublicationAttempt.__table__
#: States a return may fail: published, or failed already (another outlet's letter came back).
FAILABLE = (PublicationStatus.published.value, PublicationStatus.failed.value)


@dataclass
class ReturnsReport:
    """What one reading found: returns newly recorded, and channels that could not be read."""

    recorded: list[tuple[int, str]] = field(default_factory=list)  # (publication id, reason)
    passed: int = 0  # returns the channels passed on, recorded now or before
    problems: list[str] = field(default_factory=list)


def read_returns(store: Store, registry: Registry,
                 names: Collection[str] | None = None) -> ReturnsReport:
    """Ask every ready channel that can (those in ``names`` only, when given) what came
    back, and record it. A channel that cannot be read is reported and skipped."""
    report = ReturnsReport()
    for name, channel in registry.ready().items():
        if (names is not None and name not in names) or not channel.capabilities.returns:
            continue
        try:
            report.passed += channel.read_returns(
                functools.partial(record_return, store, name, report))
        except StoreError:
            raise  # the database's trouble: the scheduler's alarm says it once
        except TransientError as exc:  # a mailbox that is down comes back: the next round
            problem = _("channel {channel}: {reason}").format(channel=name, reason=exc)
            log.warning(_("{problem}; trying again at the next round").format(problem=problem))
            report.problems.append(problem)
        except ChannelError as exc:  # a wrong password or setting: a person must correct it
            problem = _("channel {channel}: {reason}").format(channel=name, reason=exc)
            log.error("%s", problem)
            report.problems.append(problem)
        except Exception as exc:  # one plugin's bug must not stop the others' reading
            problem = _("channel {channel}: reading what came back failed ({error})").format(
                channel=name, error=type(exc).__name__)
            log.error("%s", problem, exc_info=True)
            report.problems.append(problem)
    return report


def record_return(store: Store, channel: str, report: ReturnsReport,
                  returned: Returned) -> None:
    """Fail the publication ``returned`` names with its reason, once per ``returned.key``.

    Raises TransientError when the publication changed at the same moment: the
    channel then leaves the return unread, and the next round records it.
    """
    number = publication_id_of(returned.idempotency_key)
    digest = hashlib.sha256(f"{channel}|{returned.key}".encode()).hexdigest()[:32]
    with store.session() as session:
        connection = session.connection()
        row = connection.execute(sa.select(PUB).where(PUB.c.id == number)).first() \
            if number is not None else None
        if row is None or row.channel != channel or row.slot is None or idempotency_key(
                row.id, row.story_id, row.channel, row.slot) != returned.idempotency_key:
            log.warning(_("Channel {channel}: something came back for a publication that is "
                          "not in the database (deleted?); it is left as it is").format(
                channel=channel))
            return
        taken = connection.execute(
            insert_for(connection.dialect.name)(NOTICE)
            .values(key=f"returned:{row.id}:{digest}", sent_at=utcnow())
            .on_conflict_do_nothing(index_elements=["key"]).returning(NOTICE.c.key)).first()
        if taken is None:
            return  # recorded before
        if row.status not in FAILABLE:
            # Planned or sending: a retry is under way and sends the letter again;
            # cancelled: nobody wants it any more.
            log.warning(_("Publication {id} (channel {channel}) is {status}, so what came back "
                          "is only noted here: {reason}").format(
                id=row.id, channel=channel, status=row.status, reason=returned.reason))
            return
        error = returned.reason
        if row.status == PublicationStatus.failed.value and row.last_error \
                and returned.reason not in row.last_error:
            error = f"{row.last_error}; {returned.reason}"
        changed = connection.execute(
            sa.update(PUB).where(PUB.c.id == row.id, PUB.c.status == row.status)
            .values(status=PublicationStatus.failed.value, last_error=error,
                    next_attempt_at=None, attempts=PUB.c.attempts + 1))
        if changed.rowcount == 0:
            session.rollback()
            raise TransientError(_("publication {id} changed while what came back was being "
                                   "recorded").format(id=row.id))
        last = connection.execute(sa.select(sa.func.max(ATTEMPT.c.number))
                                  .where(ATTEMPT.c.publication_id == row.id)).scalar()
        now = utcnow()
        connection.execute(sa.insert(ATTEMPT).values(
            publication_id=row.id, number=max(last or 0, row.attempts) + 1, started_at=now,
            finished_at=now, outcome=AttemptOutcome.permanent.value, error=returned.reason,
            worker=RETURNED))
    report.recorded.append((row.id, returned.reason))
    log.warning(_("Publication {id} (channel {channel}) failed after it was published: "
                  "{reason}").format(id=row.id, channel=channel, reason=returned.reason))
