"""TOML mistakes people make, reported with the line and what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.campaigns.spec import read_campaign
from outreach.config import load_config
from outreach.config.tomlfile import parse_toml
from outreach.errors import ConfigError, StoryFileError
from outreach.i18n import language
from outreach.library.frontmatter import read_story
from outreach_testing import make_test_config

NBSP = "\u00a0"

# (what a person wrote, the line reported, what the message must show them to write)
MISTAKES = {
    "text without quotes": ('kind = "story"\nmunicipality = Челябинск\n', 2,
                            'write text in quotes: municipality = "Челябинск"'),
    "a date with dots": ('title = "x"\ndate = 07.12.2026\n', 2,
                         "write the date like this, without quotes: date = 2026-12-07"),
    "a date and time with dots": ('dates = [05.12.2026 10:00, 12.12.2026 10:00]\n', 1,
                                  "dates = [2026-12-05T10:00:00, 2026-12-12T10:00:00]"),
    "a date without its zeros": ("date = 2026-12-7\n", 1, "date = 2026-12-07"),
    "a missing closing quote": ('title = "День пожилого человека\nkind = "story"\n', 1,
                                'put " at the end of the text: '
                                'title = "День пожилого человека"'),
    "a missing closing bracket": ('tags = ["школа", "наставничество"\nkind = "story"\n', 1,
                                  'put ] after the last item, on the same line: '
                                  'tags = ["школа", "наставничество"]'),
    "a bracket missing at the end": ('title = "x"\ntags = ["школа"\n', 2,
                                     'tags = ["школа"]'),
    "a section's bracket": ('name = "x"\n[schedule\nevery = "1d"\n', 2,
                            "close the section's name with ]: [schedule]"),
    "«ёлочки» as quotes": ('title = «Серебряный возраст»\n', 1,
                           'type straight quotes "'),
    "«ёлочки» in a list": ("tags = [«школа»]\n", 1, 'tags = ["школа"]'),
    "a decimal comma": ("seed = 1,5\n", 1, "write a dot, not a comma, before the fraction: "
                                           "seed = 1.5"),
    "a key written twice": ('title = "a"\nkind = "story"\ntitle = "b"\n', 3,
                            "title is already written on line 1: keep one of the two lines"),
    "a section written twice": ('[post]\nhashtags = []\n[post]\ntemplate = "x"\n', 3,
                                "the section [post] is already written on line 1"),
    "Word's quotes": ('title = “Серебряный возраст”\n', 1,
                      'quotes “ ” from Word do not work here: type straight quotes " '
                      '(Shift+2 in the Russian layout) in a plain text editor such as '
                      'Notepad: title = "Серебряный возраст"'),
    "German-style quotes": ('title = „Серебряный возраст“\n', 1,
                            'title = "Серебряный возраст"'),
    "a non-breaking space": (f'title{NBSP}={NBSP}"Серебряный возраст"\n', 1,
                             'type ordinary ones: title = "Серебряный возраст"'),
    "a non-breaking space before a name": (f'title = "x"\n{NBSP}kind = "story"\n', 2,
                                           'kind = "story"'),
    "a colon for an equals sign": ('title: "x"\n', 1,
                                   'write an equals sign between the name and the value, '
                                   'not a colon: title = "x"'),
    "a name in Cyrillic": ('название = "x"\n', 1, "names are written in latin letters"),
    "list items without quotes": ("tags = [школа, наставничество]\n", 1,
                                  'tags = ["школа", "наставничество"]'),
    "list items without a comma": ('tags = ["школа" "наставничество"]\n', 1,
                                   'put a comma between the items of a list: '
                                   'tags = ["школа", "наставничество"]'),
    "straight quotes inside text": ('title = "Акция "Добро" в Миассе"\n', 1,
                                    'write quotes inside the text as «ёлочки»: '
                                    'title = "Акция «Добро» в Миассе"'),
    "yes for true": ("active = да\n", 1, "write true (yes) or false (no), in small latin "
                                         "letters and without quotes: active = true"),
    "True with a capital": ("active = False\n", 1, "active = false"),
    "words after a number": ("per_run = 2 истории\n", 1,
                             "a number stands alone after the = sign: per_run = 2"),
    "a template never closed": ('name = "x"\n[post]\ntemplate = """\n{title}\n\n{body}\n'
                                '[channels]\nnames = ["a"]\n', 3,
                                'the text opened with """ on this line is never closed'),
}


