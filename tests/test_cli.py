"""The CLI root: help without heavy imports, one error boundary, --debug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from outreach.cli import COMMANDS, cli


def test_help_lists_every_command_group(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in COMMANDS:
        assert name in result.output


def test_help_does_not_import_the_store_or_pillow() -> None:
    code = (
        "import sys; from outreach.cli import main; sys.argv=['outreach','--help']\n"
        "try:\n main()\nexcept SystemExit: pass\n"
        "heavy=[m for m in ('sqlalchemy','sqlmodel','PIL','alembic','apscheduler')\n"
        "       if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_user_error_is_one_line_without_traceback(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["--config", "missing.toml", "content", "list"])
    assert result.exit_code == 1
    assert "Error: missing.toml: no such file" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_underlying_exception(runner: CliRunner, workdir: Path) -> None:
    from outreach.errors import ConfigError

    result = runner.invoke(cli, ["--debug", "--config", "missing.toml", "content", "list"])
    assert isinstance(result.exception, ConfigError)


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "outreach", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("outreach, version")
