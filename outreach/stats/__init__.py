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
import zoneinfo
from collections.abc import Iterable
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
    stories: dict[int, StoryInfo]
    funnel: list[FunnelRow] = field(default_factory=list)


def _roll_up(grains: Iterable[Grain]) -> dict[tuple[Any, ...], Figures]:
    """Put together the publications' and the sign-ups' sums of each key."""
    sums: dict[tuple[Any, ...], list[int]] = {}
    for grain in grains:
        k = grain.key
        total = sums.get(k)
        if total is None:
            sums[k] = list(grain.vector)
        else:
            sums[k] = [a + b for a, b in zip(total, grain.vector, strict=True)]
    return {k: Figures.from_vector(v) for k, v in sums.items()}


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
        elif store.concurrent_reads:
            # The sections under the rows are read on a second connection meanwhile: on
            # two cores the person waits for the longer of the two reads, not for both.
            with ThreadPoolExecutor(max_workers=1) as beside:
                sections = beside.submit(_read_sections, store, report, scope, slugs, by)
                grains = queries.grains(reader, scope, by, slugs)
                by_story = sections.result() if by != "story" else grains
        else:
            grains = queries.grains(reader, scope, by, slugs)
            with_story = _sections(reader, report, scope, slugs, by)
            by_story = with_story if by != "story" else grains
        report.stories = queries.story_infos(
            reader, {g.key[0] for g in by_story if g.key[0] is not None})
    groups = _roll_up(grains)
    report.rows = [StatsRow(k, groups[k]) for k in sorted(groups, key=_sort_key)]
    for row in report.rows:
        report.total.merge(row.figures)
    story_sums = _roll_up(g for g in by_story if g.key[0] is not None)
    ranked = sorted(story_sums.items(), key=lambda item: (item[1].rank(), -item[0][0]),
                    reverse=True)
    report.top_stories = [(report.stories[k[0]], f) for k, f in ranked[:TOP_STORIES]
                          if k[0] in report.stories]
    return report


def _read_sections(store: Readable, report: StatsReport, scope: Scope,
                   slugs: dict[int, str], by: str) -> list[Grain]:
    with store.reader() as reader:
        return _sections(reader, report, scope, slugs, by)


def _sections(reader: Reader, report: StatsReport, scope: Scope, slugs: dict[int, str],
              by: str) -> list[Grain]:
    """Read what the table shows under the rows into ``report`` — audience, empty slots,
    unattributed sign-ups, funnel — and return the stories' grains for the top stories
    (none when the rows are the stories: ``by`` "story")."""
    from outreach.stats import queries
    from outreach.stats.funnel import compute_funnel

    by_story = queries.grains(reader, scope, "story", slugs) if by != "story" else []
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
    return by_story


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
