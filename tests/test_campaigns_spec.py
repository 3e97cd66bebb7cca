from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from outreach.campaigns.spec import load_campaign, load_campaigns
from outreach.config import Config, load_config
from outreach.errors import CampaignError, NotFoundError
from outreach_testing import make_test_config

GOOD = """\
name = "Наставничество"
time_zone = "Asia/Yekaterinburg"
start = 2026-12-01
end = 2027-05-31
grace = "30m"

[schedule]
cron = "0 10 * * tue,thu"

[content]
kinds = ["photo-report"]
tags = ["mentoring"]
municipalities = ["Миасс"]
order = "random"
seed = 7
per_run = 2
reuse_after_days = 180

[post]
template = \"\"\"
{title}

{body}
{signup_link}\"\"\"
hashtags = ["#серебряныеволонтёры", "наставничество"]
call_to_action = "Запишитесь:"

[channels]
names = ["vk-region"]
tags = ["municipal"]
by_municipality = true
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "campaigns").mkdir()
    return make_test_config(
        tmp_path,
        {
            "vk-region": {"plugin": "test", "tags": ["social"]},
            "telegram-main": {"plugin": "test", "tags": ["social"]},
            "miass": {"plugin": "test", "tags": ["municipal"], "municipality": "Миасс"},
        },
        top={"municipalities": ["Миасс", "Златоуст"], "time_zone": "Europe/Moscow"},
    )


def write(config: Config, slug: str, text: str) -> Path:
    path = config.campaigns_dir / f"{slug}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_read_whole(config: Config) -> None:
    path = write(config, "mentoring", GOOD)
    spec = load_campaign(config, "mentoring")
    assert spec.slug == "mentoring" and spec.name == "Наставничество"
    assert spec.source == path
    assert spec.definition_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert spec.time_zone == "Asia/Yekaterinburg"
    assert (spec.start, spec.end) == (dt.date(2026, 12, 1), dt.date(2027, 5, 31))
    assert spec.grace == dt.timedelta(minutes=30)
    assert spec.schedule.cron == "0 10 * * tue,thu"
    assert spec.content.order == "random" and spec.content.seed == 7
    assert spec.content.per_run == 2 and spec.content.reuse_after_days == 180
    assert spec.post.hashtags == ("серебряныеволонтёры", "наставничество")
    assert spec.post.template.names == ("title", "body", "signup_link")
    assert spec.channels.names == ("vk-region",) and spec.channels.by_municipality


def test_defaults_fill_what_a_short_file_leaves_out(config: Config) -> None:
    write(config, "short", 'name = "S"\n[schedule]\nevery = "3d"\n[channels]\nnames = ["miass"]\n')
    spec = load_campaign(config, "short")
    assert spec.time_zone == "Europe/Moscow"  # from config.toml
    assert spec.active and spec.grace == dt.timedelta(hours=1)
    assert spec.schedule.every == dt.timedelta(days=3)
    assert spec.content.order == "oldest-unpublished" and spec.content.per_run == 1
    assert "{call_to_action}" in spec.post.template.text


def problems_of(config: Config) -> list[str]:
    _, problems = load_campaigns(config)
    return [str(p) for p in problems]


def test_every_problem_of_every_file_at_once(config: Config) -> None:
    first = write(config, "first", GOOD.replace('cron = "0 10 * * tue,thu"',
                                                'cron = "0 25 * * tue"')
                  .replace('"Asia/Yekaterinburg"', '"Asia/Yekaterinbur"')
                  .replace('names = ["vk-region"]', 'names = ["vk-regoin"]')
                  .replace('tags = ["municipal"]', 'tags = ["municipa"]')
                  .replace("{body}", "{bdy}")
                  .replace("per_run = 2", "per_rum = 2"))
    second = write(config, "second", 'name = "Второй"\n[schedule]\nevery = "3d"\n'
                   "[channels]\nnames = [\"telegram-main\"]\nstart = 2026-12-01\n"
                   "[content]\norder = \"oldest\"\n")
    found = problems_of(config)
    expected = [
        f"{first}:2: time_zone: unknown time zone 'Asia/Yekaterinbur'",
        f"{first}:8: schedule.cron: '0 25 * * tue' is not a valid cron expression",
        f"{first}:16: content.per_rum: unknown key (did you mean 'per_run'?)",
        f"{first}:23: post.template: unknown placeholder {{bdy}} (did you mean {{body}}?)",
        f"{first}:29: channels.names: no channel 'vk-regoin' in {config.source} "
        "(did you mean 'vk-region'?)",
        f"{first}:30: channels.tags: no channel in {config.source} carries the tag "
        "'municipa' (did you mean 'municipal'?)",
        f"{second}:6: channels.start: unknown key",
        f"{second}:8: content.order: 'oldest' is not one of 'oldest-unpublished', 'newest', "
        "'random'",
    ]
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)
    assert len(found) == len(expected), found
    # Nothing is lost: the files are as the user wrote them.
    assert "per_rum = 2" in first.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text, expected",
    [
        ('name = 5\n[schedule]\nevery = "1d"\n[channels]\nnames = ["miass"]\n',
         ":1: name: must be text, not a whole number"),
        ('name = "x"\nactive = "yes"\n[schedule]\nevery = "1d"\n[channels]\nnames = ["miass"]\n',
         ":2: active: must be true or false, not text 'yes'"),
        ('name = "x"\nstart = 2026-05-01\nend = 2026-04-01\n[schedule]\nevery = "1d"\n'
         '[channels]\nnames = ["miass"]\n', ":3: end: 2026-04-01 is before start 2026-05-01"),
        ('name = "x"\n[schedule]\nevery = "1d"\ncron = "0 10 * * *"\n[channels]\n'
         'names = ["miass"]\n', ":2: schedule: needs exactly one way of saying when: days "
                                "and times, cron, every or dates; it gives cron, every"),
        ('name = "x"\n[schedule]\nevery = "soon"\n[channels]\nnames = ["miass"]\n',
         ":3: schedule.every: 'soon' is not a length of time"),
        ('name = "x"\ngrace = "an hour"\n[schedule]\nevery = "1d"\n[channels]\n'
         'names = ["miass"]\n', ":2: grace: 'an hour' is not a length of time"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[channels]\nby_municipality = false\n',
         ":4: channels: names no channels"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[content]\nper_run = 0\n[channels]\n'
         'names = ["miass"]\n', ":5: content.per_run: must be 1 or more"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[content]\nmunicipalities = ["Миас"]\n'
         '[channels]\nnames = ["miass"]\n',
         ":5: content.municipalities: 'Миас' is not in municipalities"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[post]\nhashtags = ["два слова"]\n'
         '[channels]\nnames = ["miass"]\n', ":5: post.hashtags: 'два слова' is not a hashtag"),
        ('name = "x"\ntime_zone = "Europe/Berlin"\n[schedule]\n'
         'dates = [2026-03-29T02:30:00]\n[channels]\nnames = ["miass"]\n',
         ":4: schedule.dates: 2026-03-29 02:30:00 does not exist in Europe/Berlin"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[post]\ntemplate = "{title.__class__}"\n'
         '[channels]\nnames = ["miass"]\n',
         ":5: post.template: {title.__class__}: attribute or index access is not allowed"),
        ('[channels]\nnames = ["miass"]\n', ": name: is required"),
        ('name = "x"\n[schedule]\ndays = ["пн", "четверк"]\ntimes = ["10:00"]\n[channels]\n'
         'names = ["miass"]\n', ":3: schedule.days: 'четверк' is not a day of the week: write "
                                "пн, вт, ср, чт, пт, сб, вс (or mon…sun), \"будни\" or "
                                "\"выходные\" (did you mean 'четверг'?)"),
        ('name = "x"\n[schedule]\ndays = ["пн"]\ntimes = ["10.00"]\n[channels]\n'
         'names = ["miass"]\n', ":4: schedule.times: '10.00' is not a time of day: write hours "
                                'and minutes with a colon, in quotes, like "10:00"'),
        ('name = "x"\n[schedule]\ntimes = ["25:00"]\n[channels]\nnames = ["miass"]\n',
         ":3: schedule.times: '25:00' is not a time of day"),
        ('name = "x"\n[schedule]\ndays = ["пн"]\n[channels]\nnames = ["miass"]\n',
         ':3: schedule.days: needs the times of day too: times = ["10:00"]'),
        ('name = "x"\n[schedule]\ndays = ["пн"]\ntimes = ["10:00"]\ncron = "0 10 * * *"\n'
         '[channels]\nnames = ["miass"]\n', ":2: schedule: needs exactly one way of saying "
                                           "when: days and times, cron, every or dates; it "
                                           "gives cron, times"),
        ('name = "x"\n[schedule]\ncron = "0 10 * * 8"\n[channels]\nnames = ["miass"]\n',
         ":3: schedule.cron: '0 10 * * 8' is not a valid cron expression: 8 is not a day of "
         "the week: days are numbered 0 to 7, where 0 and 7 are Sunday and 1 is Monday"),
        ('name = "x"\n[schedule]\ncron = "0 10 * * понед"\n[channels]\nnames = ["miass"]\n',
         ":3: schedule.cron: '0 10 * * понед' is not a valid cron expression: 'понед' is not "
         "a day of the week"),
        ('name = "x"\ntime_zone = "Екатеринбург"\n[schedule]\nevery = "1d"\n[channels]\n'
         'names = ["miass"]\n', ":2: time_zone: unknown time zone 'Екатеринбург'"),
        ('name = "x"\n[schedule]\nevery = "1d"\n[channels\n', ":4: not valid TOML"),
    ],
)
def test_each_mistake_is_named_with_file_line_and_key(config: Config, text: str,
                                                      expected: str) -> None:
    path = write(config, "c", text)
    with pytest.raises(CampaignError) as caught:
        load_campaign(config, "c")
    assert any(str(p).startswith(f"{path}{expected}") for p in caught.value.problems), \
        caught.value.problems
    assert path.read_text(encoding="utf-8") == text


def test_a_file_name_that_cannot_be_a_slug_is_an_error(config: Config) -> None:
    write(config, "Mentoring Reports", GOOD)
    found = problems_of(config)
    assert len(found) == 1 and found[0].endswith(
        "only lower-case latin letters, digits and dashes; rename the file to "
        "mentoring-reports.toml")


def test_unknown_slug_suggests_the_closest(config: Config) -> None:
    write(config, "mentoring", GOOD)
    with pytest.raises(NotFoundError, match=r"no campaign 'mentorng'.*did you mean 'mentoring'"):
        load_campaign(config, "mentorng")


def test_the_shipped_sample_campaigns_are_valid_with_the_example_config() -> None:
    root = Path(__file__).resolve().parent.parent
    config = dataclasses.replace(load_config(root / "config.example.toml"),
                                 campaigns_dir=root / "campaigns")
    specs, problems = load_campaigns(config)
    assert problems == []
    assert {s.slug for s in specs} >= {"mentoring-photo-reports", "sample-demo"}


def test_placements_are_names_or_tables_and_checked(tmp_path: Path) -> None:
    from outreach.campaigns.spec import Placement, parse_campaign
    from outreach.config import parse_config

    config = parse_config({"municipalities": ["Миасс", "Златоуст"],
                           "channels": {"press": {"plugin": "local-media"}}}, "", "config.toml",
                          tmp_path)
    base = {"name": "C", "schedule": {"cron": "0 10 * * tue"}, "channels": {"names": ["press"]}}
    spec, problems = parse_campaign({**base, "placements": [
        "Библиотека, Миасс",
        {"name": "Пенсионный фонд, Миасс", "municipality": "Миасс", "formats": ["a4", "stand"]},
    ]}, "", tmp_path / "c.toml", config)
    assert problems == [] and spec is not None
    assert spec.placements == (Placement("Библиотека, Миасс"),
                               Placement("Пенсионный фонд, Миасс", "Миасс", ("a4", "stand")))
    _, problems = parse_campaign({**base, "placements": [
        {"name": "Соцзащита", "municipality": "Миас"}, {"nmae": "x"}, "Соцзащита", 5,
    ]}, "", tmp_path / "c.toml", config)
    text = "\n".join(str(p) for p in problems)
    assert "placements.municipality: 'Миас' is not in municipalities" in text
    assert "did you mean 'Миасс'" in text
    assert "placements.nmae: unknown key (did you mean 'name'?)" in text
    assert "'Соцзащита' is listed twice" in text
    assert "item 4 must be a name in quotes or a table" in text


def test_a_russian_file_name_is_refused_with_the_name_to_give_it(config: Config) -> None:
    path = write(config, "Наставники Миасса", GOOD)
    assert problems_of(config) == [
        f"{path}: the file's name is the campaign's short name: only lower-case latin "
        "letters, digits and dashes; rename the file to nastavniki-miassa.toml"]


def test_a_channel_named_in_russian_is_accepted_when_config_names_it_so(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    config = make_test_config(tmp_path, {"вк-миасс": {"plugin": "test"}})
    write(config, "c", 'name = "x"\n[schedule]\nevery = "1d"\n[channels]\nnames = ["вк-миасс"]\n')
    assert load_campaign(config, "c").channels.names == ("вк-миасс",)


def test_a_channel_typed_in_russian_points_at_the_latin_one(config: Config) -> None:
    path = write(config, "c", 'name = "x"\n[schedule]\nevery = "1d"\n[channels]\n'
                              'names = ["миасс", "вконтакте"]\n')
    found = problems_of(config)
    assert found[0] == (f"{path}:5: channels.names: no channel 'миасс' in {config.source} "
                        "(did you mean 'miass'?)")
    assert found[1] == (f"{path}:5: channels.names: no channel 'вконтакте' in {config.source}; "
                        "its channels: vk-region, telegram-main, miass")
