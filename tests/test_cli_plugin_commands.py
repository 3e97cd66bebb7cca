"""Commands plugins add to ``outreach`` (entry points ``outreach.commands``): found without
importlib.metadata, listed in the reader's language, a broken one reported and left out."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.cli.plugin_commands import entry_points

HELLO = '''
import click

from outreach.commands import N_, Outreach, _, pass_outreach


@click.command()
@click.option("--name", default="world", help=N_("Output format."))
@pass_outreach
def hello(outreach: Outreach, name: str) -> None:
    """Show the configuration file in use."""
    click.echo(f"hello {name} from {outreach.config_source}")
'''


@pytest.mark.parametrize("group", ["outreach.commands", "outreach.channels"])
def test_entry_points_are_found_as_importlib_metadata_finds_them(group: str) -> None:
    expected: dict[str, str] = {}
    for entry in importlib.metadata.entry_points(group=group):
        expected.setdefault(entry.name, entry.value)
    assert entry_points(group) == expected
    assert entry_points("outreach.commands")["posters"] == \
        "outreach_local_media.commands:posters"


def outreach(*args: str, cwd: Path, path: Path | None = None,
             **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    if path is not None:
        environ["PYTHONPATH"] = os.pathsep.join(
            [str(path), *filter(None, [environ.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "outreach", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True)


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    """A folder on PYTHONPATH with an installed distribution adding four commands:
    one that works, one whose module is missing, one that is not a command, and one
    that takes a core command's name."""
    folder = tmp_path / "site"
    info = folder / "outreach_hello-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: outreach-hello\n"
                                   "Version: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[outreach.commands]\n"
        "hello = outreach_hello:hello\n"
        "broken = outreach_no_such_module:command\n"
        "notacommand = outreach_hello:HELLO_TEXT\n"
        "run = outreach_hello:hello\n", encoding="utf-8")
    (folder / "outreach_hello.py").write_text(HELLO + 'HELLO_TEXT = "hi"\n', encoding="utf-8")
    (tmp_path / "config.toml").write_text('database_url = "sqlite:///x.db"\n', encoding="utf-8")
    return folder


def test_a_plugin_command_runs_and_a_broken_one_is_left_out(plugins: Path) -> None:
    cwd = plugins.parent
    result = outreach("hello", "--name", "Ann", cwd=cwd, path=plugins)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello Ann from config.toml\n"

    listing = outreach("--help", cwd=cwd, path=plugins, OUTREACH_LANG="en")
    assert listing.returncode == 0, listing.stderr
    assert "  hello         Show the configuration file in use.\n" in listing.stdout
    assert "  posters       Render posters and stands; list placements and their codes.\n" \
        in listing.stdout
    assert "  run           Run the service: schedule, publish, collect.\n" in listing.stdout
    assert "broken" not in listing.stdout and "notacommand" not in listing.stdout
    assert ("plugin command broken (outreach_no_such_module:command) cannot be loaded: "
            "ModuleNotFoundError: No module named 'outreach_no_such_module'") in listing.stderr
    assert "plugin command notacommand: outreach_hello:HELLO_TEXT is not a click command" \
        in listing.stderr
    assert "Traceback" not in listing.stderr

    missing = outreach("broken", cwd=cwd, path=plugins, OUTREACH_LANG="en")
    assert missing.returncode == 2
    assert "No such command 'broken'" in missing.stderr


def test_a_plugin_commands_help_is_translated(plugins: Path) -> None:
    result = outreach("hello", "--help", cwd=plugins.parent, path=plugins, OUTREACH_LANG="ru")
    assert result.returncode == 0, result.stderr
    assert "--name ТЕКСТ  Формат вывода." in result.stdout  # N_() help, from the catalogue
    listing = outreach("--help", cwd=plugins.parent, OUTREACH_LANG="ru")
    assert "Плакаты и стенды: сделать макеты, показать места размещения" in listing.stdout


def test_help_imports_no_plugin_channel() -> None:
    code = (
        "import sys; from outreach.cli import main; sys.argv=['outreach','--help']\n"
        "try:\n main()\nexcept SystemExit: pass\n"
        "loaded=[m for m in ('outreach_local_media.channel','outreach.channels','PIL',\n"
        "        'importlib.metadata', 'logging') if m in sys.modules]\n"
        "print('LOADED', loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "posters" in out.stdout
    assert "LOADED []" in out.stdout
