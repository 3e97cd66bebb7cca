"""Stats from hand-computed data: latest snapshots, NULL-aware sums, sign-ups, audience."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from stats_support import at, seed_stats

from outreach.db import Store
from outreach.errors import NotFoundError
from outreach.stats import compute_stats, weekly_points
from outreach.stats.figures import Figures

EKB = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
SINCE = dt.datetime(2026, 10, 1, tzinfo=EKB)
UNTIL = dt.datetime(2026, 11, 1, tzinfo=EKB)


@pytest.fixture
def stats_store(store: Store) -> Store:
    seed_stats(store)
    return store


def figures(f: Figures) -> tuple[Any, ...]:
    return (f.publications, *f.sums.values(), f.signups)


def test_per_campaign_and_channel(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL)
    #                 pubs views likes shares comments reactions signups
    assert {r.key: figures(r.figures) for r in report.rows} == {
        ("mentoring", "telegram"): (1, None, None, None, None, 7, 1),
        ("mentoring", "vk"): (2, 300, 16, 3, 3, None, 2),
        ("walking", "press"): (0, None, None, None, None, None, 1),
        ("walking", "telegram"): (2, None, None, None, None, 2, 0),
    }
    assert [r.key for r in report.rows] == [("mentoring", "telegram"), ("mentoring", "vk"),
                                            ("walking", "press"), ("walking", "telegram")]
    walking_tg = report.rows[3].figures
    assert walking_tg.unreported["reactions"] == 1  # the post with no snapshot yet
    assert figures(report.total) == (5, 300, 16, 3, 3, 9, 4)
    assert report.total.unreported == {"views": 3, "likes": 3, "shares": 3, "comments": 3,
                                       "reactions": 3}
    assert report.unattributed_signups == 1


def test_nothing_reported_stays_unknown_not_zero(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL, channel="telegram")
    assert report.total.sums["views"] is None
    assert report.total.unreported["views"] == 3
    assert report.total.sums["reactions"] == 9


@pytest.mark.parametrize(("by", "expected"), [
    ("municipality", {("Миасс",): (2, 250, 12, 3, 2, 7, 4),
                      ("Златоуст",): (2, 50, 4, 0, 1, 2, 0),
                      ("Копейск",): (1, None, None, None, None, None, 0)}),
    ("campaign", {("mentoring",): (3, 300, 16, 3, 3, 7, 3),
                  ("walking",): (2, None, None, None, None, 2, 1)}),
    ("channel", {("telegram",): (3, None, None, None, None, 9, 1),
                 ("vk",): (2, 300, 16, 3, 3, None, 2),
                 ("press",): (0, None, None, None, None, None, 1)}),
    ("week", {((2026, 41),): (2, 250, 12, 3, 2, 7, 3),
              ((2026, 42),): (2, 50, 4, 0, 1, None, 1),
              ((2026, 43),): (1, None, None, None, None, 2, 0)}),
])
def test_groupings(stats_store: Store, by: str, expected: dict[Any, Any]) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL, by=by)
    assert {r.key: figures(r.figures) for r in report.rows} == expected
    assert figures(report.total)[0] == 5 and report.total.signups == 4


def test_by_story_and_top_stories(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL, by="story")
    titles = {i: info.title for i, info in report.stories.items()}
    rows = {(titles.get(r.key[0]),): figures(r.figures) for r in report.rows}
    assert rows[("Школа №5",)] == (2, 250, 12, 3, 2, 7, 3)
    assert rows[(None,)] == (0, None, None, None, None, None, 1)  # the poster's sign-up
    # By sign-ups first, then views + likes.
    assert [s.title for s, _ in report.top_stories] == ["Школа №5", "Скандинавская ходьба",
                                                        "Огород у дома"]


def test_audience_change_and_slot_warnings(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL)
    audience = {a.channel: (a.first, a.last, a.change) for a in report.audience}
    assert audience == {"telegram": (300, 300, None), "vk": (1000, 1040, 40)}
    assert [(w.campaign, w.slot, w.outcome, w.detail) for w in report.warnings] == [
        ("mentoring", at("10-09"), "empty", "no approved story with tag mentoring left"),
        ("walking", at("10-11"), "skipped", None)]


def test_campaign_filter(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, since=SINCE, until=UNTIL, campaign="walking")
    assert [r.key for r in report.rows] == [("walking", "press"), ("walking", "telegram")]
    assert [a.channel for a in report.audience] == ["telegram"]
    assert [w.campaign for w in report.warnings] == ["walking"]
    assert report.unattributed_signups == 0  # not part of any one campaign
    with pytest.raises(NotFoundError, match="did you mean 'walking'"):
        compute_stats(stats_store, zone=EKB, campaign="walkin")


def test_all_time_includes_earlier_publications(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB)
    assert report.total.publications == 6
    assert report.total.sums["views"] == 1300
    assert report.total.signups == 5


def test_weekly_points_fill_empty_weeks(stats_store: Store) -> None:
    report = compute_stats(stats_store, zone=EKB, by="week")
    points = weekly_points(report)
    assert points[0].week == (2026, 36)  # the September publication
    assert len(points) == 43 - 36 + 1
    by_week = {p.week: (p.engagement, p.signups) for p in points}
    assert by_week[(2026, 41)] == (12 + 3 + 2 + 7, 3)
    assert by_week[(2026, 42)] == (4 + 0 + 1, 1)
    assert by_week[(2026, 43)] == (2, 0)
    assert by_week[(2026, 38)] == (0, 1)  # the September sign-up
    assert by_week[(2026, 39)] == (0, 0)


def test_an_empty_store_gives_an_empty_report(store: Store) -> None:
    report = compute_stats(store, zone=EKB, by="week")
    assert report.rows == [] and report.top_stories == [] and report.audience == []
    assert figures(report.total) == (0, None, None, None, None, None, 0)
    assert weekly_points(report) == []
