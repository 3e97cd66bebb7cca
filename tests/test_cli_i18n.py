"""The CLI in the reader's language: help, click's own words, the error boundary, init."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from language_support import english_words

from outreach.cli import cli
from outreach.cli.output import render
from outreach.cli.prompts import confirm
from outreach.config import load_config
from outreach.i18n import language

ROOT = Path(__file__).resolve().parent.parent


def outreach(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``outreach`` in a fresh process, as a person runs it, in a C locale by default."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("OUTREACH_LANG", "OUTREACH_CONFIG", "LANGUAGE", "LC_ALL",
                            "LC_MESSAGES", "LANG")}
    environ.update({"LANG": "C.UTF-8", **env})
    return subprocess.run([sys.executable, "-m", "outreach", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True)


def test_help_is_wholly_russian_with_language_ru_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('language = "ru"\n', encoding="utf-8")
    result = outreach("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Использование: outreach [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]")
    for heading in ("Параметры:", "Команды:", "Показать эту справку и выйти.",
                    "--config ФАЙЛ", "Показать версию и выйти."):
        assert heading in result.stdout
    assert english_words(result.stdout) == [], result.stdout


def test_help_is_wholly_russian_with_outreach_lang_and_no_config(tmp_path: Path) -> None:
    result = outreach("-h", cwd=tmp_path, OUTREACH_LANG="ru")
    assert result.returncode == 0, result.stderr
    assert english_words(result.stdout) == [], result.stdout
    assert outreach("--version", cwd=tmp_path, OUTREACH_LANG="ru").stdout == \
        "outreach, версия 0.1.0\n"


def test_the_config_given_with_config_names_the_language(tmp_path: Path) -> None:
    (tmp_path / "russian.toml").write_text('language = "ru"\n', encoding="utf-8")
    (tmp_path / "config.toml").write_text('language = "en"\n', encoding="utf-8")
    assert "Usage:" in outreach("--help", cwd=tmp_path).stdout
    assert "Использование:" in outreach("--config", "russian.toml", "--help", cwd=tmp_path).stdout
    assert "Использование:" in outreach("--help", cwd=tmp_path,
                                        OUTREACH_CONFIG="russian.toml").stdout
    assert "Использование:" in outreach("--help", cwd=tmp_path, OUTREACH_LANG="ru").stdout


def test_help_is_english_with_en_and_in_an_english_locale(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('language = "en"\n', encoding="utf-8")
    (tmp_path / "no-config").mkdir()
    for result in (outreach("--help", cwd=tmp_path, LANG="ru_RU.UTF-8"),
                   outreach("--help", cwd=tmp_path / "no-config", LANG="en_GB.UTF-8")):
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: outreach [OPTIONS] COMMAND [ARGS]...")
        for heading in ("Options:", "Commands:", "Show this message and exit.",
                        "Import, list, approve and archive stories."):
            assert heading in result.stdout
        assert not re.search("[а-яА-ЯёЁ]", result.stdout), result.stdout


def test_a_russian_locale_without_a_config_speaks_russian(tmp_path: Path) -> None:
    result = outreach("--help", cwd=tmp_path, LANG="ru_RU.UTF-8")
    assert result.stdout.startswith("Использование:"), result.stdout


def test_help_in_russian_stays_fast_it_loads_neither_babel_nor_the_store(tmp_path: Path) -> None:
    code = ("import sys; from outreach.cli import main; sys.argv=['outreach','--help']\n"
            "try:\n main()\nexcept SystemExit: pass\n"
            "print('HEAVY', [m for m in ('babel','sqlalchemy','PIL','tomllib') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={**os.environ, "OUTREACH_LANG": "ru"})
    assert "Использование:" in out.stdout
    assert "HEAVY []" in out.stdout


def test_one_process_can_speak_both_languages_in_turn(runner: CliRunner, workdir: Path) -> None:
    # The same command objects serve each invocation: texts are translated from
    # the English each time, click's --help option included.
    for lang, usage, help_line in [("ru", "Использование:", "Показать эту справку и выйти."),
                                   ("en", "Usage:", "Show this message and exit."),
                                   ("ru", "Использование:", "Показать эту справку и выйти.")]:
        for args in (["--help"], ["content", "--help"], ["init", "-h"]):
            result = runner.invoke(cli, args, env={"OUTREACH_LANG": lang})
            assert result.exit_code == 0, result.output
            assert result.output.startswith(usage), result.output
            assert help_line in result.output
    assert "Скопировать также истории и кампании-образцы" in runner.invoke(
        cli, ["init", "--help"], env={"OUTREACH_LANG": "ru"}).output


def test_click_speaks_russian_in_its_errors(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["nope"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 2
    assert "Справка: 'cli --help'." in result.output
    assert "Ошибка: Нет такой команды: 'nope'." in result.output
    result = runner.invoke(cli, ["content", "show"], env={"OUTREACH_LANG": "ru"})
    assert "Ошибка: Не указан аргумент 'НОМЕР'." in result.output
    result = runner.invoke(cli, ["content", "list", "--format", "x"], env={"OUTREACH_LANG": "ru"})
    assert "Неверное значение для '--format'" in result.output
    assert "можно одно из 'table', 'csv', 'json'" in result.output


def test_the_error_boundary_says_error_in_russian(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["--config", "missing.toml", "content", "list"],
                           env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 1
    assert result.output.startswith("Ошибка: missing.toml")
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["--config", "missing.toml", "content", "list"])
    assert result.output.startswith("Error: missing.toml")


def test_init_speaks_russian_and_writes_language_ru(runner: CliRunner, workdir: Path) -> None:
    shutil.copy(ROOT / "config.example.toml", workdir)
    result = runner.invoke(cli, ["init"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    assert "Создан config.toml по образцу config.example.toml: впишите в него сведения о " \
           "вашем центре." in result.output
    assert "База данных готова, версия схемы" in result.output
    assert load_config(workdir / "config.toml").language == "ru"
    # Now the config, not the variable, says Russian.
    result = runner.invoke(cli, ["init"], env={"OUTREACH_LANG": ""})
    assert result.output.startswith("config.toml уже есть и остаётся без изменений.")


def test_init_without_an_example_here_copies_the_shipped_one(runner: CliRunner,
                                                              workdir: Path) -> None:
    result = runner.invoke(cli, ["init"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Создан config.toml по образцу config.example.toml")
    assert (workdir / "config.toml").read_text() == (ROOT / "config.example.toml").read_text()
    assert (workdir / "media" / "brand" / "logo.png").is_file()  # the example's watermark


def test_a_question_takes_the_readers_answers(runner: CliRunner) -> None:
    @click.command()
    def ask() -> None:
        click.echo(f"answer={confirm('Стереть?')}")

    with language("ru"):
        result = runner.invoke(ask, input="да\n")
        assert result.output == "Стереть? [д/Н] да\nanswer=True\n"  # the runner echoes input
        assert runner.invoke(ask, input="что\nн\n").output.splitlines() == [
            "Стереть? [д/Н] что", "Ответьте д или н.", "Стереть? [д/Н] н", "answer=False"]
        assert runner.invoke(ask, input="y\n").output.endswith("answer=True\n")
        assert runner.invoke(ask, input="\n").output.endswith("answer=False\n")
    assert runner.invoke(ask, input="yes\n").output == "Стереть? [y/N] yes\nanswer=True\n"


def test_json_keys_and_csv_columns_stay_identifiers_in_every_language() -> None:
    rows = [{"title": "Миасс", "views": 1200}]
    headers = {"title": "История", "views": "Просмотры"}
    with language("ru"):
        assert render(rows, ("title", "views"), "table", headers).splitlines()[0] == \
            "ИСТОРИЯ  ПРОСМОТРЫ"
        assert json.loads(render(rows, ("title", "views"), "json", headers)) == rows
        assert render(rows, ("title", "views"), "csv", headers).splitlines()[0] == "title,views"
    assert render(rows, ("title", "views"), "table").splitlines()[0] == "TITLE  VIEWS"
