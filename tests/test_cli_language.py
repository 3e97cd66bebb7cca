"""Every word of the CLI's help in the reader's language: a walk over every command and option.

The walk goes through the root group's ``list_commands``/``get_command``, as
``outreach --help`` does, so a command a plugin contributes is walked like the
built-in ones.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from language_support import CYRILLIC, english_words, root_context

from outreach.cli import cli
from outreach.cli.localize import localize
from outreach.cli.plugin_commands import entry_points
from outreach.i18n import language

Where = tuple[str, ...]


def _commands(group: click.Group, ctx: click.Context, path: Where
              ) -> Iterator[tuple[Where, click.Command, click.Context]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{' '.join(path)} lists {name} but cannot load it"
        sub = click.Context(command, parent=ctx, info_name=name, **command.context_settings)
        yield (*path, name), command, sub
        if isinstance(command, click.Group):
            yield from _commands(command, sub, (*path, name))


def help_texts(lang: str) -> list[tuple[str, str]]:
    """(where, text) for every command's help and every option's, as shown in ``lang``."""
    texts = []
    with language(lang):
        localize(cli)
        root = root_context()
        walked = [(("outreach",), cli, root), *_commands(cli, root, ("outreach",))]
        for path, command, ctx in walked:
            where = " ".join(path)
            texts.append((where, command.help or command.short_help or ""))
            for param in command.get_params(ctx):
                if isinstance(param, click.Option):
                    texts.append((f"{where} {param.opts[-1]}", param.help or ""))
    return texts


def command_paths() -> list[Where]:
    root = root_context()
    return [path for path, _command, _ctx in _commands(cli, root, ())]


def command_names() -> set[str]:
    """Every command's name, which help pages show as it is typed."""
    return {name for path in command_paths() for name in path}


def test_the_walk_reaches_every_command_and_option() -> None:
    texts = dict(help_texts("en"))
    for expected in ("outreach stats --chart", "outreach publications resolve --posted",
                     "outreach signups export --i-know-this-contains-personal-data",
                     "outreach content list --format", "outreach --config", "outreach db backup",
                     "outreach init --samples", "outreach run --help",
                     # contributed by the local-media plugin (entry-point group outreach.commands)
                     "outreach posters render --placement"):
        assert expected in texts, expected
    assert "posters" in entry_points()
    assert len(texts) > 100


def test_every_help_is_russian_under_ru_and_complete_english_under_en() -> None:
    english = dict(help_texts("en"))
    russian = dict(help_texts("ru"))
    assert russian.keys() == english.keys()
    missing = [where for where, text in english.items() if not text.strip()]
    assert not missing, f"no help: {missing}"
    untranslated = [where for where, text in russian.items()
                    if not CYRILLIC.search(text) or text == english[where]]
    assert not untranslated, f"not in Russian: {untranslated}"
    names = command_names()
    leftovers = {where: words for where, text in russian.items()
                 if (words := english_words(text, names))}
    assert not leftovers, f"English words left in Russian help: {leftovers}"
    cyrillic = [where for where, text in english.items() if CYRILLIC.search(text)]
    assert not cyrillic, f"Russian in the English help: {cyrillic}"


def test_a_command_added_to_the_group_is_walked_and_its_missing_translation_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command()
    @click.option("--loudly", is_flag=True, help="Say it loudly.")
    def frobnicate(loudly: bool) -> None:
        """Frobnicate the widgets."""

    monkeypatch.setitem(cli.commands, "frobnicate", frobnicate)
    russian = dict(help_texts("ru"))
    assert russian["outreach frobnicate"] == "Frobnicate the widgets."
    assert russian["outreach frobnicate --loudly"] == "Say it loudly."
    assert english_words(russian["outreach frobnicate"]) == ["Frobnicate", "the", "widgets"]


@pytest.mark.parametrize("path", [(), *command_paths()], ids=lambda p: " ".join(p) or "root")
def test_help_pages_in_russian_have_no_english_words(runner: CliRunner, path: Where) -> None:
    result = runner.invoke(cli, [*path, "--help"], env={"OUTREACH_LANG": "ru"},
                           prog_name="outreach")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Использование:")
    assert english_words(result.output, command_names()) == [], result.output
    english = runner.invoke(cli, [*path, "--help"], env={"OUTREACH_LANG": "en"},
                            prog_name="outreach")
    assert english.output.startswith("Usage:")
    assert not CYRILLIC.search(english.output), english.output


def test_counts_take_the_russian_plural_forms_and_spaces() -> None:
    from outreach.cli.run import _publications

    with language("ru"):
        assert [_publications(n) for n in (1, 3, 5, 11, 21, 12345)] == [
            "1 публикация", "3 публикации", "5 публикаций", "11 публикаций", "21 публикация",
            "12\u00a0345 публикаций"]
    assert [_publications(n) for n in (1, 3)] == ["1 publication", "3 publications"]


def test_a_required_option_is_marked_in_russian(runner: CliRunner) -> None:
    """click looks "required" up through a variable: the catalogue keeps it by hand."""
    result = runner.invoke(cli, ["deploy", "systemd", "--help"], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 0, result.output
    assert "[обязательно]" in result.output and "required" not in result.output
    assert english_words("Имя.  [required]") == ["required"]
