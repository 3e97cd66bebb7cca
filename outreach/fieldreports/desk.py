"""The desk at every bot's door: who is writing, and who answers them.

- ``/start inv_…`` (an invitation link): the person is enrolled (``roster.enrol``).
- A button of the coordinators' cards ("c:…"), or a coordinator's reason for a
  rejection: ``decisions``.
- A reporter or coordinator (an enrolled account): their report dialog.
- Anyone else who sends photos: a polite answer, and nothing is stored.
- Everyone else: the sign-up desk, as before.

Like the sign-up desk, each person's messages are handled one at a time (a
striped lock), each event once (``outreach.signups.events``), and a flood
is answered once and then not read. Photos are downloaded before the step's
transaction (a download may take seconds; the store is not held meanwhile),
named by the platform's unique id, so a repeat finds them already there.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import Incoming, Reply, SignupDesk
from outreach.db.models import FieldReport, PersonAccount, SignUp, utcnow
from outreach.errors import OutreachError
from outreach.fieldreports import files
from outreach.fieldreports.decisions import Decisions, PublicationActions
from outreach.fieldreports.dialog import KEEP, Outcome, ReportDialog, pending_only
from outreach.fieldreports.folders import Told, import_story, library_folder, write_story
from outreach.i18n import _
from outreach.people import audit, roster
from outreach.people.audit import AuditAction
from outreach.signups import events
from outreach.signups.flood import Flood

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.reports")
_LOCKS = 64


class FrontDesk(SignupDesk):
    """Routes each message to enrolment, the report dialog, the coordinators' desk or the
    sign-up desk (``signups``; None when the sign-up bots are off)."""

    def __init__(self, store: Store, config: Config, registry: Registry | None,
                 signups: SignupDesk | None, clock: Callable[[], dt.datetime] = utcnow,
                 flood: Flood | None = None, actions: PublicationActions | None = None) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.signups = signups
        self.clock = clock
        # A reporter's album is ten messages: a little more room than a sign-up's.
        self.flood = flood or Flood(per_minute=60, per_day=600)
        self.dialog = ReportDialog(config)
        self.decisions = Decisions(store, config, registry, actions)
        self._locks = [threading.Lock() for _ in range(_LOCKS)]

    # --- the SignupDesk contract ---

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        account = self.person_key(channel, message.person)
        choice = message.choice or ""
        if choice.startswith("c:"):
            return self._guarded(account, lambda: self.decisions.press(
                account, choice, self.clock()))
        if message.chat is not None:
            return []  # a group's button that is not ours: nothing to do
        if message.started and roster.is_invitation(message.start_code):
            return self._guarded(account, lambda: self._enrol(channel, account, message))
        with self.store.session() as session:
            found = roster.account_of(session, account)
            pending = copy.deepcopy(found[0].dialog) if found else None
        if found is not None:
            typed = message.text if message.text and not message.files \
                and not message.started else None
            if pending and pending.get("reject_reason") and typed:
                return self._guarded(account, lambda: self.decisions.reason(
                    account, int(pending["reject_reason"]), typed, self.clock()))
            if pending and pending.get("posted_link") and typed:
                return self._guarded(account, lambda: self.decisions.posted_link(
                    account, int(pending["posted_link"]), typed, self.clock()))
            if pending and pending.get("consent_form") and typed:
                return self._guarded(account, lambda: self.decisions.late_consent.answer(
                    account, int(pending["consent_form"]), typed, self.clock()))
            return self._guarded(account, lambda: self._report(channel, account, message))
        if message.files or choice.startswith("r:"):
            if self.signups is None or not self._signing_up(account):
                return [Reply(_(
                    "Thank you for the photos! I take photo reports only from the centre's "
                    "reporters, so I did not keep them. If you would like to send reports, "
                    "ask a coordinator for an invitation link."))]
        if self.signups is None:
            return [Reply(_("Hello! This bot takes photo reports from the centre's "
                            "reporters. To become one, ask a coordinator for an invitation "
                            "link."))]
        return self.signups.handle(channel, message)

    def delivered(self, channel: str, message: Incoming) -> None:
        if message.event:
            events.delivered(self.store, self.person_key(channel, message.event))

    def joined(self, channel: str, person: str, at: dt.datetime) -> None:
        if self.signups is not None:
            self.signups.joined(channel, person, at)

    def person_key(self, channel: str, person: str) -> str:
        section = self.config.channels.get(channel)
        plugin = section.plugin if section is not None else channel
        return f"{plugin}:{person}"

    # --- enrolment ---

    def _enrol(self, channel: str, account: str, message: Incoming) -> list[Reply]:
        from outreach.people.roster import Enrolment

        now = self.clock()
        code = message.start_code or ""

        def step(session: Session) -> tuple[list[Reply], None]:
            outcome, person = roster.enrol(session, code, account, channel, now)
            if outcome in (Enrolment.enrolled, Enrolment.again) and person is not None:
                from outreach.fieldreports.texts import greeting

                return [Reply(greeting(person.name, person.role == "coordinator"))], None
            reasons = {
                Enrolment.used: _("This invitation link has already been used. Ask the "
                                  "coordinator for a new one."),
                Enrolment.expired: _("This invitation link has expired. Ask the coordinator "
                                     "for a new one."),
                Enrolment.revoked: _("This invitation is no longer valid. Ask the "
                                     "coordinator if you think this is a mistake."),
            }
            return [Reply(reasons.get(outcome, _(
                "I do not know this invitation link. Please check that it was copied whole, "
                "or ask the coordinator for a new one.")))], None

        replies, _none = events.in_transaction(self.store, lambda session: events.once(
            session, self._event(channel, message), now, lambda: step(session), account))
        return replies

    # --- reports ---

    def _report(self, channel: str, account: str, message: Incoming) -> list[Reply]:
        now = self.clock()
        with self.store.session() as session:
            found = roster.account_of(session, account)
            step = ((found[0].dialog or {}).get("step") if found else None)
        if step == "finishing":  # a crash left it half saved: finish it now
            return self.finish(account)
        taken: list[files.Taken] = []
        if message.files:
            folder = files.staging(self.config.data_dir, account)
            target = self.registry.get(channel) if self.registry is not None else None
            if target is not None:
                taken = [files.take(target, item, folder) for item in message.files]

        def step_in(session: Session) -> tuple[list[Reply], Outcome | None]:
            found = roster.account_of(session, account, lock=True,
                                      postgres=not self.store.is_sqlite)
            if found is None:
                return [], None
            row, person = found
            if message.started and (row.dialog or {}).get("step"):
                return self.dialog.resume(row, person), None
            outcome = self.dialog.step(row, person, message, taken, now)
            row.updated_at = now
            session.add(row)
            return outcome.replies, outcome

        # A button press answers what the bot asked: nothing asked before it is owed again.
        replies, outcome = events.in_transaction(self.store, lambda session: events.once(
            session, self._event(channel, message), now, lambda: step_in(session), account,
            answer=bool(message.choice)))
        if outcome is not None and outcome.erase:
            files.erase(self.config.data_dir, account)
        if outcome is None or outcome.finish:
            # A repeat of the step that finished the report (its worker died before saving
            # it) finishes it too; otherwise finish() finds nothing to do.
            replies = [*replies, *self.finish(account)]
        return replies

    def finish(self, account: str) -> list[Reply]:
        """Write the told report into the library, import it, show it to the coordinators."""
        now = self.clock()
        with self.store.session() as session:
            found = roster.account_of(session, account)
            if found is None or (found[0].dialog or {}).get("step") != "finishing":
                return []
            row, person = found
            dialog: dict[str, Any] = copy.deepcopy(row.dialog or {})
            if not dialog.get("folder"):
                # Chosen once, before anything is written: a retry writes the same folder.
                dialog["folder"] = str(library_folder(self.config, self._told(dialog, person)))
                row.dialog = dialog
                session.add(row)
            channel = row.channel
        told = self._told(dialog, person)
        folder = Path(dialog["folder"])
        staging = files.staging(self.config.data_dir, account)
        try:
            write_story(self.config, staging, folder, told)
            story_id = import_story(self.store, self.config, folder)
        except OutreachError as exc:
            log.error(_("a report could not be saved in the library ({folder}): {error}")
                      .format(folder=folder, error=exc))
            return [Reply(_("Sorry, I could not save the report. The coordinators will look "
                            "into it; your photos are kept."))]
        with self.store.session() as session:
            from sqlmodel import select

            report = session.exec(select(FieldReport).where(
                FieldReport.story_id == story_id)).first()
            if report is None:
                report = FieldReport(story_id=story_id, person_id=person.id or 0,
                                     account=account, channel=channel, submitted_at=now)
                session.add(report)
                session.flush()
                actor = audit.person_actor(person.id or 0)
                audit.record(session, actor, AuditAction.report_submitted,
                             person_id=person.id, story_id=story_id, at=now,
                             detail={"photos": len(told.photos)})
                if told.consent_by:
                    audit.record(session, actor, AuditAction.consent_recorded,
                                 person_id=person.id, story_id=story_id, at=now)
            report_id = report.id or 0
            current = session.get(PersonAccount, account)
            if current is not None:
                current.dialog = pending_only(current.dialog or {})
                current.updated_at = now
                session.add(current)
        files.erase(self.config.data_dir, account)
        self.decisions.announce(report_id)
        thanks = _("Thank you! The report “{title}” has gone to the coordinators. I will write "
                   "when it is approved and published.").format(title=told.title)
        if not told.consent_by:
            thanks += " " + _("It can be published only when everyone in the photos agrees: "
                              "when they have, tell a coordinator.")
        return [Reply(thanks)]

    def _told(self, dialog: dict[str, Any], person: Any) -> Told:
        text = (dialog.get("text") or "").strip()
        title = dialog.get("title") or text.split("\n", 1)[0][:100] or _("Report")
        first, _sep, rest = text.partition("\n")
        if rest.strip() and first.strip().rstrip(".!… ") == title.rstrip("…"):
            text = rest.strip()  # the title came from the first line: not said twice
        consent = bool(dialog.get("consent"))
        by = person.name or _("reporter no. {id}").format(id=person.id)
        return Told(
            title=title,
            body=text, event_date=dt.date.fromisoformat(dialog.get("date") or
                                                        self.clock().date().isoformat()),
            municipality=dialog.get("municipality"), kind=dialog.get("kind") or "photo-report",
            photos=[p["file"] for p in dialog.get("photos") or [] if p.get("file")],
            consent_by=by if consent else None,
            consent_at=dt.datetime.fromisoformat(dialog["consent_at"])
            if consent and dialog.get("consent_at") else None,
            credit=person.name)

    # --- helpers ---

    def _guarded(self, account: str, work: Callable[[], list[Reply]]) -> list[Reply]:
        limited = self.flood.check(account)
        if limited is not None:  # not read into the store: a flood must not grow it
            if not limited:
                return []
            return [Reply(_("You are sending messages very fast. Please wait a minute."))
                    if limited == "too_fast" else
                    Reply(_("That is a lot of messages for one day. Please go on tomorrow."))]
        with self._locks[zlib.crc32(account.encode("utf-8")) % _LOCKS]:
            return work()

    def _event(self, channel: str, message: Incoming) -> str | None:
        return self.person_key(channel, message.event) if message.event else None

    def _signing_up(self, account: str) -> bool:
        from sqlmodel import col, select

        with self.store.session() as session:
            return session.exec(select(SignUp.id).where(
                SignUp.person == account, col(SignUp.dialog).is_not(None))).first() is not None



def erase_abandoned(store: Store, data_dir: Path, now: dt.datetime) -> int:
    """Reports left halfway for longer than ``KEEP``: their dialog and photos erased."""
    from sqlmodel import col, select

    erased = 0
    with store.session() as session:
        rows = session.exec(select(PersonAccount).where(
            col(PersonAccount.dialog).is_not(None),
            col(PersonAccount.updated_at) < now - KEEP)).all()
        for row in rows:
            if (row.dialog or {}).get("step") in ("finishing", None):
                continue  # a report being saved, or only a coordinator's pending rejection
            row.dialog = pending_only(row.dialog or {})
            session.add(row)
            files.erase(data_dir, row.key)
            erased += 1
    return erased
