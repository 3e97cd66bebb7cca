"""What happened to publications, told to the people concerned — once, not once per retry.

- A reporter is told when their approved report went out, with the links.
- The coordinators' chat is told of a publication that failed for good (a
  channel whose token stopped working among them), with a Retry button; of one
  that went ``uncertain`` (the platform cannot tell whether the post exists),
  with buttons Posted / Not posted; and of a campaign slot that found no
  approved story.

"Once" is a row in ``ReportNotice`` taken before sending (a unique key, so of
several workers one sends); a message that could not be sent gives its row
back, to be tried at the next round. Only what happened in the last ``RECENT``
is told, so an upgrade does not announce a year of history.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.channels import Card
from outreach.db.models import (
    Campaign,
    CampaignSlot,
    FieldReport,
    Publication,
    PublicationAttempt,
    ReportNotice,
    Story,
)
from outreach.db.states import AttemptOutcome, PublicationStatus, SlotOutcome
from outreach.db.upsert import insert_for
from outreach.fieldreports import texts as t
from outreach.i18n import _, format_date, format_time

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.config import Config
    from outreach.db import Store
    from outreach.fieldreports.decisions import Decisions
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.reports")
RECENT = dt.timedelta(days=2)
NOTICE = ReportNotice.__table__


class News:
    """One round: ``tell(now)`` from the service's scheduler, every minute or so."""

    def __init__(self, store: Store, config: Config, registry: Registry,
                 decisions: Decisions) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.decisions = decisions
        self.zone = zoneinfo.ZoneInfo(config.time_zone)

    def tell(self, now: dt.datetime) -> int:
        """Send what is new; how many messages went out."""
        sent = self._published(now)
        if self.config.signups.coordinators_channel and self.config.signups.coordinators_chat:
            sent += self._troubles(now)
            sent += self._digest(now)
        return sent

    def _digest(self, now: dt.datetime) -> int:
        """The weekly digest, once, on Monday morning (``digest``)."""
        from outreach.fieldreports.digest import compose, week_key

        key = week_key(now, self.zone)
        if key is None or not self._take(key, now):
            return 0
        with self.store.session() as session:
            text = compose(session, self.config, now)
        settings = self.config.signups
        try:
            self.registry.get(settings.coordinators_channel or "").notify(
                settings.coordinators_chat or "", text)
        except Exception as exc:  # noqa: BLE001  (given back: tried again next round)
            self._give_back(key)
            log.warning(_("could not tell the coordinators' chat ({error})").format(
                error=type(exc).__name__))
            return 0
        return 1

    # --- reporters ---

    def _published(self, now: dt.datetime) -> int:
        from sqlmodel import col, select

        with self.store.session() as session:
            rows = session.exec(
                select(Publication, FieldReport, Story)
                .join(FieldReport, col(FieldReport.story_id) == col(Publication.story_id))
                .join(Story, col(Story.id) == col(Publication.story_id))
                .where(Publication.status == PublicationStatus.published.value,
                       col(Publication.published_at) >= now - RECENT)).all()
        links: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        titles: dict[int, str] = {}
        for publication, report, story in rows:
            if self._take(f"published:{publication.id}", now):
                links[report.id or 0].append((publication.channel, publication.url))
                titles[report.id or 0] = story.title
        for report_id, found in links.items():
            lines = [_("Your report “{title}” has been published:").format(
                title=titles[report_id])]
            missing = _("(no link)")
            lines += [f"• {self._channel_title(channel)}: {url or missing}"
                      for channel, url in found]
            lines.append(_("Thank you for the report!"))
            self.decisions.tell_reporter(report_id, "\n".join(lines))
        return len(links)

    # --- coordinators ---

    def _troubles(self, now: dt.datetime) -> int:
        from sqlmodel import col, select

        since = now - RECENT
        with self.store.session() as session:
            stuck = session.exec(
                select(Publication, Story).join(Story, col(Story.id) == col(Publication.story_id))
                .where(col(Publication.status).in_((PublicationStatus.failed.value,
                                                    PublicationStatus.uncertain.value)))).all()
            cards = []
            for publication, story in stuck:
                last = self._last_attempt(session, publication.id or 0)
                if last is None or last.finished_at is None or last.finished_at < since:
                    continue
                key = f"{publication.status}:{publication.id}:{last.number}"
                cards.append((key, self._trouble_card(publication, story, last.outcome)))
            empty = session.exec(
                select(CampaignSlot, Campaign).join(
                    Campaign, col(Campaign.id) == col(CampaignSlot.campaign_id))
                .where(CampaignSlot.outcome == SlotOutcome.empty.value,
                       col(CampaignSlot.recorded_at) >= since)).all()
            for slot, campaign in empty:
                cards.append((f"empty:{slot.id}", Card(_(
                    "📭 The slot of campaign “{name}” at {when} found no approved story, so "
                    "nothing went out. Approve a report here or with: outreach content "
                    "approve ID").format(name=campaign.name, when=self._moment(slot.slot)))))
        sent = 0
        settings = self.config.signups
        for key, card in cards:
            if not self._take(key, now):
                continue
            try:
                self.registry.get(settings.coordinators_channel or "").send_card(
                    settings.coordinators_chat or "", card)
                sent += 1
            except Exception as exc:  # noqa: BLE001  (given back: tried again next round)
                self._give_back(key)
                log.warning(_("could not tell the coordinators' chat ({error})").format(
                    error=type(exc).__name__))
        return sent

    def _trouble_card(self, publication: Publication, story: Story, outcome: str) -> Card:
        number = publication.id or 0
        channel = self._channel_title(publication.channel)
        if publication.status == PublicationStatus.uncertain.value:
            return Card(_(
                "❓ It is not known whether publication no. {id} went out (“{title}”, channel "
                "{channel}): the connection broke off while it was being sent. Look at the "
                "channel and press a button.").format(id=number, title=story.title,
                                                      channel=channel),
                choices=[(_("✅ It is there"), t.coordinator_value(t.POSTED, number)),
                         (_("↩️ It is not there"), t.coordinator_value(t.NOT_POSTED, number))])
        if outcome == AttemptOutcome.auth.value:
            text = _("🔑 Channel {channel} stopped accepting its token, so publication no. {id} "
                     "(“{title}”) did not go out: {error}").format(
                         channel=channel, id=number, title=story.title,
                         error=publication.last_error or "—")
        else:
            text = _("⚠️ Publication no. {id} (“{title}”, channel {channel}) failed: {error}"
                     ).format(id=number, title=story.title, channel=channel,
                              error=publication.last_error or "—")
        return Card(text, choices=[(_("🔁 Try again"), t.coordinator_value(t.RETRY, number))])

    # --- helpers ---

    def _take(self, key: str, now: dt.datetime) -> bool:
        """Take the notice ``key``: True for the one worker that is to send it."""
        with self.store.session() as session:
            insert = insert_for(session.get_bind().dialect.name)(NOTICE)
            return session.execute(insert.values(key=key, sent_at=now)
                                   .on_conflict_do_nothing(index_elements=["key"])
                                   .returning(NOTICE.c.key)).first() is not None

    def _give_back(self, key: str) -> None:
        with self.store.session() as session:
            session.execute(sa.delete(NOTICE).where(NOTICE.c.key == key))

    def _last_attempt(self, session: Session, publication_id: int) -> PublicationAttempt | None:
        from sqlmodel import col, select

        return session.exec(select(PublicationAttempt).where(
            PublicationAttempt.publication_id == publication_id).order_by(
                col(PublicationAttempt.number).desc())).first()

    def _channel_title(self, channel: str) -> str:
        return t.channel_title(self.config, channel)

    def _moment(self, when: dt.datetime | None) -> str:
        if when is None:
            return "—"
        local = when.astimezone(self.zone)
        return f"{format_date(local.date())} {format_time(local)}"
