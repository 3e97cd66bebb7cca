from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from campaign_support import campaign

from outreach.campaigns.schedule import describe, local, next_slots
from outreach.campaigns.spec import CampaignSpec
from outreach.i18n import language

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
    "schedule, english, russian",
    [
        ('days = ["пн", "чт"]\ntimes = ["10:00"]',
         "on Mondays and Thursdays at 10:00\u202fAM (Yekaterinburg)",
         "по понедельникам и четвергам в 10:00 (Екатеринбург)"),
        ('days = ["будни"]\ntimes = ["18:30", "9:30"]',
         "on weekdays at 9:30\u202fAM and 6:30\u202fPM (Yekaterinburg)",
         "по будням в 09:30 и 18:30 (Екатеринбург)"),
        ('days = ["сб", "вс"]\ntimes = ["12:00"]', "at weekends at 12:00\u202fPM (Yekaterinburg)",
         "по выходным в 12:00 (Екатеринбург)"),
        ('times = ["10:00"]', "every day at 10:00\u202fAM (Yekaterinburg)",
         "каждый день в 10:00 (Екатеринбург)"),
        ('days = ["mon", "Wednesday", "пятница"]\ntimes = [10:00:00]',
         "on Mondays, Wednesdays, and Fridays at 10:00\u202fAM (Yekaterinburg)",
         "по понедельникам, средам и пятницам в 10:00 (Екатеринбург)"),
        ('cron = "0 10 * * tue,thu"', "on Tuesdays and Thursdays at 10:00\u202fAM (Yekaterinburg)",
         "по вторникам и четвергам в 10:00 (Екатеринбург)"),
        ('cron = "0 10 * * 0"', "on Sundays at 10:00\u202fAM (Yekaterinburg)",
         "по воскресеньям в 10:00 (Екатеринбург)"),
        ('cron = "0 10 * * вт,чт"', "on Tuesdays and Thursdays at 10:00\u202fAM (Yekaterinburg)",
         "по вторникам и четвергам в 10:00 (Екатеринбург)"),
        ('cron = "5 9 * * *"', "every day at 9:05\u202fAM (Yekaterinburg)",
         "каждый день в 09:05 (Екатеринбург)"),
        ('cron = "0 10 1 * *"', 'on the cron schedule "0 10 1 * *" (Yekaterinburg)',
         "по расписанию cron «0 10 1 * *» (Екатеринбург)"),
        ('every = "3d"', "every 3 days (Yekaterinburg)", "каждые 3 дня (Екатеринбург)"),
        ('every = "1h"', "every hour (Yekaterinburg)", "каждый час (Екатеринбург)"),
        ('every = "5m"', "every 5 minutes (Yekaterinburg)", "каждые 5 минут (Екатеринбург)"),
        ("dates = [2026-12-05T10:00:00]",
         "once, December 5, 2026, 10:00\u202fAM (Yekaterinburg)",
         "один раз, 5 декабря 2026, 10:00 (Екатеринбург)"),
        ("dates = [2026-12-05T10:00:00, 2026-12-12T10:00:00]",
         "2 dates from December 5, 2026, 10:00\u202fAM (Yekaterinburg)",
         "2 даты, начиная с 5 декабря 2026, 10:00 (Екатеринбург)"),
    ],
)
def test_schedule_in_words(tmp_path: Path, schedule: str, english: str, russian: str) -> None:
    spec = campaign(tmp_path, schedule)
    assert describe(spec) == english
    with language("ru"):
        assert describe(spec) == russian


def test_days_and_times_give_each_time_of_each_day(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'days = ["пн", "чт"]\ntimes = ["18:30", "10:00"]')
    after = dt.datetime(2026, 12, 1, tzinfo=UTC)  # a Tuesday
    assert wall(spec, next_slots(spec, after, 5)) == [
        "2026-12-03 10:00 Thu", "2026-12-03 18:30 Thu", "2026-12-07 10:00 Mon",
        "2026-12-07 18:30 Mon", "2026-12-10 10:00 Thu"]


def test_days_and_times_keep_to_start_and_end(tmp_path: Path) -> None:
    spec = campaign(tmp_path, 'days = ["будни"]\ntimes = ["10:00"]',
                    extra="start = 2026-12-04\nend = 2026-12-08")
    slots = next_slots(spec, dt.datetime(2026, 11, 1, tzinfo=UTC), 10)
    assert wall(spec, slots) == ["2026-12-04 10:00 Fri", "2026-12-07 10:00 Mon",
                                 "2026-12-08 10:00 Tue"]


def test_days_and_times_follow_the_clock_across_summer_time(tmp_path: Path) -> None:
    # Berlin skips 02:00-03:00 on 29 March 2026 and repeats 02:00-03:00 on 25 October.
    spec = campaign(tmp_path, 'days = ["вс"]\ntimes = ["02:30", "10:00"]', zone="Europe/Berlin")
    spring = next_slots(spec, dt.datetime(2026, 3, 28, tzinfo=UTC), 2)
    assert wall(spec, spring) == ["2026-03-29 10:00 Sun", "2026-04-05 02:30 Sun"]
    autumn = next_slots(spec, dt.datetime(2026, 10, 24, tzinfo=UTC), 2)
    assert wall(spec, autumn) == ["2026-10-25 02:30 Sun", "2026-10-25 10:00 Sun"]
    assert autumn[0] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30


@pytest.mark.parametrize("weekday, expected", [
    ("0", "Sun"), ("7", "Sun"), ("1", "Mon"), ("6", "Sat"), ("1-5", "Mon Tue Wed Thu Fri"),
    ("*/2", "Tue Thu Sat Sun"), ("пн,чт", "Mon Thu"), ("пт-вс", "Fri Sat Sun"),
    ("mon-fri/2", "Mon Wed Fri"), ("будни", "Mon Tue Wed Thu Fri"), ("SUN", "Sun"),
])
def test_cron_numbers_the_days_of_the_week_as_cron_does(tmp_path: Path, weekday: str,
                                                        expected: str) -> None:
    # docs/campaigns.md: "Sunday is 0"; APScheduler 3's from_crontab counts 0 as Monday.
    spec = campaign(tmp_path, f'cron = "0 10 * * {weekday}"')
    days = {local(spec, s).strftime("%a")
            for s in next_slots(spec, dt.datetime(2026, 12, 1, tzinfo=UTC), 14)}
    assert sorted(days, key=WEEK.index) == expected.split()


WEEK = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_moscow_time_names_are_the_zones_of_russia(tmp_path: Path) -> None:
    for written, offset in (("МСК", 3), ("МСК+2", 5), ("мск + 4", 7), ("MSK-1", 2),
                            ("МСК+9", 12)):
        spec = campaign(tmp_path, 'times = ["10:00"]', zone=written)
        slot = next_slots(spec, dt.datetime(2026, 12, 1, tzinfo=UTC), 1)[0]
        assert slot.hour == (10 - offset) % 24, written
        assert local(spec, slot).utcoffset() == dt.timedelta(hours=offset)
    assert describe(campaign(tmp_path, 'times = ["10:00"]', zone="МСК+2")).endswith(
        "(Yekaterinburg)")
