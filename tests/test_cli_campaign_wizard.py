"""``outreach campaigns new``: a campaign from answers, asked again until they can be used."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from outreach.campaigns.spec import load_campaign
from outreach.cli import cli
from outreach.config import Config
from outreach_testing import make_test_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_test_config(
        tmp_path,
        {"press": {"plugin": "test"}, "vk": {"plugin": "test", "tags": ["social"]},
         "vk-miass": {"plugin": "test", "municipality": "Миасс"}},
        top={"database_url": f"sqlite:///{tmp_path / 'outreach.db'}",
             "municipalities": ["Миасс", "Златоуст"], "time_zone": "Asia/Yekaterinburg"},
    )


def answer(config: Config, *lines: str, args: tuple[str, ...] = (), lang: str = "en") -> Any:
    return CliRunner().invoke(cli, ["--config", str(config.path), "campaigns", "new", *args],
                              input="".join(f"{line}\n" for line in lines),
                              env={"OUTREACH_LANG": lang})


# One answer per question, in the order they are asked.
ANSWERS = [
    "Наставничество: фотоотчёты",  # name
    "Наставники",                  # file name: refused, Russian letters
    "",                            # file name: the suggestion, nastavnichestvo-fotootchety
    "1",                           # kinds: photo reports
    "школа, наставничество",       # tags
    "1, Челябинск",                # municipalities: Челябинск is not in config.toml
    "1, Златоуст",
    "пн, четверк",                 # days: a misspelt one
    "пн, чт",
    "10.00",                       # times: a dot
    "18:30, 10:00",
    "МСК+2",                       # time zone
    "1, 2",                        # channels
    "y",                           # and the channels of the story's municipality
    "Хотите с нами? Запишитесь:",  # call to action
    "#серебряныеволонтёры",        # hashtags
    "",                            # write it? yes
]


def test_a_campaign_in_russian_step_by_step(config: Config) -> None:
    result = answer(config, *ANSWERS, lang="ru")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Название кампании" in out
    assert ("имя файла — это короткое имя кампании: только строчные латинские буквы, цифры и "
            "дефисы; переименуйте файл в nastavniki.toml") in out
    assert "'Челябинск' нет среди муниципалитетов из config.toml" in out
    assert "'четверк' — не день недели" in out and "(did you mean 'четверг'?)" in out
    assert "'10.00' — не время" in out and 'например "10:00"' in out
    assert "Расписание: по понедельникам и четвергам в 10:00 и 18:30 (Екатеринбург)" in out
    upcoming = out.split("Ближайшие три публикации:\n")[1].splitlines()[:3]
    assert all(re.fullmatch(r"  (понедельник|четверг), \d{1,2} [а-я]+ \d{4}, (10:00|18:30)", line)
               for line in upcoming), upcoming
    path = config.campaigns_dir / "nastavnichestvo-fotootchety.toml"
    assert f"Записано: {path}." in out
    spec = load_campaign(config, path.stem)
    assert spec.name == "Наставничество: фотоотчёты" and spec.time_zone == "Asia/Yekaterinburg"
    assert spec.schedule.days == {0, 3} and [str(t) for t in spec.schedule.times] == [
        "10:00:00", "18:30:00"]
    assert spec.content.kinds == ("photo-report",)
    assert spec.content.tags == ("школа", "наставничество")
    assert spec.content.municipalities == ("Миасс", "Златоуст")
    assert spec.channels.names == ("press", "vk") and spec.channels.by_municipality
    assert spec.post.call_to_action == "Хотите с нами? Запишитесь:"
    assert spec.post.hashtags == ("серебряныеволонтёры",)
    written = path.read_text(encoding="utf-8")
    assert 'days = ["пн", "чт"]  # дни: пн вт ср чт пт сб вс, "будни", "выходные"' in written
    assert 'time_zone = "МСК+2"' in written
    listing = CliRunner().invoke(cli, ["--config", str(config.path), "campaigns", "list"],
                                 env={"OUTREACH_LANG": "ru"})
    assert "по понедельникам и четвергам в 10:00 и 18:30 (Екатеринбург)" in listing.output


def test_running_it_again_edits_the_file_and_keeps_what_it_does_not_ask(config: Config) -> None:
    config.campaigns_dir.mkdir()
    path = config.campaigns_dir / "mentoring.toml"
    path.write_text('name = "Наставничество"\nstart = 2026-12-01\ngrace = "2h"\n'
                    '[schedule]\ndays = ["вт"]\ntimes = ["10:00"]\n'
                    '[content]\ntags = ["школа"]\norder = "newest"\n'
                    '[post]\ntemplate = "{title}\\n\\n{body}"\ncall_to_action = "Приходите!"\n'
                    '[channels]\nnames = ["vk"]\n', encoding="utf-8")
    result = answer(config, *[""] * 16, args=("mentoring",))
    assert result.exit_code == 0, result.output
    assert f"{path} exists: each question offers what it says now" in result.output
    assert "Tags [школа]:" in result.output and "Days [вт]:" in result.output
    spec = load_campaign(config, "mentoring")
    assert spec.start is not None and spec.start.isoformat() == "2026-12-01"
    assert spec.grace.total_seconds() == 7200 and spec.content.order == "newest"
    assert spec.post.template.text == "{title}\n\n{body}"
    assert spec.post.call_to_action == "Приходите!" and spec.channels.names == ("vk",)
    first = path.read_text(encoding="utf-8")
    # Changing one answer changes only that.
    answers = [""] * 16
    answers[4] = "пн, ср"  # days: after the name, kinds, tags and municipalities
    assert answer(config, *answers, args=("mentoring",)).exit_code == 0
    assert load_campaign(config, "mentoring").schedule.days == {0, 2}
    assert first.replace('days = ["вт"]', 'days = ["пн", "ср"]') == \
        path.read_text(encoding="utf-8")


def test_a_cron_schedule_is_kept_when_the_person_says_so(config: Config) -> None:
    config.campaigns_dir.mkdir()
    path = config.campaigns_dir / "c.toml"
    path.write_text('name = "C"\n[schedule]\ncron = "0 10 * * 0"\n[channels]\nnames = ["vk"]\n',
                    encoding="utf-8")
    result = answer(config, *[""] * 14, args=("c",))
    assert result.exit_code == 0, result.output
    assert "The file's schedule is written as cron." in result.output
    assert "Schedule: on Sundays at 10:00\u202fAM (Yekaterinburg)" in result.output
    assert load_campaign(config, "c").schedule.cron == "0 10 * * 0"


def test_saying_no_at_the_end_writes_nothing(config: Config) -> None:
    answers = [*ANSWERS[:1], *ANSWERS[2:-1], "n"]
    result = answer(config, *answers)
    assert result.exit_code == 0, result.output
    assert "Nothing was written." in result.output
    assert not config.campaigns_dir.exists() or not list(config.campaigns_dir.glob("*.toml"))


def test_a_russian_file_name_is_refused_with_the_name_to_use(config: Config) -> None:
    result = answer(config, args=("Наставники",), lang="ru")
    assert result.exit_code == 1
    assert result.output.endswith("переименуйте файл в nastavniki.toml\n"), result.output


def test_without_channels_it_says_what_to_do_first(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {})
    result = answer(config, "x")
    assert result.exit_code == 1
    assert "config.toml has no channels yet: add a [channels.NAME] section first" in \
        result.output


def test_an_unreadable_file_is_not_overwritten(config: Config) -> None:
    config.campaigns_dir.mkdir()
    path = config.campaigns_dir / "c.toml"
    path.write_text("name = Наставничество\n", encoding="utf-8")
    result = answer(config, args=("c",))
    assert result.exit_code == 1
    assert f"{path}:1: not valid TOML: write text in quotes: " \
           'name = "Наставничество"' in result.output
    assert path.read_text(encoding="utf-8") == "name = Наставничество\n"
