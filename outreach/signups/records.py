"""Sign-up records: where each came from, listing, and erasing personal data on request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from outreach.db.models import Campaign, Publication, ReferralCode, SignUp, Story, utcnow
from outreach.db.states import SignupStatus
from outreach.errors import NotFoundError
from outreach.i18n import _
from outreach.signups import events
from outreach.signups.sources import COORDINATOR_SOURCES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store

#: What ``forget`` erases. The municipality, source, code and dates stay: they
#: identify no one and keep the per-municipality and per-post counts true.
PERSONAL_FIELDS = ("name", "contact", "phone", "person", "interests", "dialog", "code_given")


@dataclass(frozen=True)
class Origin:
    """Where a sign-up came from, for listings and the coordinators' message."""

    campaign: str | None  # the campaign's slug
    campaign_name: str | None
    channel: str | None
    placement: str | None
    publication_id: int | None
    short_code: str | None
    kind: str = "publication"  # of the code: publication | placement | outlet
    story_id: int | None = None  # the publication's story
    story_title: str | None = None

    def describe(self) -> str:
        parts = []
        if self.campaign_name or self.campaign:
            parts.append(_("campaign “{name}”").format(name=self.campaign_name or self.campaign))
        if self.channel:
            parts.append(_("channel {channel}").format(channel=self.channel))
        if self.placement:
            parts.append(_("place “{place}”").format(place=self.placement))
        if self.publication_id:
            parts.append(_("publication {id}").format(id=self.publication_id))
        if self.short_code:
            parts.append(_("code {code}").format(code=self.short_code))
        return ", ".join(parts) or _("a code of no campaign")


def origin(session: Session, referral_code_id: int | None) -> Origin | None:
    """The campaign, channel and placement of a code; None for an unattributed sign-up."""
    if referral_code_id is None:
        return None
    return _origins(session, [referral_code_id]).get(referral_code_id)


def _origins(session: Session, code_ids: Iterable[int]) -> dict[int, Origin]:
    """Code id → where it points: its campaign (the publication's, when the code names
    none), channel, placement or outlet, publication and story; one query per 5,000."""
    import sqlalchemy as sa

    r, c = ReferralCode.__table__.c, Campaign.__table__.c
    p, st = Publication.__table__.c, Story.__table__.c
    wanted = sorted(set(code_ids))
    found: dict[int, Origin] = {}
    for start in range(0, len(wanted), 5000):  # stays under every driver's parameter limit
        query = (sa.select(r.id, c.slug, c.name, sa.func.coalesce(r.channel, p.channel),
                           r.placement, r.publication_id, r.short_code, r.kind, p.story_id,
                           st.title)
                 .select_from(ReferralCode.__table__
                              .outerjoin(Publication.__table__, p.id == r.publication_id)
                              .outerjoin(Campaign.__table__,
                                         c.id == sa.func.coalesce(r.campaign_id,
                                                                  p.campaign_id))
                              .outerjoin(Story.__table__, st.id == p.story_id))
                 .where(r.id.in_(wanted[start:start + 5000])))
        for code_id, *values in session.connection().execute(query):
            slug, name, channel, placement, publication, short, kind, story, title = values
            found[code_id] = Origin(campaign=slug, campaign_name=name, channel=channel,
                                    placement=placement, publication_id=publication,
                                    short_code=short, kind=kind, story_id=story,
                                    story_title=title)
    return found


def get_signup(session: Session, signup_id: int) -> SignUp:
    row = session.get(SignUp, signup_id)
    if row is None:
        raise NotFoundError(_("there is no sign-up {id} (see `outreach signups list`)").format(
            id=signup_id))
    return row


def forget(session: Session, signup_id: int, now: dt.datetime | None = None) -> list[str]:
    """Erase a sign-up's personal data, keep its anonymous attribution; the fields erased.

    Rows merged into it lose what still names the person there (their platform
    id, a code as given): they were the same person.
    """
    from sqlmodel import select

    row = get_signup(session, signup_id)
    erased = [name for name in PERSONAL_FIELDS if getattr(row, name) is not None]
    when = now or utcnow()
    for merged in [row, *session.exec(select(SignUp).where(SignUp.merged_into == row.id))]:
        if merged.person:
            events.drop_owed(session, merged.person)
        for name in PERSONAL_FIELDS:
            setattr(merged, name, None)
        merged.phone_confirmed = None
        # A merged row stays "merged": the sign-up counts once, on the row it went into.
        merged.status = (SignupStatus.merged if merged.status == SignupStatus.merged
                         else SignupStatus.forgotten)
        merged.forgotten_at = merged.updated_at = when
        session.add(merged)
    return erased


