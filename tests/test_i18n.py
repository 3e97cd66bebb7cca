"""outreach.i18n: translations, plurals, lazy strings, formats, and the choice of language."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.i18n import (
    N_,
    _,
    activate,
    current_language,
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    format_time,
    language,
    lazy_gettext,
    ngettext,
    pgettext,
)
from outreach.i18n.choice import choose_language, config_language, config_path

APPROVED = ("Approved {count} sample story (tagged '{tag}').",
            "Approved {count} sample stories (tagged '{tag}').")


def approved(n: int) -> str:
    return ngettext(*APPROVED, n).format(count=n, tag="sample")


def test_russian_has_three_plural_forms_chosen_by_the_last_digits() -> None:
    with language("ru"):
        assert approved(1) == "Одобрена 1 история-образец (с меткой 'sample')."
        assert approved(3) == "Одобрены 3 истории-образца (с меткой 'sample')."
        assert approved(5) == "Одобрено 5 историй-образцов (с меткой 'sample')."
        forms = {n: approved(n).split()[0] for n in (11, 12, 14, 21, 22, 25, 101, 111, 112)}
    assert forms == {11: "Одобрено", 12: "Одобрено", 14: "Одобрено", 21: "Одобрена",
                     22: "Одобрены", 25: "Одобрено", 101: "Одобрена", 111: "Одобрено",
                     112: "Одобрено"}


def test_english_is_the_source_and_needs_no_catalogue() -> None:
    assert current_language() == "en"
    assert approved(1) == "Approved 1 sample story (tagged 'sample')."
    assert approved(2) == "Approved 2 sample stories (tagged 'sample')."
    assert _("Nothing to show.") == "Nothing to show."
    assert _("A message nobody translated") == "A message nobody translated"


def test_context_tells_apart_the_same_english_word() -> None:
    with language("ru"):
        assert pgettext("answer", "y") == "д"
        assert _("y") == "y"  # without the context it is another message


def test_a_lazy_string_is_translated_when_used_not_when_made() -> None:
    table = {"empty": lazy_gettext("Nothing to show.")}  # made at import, in English
    with language("ru"):
        assert str(table["empty"]) == "Здесь пока ничего нет."
        assert f"[{table['empty']}]" == "[Здесь пока ничего нет.]"
        assert table["empty"] + "!" == "Здесь пока ничего нет.!"
        version = lazy_gettext("%(prog)s, version %(version)s")
        assert version % {"prog": "outreach", "version": "1"} == "outreach, версия 1"
    assert str(table["empty"]) == "Nothing to show."
    assert N_("Nothing to show.") == "Nothing to show."  # marked only


def test_language_block_restores_the_language_before_it() -> None:
    activate("ru")
    with language("en"):
        assert _("Nothing to show.") == "Nothing to show."
    assert current_language() == "ru"
    assert _("Nothing to show.") == "Здесь пока ничего нет."


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="choose from ru, en"):
        activate("de")


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", ["12\u00a0345", "1\u00a0234,5", "3,50", "12,5\u00a0%", "7 декабря 2026", "10:00",
            "7 декабря 2026, 10:00"]),
    ("en", ["12,345", "1,234.5", "3.50", "12.5%", "December 7, 2026", "10:00\u202fAM",
            "December 7, 2026, 10:00\u202fAM"]),
])
def test_numbers_and_dates_read_the_way_the_language_writes_them(lang: str,
                                                                 expected: list[str]) -> None:
    moment = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    with language(lang):
        assert [format_number(12345), format_number(1234.5), format_decimal(3.5, 2),
                format_percent(0.125, 1), format_date(moment.date()), format_time(moment),
                format_datetime(moment)] == expected


def test_importing_the_api_loads_no_babel() -> None:
    code = "import sys, outreach.i18n; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- choosing the language ---------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),
    ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_GB.UTF-8"}, "ru"),
    ({}, "en"),
])
def test_without_a_config_the_system_locale_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    environ: dict[str, str],
                                                    expected: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert choose_language([], environ) == expected


def test_the_config_names_the_language_and_outreach_lang_overrides_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "config.toml", '# comment\nlanguage = "ru"  # Russian\n[paths]\n')
    assert choose_language([], {"LANG": "C"}) == "ru"
    assert choose_language([], {"LANG": "C", "OUTREACH_LANG": "en"}) == "en"
    assert choose_language([], {"LANG": "ru_RU.UTF-8", "OUTREACH_LANG": "en_US"}) == "en"
    assert choose_language([], {"LANG": "C", "OUTREACH_LANG": "ru_RU.UTF-8"}) == "ru"


def test_the_config_is_the_one_the_command_line_names(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    other = write(tmp_path / "other.toml", "language = 'en'\n")
    write(tmp_path / "config.toml", 'language = "ru"\n')
    assert config_path(["--config", str(other), "content", "list"], {}) == other
    assert config_path([f"--config={other}", "run"], {}) == other
    assert config_path(["--debug", "content", "list"], {"OUTREACH_CONFIG": str(other)}) == other
    assert config_path(["content", "import", "--config", "x"], {}) == Path("config.toml")
    assert choose_language(["--debug", "--config", str(other), "--help"], {}) == "en"
    assert choose_language(["--help"], {"LANG": "C"}) == "ru"


@pytest.mark.parametrize("text", [
    '[paths]\nlanguage = "ru"\n',  # a key of a table, not the top-level one
    'language = "de"\n',  # not a language we speak: the config check says so
    "language = 'ru\n",  # not TOML: the config check says so
])
def test_what_is_not_a_top_level_language_we_speak_is_left_to_the_locale(
        tmp_path: Path, text: str) -> None:
    assert config_language(write(tmp_path / "config.toml", text)) is None
    assert config_language(tmp_path / "missing.toml") is None


def test_the_config_check_names_a_wrong_language(tmp_path: Path) -> None:
    from outreach.config import load_config
    from outreach.errors import ConfigError

    assert load_config(write(tmp_path / "config.toml", 'language = "en"\n')).language == "en"
    assert load_config(write(tmp_path / "none.toml", "time_zone = 'UTC'\n")).language is None
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path / "bad.toml", 'language = "ru_RU"\n'))
    assert "bad.toml:1: language:" in str(error.value)
