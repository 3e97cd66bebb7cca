"""Who is who: invitations, enrolment through a bot, listing and revoking people.

An invitation is a random code carried by a deep link (``/start inv_…`` in
Telegram, ``?ref=inv_…`` in VK). Only its SHA-256 is stored, so the database
(or a backup of it) cannot be used to enrol; the link is shown once, when it
is made. It is used once and expires.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outreach.db.models import Invitation, Person, PersonAccount, utcnow
from outreach.db.states import PersonRole, PersonStatus
from outreach.errors import NotFoundError, StateError, did_you_mean
from outreach.i18n import _
from outreach.people import audit
from outreach.people.audit import AuditAction

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.db import Store

PREFIX = "inv_"  # a deep link's payload that is an invitation, not a referral code
DEFAULT_VALID = dt.timedelta(days=7)
NAME_MAX = 300


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def is_invitation(code: str | None) -> bool:
    return bool(code) and str(code).startswith(PREFIX)


@dataclass(frozen=True)
class Invited:
    """A fresh invitation: the code is known only here, never stored."""

    person_id: int
    code: str
    expires_at: dt.datetime


def check_municipality(value: str | None, known: Sequence[str]) -> str | None:
    """``value`` as config.toml spells it; ValidationError when the list lacks it."""
    if value is None:
        return None
    value = value.strip()
    if not known:
        return value or None
    by_lower = {m.lower(): m for m in known}
    if value.lower() in by_lower:
        return by_lower[value.lower()]
    raise NotFoundError(_("municipality {name!r} is not in config.toml's municipalities"
                            "{did_you_mean}").format(name=value,
                                                     did_you_mean=did_you_mean(value, known)))


def invite(store: Store, role: PersonRole, *, municipality: str | None = None,
           name: str | None = None, valid_for: dt.timedelta = DEFAULT_VALID,
           actor: str, person_id: int | None = None, now: dt.datetime | None = None) -> Invited:
    """A new person (or ``person_id``, invited again) and their one-time invitation."""
    now = now or utcnow()
    code = PREFIX + secrets.token_urlsafe(18)
    with store.session() as session:
        if person_id is None:
            person = Person(role=role.value, name=(name or "").strip()[:NAME_MAX] or None,
                            municipality=municipality, created_at=now)
            session.add(person)
            session.flush()
        else:
            person = get_person(session, person_id)
            if person.revoked_at is not None:
                raise StateError(_("person {id} is revoked; invite them anew with "
                                   "'outreach people invite'").format(id=person_id))
        assert person.id is not None
        session.add(Invitation(token_hash=code_hash(code), person_id=person.id, created_at=now,
                               expires_at=now + valid_for))
        audit.record(session, actor, AuditAction.invited, person_id=person.id, at=now,
                     detail={"role": person.role, "expires_at": (now + valid_for).isoformat()})
        return Invited(person.id, code, now + valid_for)


class Enrolment(enum.StrEnum):
    enrolled = "enrolled"
    again = "again"  # this account had already enrolled with this link
    unknown = "unknown"
    used = "used"
    expired = "expired"
    revoked = "revoked"


def enrol(session: Session, code: str, account: str, channel: str,
          now: dt.datetime) -> tuple[Enrolment, Person | None]:
    """Bind ``account`` to the person ``code`` invites, once; the outcome and the person."""
    from sqlmodel import select

    query = select(Invitation).where(Invitation.token_hash == code_hash(code))
    invitation = session.exec(query).first()
    if invitation is None:
        return Enrolment.unknown, None
    person = session.get(Person, invitation.person_id)
    assert person is not None
    outcome: Enrolment | None = None
    if person.revoked_at is not None:
        outcome = Enrolment.revoked
    elif invitation.used_at is not None:
        outcome = Enrolment.again if invitation.used_by == account else Enrolment.used
    elif invitation.expires_at is not None and invitation.expires_at <= now:
        outcome = Enrolment.expired
    if outcome is not None:
        if outcome != Enrolment.again:
            audit.record(session, f"account:{account}", AuditAction.invitation_refused,
                         person_id=person.id, at=now, detail={"reason": outcome.value})
        return outcome, person
    invitation.used_at, invitation.used_by = now, account
    session.add(invitation)
    found = session.get(PersonAccount, account)
    if found is None:
        found = PersonAccount(key=account, person_id=person.id or 0, channel=channel,
                              enrolled_at=now, updated_at=now)
    else:  # the account belonged to someone else (re-invited): it is this person's now
        found.person_id, found.channel, found.dialog = person.id or 0, channel, None
        found.updated_at = now
    session.add(found)
    audit.record(session, audit.person_actor(person.id or 0), AuditAction.enrolled,
                 person_id=person.id, at=now, detail={"account": account})
    return Enrolment.enrolled, person


def account_of(session: Session, account: str, *, lock: bool = False,
               postgres: bool = False) -> tuple[PersonAccount, Person] | None:
    """The account and its person, when the person's rights stand; else None."""
    from sqlmodel import select

    query = select(PersonAccount).where(PersonAccount.key == account)
    if lock and postgres:
        query = query.with_for_update()
    found = session.exec(query).first()
    if found is None:
        return None
    person = session.get(Person, found.person_id)
    if person is None or person.revoked_at is not None:
        return None
    return found, person


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(_("no person with id {id} (see 'outreach people list')").format(
            id=person_id))
    return person


