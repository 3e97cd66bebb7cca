"""What each campaign and channel earned: publications, engagement, audience, sign-ups.

Figures are summed in SQL (``queries``: plain SQL through the database's own
driver, the same on SQLite and PostgreSQL) per row of the table asked for —
weeks too, on the centre's clock (``weeks``) — and per story for the top
stories; Python only puts each row's publications and sign-ups side by side.

Engagement is the latest snapshot of each publication published in the period.
A figure a platform does not report is NULL in the store (Telegram has no
views): a sum counts only the publications that reported the figure, and
``Figures.unreported`` says how many did not, so "unknown" is never shown as 0.
"""

from __future__ import annotations

import datetime as dt
import heapq
import zoneinfo
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach.stats.figures import AudienceChange, Figures, SlotWarning, StoryInfo

if TYPE_CHECKING:
    from outreach.db.reader import Readable, Reader
    from outreach.stats.funnel import FunnelRow
    from outreach.stats.queries import Grain, Scope

GROUPINGS = ("campaign-channel", "campaign", "channel", "municipality", "week", "story")
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "campaign-channel": ("campaign", "channel"),
    "campaign": ("campaign",),
    "channel": ("channel",),
    "municipality": ("municipality",),
    "week": ("week",),
    "story": ("story",),
}
TOP_STORIES = 5


@dataclass
class StatsRow:
    key: tuple[Any, ...]  # values of KEY_COLUMNS[by]
    figures: Figures


@dataclass
class StatsReport:
    since: dt.datetime | None
    until: dt.datetime | None
    by: str
    zone: zoneinfo.ZoneInfo
    rows: list[StatsRow]
    total: Figures
    top_stories: list[tuple[StoryInfo, Figures]]
    audience: list[AudienceChange]
    warnings: list[SlotWarning]
    unattributed_signups: int
    stories: dict[int, StoryInfo]  # the rows' (by story) and the top stories'
    funnel: list[FunnelRow] = field(default_factory=list)


