"""Time zones as people write them: IANA names, МСК and МСК+n."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from outreach.config import load_config
from outreach.config.schema import check_zone
from outreach.config.zones import MSK_ZONES, iana_zone


@pytest.mark.parametrize("offset, zone", sorted(MSK_ZONES.items()))
def test_msk_plus_n_is_utc_plus_3_plus_n_all_year(offset: int, zone: str) -> None:
    for day in (dt.datetime(2026, 1, 15, 12), dt.datetime(2026, 7, 15, 12)):
        assert day.replace(tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset() == \
            dt.timedelta(hours=3 + offset)


@pytest.mark.parametrize("written, zone", [
    ("МСК", "Europe/Moscow"), ("мск", "Europe/Moscow"), ("MSK", "Europe/Moscow"),
    ("МСК+2", "Asia/Yekaterinburg"), ("МСК + 2", "Asia/Yekaterinburg"),
    ("МСК+2ч", "Asia/Yekaterinburg"), ("MSK+7", "Asia/Vladivostok"),
    ("МСК−1", "Europe/Kaliningrad"), ("МСК-1", "Europe/Kaliningrad"),
    ("Asia/Omsk", "Asia/Omsk"), ("Екатеринбург", "Asia/Yekaterinburg"),
    ("москва", "Europe/Moscow"),
])
def test_written_names_become_iana_zones(written: str, zone: str) -> None:
    assert iana_zone(written) == zone
    assert check_zone(written) is None


@pytest.mark.parametrize("written", ["МСК+15", "МСК-3", "Челябинск", "Asia/Nowhere", ""])
def test_other_names_are_refused(written: str) -> None:
    assert iana_zone(written) is None
    assert check_zone(written) is not None


def test_config_toml_takes_moscow_time_names(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('time_zone = "МСК+2"\n', encoding="utf-8")
    assert load_config(path).time_zone == "Asia/Yekaterinburg"
