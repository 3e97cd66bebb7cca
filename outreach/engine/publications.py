"""The outbox as a person sees it: listing and inspecting publications, and the
changes a person makes by hand (retry, cancel, resolve).

Every change is one conditional UPDATE (``WHERE id = ? AND status IN (...)``),
so a dispatcher that claims or finishes the row at the same moment is never
overridden: when no row changed, the row is read again and the refusal names
the state it is in now.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach.db.lookups import campaign_id_for
from outreach.db.models import (
    AttemptOutcome,
    Campaign,
    EngagementSnapshot,
    Publication,
    PublicationAttempt,
    PublicationStatus,
    ReferralCode,
    Story,
    utcnow,
)
from outreach.errors import NotFoundError, StateError
from outreach.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.db import Store
    from outreach.fieldreports.decisions import PublicationActions

PERSON = "person"  # the worker name recorded for a decision made by a person
#: (channel name, a post's link) -> the post's id on the platform, or None: the
#: channel's plugin reads it (``Channel.external_id_from_url``).
PostIdReader = Callable[[str, str], str | None]


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationRow:
    """One line of ``outreach publications list``."""

    id: int
    status: str
    campaign: str | None
    channel: str
    story_id: int
    story_title: str
    slot: dt.datetime
    attempts: int
    url: str | None
    last_error: str | None


@dataclass(frozen=True)
class PublicationDetail:
    """Everything ``outreach publications show`` tells about one publication."""

    publication: Publication
    story: Story | None
    campaign: str | None
    referral: ReferralCode | None
    attempts: list[PublicationAttempt] = field(default_factory=list)
    engagement: EngagementSnapshot | None = None


def list_publications(session: Session, *, statuses: tuple[str, ...] = (),
                      campaign: str | None = None, channel: str | None = None,
                      since: dt.datetime | None = None, limit: int = 50) -> list[PublicationRow]:
    """Publications matching every filter, the newest slot first."""
    import sqlalchemy as sa

    p, s, c = Publication.__table__.c, Story.__table__.c, Campaign.__table__.c
    query = (
        sa.select(p.id, p.status, c.slug, p.channel, p.story_id, s.title, p.slot, p.attempts,
                  p.url, p.last_error)
        .select_from(Publication.__table__
                     .join(Story.__table__, s.id == p.story_id)
                     .outerjoin(Campaign.__table__, c.id == p.campaign_id))
        .order_by(p.slot.desc(), p.id.desc())
        .limit(limit)
    )
    if statuses:
        query = query.where(p.status.in_(statuses))
    if campaign is not None:
        query = query.where(p.campaign_id == campaign_id_for(session.connection(), campaign))
    if channel is not None:
        query = query.where(p.channel == channel)
    if since is not None:
        query = query.where(p.slot >= since)
    return [PublicationRow(*tuple(row)) for row in session.connection().execute(query)]


def known_channels(session: Session) -> list[str]:
    """Channel names that have publications in the store."""
    import sqlalchemy as sa

    query = sa.select(Publication.__table__.c.channel).distinct()
    return sorted(session.connection().execute(query).scalars())


def get_publication(session: Session, publication_id: int) -> Publication:
    publication = session.get(Publication, publication_id)
    if publication is None:
        raise NotFoundError(_("no publication with id {id} (see 'outreach publications list')")
                            .format(id=publication_id))
    return publication


def publication_detail(session: Session, publication_id: int) -> PublicationDetail:
    """The publication with its story, campaign, referral code, attempts and latest figures."""
    from sqlmodel import col, select

    publication = get_publication(session, publication_id)
    campaign = session.get(Campaign, publication.campaign_id) if publication.campaign_id else None
    referral = None
    if publication.referral_code:
        referral = session.exec(
            select(ReferralCode).where(ReferralCode.code == publication.referral_code)).first()
    attempts = list(session.exec(
        select(PublicationAttempt)
        .where(PublicationAttempt.publication_id == publication_id)
        .order_by(col(PublicationAttempt.number))))
    engagement = session.exec(
        select(EngagementSnapshot)
        .where(EngagementSnapshot.publication_id == publication_id)
        .order_by(col(EngagementSnapshot.taken_at).desc(), col(EngagementSnapshot.id).desc())
        .limit(1)).first()
    return PublicationDetail(
        publication=publication,
        story=session.get(Story, publication.story_id),
        campaign=campaign.slug if campaign else None,
        referral=referral,
        attempts=attempts,
        engagement=engagement,
    )


# --- changes made by a person ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What a person's action did: the state before and after (equal when nothing changed)."""

    publication_id: int
    channel: str
    before: str
    after: str
    due: dt.datetime | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _why_not(publication: Publication, action: str) -> str:
    """Why ``action`` cannot be done to a publication in its current state, in plain words."""
    number = publication.id
    status = publication.status
    if status == PublicationStatus.sending.value:
        return _("publication {number} is being published right now; try again in a minute"
                 ).format(number=number)
    if status == PublicationStatus.published.value:
        where = publication.url or _("{channel} (no link recorded)").format(
            channel=publication.channel)
        return _("publication {number} is already published at {where}; delete it on the "
                 "platform if needed").format(number=number, where=where)
    if status == PublicationStatus.cancelled.value:
        return _("publication {number} was cancelled; it will not be published").format(
            number=number)
    if status == PublicationStatus.uncertain.value:
        return _("publication {number} may already be on {channel}: check, then use "
                 "'outreach publications resolve {number} --posted URL' or "
                 "'outreach publications retry {number} --force'").format(
            number=number, channel=publication.channel)
    if status == PublicationStatus.planned.value:
        return _("publication {number} has not been sent yet (it is planned); to stop it, use "
                 "'outreach publications cancel {number}'").format(number=number)
    if status == PublicationStatus.failed.value and action == "not-posted":
        return _("publication {number} failed, so nothing was posted; to send it again, use "
                 "'outreach publications retry {number}'").format(number=number)
    return _("publication {number} is {status}; {action} is not possible").format(
        number=number, status=status, action=action)


