"""The coordinators' side: a new report as a card with buttons, and what a press does.

Approving by button is ``outreach content approve`` (``approve_story``: the
consent gate holds). The first decision on a report wins: a second press, or
a second coordinator's, changes nothing and says who decided first. A press by
anyone who is not a coordinator (a forwarded or replayed button) does nothing
but say so, and is written to the audit log.

Rejecting asks the coordinator, in their private chat with the bot, for the
reason, which the reporter is told.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach.channels import Card, Reply
from outreach.db.models import FieldReport, Person, Story
from outreach.errors import OutreachError, StateError
from outreach.fieldreports import texts as t
from outreach.fieldreports.consent import PENDING as CONSENT_PENDING
from outreach.fieldreports.consent import LateConsent
from outreach.i18n import _, format_date, format_time, ngettext
from outreach.people import audit, roster
from outreach.people.audit import AuditAction
from outreach.signups.desk import is_cancel

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.reports")

BODY_ON_CARD = 600  # characters of the story's text on a card; the rest under "More"


def who(person: Person | None) -> str:
    """How coordinators see a person: their name, or their number."""
    if person is None:
        return _("someone")
    return person.name or _("person no. {id}").format(id=person.id)


@dataclass(frozen=True)
class PublicationActions:
    """What the buttons on a publication's card do: the engine's own functions
    (``outreach.engine.publications.button_actions``), handed in so that this package
    does not import the engine, which imports it."""

    retry: Callable[..., Any]  # retry_publication(store, id, now=)
    not_posted: Callable[..., Any]  # resolve_not_posted(store, id, now=)
    posted: Callable[..., Any]  # resolve_posted(store, id, url, read_id=, now=)
    check_url: Callable[[str], str | None]  # check_post_url(url)


class Decisions:
    """Cards to the coordinators' chat and the presses on them."""

    def __init__(self, store: Store, config: Config, registry: Registry | None,
                 actions: PublicationActions | None = None) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.actions = actions
        self.zone = zoneinfo.ZoneInfo(config.time_zone)
        self.late_consent = LateConsent(store, config, self.announce, who)

    # --- cards ---

    def card(self, session: Session, report: FieldReport) -> Card:
        from outreach.library.stories import photo_path, photos_of

        story = session.get(Story, report.story_id)
        assert story is not None
        reporter = session.get(Person, report.person_id)
        photos = photos_of(session, report.story_id)
        body = story.body.strip()
        if len(body) > BODY_ON_CARD:
            body = body[:BODY_ON_CARD].rsplit(" ", 1)[0] + "…"
        lines = [
            _("New report no. {id}: “{title}”").format(id=story.id, title=story.title),
            "", body, "", *self._facts(story, reporter, len(photos))]
        first = None
        if photos:
            try:
                first = photo_path(story, photos[0])
            except OutreachError:
                first = None
        return Card("\n".join(lines), photo=first, choices=self.buttons(
            report.id or 0, consent=bool(photos) and not story.consent_recorded))

    def _facts(self, story: Story, reporter: Person | None, photos: int) -> list[str]:
        """What a coordinator decides by, besides the text: place, date, reporter, photos,
        consent (on the card and under "More" alike)."""
        if story.consent_recorded:
            consent = _("Consent of the people in the photos: recorded ({who}, {when}).").format(
                who=story.consent_by, when=self._moment(story.consent_at))
        else:
            consent = _("Consent of the people in the photos: NOT recorded — the report cannot "
                        "be approved until it is.")
        return [
            _("Where: {place} · When: {date}").format(
                place=story.municipality or "—",
                date=format_date(story.event_date) if story.event_date else "—"),
            _("Sent by: {who}").format(who=who(reporter)),
            ngettext("{count} photo", "{count} photos", photos).format(count=photos),
            consent,
        ]

    def buttons(self, report_id: int, consent: bool = False) -> list[tuple[str, str]]:
        """The card's buttons; ``consent``: «Consent received» too (none is recorded)."""
        later = [(_("📝 Consent received"), t.coordinator_value(t.CONSENT, report_id))]
        return [(_("✅ Approve"), t.coordinator_value(t.APPROVE, report_id)),
                (_("❌ Reject"), t.coordinator_value(t.REJECT, report_id)),
                *(later if consent else []),
                (_("🔎 More"), t.coordinator_value(t.MORE, report_id))]

    def announce(self, report_id: int) -> bool:
        """Send the report's card to the coordinators' chat; False (logged) when it could not."""
        settings = self.config.signups
        channel, chat = settings.coordinators_channel, settings.coordinators_chat
        if not channel or not chat or self.registry is None:
            log.warning(_("report {id} waits for approval, but no coordinators' chat is set "
                          "([signups] coordinators in config.toml); approve it with: "
                          "outreach content approve {story}").format(
                              id=report_id, story=self._story_of(report_id)))
            return False
        try:
            with self.store.session() as session:
                report = session.get(FieldReport, report_id)
                assert report is not None
                card = self.card(session, report)
            self.registry.get(channel).send_card(chat, card)
            log.info(_("A new photo report waits for approval in the coordinators' chat "
                       "({chat}); to approve it from here: outreach content approve {story}")
                     .format(chat=chat, story=self._story_of(report_id)))
            return True
        except Exception as exc:  # noqa: BLE001  (the report is stored; say where it waits)
            log.warning(_("could not show report {id} in the coordinators' chat ({error}); "
                          "approve it with: outreach content approve {story}").format(
                              id=report_id, error=type(exc).__name__,
                              story=self._story_of(report_id)))
            return False

    # --- presses ---

    def press(self, account: str, value: str, now: dt.datetime) -> list[Reply]:
        """The replies to a coordinator's button ``value`` ("c:approve:12") pressed by
        ``account``."""
        _c, act, number = (value.split(":", 2) + ["", ""])[:3]
        report_id = int(number) if number.isdigit() else 0
        with self.store.session() as session:
            found = roster.account_of(session, account)
            if found is None or found[1].role != "coordinator":
                audit.record(session, f"account:{account}" if found is None
                             else audit.person_actor(found[1].id or 0),
                             AuditAction.press_refused, at=now,
                             detail={"button": act, "report": report_id})
                return [Reply(_("Only coordinators can approve or reject reports. Nothing "
                                "was changed."), toast=True)]
            coordinator = found[1]
            pending = found[0].dialog or {}
            if act == t.BACK:
                if pending.get("reject_reason"):
                    return self.reason(account, int(pending["reject_reason"]), "cancel", now)
                if pending.get("posted_link"):
                    return self.posted_link(account, int(pending["posted_link"]), "cancel", now)
                if pending.get(CONSENT_PENDING):
                    return self.late_consent.answer(account, int(pending[CONSENT_PENDING]),
                                                    "cancel", now)
                return [Reply(_("Nothing to cancel."), toast=True)]
            if act in (t.POSTED, t.NOT_POSTED, t.RETRY):
                return self.publication(account, act, report_id, coordinator, now)
            report = session.get(FieldReport, report_id)
            if report is None:
                return [Reply(_("There is no such report any more."), toast=True)]
            decided = self._decided(session, report)
        if act == t.MORE:
            return [Reply(_("The details are in your private chat with the bot."), toast=True),
                    Reply(self.details(report_id))]
        if decided is not None:
            return [Reply(decided, toast=True)]
        if act == t.APPROVE:
            return self.approve(report_id, coordinator, now)
        if act == t.REJECT:
            return self.ask_reason(account, report_id, coordinator, now)
        if act == t.CONSENT:
            return self.late_consent.ask(account, report_id, coordinator, now)
        return [Reply(_("This button does nothing any more."), toast=True)]

    def approve(self, report_id: int, coordinator: Person, now: dt.datetime) -> list[Reply]:
        from outreach.library.stories import approve_story

        with self.store.session() as session:
            report = session.get(FieldReport, report_id)
            assert report is not None
            story_id = report.story_id
        try:
            approve_story(self.store, story_id)
        except StateError:
            return [Reply(_("It cannot be approved: consent of the people in the photos is "
                            "not recorded. When they have agreed, press “📝 Consent received” "
                            "(or run: outreach content consent {id} --form …).").format(
                                id=story_id)[:200], toast=True)]
        first, title = self._decide(report_id, "approved", coordinator, None, now)
        if not first:
            with self.store.session() as session:
                report = session.get(FieldReport, report_id)
                assert report is not None
                return [Reply(self._decided(session, report) or "", toast=True)]
        log.info(_("Story {story} (a photo report) was approved in the coordinators' chat by "
                   "person {person}; it goes out with the next campaign slot that selects it")
                 .format(story=story_id, person=coordinator.id))
        self.tell_reporter(report_id, _(
            "Good news: a coordinator approved your report “{title}”. I will write when and "
            "where it is published.").format(title=title))
        return [Reply(_("Approved."), toast=True),
                Reply(_("✅ Approved by {who}. It will go out with the next campaign slot.")
                      .format(who=who(coordinator)), edit=True)]

    def ask_reason(self, account: str, report_id: int, coordinator: Person,
                   now: dt.datetime) -> list[Reply]:
        from outreach.db.models import PersonAccount

        with self.store.session() as session:
            row = session.get(PersonAccount, account)
            assert row is not None
            row.dialog = {**(row.dialog or {}), "reject_reason": report_id}
            row.updated_at = now
            session.add(row)
            title = self._title(session, report_id)
        return [Reply(_("Write the reason in your private chat with the bot."), toast=True),
                Reply(_("✋ {who} is rejecting this report; the reporter will be told why.")
                      .format(who=who(coordinator)), edit=True),
                Reply(_("Why is the report “{title}” rejected? Write it in one message — I "
                        "will pass it on to the reporter. Changed your mind? Write “cancel”.")
                      .format(title=title), choices=[t.back_button()])]

    def reason(self, account: str, report_id: int, text: str, now: dt.datetime) -> list[Reply]:
        """A coordinator wrote why report ``report_id`` is rejected (or "cancel")."""
        from outreach.db.models import PersonAccount

        with self.store.session() as session:
            row = session.get(PersonAccount, account)
            found = roster.account_of(session, account)
            if row is None or found is None:
                return []
            rest = {k: v for k, v in (row.dialog or {}).items() if k != "reject_reason"}
            row.dialog = rest or None
            session.add(row)
            coordinator = found[1]
        if is_cancel(text):
            self.announce(report_id)  # the card comes back with its buttons
            return [Reply(_("The report is not rejected; its card is in the coordinators' chat "
                            "again."))]
        reason = " ".join(text.split())[:1000]
        first, title = self._decide(report_id, "rejected", coordinator, reason, now)
        if not first:
            with self.store.session() as session:
                report = session.get(FieldReport, report_id)
                assert report is not None
                return [Reply(self._decided(session, report) or "")]
        self.tell_reporter(report_id, _(
            "A coordinator did not approve your report “{title}”. The reason: {reason}").format(
                title=title, reason=reason))
        self._tell_coordinators(_("❌ The report “{title}” was rejected by {who}. The reason: "
                                  "{reason}").format(title=title, who=who(coordinator),
                                                     reason=reason))
        return [Reply(_("Done: the reporter will be told the reason."))]

    # --- publications that need a person ---

    def publication(self, account: str, act: str, publication_id: int, coordinator: Person,
                    now: dt.datetime) -> list[Reply]:
        """Retry / Not posted / Posted on a card about a publication (= ``outreach
        publications retry`` / ``resolve --not-posted`` / ``resolve --posted URL``)."""
        from outreach.db.models import PersonAccount

        if self.actions is None:
            return [Reply(_("This button works while the service runs (outreach run)."),
                          toast=True)]
        try:
            if act == t.RETRY:
                self.actions.retry(self.store, publication_id, now=now)
                said = _("🔁 {who}: publication no. {id} is being sent again.")
            elif act == t.NOT_POSTED:
                self.actions.not_posted(self.store, publication_id, now=now)
                said = _("↩️ {who}: the post is not there; publication no. {id} is being sent "
                         "again.")
            else:
                with self.store.session() as session:
                    row = session.get(PersonAccount, account)
                    assert row is not None
                    row.dialog = {**(row.dialog or {}), "posted_link": publication_id}
                    session.add(row)
                return [Reply(_("Send the post's link in your private chat with the bot."),
                              toast=True),
                        Reply(_("Please send the link to the post of publication no. {id}: "
                                "open the post and copy its address (or use “Share” → "
                                "“Copy link”). Changed your mind? Write “cancel”.").format(
                                    id=publication_id), choices=[t.back_button()])]
        except StateError:
            return [Reply(self._publication_done(publication_id), toast=True)]
        self._record_publication(coordinator, act, publication_id, now)
        return [Reply(_("Done."), toast=True),
                Reply(said.format(who=who(coordinator), id=publication_id), edit=True)]

    def posted_link(self, account: str, publication_id: int, text: str,
                    now: dt.datetime) -> list[Reply]:
        """A coordinator sent the link to a post that did go out (or "cancel")."""
        from outreach.db.models import PersonAccount

        with self.store.session() as session:
            row = session.get(PersonAccount, account)
            found = roster.account_of(session, account)
            if row is None or found is None:
                return []
            coordinator = found[1]
            if is_cancel(text):
                row.dialog = {k: v for k, v in (row.dialog or {}).items()
                              if k != "posted_link"} or None
                session.add(row)
                return [Reply(_("Nothing changed; the publication still waits for a "
                                "decision."))]

        def read_id(channel: str, url: str) -> str | None:
            try:
                return self.registry.plugin_class(channel).external_id_from_url(url) \
                    if self.registry is not None else None
            except OutreachError:
                return None

        actions = self.actions
        if actions is None:
            return []
        if actions.check_url(text) is not None:
            return [Reply(_("This does not look like a link to a post. Copy the address of "
                            "the post (it begins with https://) and send it here."))]
        try:
            actions.posted(self.store, publication_id, text.strip(), read_id=read_id, now=now)
        except StateError:
            self._forget_pending(account, "posted_link")
            return [Reply(self._publication_done(publication_id))]
        self._forget_pending(account, "posted_link")
        self._record_publication(coordinator, t.POSTED, publication_id, now)
        self._tell_coordinators(_("✅ {who}: publication no. {id} is on the platform: {url}")
                                .format(who=who(coordinator), id=publication_id,
                                        url=text.strip()))
        return [Reply(_("Recorded: publication no. {id} went out.").format(id=publication_id))]

    def _forget_pending(self, account: str, key: str) -> None:
        from outreach.db.models import PersonAccount

        with self.store.session() as session:
            row = session.get(PersonAccount, account)
            if row is not None:
                row.dialog = {k: v for k, v in (row.dialog or {}).items() if k != key} or None
                session.add(row)

    def _record_publication(self, coordinator: Person, act: str, publication_id: int,
                            now: dt.datetime) -> None:
        with self.store.session() as session:
            action = AuditAction.publication_retried if act == t.RETRY \
                else AuditAction.publication_resolved
            audit.record(session, audit.person_actor(coordinator.id or 0), action, at=now,
                         detail={"publication": publication_id, "button": act})

    def _publication_done(self, publication_id: int) -> str:
        """Who dealt with the publication first, in words (its state otherwise)."""
        from outreach.db.models import Publication
        from outreach.db.states import PublicationStatus, label

        with self.store.session() as session:
            for entry in audit.entries(session, limit=500):
                if (entry.detail or {}).get("publication") == publication_id and \
                        entry.action in (AuditAction.publication_resolved,
                                         AuditAction.publication_retried):
                    actor = entry.actor.removeprefix("person:")
                    by = session.get(Person, int(actor)) if actor.isdigit() else None
                    return _("Already done by {who} ({when}).").format(
                        who=who(by) if by else entry.actor, when=self._moment(entry.at))
            publication = session.get(Publication, publication_id)
            state = label(publication.status, PublicationStatus) if publication else "—"
        return _("Nothing to do: publication no. {id} is {state} now.").format(
            id=publication_id, state=state)

    def details(self, report_id: int) -> str:
        from outreach.library.stories import photos_of

        with self.store.session() as session:
            report = session.get(FieldReport, report_id)
            assert report is not None
            story = session.get(Story, report.story_id)
            assert story is not None
            count = len(photos_of(session, story.id or 0))
            reporter = session.get(Person, report.person_id)
            sent = _("Sent on {when}").format(when=self._moment(report.submitted_at))
            lines = [_("Report no. {id}: “{title}”").format(id=story.id, title=story.title),
                     "", story.body.strip(), "",
                     *self._facts(story, reporter, count), sent,
                     _("To approve from the server: outreach content approve {id}").format(
                         id=story.id)]
        return "\n".join(lines)

    # --- helpers ---

    def _decided(self, session: Session, report: FieldReport) -> str | None:
        """Who decided ``report`` first, in words; None when nobody has."""
        if report.decision is None:
            return None
        by = session.get(Person, report.decided_by) if report.decided_by else None
        when = self._moment(report.decided_at)
        if report.decision == "approved":
            return _("Already approved by {who} ({when}).").format(who=who(by), when=when)
        return _("Already rejected by {who} ({when}).").format(who=who(by), when=when)

    def _decide(self, report_id: int, decision: str, coordinator: Person, reason: str | None,
                now: dt.datetime) -> tuple[bool, str]:
        """Record the decision unless one was made: (whether this one was first, title)."""
        import sqlalchemy as sa

        table = FieldReport.__table__
        with self.store.session() as session:
            changed = session.execute(sa.update(table).where(
                table.c.id == report_id, table.c.decision.is_(None)).values(
                    decision=decision, decided_by=coordinator.id,
                    decided_at=now, reason=reason))
            first = bool(getattr(changed, "rowcount", 0))
            report = session.get(FieldReport, report_id)
            assert report is not None
            if first:
                action = AuditAction.approved if decision == "approved" else AuditAction.rejected
                audit.record(session, audit.person_actor(coordinator.id or 0), action,
                             person_id=report.person_id, story_id=report.story_id, at=now,
                             detail={"reason": reason} if reason else None)
            return first, self._title(session, report_id)

    def _title(self, session: Session, report_id: int) -> str:
        report = session.get(FieldReport, report_id)
        story = session.get(Story, report.story_id) if report is not None else None
        return story.title if story is not None else "—"

    def _story_of(self, report_id: int) -> str:
        with self.store.session() as session:
            report = session.get(FieldReport, report_id)
            return str(report.story_id) if report is not None else "?"

    def _moment(self, when: dt.datetime | None) -> str:
        if when is None:
            return "—"
        local = when.astimezone(self.zone)
        return f"{format_date(local.date())} {format_time(local)}"

    def tell_reporter(self, report_id: int, text: str) -> None:
        with self.store.session() as session:
            report = session.get(FieldReport, report_id)
            if report is None:
                return
            channel, account = report.channel, report.account
        person = account.split(":", 1)[1] if ":" in account else account
        try:
            if self.registry is None:
                return
            target = self.registry.get(channel)
            target.notify(target.private_chat(person), text)
        except Exception as exc:  # noqa: BLE001  (the decision stands; the message is lost)
            log.warning(_("could not tell the reporter of report {id} ({error})").format(
                id=report_id, error=type(exc).__name__))

    def _tell_coordinators(self, text: str) -> None:
        settings = self.config.signups
        if not settings.coordinators_channel or not settings.coordinators_chat \
                or self.registry is None:
            return
        try:
            self.registry.get(settings.coordinators_channel).notify(
                settings.coordinators_chat, text)
        except Exception as exc:  # noqa: BLE001
            log.warning(_("could not tell the coordinators' chat ({error})").format(
                error=type(exc).__name__))
