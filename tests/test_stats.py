"""Stats from hand-computed data: latest snapshots, NULL-aware sums, sign-ups, audience."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from outbox_support import add_campaign, add_publication, add_story

from outreach.db import Store
from outreach.db.models import (
    AudienceSnapshot,
    CampaignSlot,
    ReferralCode,
    SignUp,
    utcnow,
)
from outreach.engine.collectors import record_snapshots
from outreach.errors import NotFoundError
from outreach.stats import compute_stats, weekly_points
from outreach.stats.figures import Figures

EKB = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
SINCE = dt.datetime(2026, 10, 1, tzinfo=EKB)
UNTIL = dt.datetime(2026, 11, 1, tzinfo=EKB)


def at(day: str, hour: int = 5) -> dt.datetime:
    """A UTC instant on a day of 2026 ('10-05' is 10:00 in Yekaterinburg at hour 5)."""
    month, date = (int(x) for x in day.split("-"))
    return dt.datetime(2026, month, date, hour, tzinfo=dt.UTC)


def snap(s: Any, publication_id: int, taken: dt.datetime, **figures: int | None) -> None:
    """A snapshot as the collector stores it (with the publication's latest figures)."""
    s.flush()
    row = {"publication_id": publication_id, "taken_at": taken, "views": None, "likes": None,
           "shares": None, "comments": None, "reactions": None, **figures}
    record_snapshots(s.connection(), [row])


def signup(s: Any, created: dt.datetime, code_id: int | None,
           municipality: str | None = None) -> None:
    s.add(SignUp(created_at=created, source="test", referral_code_id=code_id,
                 municipality=municipality, consent_at=created))


def code(s: Any, text: str, **values: Any) -> int:
    row = ReferralCode(code=text, created_at=utcnow(), **values)
    s.add(row)
    s.flush()
    return row.id


def seed_stats(store: Store) -> dict[str, int]:
    """The data the expected figures below are computed from by hand (period: October 2026)."""
    with store.session() as s:
        miass = add_story(s, "Школа №5", "Миасс")
        zlatoust = add_story(s, "Скандинавская ходьба", "Златоуст")
        kopeysk = add_story(s, "Огород у дома", "Копейск")
        mentoring, walking = add_campaign(s, "mentoring"), add_campaign(s, "walking")

        def published(story: int, campaign: int, channel: str, day: str) -> int:
            return add_publication(s, story, campaign, channel, at(day), "published",
                                   attempts=1, published_at=at(day, 6))

        p1 = published(miass, mentoring, "vk", "10-05")
        snap(s, p1, at("10-06"), views=100, likes=5, shares=1, comments=0)
        snap(s, p1, at("10-08"), views=250, likes=12, shares=3, comments=2)  # the latest
        p2 = published(miass, mentoring, "telegram", "10-05")
        snap(s, p2, at("10-06"), reactions=3)
        snap(s, p2, at("10-07"), reactions=7)
        p3 = published(zlatoust, mentoring, "vk", "10-13")
        snap(s, p3, at("10-14"), views=40, likes=3, shares=0, comments=1)
        snap(s, p3, at("10-14"), views=50, likes=4, shares=0, comments=1)  # same time, stored later
        published(kopeysk, walking, "telegram", "10-14")  # no snapshot yet
        p5 = published(kopeysk, mentoring, "vk", "09-01")  # before the period
        snap(s, p5, at("09-02"), views=1000, likes=100)
        p6 = add_publication(s, zlatoust, mentoring, "vk", at("10-20"), "failed", attempts=5)
        snap(s, p6, at("10-21"), views=999)  # not published: never counted
        p7 = published(zlatoust, walking, "telegram", "10-20")
        snap(s, p7, at("10-21"), reactions=2)

        c1, c2 = code(s, "vk-1", publication_id=p1), code(s, "tg-2", publication_id=p2)
        poster = code(s, "poster-miass", kind="placement", campaign_id=walking, channel="press",
                      placement="Пенсионный фонд, Миасс, ул. Ленина 5")
        signup(s, at("10-06"), c1, "Челябинск")
        signup(s, at("10-06", 9), c1)
        signup(s, at("10-07"), c2)
        signup(s, at("10-15"), poster, "Миасс")
        signup(s, at("10-16"), None, "Миасс")  # no code: not attributed
        signup(s, at("09-20"), c1)  # before the period

        for day, channel, members in (("09-28", "vk", 900), ("10-02", "vk", 1000),
                                      ("10-10", "vk", None), ("10-20", "vk", 1040),
                                      ("10-03", "telegram", 300)):
            s.add(AudienceSnapshot(channel=channel, taken_at=at(day), members=members))

        for campaign, day, outcome, detail in (
                (mentoring, "10-09", "empty", "no approved story with tag mentoring left"),
                (walking, "10-11", "skipped", None),
                (mentoring, "10-05", "planned", None),
                (mentoring, "09-15", "empty", "no approved story left")):
            s.add(CampaignSlot(campaign_id=campaign, slot=at(day), outcome=outcome,
                               publications=0, detail=detail, recorded_at=at(day)))
    return {"miass": miass, "zlatoust": zlatoust, "kopeysk": kopeysk}


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
