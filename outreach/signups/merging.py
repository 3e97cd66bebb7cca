"""Sign-ups that may be one person: rows sharing a phone, merged or kept apart by a person.

A phone number proves nothing: anyone can type anyone's. So a phone that is
already on a sign-up never joins two rows by itself. The new row is kept and
listed as a possible duplicate (``duplicate_groups``) until a coordinator
merges the rows (``merge``) or says they are different people who share a
phone, as a couple with one home phone (``keep_apart``).

The one exception is a phone the platform vouches for (a Telegram contact
card from the person's own account) matching a sign-up a coordinator typed
in: then the bot's row is merged into the coordinator's, which keeps every
field the coordinator entered.

A merge erases nothing and loses no count: the row merged away stays, with
its personal data moved into the row that is kept (only where that row has
none) and its status ``merged``, so its start still counts in the funnel, and
the sign-up counts once, for the code that brought the person first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outreach.db.models import SignUp
from outreach.db.states import SignupStatus
from outreach.errors import StateError
from outreach.i18n import _
from outreach.signups.records import get_signup
from outreach.signups.sources import COORDINATOR_SOURCES as COORDINATOR_SOURCES

if TYPE_CHECKING:
    from sqlmodel import Session

#: What a merge fills in on the row kept, where it has nothing.
FILLED = ("name", "contact", "phone", "municipality", "interests")
LIVE = SignupStatus.completed


def same_phone(session: Session, phone: str | None, exclude: int | None = None,
               ) -> list[SignUp]:
    """The finished sign-ups (not forgotten, not merged) with ``phone``, oldest first."""
    from sqlmodel import col, select

    if not phone:
        return []
    query = select(SignUp).where(SignUp.phone == phone, SignUp.status == LIVE)
    if exclude is not None:
        query = query.where(SignUp.id != exclude)
    return list(session.exec(query.order_by(col(SignUp.id))))


def duplicate_groups(session: Session) -> list[list[SignUp]]:
    """Finished sign-ups sharing a phone, in groups, unless a coordinator kept all apart."""
    import sqlalchemy as sa
    from sqlmodel import col, select

    phones = session.exec(
        select(SignUp.phone).where(SignUp.status == LIVE, col(SignUp.phone).is_not(None))
        .group_by(SignUp.phone).having(sa.func.count(col(SignUp.id)) > 1)
        .order_by(sa.func.min(SignUp.id)))
    groups = []
    for phone in phones:
        rows = same_phone(session, phone)
        if any(row.kept_apart_at is None for row in rows):
            groups.append(rows)
    return groups


def vouched_owner(rows: list[SignUp]) -> SignUp | None:
    """The one sign-up a coordinator typed in among ``rows``; None when none or several."""
    typed = [row for row in rows if row.person is None and row.source in COORDINATOR_SOURCES]
    return typed[0] if len(typed) == 1 else None


def merge(session: Session, keep_id: int, other_id: int, now: dt.datetime) -> SignUp:
    """Merge sign-up ``other_id`` into ``keep_id``; the row kept, after the merge."""
    if keep_id == other_id:
        raise StateError(_("sign-up {id} cannot be merged into itself").format(id=keep_id))
    keep, other = (_locked(session, keep_id), _locked(session, other_id))
    for row in (keep, other):
        if row.status != LIVE:
            raise StateError(_("sign-up {id} is {status}: only finished sign-ups are merged "
                               "(see `outreach signups show {id}`)").format(
                id=row.id, status=row.status))
    for name in FILLED:  # the row kept wins: a merge never overwrites what it holds
        if getattr(keep, name) in (None, ""):
            setattr(keep, name, getattr(other, name))
    if keep.phone == other.phone:
        keep.phone_confirmed = keep.phone_confirmed or other.phone_confirmed
    if _credited(keep, other) is other:
        # The person counts once, for the code that brought them first; the other
        # code stays on the merged row, where its start still counts.
        keep.referral_code_id, other.referral_code_id = (other.referral_code_id,
                                                         keep.referral_code_id)
        keep.code_given, other.code_given = other.code_given, keep.code_given
    for name in (*FILLED, "dialog"):
        setattr(other, name, None)
    other.phone_confirmed = None
    other.status = SignupStatus.merged
    other.merged_into = keep.id
    other.updated_at = keep.updated_at = now
    from sqlmodel import select

    for earlier in session.exec(select(SignUp).where(SignUp.merged_into == other.id)):
        earlier.merged_into = keep.id
        session.add(earlier)
    session.add(keep)
    session.add(other)
    session.flush()
    return keep


def keep_apart(session: Session, ids: list[int], now: dt.datetime) -> list[SignUp]:
    """Mark sign-ups sharing a phone as different people; they leave the duplicates list."""
    rows = [get_signup(session, signup_id) for signup_id in dict.fromkeys(ids)]
    if len(rows) < 2:
        raise StateError(_("name at least two sign-ups that share a phone"))
    for row in rows:
        if row.status != LIVE:
            raise StateError(_("sign-up {id} is {status}: only finished sign-ups share a "
                               "phone").format(id=row.id, status=row.status))
    if len({row.phone for row in rows}) > 1:
        listed = ", ".join(str(row.id) for row in rows)
        raise StateError(_("sign-ups {listed} do not share one phone number").format(
            listed=listed))
    for row in rows:
        row.kept_apart_at = now
        session.add(row)
    return rows


def _locked(session: Session, signup_id: int) -> SignUp:
    from sqlmodel import select

    query = select(SignUp).where(SignUp.id == signup_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    row = session.exec(query).first()
    return row if row is not None else get_signup(session, signup_id)


def _credited(keep: SignUp, other: SignUp) -> SignUp:
    """Of the two, the row whose code brought the person first (a known code before an
    unknown one)."""
    rows = sorted((keep, other), key=lambda row: (row.created_at, row.id or 0))
    for row in rows:
        if row.referral_code_id is not None:
            return row
    for row in rows:
        if row.code_given:
            return row
    return keep
