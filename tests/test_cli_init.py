"""``outreach init --samples``: the demo's folder, with meetings ahead for its stand."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from click.testing import CliRunner

from outreach.cli import cli
from outreach_local_media.events import read_events, upcoming


def test_the_demo_gets_meetings_ahead_in_the_centres_language(runner: CliRunner,
                                                               workdir: Path) -> None:
    result = runner.invoke(cli, ["init", "--samples"], env={"OUTREACH_LANG": "en"})
    assert result.exit_code == 0, result.output
    events = workdir / "media" / "events.toml"
    assert f"Sample meetings for the stands, dated from today: {events}" in result.output

    # The terminal spoke English; the file is for the centre, whose config says "ru".
    text = events.read_text(encoding="utf-8")
    assert text.startswith("# Встречи для стендов: каждый раздел [[events]] ниже — одна "
                           "встреча.\n")
    assert "# день: год-месяц-число, без кавычек\n" in text
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Yekaterinburg")).date()
    # The demo campaign's place is in Miass: its stand shows them all, soonest first.
    ahead = upcoming(read_events(events), "Миасс", today)
    assert [(e.date - today).days for e in ahead] == [3, 10, 21]
    assert ahead[0].title == "ОБРАЗЕЦ: Встреча наставников"
    assert ahead[0].place == "Библиотека, ул. Ленина, 5"


def test_a_centres_own_meetings_are_never_replaced(runner: CliRunner, workdir: Path) -> None:
    assert runner.invoke(cli, ["init", "--samples"]).exit_code == 0
    events = workdir / "media" / "events.toml"
    own = events.read_text(encoding="utf-8").replace("Встреча наставников",
                                                     "Встреча в библиотеке")
    events.write_text(own, encoding="utf-8")

    again = runner.invoke(cli, ["init", "--samples"])
    assert again.exit_code == 0, again.output
    assert "Sample meetings" not in again.output
    assert events.read_text(encoding="utf-8") == own


def test_a_new_folder_speaks_the_language_of_the_config_it_gets(runner: CliRunner,
                                                                workdir: Path) -> None:
    # `make run` on a machine whose locale is not Russian: before config.toml exists the
    # system's English is chosen, but the copied config says language = "ru".
    result = runner.invoke(cli, ["init", "--samples"],
                           env={"OUTREACH_LANG": None, "LC_ALL": None, "LC_MESSAGES": None,
                                "LANG": "C.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "Created" not in result.output and "Approved" not in result.output
    assert "Создан" in result.output or "создан" in result.output, result.output
    assert (workdir / "config.toml").is_file()


def test_an_explicit_language_is_kept_by_init(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["init"], env={"OUTREACH_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Created config.toml from config.example.toml" in result.output
