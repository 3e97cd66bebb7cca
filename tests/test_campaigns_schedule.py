from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from campaign_support import campaign

from outreach.campaigns.schedule import describe, local, next_slots
from outreach.campaigns.spec import CampaignSpec

UTC = dt.UTC


def wall(spec: CampaignSpec, slots: list[dt.datetime]) -> list[str]:
    return [local(spec, s).strftime("%Y-%m-%d %H:%M %a") for s in slots]


def test_cron_slots_are_in_the_campaigns_zone_and_returned_in_utc(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'cron = "0 10 * * tue,thu"')
    after = dt.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 10:00 in Yekaterinburg (UTC+5)
    slots = next_slots(spec, after, 3)
    # Strictly after: the slot at exactly `after` is not repeated.
    assert wall(spec, slots) == ["2026-12-03 10:00 Thu", "2026-12-08 10:00 Tue",
                                 "2026-12-10 10:00 Thu"]
    assert all(s.tzinfo == UTC for s in slots)
    assert slots[0] == dt.datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def test_start_and_end_dates_bound_the_slots(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'cron = "0 10 * * *"', "start = 2026-12-30\nend = 2027-01-01")
    slots = next_slots(spec, dt.datetime(2026, 1, 1, tzinfo=UTC), 10)
    assert wall(spec, slots) == ["2026-12-30 10:00 Wed", "2026-12-31 10:00 Thu",
                                 "2027-01-01 10:00 Fri"]


def test_spring_forward_skips_the_missing_time_and_fall_back_fires_once(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'cron = "30 2 * * *"', zone="Europe/Berlin")
    spring = next_slots(spec, dt.datetime(2026, 3, 27, 12, tzinfo=UTC), 3)
    # 29 March 2026: the clocks jump from 02:00 to 03:00, so there is no 02:30.
    assert wall(spec, spring) == ["2026-03-28 02:30 Sat", "2026-03-30 02:30 Mon",
                                  "2026-03-31 02:30 Tue"]
    autumn = next_slots(spec, dt.datetime(2026, 10, 24, 12, tzinfo=UTC), 3)
    # 25 October 2026: 02:30 happens twice; one slot, at the first.
    assert [s.isoformat() for s in autumn] == [
        "2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00", "2026-10-27T01:30:00+00:00"]


def test_every_half_hour_across_fall_back_never_loops_or_repeats(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'cron = "*/30 2 * * *"', zone="Europe/Berlin")
    slots = next_slots(spec, dt.datetime(2026, 10, 24, 12, tzinfo=UTC), 4)
    assert len(set(slots)) == 4 and slots == sorted(slots)
    assert wall(spec, slots) == ["2026-10-25 02:00 Sun", "2026-10-25 02:30 Sun",
                                 "2026-10-26 02:00 Mon", "2026-10-26 02:30 Mon"]


def test_interval_counts_from_first(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'every = "3d"\nfirst = 2026-12-01T10:00:00')
    slots = next_slots(spec, dt.datetime(2026, 12, 2, tzinfo=UTC), 2)
    assert wall(spec, slots) == ["2026-12-04 10:00 Fri", "2026-12-07 10:00 Mon"]
    before = next_slots(spec, dt.datetime(2026, 1, 1, tzinfo=UTC), 1)
    assert wall(spec, before) == ["2026-12-01 10:00 Tue"]


def test_interval_without_anchor_is_the_same_on_every_call(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'every = "2m"')
    after = dt.datetime(2026, 11, 26, 10, 0, 30, tzinfo=UTC)
    slots = next_slots(spec, after, 2)
    assert slots == next_slots(spec, after, 2)
    assert slots[1] - slots[0] == dt.timedelta(minutes=2)
    assert slots[0].second == 0 and slots[0] > after


def test_listed_dates_are_local_and_past_ones_are_gone(tmp_path: Path) -> None:
    spec = campaign(tmp_path, "dates = [2026-12-05T10:00:00, 2026-12-01T09:00:00, "
                              "2026-12-09T18:30:00+03:00]")
    slots = next_slots(spec, dt.datetime(2026, 12, 2, tzinfo=UTC), 5)
    assert wall(spec, slots) == ["2026-12-05 10:00 Sat", "2026-12-09 20:30 Wed"]


@pytest.mark.parametrize(
    "schedule, words",
    [
        ('cron = "0 10 * * tue,thu"', "Tue, Thu at 10:00 (Asia/Yekaterinburg)"),
        ('cron = "5 9 * * *"', "every day at 09:05 (Asia/Yekaterinburg)"),
        ('cron = "0 10 1 * *"', "cron '0 10 1 * *' (Asia/Yekaterinburg)"),
        ('every = "3d"', "every 3 days (Asia/Yekaterinburg)"),
        ('every = "1h"', "every hour (Asia/Yekaterinburg)"),
        ("dates = [2026-12-05T10:00:00]", "once, 2026-12-05 10:00 (Asia/Yekaterinburg)"),
    ],
)
def test_schedule_in_words(tmp_path: Path, schedule: str, words: str) -> None:
    assert describe(campaign(tmp_path, schedule)) == words
