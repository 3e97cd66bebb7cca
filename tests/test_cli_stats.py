"""``outreach stats`` as a coordinator reads it: table, CSV, JSON, warnings and the chart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from stats_support import seeded_project

from outreach.cli import cli

OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")


@pytest.fixture
def project(workdir: Path, store_url: str) -> Path:
    return seeded_project(workdir, store_url)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["stats", *args])


def cells(output: str, first: str) -> list[str]:
    """The cells of the table line starting with ``first``."""
    line = next(line for line in output.splitlines() if line.strip().startswith(first))
    return line.split()


def test_table_shows_unknown_as_a_dash_and_partial_sums_with_a_plus(
        runner: CliRunner, project: Path) -> None:
    result = run(runner, *OCTOBER)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Period: October 1, 2026 to October 31, 2026 (Asia/Yekaterinburg)\n")
    assert cells(out, "CAMPAIGN") == ["CAMPAIGN", "CHANNEL", "PUBLICATIONS", "VIEWS", "LIKES",
                                      "SHARES", "COMMENTS", "REACTIONS", "SIGN-UPS"]
    assert cells(out, "mentoring  telegram") == ["mentoring", "telegram", "1", "—", "—", "—",
                                                 "—", "7", "1"]
    assert cells(out, "mentoring  vk") == ["mentoring", "vk", "2", "300", "16", "3", "3", "—",
                                           "2"]
    assert cells(out, "walking    press") == ["walking", "press", "0", "—", "—", "—", "—", "—",
                                              "1"]
    assert cells(out, "walking    telegram") == ["walking", "telegram", "2", "—", "—", "—", "—",
                                                 "2+", "0"]
    assert cells(out, "total") == ["total", "5", "300+", "16+", "3+", "3+", "9+", "4"]
    assert "N+ : the sum of the publications that reported it; some did not" in out
    assert "Sign-ups in the period without a referral code (not attributed): 1" in out
    assert cells(out, "vk  ") == ["vk", "1,000", "on", "October", "2,", "2026", "1,040", "on",
                                  "October", "20,", "2026", "+40"]
    assert cells(out, "telegram  300")[-1] == "—"  # one count only: no change can be told
    assert cells(out, "1: Школа №5")[-4:] == ["2", "250+", "12+", "3"]
    assert "Warning: 2 slots in this period published nothing:" in out
    assert cells(out, "mentoring  October 9") == (
        "mentoring October 9, 2026 10:00 AM empty no approved story with tag mentoring left"
        .split())
    assert cells(out, "walking    October 11") == (
        "walking October 11, 2026 10:00 AM skipped missed while the service was not running"
        .split())


def test_by_municipality_and_channel_filter(runner: CliRunner, project: Path) -> None:
    result = run(runner, *OCTOBER, "--by", "municipality")
    assert result.exit_code == 0, result.output
    assert cells(result.output, "Миасс  ")[:8] == ["Миасс", "2", "250+", "12+", "3+", "2+",
                                                   "7+", "4"]
    assert cells(result.output, "Копейск")[:8] == ["Копейск", "1", "—", "—", "—", "—", "—",
                                                   "0"]
    result = run(runner, *OCTOBER, "--channel", "vk")
    assert result.exit_code == 0, result.output
    assert cells(result.output, "mentoring") == ["mentoring", "vk", "2", "300", "16", "3", "3",
                                                 "—", "2"]
    assert "total" not in result.output  # one row needs no total
    assert "telegram" not in result.output


def test_csv_and_json_keep_unknown_empty_and_never_zero(runner: CliRunner,
                                                         project: Path) -> None:
    result = run(runner, *OCTOBER, "--by", "week", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["week"] for r in rows] == ["2026-W41 (05.10–11.10)", "2026-W42 (12.10–18.10)",
                                         "2026-W43 (19.10–25.10)"]
    assert (rows[1]["views"], rows[1]["reactions"], rows[1]["reactions_unreported"]) == (
        "50", "", "2")
    result = run(runner, *OCTOBER, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    telegram = data["rows"][0]
    assert (telegram["campaign"], telegram["channel"], telegram["views"],
            telegram["reactions"], telegram["signups"]) == ("mentoring", "telegram", None, 7, 1)
    assert data["total"]["views"] == 300 and data["total"]["views_unreported"] == 3
    assert data["audience"][1] == {"channel": "vk", "first_at": "2026-10-02T05:00:00+00:00",
                                   "first": 1000, "last_at": "2026-10-20T05:00:00+00:00",
                                   "last": 1040, "change": 40}
    assert [s["title"] for s in data["top_stories"]][0] == "Школа №5"
    assert [w["outcome"] for w in data["empty_or_skipped_slots"]] == ["empty", "skipped"]
    assert data["since"] == "2026-09-30T19:00:00+00:00"


def test_wrong_options_are_named(runner: CliRunner, project: Path) -> None:
    result = run(runner, "--since", "last month")
    assert result.exit_code == 2
    assert "'last month' is neither a date (2026-10-01) nor a span back from now" in \
        result.output
    result = run(runner, "--since", "2026-11-01", "--until", "2026-10-01")
    assert result.exit_code == 2
    assert "--since 2026-11-01 is not before --until 2026-10-01" in result.output
    result = run(runner, "--campaign", "walkin")
    assert result.exit_code == 1
    assert "Error: no campaign 'walkin' in the store (did you mean 'walking'?)" in result.output
    result = run(runner, "--chart", "chart.jpg")
    assert result.exit_code == 2
    assert "chart.jpg must end in .png" in result.output


def test_chart_is_written_and_stdout_stays_clean(runner: CliRunner, project: Path) -> None:
    result = run(runner, *OCTOBER, "--chart", "weekly.png", "--format", "json")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the note went to stderr
    assert result.stderr == "Chart written to weekly.png.\n"
    with Image.open(project / "weekly.png") as image:
        assert (image.format, image.size) == ("PNG", (1600, 900))
    result = run(runner, "--chart", str(project / "missing" / "weekly.png"))
    assert result.exit_code == 1
    assert f"Error: cannot write the chart to {project / 'missing' / 'weekly.png'}" in \
        result.output


def test_an_empty_period_says_so(runner: CliRunner, project: Path) -> None:
    result = run(runner, "--since", "2030-01-01", "--until", "2030-01-31")
    assert result.exit_code == 0, result.output
    assert "No publications or sign-ups in this period." in result.output
    assert "Audience: no member counts collected for any channel in this period." in \
        result.output


def test_by_home_counts_where_people_live_by_source(runner: CliRunner, project: Path,
                                                    store_url: str) -> None:
    from stats_support import at, signup

    from outreach.db import open_store

    store = open_store(store_url)
    with store.session() as s:  # the same place as another person wrote it
        signup(s, at("10-22"), None, " миасс")
    store.dispose()
    data = json.loads(run(runner, *OCTOBER, "--by", "home", "--format", "json").output)
    assert data["by"] == "home" and data["across"] == "source"
    assert {(r["home"], r["source"]): r["signups"] for r in data["rows"]} == {
        ("Миасс", "placement"): 1, ("Миасс", "unattributed"): 2,
        ("Челябинск", "publication"): 1, (None, "publication"): 2}
    assert data["homes"] == [{"home": "Миасс", "signups": 3}, {"home": "Челябинск", "signups": 1},
                             {"home": None, "signups": 2}]
    assert data["total"] == 6

    table = runner.invoke(cli, ["stats", *OCTOBER, "--by", "home"], env={"OUTREACH_LANG": "ru"})
    assert table.exit_code == 0, table.output
    assert "Где живут новые волонтёры и что их привело" in table.output
    assert cells(table.output, "ГДЕ ЖИВЁТ") == ["ГДЕ", "ЖИВЁТ", "ПОСТЫ", "ПЛАКАТЫ,", "СТЕНДЫ",
                                                "БЕЗ", "КОДА", "ВСЕГО"]
    assert cells(table.output, "Миасс") == ["Миасс", "0", "1", "2", "3"]
    assert cells(table.output, "(не указан)")[-4:] == ["2", "0", "0", "2"]
    assert cells(table.output, "итого") == ["итого", "3", "1", "2", "6"]

    by_campaign = run(runner, *OCTOBER, "--by", "home", "--by", "campaign", "--format", "csv")
    assert by_campaign.exit_code == 0, by_campaign.output
    assert list(csv.reader(io.StringIO(by_campaign.output))) == [
        ["home", "campaign", "signups"], ["Миасс", "walking", "1"], ["Миасс", "", "2"],
        ["Челябинск", "mentoring", "1"], ["", "mentoring", "2"]]
    alone = run(runner, "--by", "source")
    assert alone.exit_code == 2 and "--by home --by source" in alone.output
    three = run(runner, "--by", "home", "--by", "week")
    assert three.exit_code == 2 and "source, campaign or channel" in three.output


def test_stats_audience_shows_members_per_day_and_joins_credited(
        runner: CliRunner, project: Path, store_url: str) -> None:
    import datetime as dt

    from outreach.db import open_store
    from outreach.db.models import AudienceJoin

    store = open_store(store_url)
    with store.session() as s:
        s.add(AudienceJoin(channel="vk", joined_at=dt.datetime(2026, 10, 2, 6, tzinfo=dt.UTC),
                           publication_id=1))
        s.add(AudienceJoin(channel="vk", joined_at=dt.datetime(2026, 10, 2, 7, tzinfo=dt.UTC)))
    store.dispose()
    result = run(runner, "audience", "--since", "2026-09-01", "--until", "2026-10-31",
                 "--format", "json", "--chart", "audience.png")
    assert result.exit_code == 0, result.output
    days = json.loads(result.output[:result.output.rindex("]") + 1])
    assert [(d["channel"], d["date"], d["members"], d["change"], d["joins"], d["credited"])
            for d in days] == [
        ("telegram", "2026-10-03", 300, None, 0, 0),
        ("vk", "2026-09-28", 900, None, 0, 0),
        ("vk", "2026-10-02", 1000, 100, 2, 1),
        ("vk", "2026-10-20", 1040, 40, 0, 0),
    ]
    assert (project / "audience.png").stat().st_size > 10_000
    table = run(runner, "audience", "--since", "2026-09-01", "--channel", "vk")
    assert "+100" in table.output and "telegram" not in table.output