def erase_unfinished(store: Store, config: Config, now: dt.datetime) -> int:
    """Erase what people said in sign-ups they left unfinished longer than
    ``[signups] erase_unfinished_after`` ago; how many rows were erased.

    A start that never finished keeps only its anonymous part (when, where,
    the code: it still counts as a start); a finished sign-up whose person
    began to change it and stopped keeps what they had consented to.
    """
    import sqlalchemy as sa

    cutoff = now - config.signups.erase_unfinished_after
    s = SignUp.__table__.c
    last = sa.func.coalesce(s.updated_at, s.created_at)
    said = sa.or_(*(s[name].is_not(None) for name in PERSONAL_FIELDS))
    with store.session() as session:
        # An UPDATE's result is a cursor result, which counts the rows.
        started = cast("sa.CursorResult[Any]", session.execute(
            sa.update(SignUp.__table__)
            .where(s.status == SignupStatus.started, said, last < cutoff)
            .values({**dict.fromkeys(PERSONAL_FIELDS), "updated_at": now})))
        changing = cast("sa.CursorResult[Any]", session.execute(
            sa.update(SignUp.__table__)
            .where(s.status != SignupStatus.started, s.dialog.is_not(None), last < cutoff)
            .values(dialog=None, updated_at=now)))
        return int(started.rowcount or 0) + int(changing.rowcount or 0)


def unfinished(session: Session) -> list[SignUp]:
    """Sign-up dialogs in progress (or left), the longest quiet first."""
    from sqlmodel import col, select

    last = col(SignUp.updated_at)
    return list(session.exec(select(SignUp).where(col(SignUp.dialog).is_not(None))
                             .order_by(last, col(SignUp.id))))


def merge_code(current: int | None, new: int | None) -> int | None:
    """The code kept when a person signs up again: the first one, unless there was none."""
    return current if current is not None else new


def apply_fields(row: SignUp, fields: dict[str, Any]) -> None:
    """Set the non-empty personal fields of a (re)sign-up on ``row``."""
    for name, value in fields.items():
        if value not in (None, ""):
            setattr(row, name, value)


def came_from(row: SignUp, where: Origin | None) -> str:
    """The kind of a sign-up's source: its code's kind (a post, a poster or stand, a press
    outlet); without a code, offline (a coordinator typed it in) or unattributed."""
    if where is not None:
        return where.kind
    return "offline" if row.source in COORDINATOR_SOURCES else "unattributed"


@dataclass(frozen=True)
class Listed:
    """A sign-up with where it came from, for ``outreach signups list`` and ``show``."""

    signup: SignUp
    origin: Origin | None


def list_signups(session: Session, *, since: dt.datetime | None = None,
                 campaign: str | None = None, channel: str | None = None,
                 status: str | None = None, unattributed: bool = False,
                 municipality: str | None = None) -> list[Listed]:
    """Sign-ups, newest first. ``channel`` is where the person came from (the code's channel),
    or where the dialog took place when they came without a code; ``municipality`` where
    the person lives (as they gave it, whatever its case)."""
    from sqlmodel import col, select

    query = select(SignUp).order_by(col(SignUp.created_at).desc(), col(SignUp.id).desc())
    if since is not None:
        query = query.where(col(SignUp.created_at) >= since)
    if status is not None:
        query = query.where(SignUp.status == status)
    if unattributed:
        query = query.where(col(SignUp.referral_code_id).is_(None))
    if campaign is not None and session.exec(
            select(Campaign.id).where(Campaign.slug == campaign)).first() is None:
        from outreach.errors import did_you_mean

        slugs = list(session.exec(select(Campaign.slug)))
        raise NotFoundError(_("there is no campaign {slug!r}").format(slug=campaign)
                            + did_you_mean(campaign, slugs))
    if municipality is not None:
        query = query.where(col(SignUp.municipality).is_not(None))
    rows = list(session.exec(query))
    origins = _origins(session, (row.referral_code_id for row in rows
                                 if row.referral_code_id is not None))
    found = []
    for row in rows:
        where = origins.get(row.referral_code_id) if row.referral_code_id else None
        if campaign is not None and (where is None or where.campaign != campaign):
            continue
        if channel is not None and (where.channel if where and where.channel
                                    else row.channel) != channel:
            continue
        if municipality is not None and not same_place(row.municipality, municipality):
            continue
        found.append(Listed(row, where))
    return found


def same_place(given: str | None, asked: str) -> bool:
    """Whether a municipality as a person gave it is ``asked``, whatever case and spaces."""
    return given is not None and " ".join(given.split()).casefold() == " ".join(
        asked.split()).casefold()


def municipalities(session: Session, config: Config) -> list[str]:
    """The municipalities of the config and those sign-ups name, for a "did you mean"."""
    from sqlmodel import col, select

    given = session.exec(select(SignUp.municipality).distinct()
                         .where(col(SignUp.municipality).is_not(None)))
    return sorted({*config.municipalities, *(name for name in given if name)})
