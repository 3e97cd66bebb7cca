"""Figures entered by hand (``outreach results``): what the store cannot see.

Seminars held, agreements signed with municipalities, people helped at an
event nobody wrote a story about. Each is a whole number for a period; a
report counts those whose period lies inside its own. Enter a figure once,
for the shortest period it belongs to (a quarter's seminars under the
quarter, not also under each month), so that a year's report adds them up once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from outreach.db.models import Result, utcnow
from outreach.errors import NotFoundError, OutreachError, did_you_mean
from outreach.i18n import N_, _
from outreach.report.period import Period, parse_period

if TYPE_CHECKING:
    from outreach.db import Store

# The indicators a centre reports to the ministry, by stable identifier; shown translated.
INDICATORS: dict[str, str] = {
    "seminars": N_("Seminars and trainings held"),
    "events": N_("Events held (not written up as stories)"),
    "participants": N_("Participants (not counted in stories)"),
    "beneficiaries": N_("People helped (not counted in stories)"),
    "agreements": N_("Agreements with municipalities"),
    "municipalities": N_("Municipalities covered (by agreements or visits)"),
    "media": N_("Items in local media (press, radio, TV)"),
    "placements": N_("Posters and stands placed"),
    "other": N_("Other (see the note)"),
}


@dataclass(frozen=True)
class Entry:
    id: int
    period: str
    indicator: str
    value: int
    note: str | None

    @property
    def label(self) -> str:
        return indicator_label(self.indicator)


def indicator_label(indicator: str) -> str:
    english = INDICATORS.get(indicator)
    return _(english) if english else indicator


def check_indicator(indicator: str) -> str:
    name = indicator.strip().lower()
    if name not in INDICATORS:
        raise OutreachError(_("{name!r} is not an indicator the report knows; the indicators "
                              "are: {names}").format(name=indicator,
                                                     names=", ".join(INDICATORS))
                            + did_you_mean(name, list(INDICATORS)))
    return name


def _check_value(value: int) -> int:
    if value < 0:
        raise OutreachError(_("the value must be 0 or more, not {value}").format(value=value))
    return value


def add(store: Store, period: str, indicator: str, value: int, note: str | None) -> Entry:
    parsed = parse_period(period)
    name = check_indicator(indicator)
    _check_value(value)
    with store.session() as session:
        row = Result(period=parsed.text, starts_on=parsed.first, ends_on=parsed.last,
                     indicator=name, value=value, note=(note or "").strip() or None,
                     created_at=utcnow())
        session.add(row)
        session.flush()
        assert row.id is not None
        entry = _entry(row)
    return entry


def _entry(row: Result) -> Entry:
    assert row.id is not None
    return Entry(row.id, row.period, row.indicator, row.value, row.note)


def listed(store: Store, within: Period | None = None) -> list[Entry]:
    """Every figure, or those whose period lies inside ``within``; by period, then indicator."""
    query = sa.select(Result)
    if within is not None:
        query = query.where(Result.__table__.c.starts_on >= within.first,
                            Result.__table__.c.ends_on <= within.last)
    with store.session() as session:
        rows = session.execute(query).scalars().all()
        entries = [_entry(r) for r in rows]
        order = {r.id: (r.starts_on, r.ends_on) for r in rows}
    return sorted(entries, key=lambda e: (order[e.id], list(INDICATORS).index(e.indicator)
                                          if e.indicator in INDICATORS else 99, e.id))


def edit(store: Store, entry_id: int, *, period: str | None = None,
         indicator: str | None = None, value: int | None = None,
         note: str | None = None) -> Entry:
    with store.session() as session:
        row = session.get(Result, entry_id)
        if row is None:
            raise NotFoundError(_("no figure with id {id} (outreach results list shows them)")
                                .format(id=entry_id))
        if period is not None:
            parsed = parse_period(period)
            row.period, row.starts_on, row.ends_on = parsed.text, parsed.first, parsed.last
        if indicator is not None:
            row.indicator = check_indicator(indicator)
        if value is not None:
            row.value = _check_value(value)
        if note is not None:
            row.note = note.strip() or None
        row.updated_at = utcnow()
        entry = _entry(row)
    return entry


def remove(store: Store, entry_id: int) -> Entry:
    with store.session() as session:
        row = session.get(Result, entry_id)
        if row is None:
            raise NotFoundError(_("no figure with id {id} (outreach results list shows them)")
                                .format(id=entry_id))
        entry = _entry(row)
        session.delete(row)
    return entry
