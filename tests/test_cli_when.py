"""--since and --until: a date in the config's zone, or a span back from now."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import click
import pytest
from click.testing import CliRunner

from outreach.cli.when import WHEN, When, parse_when

EKB = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
T0 = dt.datetime(2026, 10, 14, 5, 0, tzinfo=dt.UTC)  # 10:00 in Yekaterinburg


def test_dates_are_in_the_zone_and_spans_go_back_from_now() -> None:
    assert parse_when("2026-10-01").at(EKB) == dt.datetime(2026, 9, 30, 19, 0, tzinfo=dt.UTC)
    assert parse_when(" 2026-10-01 ").at(EKB, end_of_day=True) == dt.datetime(
        2026, 10, 1, 19, 0, tzinfo=dt.UTC)
    assert parse_when("7d").at(EKB, now=T0) == T0 - dt.timedelta(days=7)
    assert parse_when("12h").at(EKB, now=T0, end_of_day=True) == T0 - dt.timedelta(hours=12)
    assert str(parse_when("2w")) == "2w"
    with pytest.raises(ValueError, match="'yesterday' is neither a date"):
        parse_when("yesterday")
    with pytest.raises(ValueError, match="'2026-02-30' is not a real date"):
        parse_when("2026-02-30")
    with pytest.raises(ValueError, match="'30m' is neither"):
        parse_when("30m")  # minutes are too fine for a listing


def test_an_option_of_this_type_is_checked_when_the_command_line_is_read() -> None:
    seen: list[When | None] = []

    @click.command()
    @click.option("--since", type=WHEN)
    def command(since: When | None) -> None:
        seen.append(since)

    result = CliRunner().invoke(command, ["--since", "7d"])
    assert result.exit_code == 0, result.output
    assert seen == [When("7d", back=dt.timedelta(days=7))]
    result = CliRunner().invoke(command, ["--since", "last week"])
    assert result.exit_code == 2
    assert "Invalid value for '--since': 'last week' is neither a date (2026-10-01)" in \
        result.output
    assert "--since DATE" in CliRunner().invoke(command, ["--help"]).output