def _update(store: Store, publication_id: int, allowed: tuple[str, ...], action: str,
            values: dict[str, Any], attempt: tuple[str, str] | None = None) -> Change:
    """Change the row only if it is still in one of ``allowed``; else say why not.

    ``attempt`` (outcome, error) records the person's decision in the attempt log
    in the same transaction, numbered after the last try.
    """
    import sqlalchemy as sa

    table = Publication.__table__
    with store.session() as session:
        current = get_publication(session, publication_id)
        if current.status not in allowed:
            raise StateError(_why_not(current, action))
        before = current.status
        if attempt is not None:
            values = {**values, "attempts": table.c.attempts + 1}
        result = session.connection().execute(
            sa.update(table)
            .where(table.c.id == publication_id, table.c.status.in_(allowed))
            .values(**values))
        if result.rowcount == 0:
            # A worker changed it between our read and our write: report what it is now.
            session.rollback()
            session.expire_all()
            raise StateError(_why_not(get_publication(session, publication_id), action))
        if attempt is not None:
            outcome, error = attempt
            now = utcnow()
            number = session.connection().execute(
                sa.select(sa.func.max(PublicationAttempt.__table__.c.number))
                .where(PublicationAttempt.__table__.c.publication_id == publication_id)
            ).scalar()
            session.add(PublicationAttempt(
                publication_id=publication_id,
                number=max(number or 0, current.attempts) + 1,
                started_at=now, finished_at=now, outcome=outcome, error=error, worker=PERSON))
        return Change(publication_id, current.channel, before, values["status"],
                      values.get("next_attempt_at"))


def retry_publication(store: Store, publication_id: int, *, force: bool = False,
                      now: dt.datetime | None = None) -> Change:
    """Send a failed publication again, now. An uncertain one only with ``force``.

    The attempt count is kept (the attempt log holds the history); the lease
    and the last error are cleared. A planned one is left as it is.
    """
    with store.session() as session:
        current = get_publication(session, publication_id)
    if current.status == PublicationStatus.planned.value:
        return Change(publication_id, current.channel, current.status, current.status,
                      current.next_attempt_at)
    allowed: tuple[str, ...] = (PublicationStatus.failed.value,)
    if force:
        allowed += (PublicationStatus.uncertain.value,)
    when = now or utcnow()
    return _update(store, publication_id, allowed, "retry", {
        "status": PublicationStatus.planned.value, "next_attempt_at": when,
        "lease_owner": None, "lease_until": None, "last_error": None,
    })


def cancel_publication(store: Store, publication_id: int) -> Change:
    """Stop a publication that has not gone out: planned, failed or uncertain."""
    with store.session() as session:
        current = get_publication(session, publication_id)
    if current.status == PublicationStatus.cancelled.value:
        return Change(publication_id, current.channel, current.status, current.status)
    allowed = (PublicationStatus.planned.value, PublicationStatus.failed.value,
               PublicationStatus.uncertain.value)
    return _update(store, publication_id, allowed, "cancel", {
        "status": PublicationStatus.cancelled.value, "next_attempt_at": None,
        "lease_owner": None, "lease_until": None,
    })


def check_post_url(url: str) -> str | None:
    """A plain-words problem with a link a person typed, or None when it is usable."""
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+\S*$", url.strip()):
        return (f"{url!r} is not a link to a post; copy it from the browser's address bar "
                "(it starts with https://)")
    return None


def resolve_posted(store: Store, publication_id: int, url: str, *,
                   read_id: PostIdReader | None = None, now: dt.datetime | None = None) -> Change:
    """A person checked: the post is on the platform at ``url``. Records it as published.

    The post's id is what ``read_id`` reads from the link for the publication's
    channel; a link it cannot read is its own id.
    """
    problem = check_post_url(url)
    if problem:
        raise StateError(problem)
    url = url.strip()
    external_id = None
    if read_id is not None:
        with store.session() as session:
            channel = get_publication(session, publication_id).channel
        external_id = read_id(channel, url)
    when = now or utcnow()
    allowed = (PublicationStatus.uncertain.value, PublicationStatus.failed.value)
    return _update(store, publication_id, allowed, "posted", {
        "status": PublicationStatus.published.value, "url": url,
        "external_id": external_id or url, "published_at": when,
        "next_attempt_at": None, "lease_owner": None, "lease_until": None,
    }, attempt=(AttemptOutcome.published.value,
                _("resolved by a person: posted at {url}").format(url=url)))


def resolve_not_posted(store: Store, publication_id: int,
                       now: dt.datetime | None = None) -> Change:
    """A person checked: the post is not on the platform. It is planned again, due now."""
    when = now or utcnow()
    return _update(store, publication_id, (PublicationStatus.uncertain.value,), "not-posted", {
        "status": PublicationStatus.planned.value, "next_attempt_at": when,
        "lease_owner": None, "lease_until": None, "last_error": None,
    }, attempt=(AttemptOutcome.uncertain.value, _("resolved by a person: not posted")))


def button_actions() -> PublicationActions:
    """What the buttons of the coordinators' chat do to a publication: these functions."""
    from outreach.fieldreports.decisions import PublicationActions

    return PublicationActions(retry=retry_publication, not_posted=resolve_not_posted,
                              posted=resolve_posted, check_url=check_post_url)
