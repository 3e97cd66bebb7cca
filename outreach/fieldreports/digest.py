"""The weekly digest to the coordinators' chat, on Monday morning by the centre's clock.

What the last week (Monday to Sunday) brought: posts published per channel
and their reach (views where the platform tells them), new volunteers by
campaign and by municipality, reports waiting for a decision, and the
reporters who have sent nothing for a month. Sent once a week, whichever
worker comes first (a ``ReportNotice`` key per ISO week).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from typing import TYPE_CHECKING

from outreach.db.models import (
    Campaign,
    EngagementLatest,
    FieldReport,
    Person,
    PersonAccount,
    Publication,
    ReferralCode,
    SignUp,
)
from outreach.db.states import PersonRole, PublicationStatus, SignupStatus
from outreach.i18n import _, format_date, format_number, ngettext

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config

SEND_FROM = dt.time(9, 0)  # Monday, the centre's clock
QUIET = dt.timedelta(days=30)  # a reporter silent this long is named


def week_key(now: dt.datetime, zone: zoneinfo.ZoneInfo) -> str | None:
    """The digest's key when one is due at ``now`` (Monday from 09:00 local), else None."""
    local = now.astimezone(zone)
    if local.weekday() != 0 or local.time() < SEND_FROM:
        return None
    year, week, _day = local.isocalendar()
    return f"digest:{year}-W{week:02d}"


def _channel_title(config: Config, name: str) -> str:
    channel = config.channels.get(name)
    return channel.title if channel is not None and channel.title else name


def compose(session: Session, config: Config, now: dt.datetime) -> str:
    """The digest of the week before ``now``'s, in the reader's language."""
    from sqlmodel import col, select

    zone = zoneinfo.ZoneInfo(config.time_zone)
    today = now.astimezone(zone).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    start = dt.datetime.combine(monday, dt.time(), zone)
    end = start + dt.timedelta(days=7)
    lines = [_("Weekly digest: {first} – {last}").format(
        first=format_date(monday), last=format_date(monday + dt.timedelta(days=6))), ""]

    published = session.exec(select(Publication, EngagementLatest).join(
        EngagementLatest, col(EngagementLatest.publication_id) == col(Publication.id),
        isouter=True).where(Publication.status == PublicationStatus.published.value,
                            col(Publication.published_at) >= start,
                            col(Publication.published_at) < end)).all()
    # Channels by the title a coordinator knows them by ("ВКонтакте"), not the config key.
    per_channel = Counter(_channel_title(config, p.channel) for p, _e in published)
    views = [e.views for _p, e in published if e is not None and e.views is not None]
    lines.append(ngettext("Published: {count} post", "Published: {count} posts",
                          len(published)).format(count=format_number(len(published)))
                 + (" (" + ", ".join(f"{name}: {format_number(n)}"
                                     for name, n in sorted(per_channel.items())) + ")"
                    if per_channel else ""))
    lines.append(_("Reach: {views} views (where the platform tells them)").format(
        views=format_number(sum(views))) if views else _("Reach: not known yet"))

    joined = session.exec(select(SignUp, ReferralCode, Campaign)
                          .join(ReferralCode, col(ReferralCode.id) == col(SignUp.referral_code_id),
                                isouter=True)
                          .join(Campaign, col(Campaign.id) == col(ReferralCode.campaign_id),
                                isouter=True)
                          .where(SignUp.status == SignupStatus.completed.value,
                                 col(SignUp.completed_at) >= start,
                                 col(SignUp.completed_at) < end)).all()
    lines.append(ngettext("New volunteers: {count}", "New volunteers: {count}",
                          len(joined)).format(count=format_number(len(joined))))
    by_campaign = Counter(c.name if c is not None else _("no campaign")
                          for _s, _r, c in joined)
    by_place = Counter(s.municipality or "—" for s, _r, _c in joined)
    for title, counts in ((_("  by campaign: {list}"), by_campaign),
                          (_("  by municipality: {list}"), by_place)):
        if counts:
            lines.append(title.format(list=", ".join(
                f"{name} — {format_number(n)}" for name, n in counts.most_common())))

    waiting = session.exec(select(FieldReport).where(
        col(FieldReport.decision).is_(None))).all()
    lines.append(ngettext("Reports waiting for a decision: {count}",
                          "Reports waiting for a decision: {count}",
                          len(waiting)).format(count=format_number(len(waiting))))

    quiet = []
    for person in session.exec(select(Person).where(
            Person.role == PersonRole.reporter.value, col(Person.revoked_at).is_(None))):
        accounts = session.exec(select(PersonAccount).where(
            PersonAccount.person_id == person.id)).all()
        if not accounts or min(a.enrolled_at or now for a in accounts) > now - QUIET:
            continue  # not enrolled, or enrolled less than a month ago
        last = session.exec(select(FieldReport.submitted_at).where(
            FieldReport.person_id == person.id).order_by(
                col(FieldReport.submitted_at).desc())).first()
        if last is None or last < now - QUIET:
            quiet.append(person.name or _("person no. {id}").format(id=person.id))
    if quiet:
        lines.append(_("Reporters who sent nothing for a month: {names}").format(
            names=", ".join(sorted(quiet))))
    return "\n".join(lines)
