"""The SQL behind ``outreach stats``: aggregate queries, one text for SQLite and PostgreSQL.

Plain SQL run by a ``Reader`` (``outreach.db.reader``): the command answers
through the database's own driver, before SQLAlchemy could even load. Tables
and columns are the store's (``outreach.db.models``; ``outreach.db.tables``
lists the ones read here, held to the models by a test); user values are
always parameters, and only numbers the code computes are written into the
text (a week's offsets: PostgreSQL must see the same expression in SELECT and
GROUP BY).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from outreach.db.reader import Reader
from outreach.db.states import (
    METRICS,
    PublicationStatus,
    SlotOutcome,
    counted_sql,
)
from outreach.stats import weeks
from outreach.stats.figures import AudienceChange, SlotWarning, StoryInfo


@dataclass(frozen=True)
class Grain:
    """Sums for one key of the grouping asked for, as the database added them up."""

    key: tuple[Any, ...]  # values of KEY_COLUMNS[by]: slugs, channels, weeks, story ids
    # publications, signups, then per metric the sum of the known values (0 when none
    # was known) and how many were known: see Figures.from_vector.
    vector: tuple[int, ...]


@dataclass
class Where:
    """The conditions of a WHERE clause and their parameters, in order."""

    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, condition: str, *params: Any) -> Where:
        self.conditions.append(condition)
        self.params.extend(params)
        return self

    def period(self, column: str, since: dt.datetime | None,
               until: dt.datetime | None) -> Where:
        """``column`` in [since, until), either end open when None."""
        if since is not None:
            self.add(f"{column} >= ?", since)
        if until is not None:
            self.add(f"{column} < ?", until)
        return self

    def __str__(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


def slugs_of(reader: Reader) -> dict[int, str]:
    """Every campaign's slug by its id (a handful of rows)."""
    return dict(reader.rows("SELECT id, slug FROM campaign"))


