"""`outreach stats --by week`, added up by the database, gives what the Python it replaced gave.

The reference below is that Python: each publication's and each sign-up's
moment on the centre's clock, its ISO week, summed row by row. The seeded
moments sit on week boundaries (the last second of a Sunday, the first of a
Monday, on the local clock), around offset changes (summer time in Berlin and
St John's, Yekaterinburg's 2010-2011 summer time and its 2011 change of zone),
and in zones whose offset is not whole hours (Kathmandu, Chatham).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import sqlalchemy as sa
from outbox_support import add_campaign, add_publication, add_story
from stats_support import code, signup, snap

from outreach.db import Store
from outreach.db.models import METRICS, EngagementLatest, Publication, SignUp
from outreach.stats import compute_stats
from outreach.stats.figures import Figures
from outreach.stats.weeks import iso_week, offset_changes, week_number

ZONES = ("Asia/Yekaterinburg", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu",
         "Pacific/Chatham", "UTC")
# Local Mondays around offset changes and a year's turn (ISO week 53 of 2026, week 1 of 2027).
MONDAYS = (dt.date(2010, 3, 29), dt.date(2010, 11, 1), dt.date(2011, 3, 28),
           dt.date(2026, 3, 30), dt.date(2026, 10, 26), dt.date(2026, 12, 28),
           dt.date(2027, 1, 4))


def week_of(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """The Python `outreach stats` used: ISO (year, week) of ``instant`` in ``zone``."""
    year, week, _ = instant.astimezone(zone).isocalendar()
    return year, week


def moments(zone: zoneinfo.ZoneInfo) -> list[dt.datetime]:
    """Instants on each side of each Monday's midnight on the clock of ``zone``."""
    found = []
    for monday in MONDAYS:
        midnight = dt.datetime.combine(monday, dt.time(), zone)
        for delta in (dt.timedelta(seconds=-1), dt.timedelta(microseconds=-1), dt.timedelta(),
                      dt.timedelta(microseconds=500_000), dt.timedelta(hours=3),
                      dt.timedelta(days=3, hours=13)):
            found.append((midnight + delta).astimezone(dt.UTC))
    return found


def reference(store: Store, zone: zoneinfo.ZoneInfo) -> dict[Any, tuple[Any, ...]]:
    """Figures per week the way the Python grouping added them up."""
    p, e, s = (Publication.__table__.c, EngagementLatest.__table__.c, SignUp.__table__.c)
    rows: dict[Any, list[Any]] = {}
    with store.engine.connect() as connection:
        for published_at, *values in connection.execute(
                sa.select(p.published_at, *(e[m] for m in METRICS))
                .select_from(Publication.__table__.outerjoin(EngagementLatest.__table__,
                                                             e.publication_id == p.id))
                .where(p.status == "published")):
            row = rows.setdefault(week_of(published_at, zone),
                                  [0, *([None] * len(METRICS)), 0])
            row[0] += 1
            for i, value in enumerate(values, start=1):
                if value is not None:
                    row[i] = (row[i] or 0) + value
        for (created_at,) in connection.execute(
                sa.select(s.created_at).where(s.referral_code_id.is_not(None))):
            rows.setdefault(week_of(created_at, zone), [0, *([None] * len(METRICS)), 0])[-1] += 1
    return {(week,): tuple(values) for week, values in rows.items()}


def figures(f: Figures) -> tuple[Any, ...]:
    return (f.publications, *f.sums.values(), f.signups)


@pytest.mark.parametrize("name", ZONES)
def test_weeks_added_up_by_the_database_match_the_python_grouping(store: Store,
                                                                  name: str) -> None:
    zone = zoneinfo.ZoneInfo(name)
    with store.session() as s:
        story, campaign = add_story(s), add_campaign(s)
        for i, moment in enumerate(moments(zone)):
            publication = add_publication(s, story, campaign, ("vk", "telegram")[i % 2],
                                          moment + dt.timedelta(seconds=i), "published",
                                          attempts=1, published_at=moment)
            if i % 3 == 0:  # telegram reports no views: NULL, never 0
                snap(s, publication, moment + dt.timedelta(days=1),
                     **({"reactions": i} if i % 2 else {"views": 10 * i, "likes": i}))
            if i % 4 == 1:
                signup(s, moment, code(s, f"code-{i}", publication_id=publication))
    expected = reference(store, zone)
    report = compute_stats(store, zone=zone, by="week")
    assert {r.key: figures(r.figures) for r in report.rows} == expected
    assert len(expected) == 2 * len(MONDAYS) - 1  # each Monday split two weeks (two touch)
    # The same in a period (its bounds, not the data's, set the offsets the query uses).
    since = dt.datetime(2026, 1, 1, tzinfo=zone)
    report = compute_stats(store, zone=zone, by="week", since=since)
    assert {r.key: figures(r.figures) for r in report.rows} == {
        k: v for k, v in expected.items() if k[0] >= (2026, 1)}


def test_offset_changes_are_found_to_the_second() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    changes = offset_changes(berlin, dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                             dt.datetime(2026, 12, 31, tzinfo=dt.UTC))
    summer = dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC)  # 02:00 CET becomes 03:00 CEST
    winter = dt.datetime(2026, 10, 25, 1, tzinfo=dt.UTC)
    assert changes == [(0, 3600), (int(summer.timestamp()), 7200),
                       (int(winter.timestamp()), 3600)]
    ekb = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
    assert offset_changes(ekb, dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
                          dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == [(0, 5 * 3600)]


def test_a_null_moment_has_no_week(store: Store) -> None:
    with store.reader() as reader:
        week = week_number(reader.epoch_seconds("moment"), zoneinfo.ZoneInfo("UTC"), None, None)
        (number,) = reader.one(
            f"SELECT {week} FROM (SELECT CAST(NULL AS TIMESTAMP) AS moment) AS one_row")
    assert iso_week(number) is None
