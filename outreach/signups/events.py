"""Events the sign-up bots received, each handled once however often it is delivered.

An event is recorded by the platform's id for it in the same transaction as
the dialog step it causes: of two deliveries (two readers for a moment, or a
replay by the worker that took over from one that died) only one makes the
step, and a worker killed before it commits leaves the event unrecorded, to
be handled by the next reader. The step's replies stay with the event until
the bot reports them delivered, so a repeat that finds them sends them again
(the reader died between the step and its replies); a repeat that finds none
is answered with nothing. A button press a step takes (``answer``) supersedes
the replies still owed to the same person for older events: pressing shows
they saw what was asked (a reader that died after sending a question and
taking its answer, before marking either sent, must not have its successor ask
the answered question again).

Rows are kept for ``KEEP``: longer than Telegram keeps an update nobody
confirmed (24 hours), shorter than the week of silence after which Telegram
may number updates afresh from a random id (Bot API, ``Update.update_id``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from outreach.channels import Reply
from outreach.db.models import IntakeEvent
from outreach.db.upsert import insert_for

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.db import Store

KEEP = dt.timedelta(days=2)
EVENT = IntakeEvent.__table__
T = TypeVar("T")


def once(session: Session, key: str | None, now: dt.datetime,
         step: Callable[[], tuple[list[Reply], T | None]],
         person: str | None = None, answer: bool = False) -> tuple[list[Reply], T | None]:
    """``step()``'s replies, unless event ``key`` was handled before: then the replies
    still owed for it (none once delivered, or once ``person`` answered them: a newer
    step with ``answer``). ``key`` None: always ``step()``. ``person`` is whose dialog it
    is, so that erasing them erases what they are owed."""
    if key is None:
        return step()
    insert = insert_for(session.get_bind().dialect.name)(EVENT)
    # A second delivery in flight elsewhere waits here for the first one's transaction.
    first = session.execute(insert.values(key=key, received_at=now, person=person)
                            .on_conflict_do_nothing(index_elements=["key"])
                            .returning(EVENT.c.key)).first() is not None
    if not first:
        owed = session.execute(sa.select(EVENT.c.replies).where(EVENT.c.key == key)).scalar()
        return [_reply(saved) for saved in owed or []], None
    replies, result = step()
    if person is not None and answer:  # after step(): the dialog is locked, steps in order
        session.execute(sa.update(EVENT).where(EVENT.c.person == person, EVENT.c.key != key,
                                               EVENT.c.replies.is_not(None))
                        .values(replies=None))
    if replies:
        session.execute(sa.update(EVENT).where(EVENT.c.key == key).values(
            replies=[dataclasses.asdict(reply) for reply in replies]))
    return replies, result


def delivered(store: Store, key: str) -> None:
    """The replies to event ``key`` were sent: a repeat of it is answered with nothing."""
    with store.engine.begin() as connection:
        connection.execute(sa.update(EVENT).where(EVENT.c.key == key,
                                                  EVENT.c.replies.is_not(None))
                           .values(replies=None))


def drop_owed(session: Session, person: str) -> None:
    """Replies still owed to ``person`` are dropped: they are being erased."""
    session.execute(sa.update(EVENT).where(EVENT.c.person == person)
                    .values(replies=None, person=None))


def forget_old(store: Store, now: dt.datetime) -> int:
    """Delete events received more than ``KEEP`` ago; how many."""
    with store.engine.begin() as connection:
        return connection.execute(sa.delete(EVENT).where(
            EVENT.c.received_at < now - KEEP)).rowcount


def _reply(saved: dict[str, Any]) -> Reply:
    return Reply(text=saved["text"], choices=tuple(tuple(c) for c in saved.get("choices") or ()),
                 ask_contact=bool(saved.get("ask_contact")), toast=bool(saved.get("toast")),
                 edit=bool(saved.get("edit")))


_ATTEMPTS = 8


def in_transaction(store: Store, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a transaction; replay it when another writer got there first.

    That is: a unique key taken meanwhile, a lock, or (SQLite, which has no
    row locks) a row another process updated since it was read.
    """
    import time

    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    for attempt in range(_ATTEMPTS):
        try:
            with store.session() as session:
                return work(session)
        except (IntegrityError, OperationalError, StaleDataError):
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")