@pytest.mark.parametrize("mistake", MISTAKES, ids=list(MISTAKES))
def test_each_mistake_names_the_line_and_what_to_write(mistake: str) -> None:
    text, line, expected = MISTAKES[mistake]
    data, problem = parse_toml(text, "story.md")
    assert data is None and problem is not None
    assert problem.line == line, problem
    assert expected in problem.message, problem.message
    assert "Expected" not in problem.message and "Invalid" not in problem.message


def test_quotes_and_spaces_inside_text_are_fine() -> None:
    data, problem = parse_toml(f'title = "«Серебряный» возраст{NBSP}— “да”"\n', "x.toml")
    assert problem is None and data == {"title": f"«Серебряный» возраст{NBSP}— “да”"}


def test_the_hints_speak_russian() -> None:
    with language("ru"):
        said = {name: parse_toml(text, "f.toml")[1].message
                for name, (text, _line, _expected) in MISTAKES.items()}
    assert said["text without quotes"] == (
        'ошибка в записи: текст пишите в кавычках: municipality = "Челябинск"')
    assert said["a date with dots"] == (
        "ошибка в записи: дату пишите так, без кавычек: date = 2026-12-07")
    assert "запятой" in said["a decimal comma"] and "seed = 1.5" in said["a decimal comma"]
    assert "строке 1" in said["a key written twice"]
    for name, message in said.items():
        words = [w for w in message.replace("Word", "").replace("Shift", "").split()
                 if w.isascii() and w.isalpha() and len(w) > 1
                 and w not in ("title", "date", "municipality", "seed", "kind", "tags",
                               "post", "schedule", "dates", "Notepad", "true", "false",
                               "active", "per_run")]
        assert not words, (name, message)


def test_a_campaign_file_names_itself_and_the_line(tmp_path: Path) -> None:
    config = make_test_config(tmp_path, {"main": {"plugin": "test"}})
    path = tmp_path / "c.toml"
    path.write_text('name = "C"\n[schedule]\ndays = [пн]\n', encoding="utf-8")
    spec, problems = read_campaign(path, config)
    assert spec is None
    assert str(problems[0]) == (f'{path}:3: not valid TOML: each item of a list in square '
                                'brackets is in quotes, with commas between them: '
                                'days = ["пн"]')


def test_a_story_file_counts_lines_from_its_top(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text(
        '+++\ntitle = "x"\nkind = "story"\ndate = 14.10.2026\n+++\nТекст.\n', encoding="utf-8")
    with pytest.raises(StoryFileError) as caught:
        read_story(tmp_path)
    assert str(caught.value) == (f"{tmp_path / 'story.md'}:4: not valid TOML: write the date "
                                 "like this, without quotes: date = 2026-10-14")


def test_a_story_file_whose_list_is_never_closed(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text(
        '+++\ntitle = "x"\ntags = ["школа"\n+++\nТекст.\n', encoding="utf-8")
    with pytest.raises(StoryFileError) as caught:
        read_story(tmp_path)
    assert f"{tmp_path / 'story.md'}:3: " in str(caught.value)
    assert 'tags = ["школа"]' in str(caught.value)


def test_config_toml_gets_the_same_hints(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('language = "ru"\ntime_zone = Asia/Yekaterinburg\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f'{path}:2: not valid TOML: write text in quotes: ' \
           'time_zone = "Asia/Yekaterinburg"' in str(caught.value)


def test_a_section_named_in_russian_gets_both_ways_to_write_it() -> None:
    _data, problem = parse_toml('[channels.вк-миасс]\nplugin = "vk"\n', "config.toml")
    assert problem is not None and problem.line == 1
    assert problem.message.endswith(
        "write [channels.vk-miass], or put the name in quotes: [channels.\"вк-миасс\"]")
    data, problem = parse_toml('[channels."вк-миасс"]\nplugin = "vk"\n', "config.toml")
    assert problem is None and data == {"channels": {"вк-миасс": {"plugin": "vk"}}}
