"""Planning: turning a campaign's due slots into publications in the outbox.

The store keeps each campaign's last planned slot, so planning is a pure
function of the campaign file, the store and the time: running it twice, in
two processes, or after a restart plans every slot once. A slot planned late
(the service was down) is planned if it is within the campaign's grace
window; older ones are recorded as skipped, never published late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from outreach.db.models import Campaign, CampaignSlot, Publication, utcnow
from outreach.db.states import PublicationStatus, SlotOutcome
from outreach.db.upsert import insert_for
from outreach.i18n import SOURCE_LANGUAGE, _, current_language, format_datetime, ngettext

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.config import Config
    from outreach.db import Store

log = logging.getLogger("outreach.planner")

CAMPAIGN = Campaign.__table__
SLOT = CampaignSlot.__table__
PUB = Publication.__table__


@dataclass
class PlanReport:
    planned: list[tuple[dt.datetime, int]] = field(default_factory=list)  # slot, publications
    empty: list[dt.datetime] = field(default_factory=list)
    skipped: int = 0

    def __bool__(self) -> bool:
        return bool(self.planned or self.empty or self.skipped)


def sync_campaigns(store: Store, specs: Iterable[CampaignSpec]) -> dict[str, int]:
    """Make the campaign table match the files: new rows, changed names, (de)activation.

    A campaign whose file is gone is marked inactive; its history stays.
    Several workers may sync at once: a row another worker just added is kept.
    Returns slug → campaign id for the given specs.
    """
    specs = list(specs)
    now = utcnow()
    with store.engine.begin() as connection:
        insert = insert_for(connection.dialect.name)
        rows = [{"slug": spec.slug, "name": spec.name, "definition_hash": spec.definition_hash,
                 "active": spec.active, "updated_at": now} for spec in specs]
        for batch in _batches(rows):
            connection.execute(insert(CAMPAIGN).values(batch)
                               .on_conflict_do_nothing(index_elements=["slug"]))
        existing = {row.slug: row for row in connection.execute(sa.select(CAMPAIGN))}
        for spec in specs:
            row = existing[spec.slug]
            if (row.name, row.definition_hash, row.active) != (
                    spec.name, spec.definition_hash, spec.active):
                connection.execute(sa.update(CAMPAIGN).where(CAMPAIGN.c.id == row.id).values(
                    name=spec.name, definition_hash=spec.definition_hash, active=spec.active,
                    updated_at=now))
        known = {spec.slug for spec in specs}
        gone = [row.id for slug, row in existing.items() if slug not in known and row.active]
        if gone:
            connection.execute(sa.update(CAMPAIGN).where(CAMPAIGN.c.id.in_(gone))
                               .values(active=False, updated_at=now))
    return {spec.slug: existing[spec.slug].id for spec in specs}


def _batches(rows: list[dict[str, Any]], size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches that stay under PostgreSQL's 65,535 parameters a statement."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def plan_due(store: Store, config: Config, spec: CampaignSpec, campaign_id: int,
             now: dt.datetime, ahead: dt.timedelta = dt.timedelta(0)) -> PlanReport:
    """Plan every slot of ``spec`` due by ``now + ahead`` and not yet planned.

    Planning a little ahead lets a publication be waiting in the outbox when
    its slot comes: it is due at its slot, not when it was planned.
    """
    from outreach.campaigns.schedule import slots_between

    report = PlanReport()
    if not spec.active:
        return report
    with store.engine.connect() as connection:
        last = connection.execute(
            sa.select(CAMPAIGN.c.last_planned_slot).where(CAMPAIGN.c.id == campaign_id)
        ).scalar()
    horizon = now - spec.grace
    if last is None:
        # A campaign seen for the first time missed nothing: it starts with its
        # latest slot still within the grace window, if there is one.
        slots = slots_between(spec, horizon - dt.timedelta(microseconds=1), now)[-1:]
        slots += slots_between(spec, slots[-1] if slots else now, now + ahead)
    else:
        slots = slots_between(spec, last, now + ahead)
    late = [slot for slot in slots if slot < horizon]
    if late:
        _record_skipped(store, spec, campaign_id, late, now)
        report.skipped = len(late)
    for slot in slots:
        if slot < horizon:
            continue
        count = _plan_slot(store, config, spec, campaign_id, slot, now)
        if count:
            report.planned.append((slot, count))
        elif count == 0:
            report.empty.append(slot)
    return report


def _advance(session: Session, campaign_id: int, slot: dt.datetime) -> bool:
    """Move the campaign's last planned slot forward to ``slot``; False if already there."""
    # An UPDATE's result is a cursor result, which counts the rows.
    result = cast("sa.CursorResult[Any]", session.execute(
        sa.update(CAMPAIGN)
        .where(CAMPAIGN.c.id == campaign_id,
               sa.or_(CAMPAIGN.c.last_planned_slot.is_(None),
                      CAMPAIGN.c.last_planned_slot < slot))
        .values(last_planned_slot=slot)
    ))
    return bool(result.rowcount)