def _summed(grains: Iterable[Grain]) -> dict[tuple[Any, ...], list[int]]:
    """Put together the publications' and the sign-ups' sums of each key."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    for grain in grains:
        k = grain.key
        total = sums.get(k)
        if total is None:
            sums[k] = list(grain.vector)
        else:
            sums[k] = [a + b for a, b in zip(total, grain.vector, strict=True)]
    return sums


def _roll_up(grains: Iterable[Grain]) -> dict[tuple[Any, ...], Figures]:
    return {k: Figures.from_vector(v) for k, v in _summed(grains).items()}


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """None (not tied to a campaign, story or municipality) sorts last."""
    return tuple((v is None, v if v is not None else 0) for v in key)


def compute_stats(store: Readable, *, zone: zoneinfo.ZoneInfo, since: dt.datetime | None = None,
                  until: dt.datetime | None = None, campaign: str | None = None,
                  channel: str | None = None, by: str = "campaign-channel",
                  rows_only: bool = False) -> StatsReport:
    """The whole report for the period [since, until), grouped ``by`` one of GROUPINGS.

    ``rows_only``: the table's rows and total, nothing else (what CSV holds): no top
    stories, audience, slot warnings, funnel or unattributed count. ``store``: the
    store, or its database opened ``outreach.db.reader.direct``.
    """
    from outreach.db.lookups import campaign_named
    from outreach.stats import queries

    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    report = StatsReport(since=since, until=until, by=by, zone=zone, rows=[], total=Figures(),
                         top_stories=[], audience=[], warnings=[], unattributed_signups=0,
                         stories={})
    with store.reader() as reader:
        slugs = queries.slugs_of(reader)
        campaign_id = (campaign_named(campaign, slugs) if campaign is not None
                       else None)
        scope = queries.Scope(since, until, campaign_id, channel, zone)
        if rows_only:
            grains = queries.grains(reader, scope, by, slugs)
            by_story = grains if by == "story" else []
        else:
            # Three reads: the rows, the stories' figures (for the top stories), and the
            # sections under the table.
            found: dict[str, list[Grain]] = {}

            def rows(on: Reader) -> None:
                found["rows"] = queries.grains(on, scope, by, slugs)

            def stories(on: Reader) -> None:
                found["stories"] = (queries.grains(on, scope, "story", slugs)
                                    if by != "story" else [])

            _read_at_once(store, reader, [rows, stories,
                                          lambda on: _add_sections(report, on, scope)])
            grains = found["rows"]
            by_story = grains if by == "story" else found["stories"]
        # Ranked on the sums, made into Figures for the top ones only (of thousands).
        top = [] if rows_only else heapq.nlargest(
            TOP_STORIES, _summed(g for g in by_story if g.key[0] is not None).items(),
            key=lambda item: (Figures.rank_of(item[1]), -item[0][0]))
        shown = {g.key[0] for g in grains if g.key[0] is not None} if by == "story" else set()
        report.stories = queries.story_infos(reader, shown | {k[0] for k, _ in top})
    groups = _roll_up(grains)
    report.rows = [StatsRow(k, groups[k]) for k in sorted(groups, key=_sort_key)]
    for row in report.rows:
        report.total.merge(row.figures)
    report.top_stories = [(report.stories[k[0]], Figures.from_vector(v)) for k, v in top
                          if k[0] in report.stories]
    return report


def _read_at_once(store: Readable, reader: Reader, reads: list[Callable[[Reader], None]]) -> None:
    """Run ``reads``: the first on ``reader``, the others meanwhile, each on a connection of
    its own, when the store allows (on two cores the person then waits for about half the
    reading, not all of it); else one after the other on ``reader``."""
    if not store.concurrent_reads:
        for read in reads:
            read(reader)
        return

    def beside(read: Callable[[Reader], None]) -> None:
        with store.reader() as own:
            read(own)

    with ThreadPoolExecutor(max_workers=len(reads) - 1) as pool:
        waiting = [pool.submit(beside, read) for read in reads[1:]]
        reads[0](reader)
        for done in waiting:
            done.result()


def _add_sections(report: StatsReport, reader: Reader, scope: Scope) -> None:
    """What the table shows under the rows: audience, empty slots, unattributed, funnel."""
    from outreach.stats import queries
    from outreach.stats.funnel import compute_funnel

    since, until = scope.since, scope.until
    if scope.channel is not None:
        audience_channels: Iterable[str] | None = [scope.channel]
    elif scope.campaign_id is not None:
        audience_channels = queries.channels_of(reader, scope)
    else:
        audience_channels = None
    report.audience = queries.audience_changes(reader, since, until, audience_channels)
    report.warnings = queries.slot_warnings(reader, since, until, scope.campaign_id)
    if scope.campaign_id is None and scope.channel is None:
        report.unattributed_signups = queries.unattributed(reader, since, until)
    report.funnel = compute_funnel(reader, since, until, scope.campaign_id, scope.channel)


@dataclass(frozen=True)
class WeekPoint:
    """One week of the chart."""

    week: tuple[int, int]
    engagement: int  # likes + shares + comments + reactions that were reported
    signups: int


def weekly_points(report: StatsReport) -> list[WeekPoint]:
    """Every week from the first to the last with figures, empty weeks as zero (needs by=week)."""
    if report.by != "week":
        raise ValueError("weekly_points needs a report grouped by week")
    known = {row.key[0]: row.figures for row in report.rows if row.key[0] is not None}
    if not known:
        return []
    first, last = min(known), max(known)
    monday = dt.date.fromisocalendar(first[0], first[1], 1)
    end = dt.date.fromisocalendar(last[0], last[1], 1)
    points = []
    while monday <= end:
        week = monday.isocalendar()[:2]
        figures = known.get(week, Figures())
        points.append(WeekPoint(week, figures.interactions(), figures.signups))
        monday += dt.timedelta(days=7)
    return points
