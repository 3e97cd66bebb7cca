"""The «Consent received» button on a report's card: consent obtained after the report.

A reporter who answered that not everyone in the photos had agreed leaves a card
that cannot be approved. When the people sign a form later, a coordinator presses
the button, writes in their private chat with the bot what shows the consent (the
form's number and date), and it is recorded as ``outreach content consent``
records it: in the story's story.md, then in the store and the audit log. The card
comes back to the coordinators' chat, its Approve button now working.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from outreach.channels import Reply
from outreach.db.models import FieldReport, Person, PersonAccount, Story
from outreach.errors import OutreachError
from outreach.fieldreports import texts as t
from outreach.i18n import _
from outreach.people import audit, roster
from outreach.signups.desk import is_cancel

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store

log = logging.getLogger("outreach.reports")

PENDING = "consent_form"  # the account's dialog key while the bot waits for the answer
FORM_LENGTH = 200  # as story.md's consent.form


class LateConsent:
    """Asks a coordinator what shows the consent, then records it."""

    def __init__(self, store: Store, config: Config, announce: Callable[[int], bool],
                 name_of: Callable[[Person | None], str]) -> None:
        self.store = store
        self.config = config
        self.announce = announce  # puts a report's card back in the coordinators' chat
        self.name_of = name_of  # how coordinators see a person

    def ask(self, account: str, report_id: int, coordinator: Person,
            now: dt.datetime) -> list[Reply]:
        with self.store.session() as session:
            report = session.get(FieldReport, report_id)
            story = session.get(Story, report.story_id) if report is not None else None
            if story is not None and story.consent_recorded:
                return [Reply(_("The consent is already recorded ({who}): the report can be "
                                "approved.").format(who=story.consent_by), toast=True)]
            title = story.title if story is not None else "—"
            row = session.get(PersonAccount, account)
            assert row is not None
            row.dialog = {**(row.dialog or {}), PENDING: report_id}
            row.updated_at = now
            session.add(row)
        return [Reply(_("Write what shows the consent in your private chat with the bot."),
                      toast=True),
                Reply(_("📝 {who} is recording the consent of the people in the photos.")
                      .format(who=self.name_of(coordinator)), edit=True),
                Reply(_("What shows that everyone in the photos of “{title}” agreed? Write "
                        "the signed form's number and date in one message, e.g. “form no. 12 "
                        "of 1 December”. Changed your mind? Write “cancel”.").format(
                            title=title), choices=[t.back_button()])]

    def answer(self, account: str, report_id: int, text: str,
               now: dt.datetime) -> list[Reply]:
        """A coordinator wrote what shows the consent of report ``report_id`` (or "cancel")."""
        from outreach.library.consent import record_consent

        with self.store.session() as session:
            row = session.get(PersonAccount, account)
            found = roster.account_of(session, account)
            report = session.get(FieldReport, report_id)
            if row is None or found is None:
                return []
            row.dialog = {k: v for k, v in (row.dialog or {}).items() if k != PENDING} or None
            session.add(row)
            coordinator = found[1]
            story_id = report.story_id if report is not None else None
        if is_cancel(text) or story_id is None:
            self.announce(report_id)  # the card comes back with its buttons
            return [Reply(_("Nothing changed: the consent is still not recorded; the card is "
                            "in the coordinators' chat again."))]
        form = " ".join(text.split())[:FORM_LENGTH]
        try:
            record_consent(self.store, story_id, by=self.name_of(coordinator), form=form,
                           actor=audit.person_actor(coordinator.id or 0),
                           municipalities=self.config.municipalities,
                           time_zone=self.config.time_zone, now=now)
        except OutreachError as exc:
            log.warning(_("the consent of story {id} could not be recorded from the "
                          "coordinators' chat: {error}").format(id=story_id, error=exc))
            self.announce(report_id)
            return [Reply(_("The consent could not be written into the story's file; it is "
                            "not recorded. Ask the administrator to run: outreach content "
                            "consent {id} --form \"…\"").format(id=story_id))]
        log.info(_("Consent for story {story} was recorded in the coordinators' chat by "
                   "person {person}").format(story=story_id, person=coordinator.id))
        self.announce(report_id)
        return [Reply(_("Recorded: the consent ({form}). The report's card is in the "
                        "coordinators' chat again: it can be approved now.").format(form=form))]
