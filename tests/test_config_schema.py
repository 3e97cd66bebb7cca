from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach.config.schema import Checker, Field, check_zone, parse_duration

TEXT = """\
name = "x"
[post]
tempate = "{title}"
count = "three"
"""


def test_unknown_key_has_line_and_did_you_mean() -> None:
    check = Checker("campaigns/a.toml", TEXT)
    check.table({"tempate": "{title}"}, {"template": Field(str)}, "post")
    [problem] = check.problems
    assert str(problem) == (
        "campaigns/a.toml:3: post.tempate: unknown key (did you mean 'template'?)"
    )


def test_every_problem_is_reported_at_once() -> None:
    check = Checker("a.toml", TEXT)
    fields = {"template": Field(str), "count": Field(int), "kinds": Field(list, required=True)}
    check.table({"tempate": "x", "count": "three"}, fields, "post")
    messages = [str(p) for p in check.problems]
    assert "a.toml:3: post.tempate: unknown key (did you mean 'template'?)" in messages
    assert "a.toml:4: post.count: must be a whole number, not text 'three'" in messages
    assert "a.toml:2: post.kinds: is required" in messages


def test_defaults_are_filled_and_values_kept() -> None:
    check = Checker("a.toml")
    out = check.table({"a": 1}, {"a": Field(int), "b": Field(str, default="d")})
    assert out == {"a": 1, "b": "d"} and check.ok


def test_bool_is_not_a_whole_number_and_datetime_is_not_a_date() -> None:
    check = Checker("a.toml")
    check.table({"n": True, "d": dt.datetime(2026, 1, 1)}, {"n": Field(int), "d": Field(dt.date)})
    assert [p.message for p in check.problems] == [
        "must be a whole number, not true or false",
        "must be a date (YYYY-MM-DD), not a date and time",
    ]


def test_choices_suggest_the_closest() -> None:
    check = Checker("a.toml")
    check.table({"order": "newst"}, {"order": Field(str, choices=("newest", "random"))})
    assert check.problems[0].message == (
        "'newst' is not one of 'newest', 'random' (did you mean 'newest'?)"
    )


def test_list_items_are_checked() -> None:
    check = Checker("a.toml")
    check.table({"tags": ["a", 3]}, {"tags": Field(list, items=str)})
    assert check.problems[0].message == "item 2 must be text, not a whole number"


def test_env_field_never_echoes_a_pasted_secret() -> None:
    secret = "vk1.a.SECRETTOKENVALUE-123"
    check = Checker("config.toml")
    check.table({"user_token_env": secret}, {"user_token_env": Field(str, env=True)})
    [problem] = check.problems
    assert "environment variable" in problem.message
    assert secret not in str(problem)


def test_env_field_accepts_a_variable_name() -> None:
    check = Checker("config.toml")
    out = check.table({"token_env": "VK_USER_TOKEN"}, {"token_env": Field(str, env=True)})
    assert check.ok and out["token_env"] == "VK_USER_TOKEN"


def test_a_path_field_starts_at_the_folder_of_its_file(tmp_path: Path) -> None:
    seen: list[str] = []
    fields = {"profile": Field(str, path=True, check=lambda v: seen.append(v) or None),
              "name": Field(str)}
    check = Checker(str(tmp_path / "config.toml"))
    out = check.table({"profile": "shop.icc", "name": "shop.icc"}, fields)
    assert out["profile"] == str(tmp_path / "shop.icc") == seen[0]  # what the check saw
    assert out["name"] == "shop.icc"  # other text stays as written
    elsewhere = check.table({"profile": "/srv/icc/shop.icc"}, fields)
    assert elsewhere["profile"] == "/srv/icc/shop.icc"
    home = check.table({"profile": "~/shop.icc"}, fields)
    assert home["profile"] == str(Path("~/shop.icc").expanduser())

def test_line_offset_points_into_the_enclosing_file() -> None:
    # Front matter starts after a "+++" line: its TOML line 1 is the file's line 2.
    check = Checker("story.md", 'title = 1\n', line_offset=1)
    check.table({"title": 1}, {"title": Field(str)})
    assert check.problems[0].line == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", dt.timedelta(minutes=30)), (" 2 h ", dt.timedelta(hours=2)),
    ("3d", dt.timedelta(days=3)), ("1w", dt.timedelta(weeks=1)),
    ("48", None), ("2 days", None), ("-1d", None), ("", None),
])
def test_durations_shared_by_config_and_campaign_files(text: str,
                                                       expected: dt.timedelta | None) -> None:
    assert parse_duration(text) == expected


def test_a_time_zone_is_an_iana_name() -> None:
    assert check_zone("Asia/Yekaterinburg") is None
    assert "unknown time zone 'Mars/Olympus'" in (check_zone("Mars/Olympus") or "")