def _period_bounds(reader: Reader, table: str, column: str, since: dt.datetime | None,
                   until: dt.datetime | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and last moment ``column`` holds in the period (what a week needs to know)."""
    if since is not None and until is not None:
        return since, until
    # Two subqueries, not min() and max() in one: each then reads one end of the
    # column's index (SQLite scans the whole index for the pair).
    where = Where().period(column, since, until)
    first, last = reader.one(f"SELECT (SELECT min({column}) FROM {table} {where}), "
                             f"(SELECT max({column}) FROM {table} {where})",
                             where.params * 2)
    return since or reader.moment(first), until or reader.moment(last)


def _week(reader: Reader, table: str, alias: str, column: str, scope: Scope) -> str:
    """SQL: the week of ``alias.column`` on the clock of ``scope.zone``."""
    first, last = _period_bounds(reader, table, column, scope.since, scope.until)
    return weeks.week_number(reader.epoch_seconds(f"{alias}.{column}"), scope.zone, first, last)


def _keys(by: str, **keys: str) -> list[str]:
    """The SQL expressions a grouping groups by (see KEY_COLUMNS)."""
    return [keys[name] for name in by.split("-")]


def _grouped(keys: list[str]) -> str:
    return "GROUP BY " + ", ".join(str(n) for n in range(1, len(keys) + 1))


def _in(column: str, values: list[Any]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


@dataclass(frozen=True)
class Scope:
    """What the figures are of: a period, and perhaps one campaign or channel."""

    since: dt.datetime | None
    until: dt.datetime | None
    campaign_id: int | None = None
    channel: str | None = None
    zone: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("UTC")  # the clock weeks are counted on


def _engagement(reader: Reader, scope: Scope, by: str) -> tuple[str, list[Any]]:
    """SQL per key of ``by``: publications published in the period, and their latest
    figures: the key's columns, the count, then per metric the sum and how many knew it."""
    joined = ("publication AS p LEFT OUTER JOIN engagementlatest AS e "
              "ON e.publication_id = p.id")
    week = ""
    if by == "week":
        week = _week(reader, "publication", "p", "published_at", scope)
    if by == "municipality":
        joined += " LEFT OUTER JOIN story AS st ON st.id = p.story_id"
    keys = _keys(by, campaign="p.campaign_id", channel="p.channel", story="p.story_id",
                 municipality="st.municipality", week=week)
    figures = ["count(p.id)"]
    for metric in METRICS:
        figures += [f"sum(e.{metric})", f"count(e.{metric})"]
    where = (Where().add("p.status = ?", PublicationStatus.published.value)
             .period("p.published_at", scope.since, scope.until))
    if scope.campaign_id is not None:
        where.add("p.campaign_id = ?", scope.campaign_id)
    if scope.channel is not None:
        where.add("p.channel = ?", scope.channel)
    return (f"SELECT {', '.join(keys + figures)} FROM {joined} {where} "
            f"{_grouped(keys)}", where.params)


def _signups(reader: Reader, scope: Scope, by: str) -> tuple[str, list[Any]]:
    """SQL: attributed sign-ups per key of ``by``, the key's columns and the count (a
    poster's sign-ups fall under the municipality the person gave: a poster has no story)."""
    campaign = "coalesce(p.campaign_id, r.campaign_id)"
    to_channel = "coalesce(p.channel, r.channel)"
    joined = "signup AS s JOIN referralcode AS r ON r.id = s.referral_code_id"
    week = ""
    if by == "week":
        week = _week(reader, "signup", "s", "created_at", scope)
    if by != "week" or scope.campaign_id is not None or scope.channel is not None:
        # A week needs no publication: looking up each sign-up's would double its time.
        joined += " LEFT OUTER JOIN publication AS p ON p.id = r.publication_id"
    if by == "municipality":
        joined += " LEFT OUTER JOIN story AS st ON st.id = p.story_id"
    keys = _keys(by, campaign=campaign, channel=to_channel, story="p.story_id",
                 municipality="CASE WHEN p.id IS NOT NULL THEN st.municipality "
                              "ELSE s.municipality END", week=week)
    where = Where().add(counted_sql("s")).period("s.created_at", scope.since, scope.until)
    if scope.campaign_id is not None:
        where.add(f"{campaign} = ?", scope.campaign_id)
    if scope.channel is not None:
        where.add(f"{to_channel} = ?", scope.channel)
    return (f"SELECT {', '.join(keys)}, count(s.id) FROM {joined} {where} "
            f"{_grouped(keys)}", where.params)


def unattributed(reader: Reader, since: dt.datetime | None, until: dt.datetime | None) -> int:
    """Sign-ups of the period that came with no code."""
    where = (Where().add("s.referral_code_id IS NULL").add(counted_sql("s"))
             .period("s.created_at", since, until))
    return int(reader.one(f"SELECT count(s.id) FROM signup AS s {where}", where.params)[0])


def audience_changes(reader: Reader, since: dt.datetime | None, until: dt.datetime | None,
                     channels: Iterable[str] | None = None) -> list[AudienceChange]:
    """Per channel: its first and last member count in the period."""
    where = Where().add("members IS NOT NULL").period("taken_at", since, until)
    if channels is not None:
        wanted = list(channels)
        if not wanted:
            return []
        where.add(_in("channel", wanted), *wanted)
    query = ("SELECT a.channel, a.taken_at, a.members FROM audiencesnapshot AS a JOIN "
             "(SELECT channel, min(taken_at) AS earliest, max(taken_at) AS latest "
             f"FROM audiencesnapshot {where} GROUP BY channel) AS b "
             "ON b.channel = a.channel AND (a.taken_at = b.earliest OR a.taken_at = b.latest) "
             "WHERE a.members IS NOT NULL ORDER BY a.channel, a.taken_at, a.id")
    seen: dict[str, list[tuple[dt.datetime, int]]] = {}
    for name, taken_at, members in reader.rows(query, where.params):
        moment = reader.moment(taken_at)
        assert moment is not None  # taken_at is NOT NULL
        seen.setdefault(name, []).append((moment, members))
    return [AudienceChange(name, points[0][0], points[0][1], points[-1][0], points[-1][1])
            for name, points in sorted(seen.items())]


def slot_warnings(reader: Reader, since: dt.datetime | None, until: dt.datetime | None,
                  campaign_id: int | None) -> list[SlotWarning]:
    """Slots in the period that published nothing: no story left (empty), or missed (skipped)."""
    where = (Where().add("s.outcome IN (?, ?)", SlotOutcome.empty.value,
                         SlotOutcome.skipped.value)
             .period("s.slot", since, until))
    if campaign_id is not None:
        where.add("s.campaign_id = ?", campaign_id)
    query = ("SELECT c.slug, s.slot, s.outcome, s.detail FROM campaignslot AS s "
             f"JOIN campaign AS c ON c.id = s.campaign_id {where} ORDER BY s.slot, c.slug")
    return [SlotWarning(slug, reader.moment(slot), outcome, detail)  # type: ignore[arg-type]
            for slug, slot, outcome, detail in reader.rows(query, where.params)]


def grains(reader: Reader, scope: Scope, by: str,
           slugs: dict[int, str] | None = None) -> list[Grain]:
    """Publications, their figures and the sign-ups they brought, summed per key of ``by``
    by the database: a grain per row of the table, never one per publication."""
    if slugs is None:
        slugs = slugs_of(reader)
    width = 1 if by != "campaign-channel" else 2

    def key(values: tuple[Any, ...]) -> tuple[Any, ...]:
        if by in ("campaign-channel", "campaign"):
            return (slugs.get(values[0]), *values[1:])
        if by == "week":
            return (weeks.iso_week(values[0]),)
        return tuple(values)

    found = []
    no_engagement = (0,) * (2 * len(METRICS))
    for row in reader.rows(*_engagement(reader, scope, by)):
        values = row[width:]
        vector = (int(values[0]), 0, *(int(t or 0) for t in values[1::2]),
                  *(int(k) for k in values[2::2]))
        found.append(Grain(key(tuple(row[:width])), vector))
    for row in reader.rows(*_signups(reader, scope, by)):
        found.append(Grain(key(tuple(row[:width])), (0, int(row[-1]), *no_engagement)))
    return found


def channels_of(reader: Reader, scope: Scope) -> list[str]:
    """The channels a campaign published to, or brought sign-ups through, in the period."""
    return sorted({g.key[0] for g in grains(reader, scope, "channel") if g.key[0]})


def story_infos(reader: Reader, ids: Iterable[int]) -> dict[int, StoryInfo]:
    """Title and municipality of each story in ``ids``."""
    wanted = sorted(ids)
    found: dict[int, StoryInfo] = {}
    for start in range(0, len(wanted), 5000):  # stays under every driver's parameter limit
        part = wanted[start:start + 5000]
        query = f"SELECT id, title, municipality FROM story WHERE {_in('id', part)}"
        found.update({i: StoryInfo(i, t, m) for i, t, m in reader.rows(query, part)})
    return found
