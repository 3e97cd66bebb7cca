"""The gettext catalogues: complete, in line with the source, compiled, plural rules right.

Each check says what to run when it fails. The checks themselves are in
``outreach.i18n.catalogs`` (``python -m outreach.i18n.catalogs check``); the
last tests show that they catch what they are for, on catalogues made here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from outreach.i18n import catalogs
from outreach.i18n.extract import command_docstrings

FIX = "\n  Run `make messages`, translate what it reports in the .po files (docs/i18n.md)."


def explain(problems: list[str], fix: str = FIX) -> str:
    return "\n".join(problems) + fix


def test_every_catalogue_exists() -> None:
    assert not catalogs.missing_catalogues(), explain(catalogs.missing_catalogues())


def test_the_catalogues_hold_every_message_of_the_source() -> None:
    problems = catalogs.out_of_date()
    assert not problems, explain(problems)


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    problems = catalogs.untranslated()
    assert not problems, explain(problems)


def test_translations_keep_the_placeholders_and_ours_are_named() -> None:
    problems = catalogs.placeholder_problems()
    assert not problems, explain(problems)


def test_plural_forms_follow_each_languages_rule() -> None:
    problems = catalogs.plural_problems()
    assert not problems, explain(problems)
    headers = {po.parent.parent.name: catalogs._read(po).plural_forms
               for po in catalogs.po_files()}
    assert headers["ru"].startswith("nplurals=3;")


def test_every_compiled_catalogue_is_what_its_po_compiles_to() -> None:
    problems = catalogs.stale_mo()
    assert not problems, explain(problems, "\n  Run `make test` (it compiles what changed) or "
                                           "`make messages`.")


# -- the checks catch what they are for ---------------------------------------------------

@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout of one source folder and a copy of the Russian catalogue of ours."""
    source = tmp_path / "outreach"
    source.mkdir()
    (source / "thing.py").write_text(
        'from outreach.i18n import _\n\nMESSAGE = _("Nothing to show.")\n', encoding="utf-8")
    locale = tmp_path / "outreach" / "locale"
    po = locale / "ru" / "LC_MESSAGES" / "outreach.po"
    po.parent.mkdir(parents=True)
    shutil.copy(catalogs.po_path("outreach", "ru"), po)
    domain = catalogs.Domain("outreach", (source,), "outreach.i18n.extract:extract_python")
    monkeypatch.setattr(catalogs, "domains", lambda: (domain,))
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale)
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    catalogs.update()
    return tmp_path


def test_a_message_added_without_updating_the_catalogue_is_reported(checkout: Path) -> None:
    assert catalogs.check() == []
    (checkout / "outreach" / "new.py").write_text(
        'from outreach.i18n import _\n\nprint(_("A brand new message"))\n', encoding="utf-8")
    assert catalogs.out_of_date() == [
        "outreach/locale/ru/LC_MESSAGES/outreach.po: missing 'A brand new message'"]
    catalogs.update()
    assert catalogs.out_of_date() == []
    assert catalogs.untranslated() == [
        "outreach/locale/ru/LC_MESSAGES/outreach.po: untranslated 'A brand new message'"]


def test_a_message_gone_from_the_source_is_reported(checkout: Path) -> None:
    (checkout / "outreach" / "thing.py").write_text("MESSAGE = 'plain'\n", encoding="utf-8")
    assert catalogs.out_of_date() == [
        "outreach/locale/ru/LC_MESSAGES/outreach.po: no longer in the source "
        "'Nothing to show.'"]


def test_a_po_changed_after_compiling_is_reported(checkout: Path) -> None:
    po = checkout / "outreach" / "locale" / "ru" / "LC_MESSAGES" / "outreach.po"
    assert catalogs.stale_mo() == []
    po.write_text(po.read_text(encoding="utf-8").replace("Здесь пока ничего нет.", "Пусто."),
                  encoding="utf-8")
    assert catalogs.stale_mo() == [
        "outreach/locale/ru/LC_MESSAGES/outreach.mo is older than outreach.po"]
    po.with_suffix(".mo").unlink()
    assert catalogs.stale_mo() == ["outreach/locale/ru/LC_MESSAGES/outreach.mo is missing"]


def test_fuzzy_positional_and_mismatched_translations_are_reported(checkout: Path) -> None:
    po = checkout / "outreach" / "locale" / "ru" / "LC_MESSAGES" / "outreach.po"
    po.write_text(po.read_text(encoding="utf-8") + (
        '\n#, fuzzy\nmsgid "Guessed"\nmsgstr "Угадано"\n'
        '\nmsgid "{} stories"\nmsgstr "{} историй"\n'
        '\nmsgid "Keeping {path} safe."\nmsgstr "Храню {pаth}."\n'), encoding="utf-8")
    assert catalogs.untranslated() == [
        "outreach/locale/ru/LC_MESSAGES/outreach.po: fuzzy (review it, then remove the flag) "
        "'Guessed'"]
    assert set(catalogs.placeholder_problems()) == {
        "outreach/locale/ru/LC_MESSAGES/outreach.po: placeholders of 'Храню {pаth}.' differ "
        "from 'Keeping {path} safe.'",
        "outreach/locale/ru/LC_MESSAGES/outreach.po: use named placeholders ({count}, not {} "
        "or %s) in '{} stories'"}


def test_a_wrong_plural_rule_is_reported(checkout: Path) -> None:
    po = checkout / "outreach" / "locale" / "ru" / "LC_MESSAGES" / "outreach.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms:')
    end = text.index('"MIME-Version')
    po.write_text(text[:start] + '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n' + text[end:],
                  encoding="utf-8")
    [problem] = catalogs.plural_problems()
    assert "Plural-Forms should be 'nplurals=3;" in problem


def test_a_commands_docstring_is_a_message_as_click_shows_it() -> None:
    source = b'''
import click

@click.command()
def plain():
    """Do one thing.

    In detail.
    \\f
    For developers only.
    """

@group.command("list")
def list_():
    """List them."""

def helper():
    """Not a command."""
'''
    assert [message for _, _, message, _ in command_docstrings(source)] == [
        "Do one thing.\n\nIn detail.", "List them."]