def _plan_slot(store: Store, config: Config, spec: CampaignSpec, campaign_id: int,
               slot: dt.datetime, now: dt.datetime) -> int | None:
    """Write one slot's publications and its log line in one transaction.

    Returns how many publications it planned, or None when another worker
    planned the slot first.
    """
    from outreach.campaigns.selection import pick_for_slot

    with store.session() as session:
        if not _advance(session, campaign_id, slot):
            return None  # another worker planned it first; its transaction holds the rows
        chosen = pick_for_slot(session, spec, config, slot)
        rows: list[dict[str, object]] = [
            {"campaign_id": campaign_id, "story_id": story.id, "channel": channel,
             "slot": slot, "status": PublicationStatus.planned, "attempts": 0,
             "next_attempt_at": slot, "created_at": now}
            for story, channels in chosen for channel in channels
        ]
        created = _insert_new(session, rows, campaign_id)
        outcome = SlotOutcome.planned if created else SlotOutcome.empty
        detail = None if created else _("no approved story left for this slot")
        _insert_slot(session, campaign_id, slot, outcome, created, detail, now)
    if created:
        log.info(ngettext("Campaign {slug}: slot {slot} planned, {count} publication",
                          "Campaign {slug}: slot {slot} planned, {count} publications",
                          created).format(slug=spec.slug, count=created,
                                          slot=_local(spec, slot)))
    else:
        log.warning(_("Campaign {slug}: slot {slot} has no approved story left to "
                      "publish: import and approve new ones (`outreach content import`, "
                      "`outreach content approve`) or let stories come again "
                      "(`reuse_after_days` in the campaign file)").format(
                          slug=spec.slug, slot=_local(spec, slot)))
    return created


def _insert_new(session: Session, rows: list[dict[str, object]], campaign_id: int) -> int:
    """Insert publications, ignoring any that already exist (same story, channel, slot).

    Each new publication gets its referral code: its sign-up link attributes
    the volunteers it brings.
    """
    from outreach.signups.referrals import new_code, publication_codes

    if not rows:
        return 0
    for row in rows:
        row["referral_code"] = new_code()
    insert = insert_for(session.get_bind().dialect.name)
    created: list[tuple[int, str, str]] = []
    for batch in _batches(rows):
        statement = insert(PUB).values(batch).on_conflict_do_nothing(
            index_elements=["story_id", "channel", "slot"]).returning(
                PUB.c.id, PUB.c.channel, PUB.c.referral_code)
        created += session.execute(statement).all()
    publication_codes(session, campaign_id, created)
    return len(created)


def _insert_slot(session: Session, campaign_id: int, slot: dt.datetime, outcome: str,
                 publications: int, detail: str | None, now: dt.datetime) -> None:
    insert = insert_for(session.get_bind().dialect.name)
    session.execute(insert(SLOT).values(
        campaign_id=campaign_id, slot=slot, outcome=outcome, publications=publications,
        detail=detail, recorded_at=now,
    ).on_conflict_do_nothing(index_elements=["campaign_id", "slot"]))


def _record_skipped(store: Store, spec: CampaignSpec, campaign_id: int,
                    late: list[dt.datetime], now: dt.datetime) -> None:
    """One log line for a run of missed slots: they are never published late."""
    first, last_late = late[0], late[-1]
    detail = ngettext(
        "{count} slot from {first} to {last} was missed while the service was not "
        "running, beyond the grace window of {grace}",
        "{count} slots from {first} to {last} were missed while the service was not "
        "running, beyond the grace window of {grace}", len(late)).format(
            count=len(late), first=_local(spec, first), last=_local(spec, last_late),
            grace=_duration(spec.grace))
    with store.session() as session:
        if not _advance(session, campaign_id, last_late):
            return
        _insert_slot(session, campaign_id, first, SlotOutcome.skipped, 0, detail, now)
    log.warning(_("Campaign {slug}: {detail}").format(slug=spec.slug, detail=detail))


def _local(spec: CampaignSpec, slot: dt.datetime) -> str:
    """The slot as the campaign's clock shows it: "2026-12-07 10:00" in English, where
    scripts and tests have always read it; "7 декабря 2026, 10:00" in Russian."""
    local = slot.astimezone(spec.zone)
    if current_language() == SOURCE_LANGUAGE:
        return local.strftime("%Y-%m-%d %H:%M")
    return format_datetime(local)


def _duration(span: dt.timedelta) -> str:
    """A grace window in words: "2 hours", "1 day", "30 minutes"."""
    minutes = int(span.total_seconds() // 60)
    if minutes % 60:
        return ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)
    hours = minutes // 60
    if hours % 24:
        return ngettext("{count} hour", "{count} hours", hours).format(count=hours)
    return ngettext("{count} day", "{count} days", hours // 24).format(count=hours // 24)
