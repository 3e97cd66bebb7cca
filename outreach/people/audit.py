"""The audit log: every act on people and reports, with who did it and when.

Actors are stable identifiers: ``cli:<os user>`` for a command typed on the
server, ``person:<id>`` for a coordinator or reporter acting through a bot,
``service`` for what Outreach did by itself. Details never hold a token.
"""

from __future__ import annotations

import datetime as dt
import enum
import getpass
from typing import TYPE_CHECKING, Any

from outreach.db.models import AuditEntry, utcnow

if TYPE_CHECKING:
    from sqlmodel import Session


class AuditAction(enum.StrEnum):
    invited = "invited"  # an invitation link was made
    enrolled = "enrolled"  # an account opened its invitation
    invitation_refused = "invitation-refused"  # a used, expired or revoked link was opened
    revoked = "revoked"  # a person's rights were taken away
    report_submitted = "report-submitted"  # a reporter's story reached the library
    consent_recorded = "consent-recorded"
    approved = "approved"
    rejected = "rejected"
    press_refused = "press-refused"  # a button pressed by someone who may not
    publication_resolved = "publication-resolved"
    publication_retried = "publication-retried"


def cli_actor() -> str:
    """Who typed a command on this machine (the system account's name)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (containers)
        return "cli"


def person_actor(person_id: int) -> str:
    return f"person:{person_id}"


def record(session: Session, actor: str, action: AuditAction, *, person_id: int | None = None,
           story_id: int | None = None, detail: dict[str, Any] | None = None,
           at: dt.datetime | None = None) -> AuditEntry:
    """Add one entry to the log in ``session`` (committed with the act it records)."""
    entry = AuditEntry(at=at or utcnow(), actor=actor, action=action.value,
                       person_id=person_id, story_id=story_id, detail=detail or None)
    session.add(entry)
    return entry


def entries(session: Session, *, person_id: int | None = None, story_id: int | None = None,
            limit: int = 100) -> list[AuditEntry]:
    """The newest ``limit`` entries, newest first, about a person or a story if given."""
    from sqlmodel import col, or_, select

    query = select(AuditEntry)
    if person_id is not None:
        actor = person_actor(person_id)
        query = query.where(or_(col(AuditEntry.person_id) == person_id,
                                col(AuditEntry.actor) == actor))
    if story_id is not None:
        query = query.where(AuditEntry.story_id == story_id)
    query = query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
    return list(session.exec(query))