def accounts(session: Session, person_id: int) -> list[PersonAccount]:
    from sqlmodel import col, select

    query = select(PersonAccount).where(PersonAccount.person_id == person_id)
    return list(session.exec(query.order_by(col(PersonAccount.enrolled_at))))


def invitations(session: Session, person_id: int) -> list[Invitation]:
    from sqlmodel import col, select

    query = select(Invitation).where(Invitation.person_id == person_id)
    return list(session.exec(query.order_by(col(Invitation.created_at))))


def status(session: Session, person: Person, now: dt.datetime | None = None) -> PersonStatus:
    if person.revoked_at is not None:
        return PersonStatus.revoked
    if accounts(session, person.id or 0):
        return PersonStatus.active
    now = now or utcnow()
    if any(i.used_at is None and i.expires_at is not None and i.expires_at > now
           for i in invitations(session, person.id or 0)):
        return PersonStatus.invited
    return PersonStatus.expired


def list_people(session: Session, *, role: PersonRole | None = None,
                include_revoked: bool = False) -> list[Person]:
    from sqlmodel import col, select

    query = select(Person)
    if role is not None:
        query = query.where(Person.role == role.value)
    if not include_revoked:
        query = query.where(col(Person.revoked_at).is_(None))
    return list(session.exec(query.order_by(col(Person.id))))


def revoke(store: Store, person_id: int, *, actor: str, now: dt.datetime | None = None) -> bool:
    """Take a person's rights away (their unused links stop working); False if already done.

    Their accounts are unbound, so a report half told is dropped and the bot
    treats them as anyone else; their stories stay in the library.
    """
    from sqlmodel import col, delete

    now = now or utcnow()
    with store.session() as session:
        person = get_person(session, person_id)
        if person.revoked_at is not None:
            return False
        person.revoked_at = now
        session.add(person)
        session.exec(delete(PersonAccount).where(col(PersonAccount.person_id) == person_id))
        audit.record(session, actor, AuditAction.revoked, person_id=person_id, at=now)
        return True


def coordinator_accounts(session: Session, plugin: str | None = None) -> list[PersonAccount]:
    """The accounts of every coordinator whose rights stand (of ``plugin`` if given)."""
    from sqlmodel import col, select

    query = (select(PersonAccount).join(Person, col(Person.id) == col(PersonAccount.person_id))
             .where(Person.role == PersonRole.coordinator.value,
                    col(Person.revoked_at).is_(None)))
    found = list(session.exec(query))
    return [a for a in found if plugin is None or a.key.startswith(f"{plugin}:")]


def anyone(store: Store) -> bool:
    """Whether anybody was ever invited (then the bots listen, for their links and reports)."""
    from sqlmodel import select

    with store.session() as session:
        return session.exec(select(Person.id).limit(1)).first() is not None
