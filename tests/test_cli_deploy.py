"""``outreach deploy systemd``: units with the centre's paths that systemd accepts."""

from __future__ import annotations

import shutil
import stat
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from outreach.cli import cli
from outreach.deploy import UNITS
from outreach.engine.service import STOP_GRACE


def _settings(text: str) -> dict[str, list[str]]:
    """A unit's KEY=value lines (a key may repeat, as Environment= does)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


@pytest.fixture
def written(workdir: Path, runner: CliRunner) -> Path:
    folder = workdir / "srv" / "outreach"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(
        '[paths]\nmedia = "/var/lib/outreach-media"\n'
        '[channels.vk]\nplugin = "vk"\ngroup_id = 218375169\n'
        'user_token_env = "VK_USER_TOKEN"\ncommunity_token_env = "VK_COMMUNITY_TOKEN"\n',
        encoding="utf-8")
    command = workdir / "venv" / "bin" / "outreach"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n")
    command.chmod(0o755)
    result = runner.invoke(cli, ["deploy", "systemd", "--user", "outreach", "--dir", str(folder),
                                 "--out", "units", "--outreach", str(command)])
    assert result.exit_code == 0, result.output
    return workdir / "units"


def test_the_service_runs_as_its_user_in_its_folder_hardened(written: Path,
                                                             workdir: Path) -> None:
    folder, command = workdir / "srv" / "outreach", workdir / "venv" / "bin" / "outreach"
    service = _settings((written / "outreach.service").read_text())
    assert service["User"] == ["outreach"] and service["Group"] == ["outreach"]
    assert service["WorkingDirectory"] == [str(folder)]
    assert f"OUTREACH_CONFIG={folder / 'config.toml'}" in service["Environment"]
    assert service["EnvironmentFile"] == ["/etc/outreach/outreach.env"]
    assert service["ExecStart"] == [f"{command} run"]
    # A newer Outreach upgrades the database on start: the backup to roll back to first.
    assert service["ExecStartPre"] == [
        f"{command} backups create --before-upgrade --into {folder / 'backups'} --keep 14"]
    assert service["Restart"] == ["on-failure"]
    # systemd waits longer than the service lets calls in flight finish.
    assert int(service["TimeoutStopSec"][0]) > STOP_GRACE
    assert service["KillSignal"] == ["SIGTERM"]
    for hardening in ("PrivateTmp", "NoNewPrivileges"):
        assert service[hardening] == ["true"]
    assert service["ProtectSystem"] == ["strict"]
    # The folder, and the media library config.toml keeps elsewhere, stay writable.
    assert service["ReadWritePaths"][0].split() == [str(folder), "/var/lib/outreach-media"]

    backup = _settings((written / "outreach-backup.service").read_text())
    assert backup["Type"] == ["oneshot"] and backup["User"] == ["outreach"]
    assert backup["ExecStart"] == [
        f"{command} backups create --into {folder / 'backups'} --keep 14"]
    timer = _settings((written / "outreach-backup.timer").read_text())
    assert timer["Unit"] == ["outreach-backup.service"] and timer["Persistent"] == ["true"]


def test_the_tokens_file_is_private_and_names_the_configs_variables(written: Path) -> None:
    env = written / "outreach.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    lines = [line for line in env.read_text().splitlines() if not line.startswith("#")]
    assert lines == ["VK_USER_TOKEN=", "VK_COMMUNITY_TOKEN="]


def test_writing_again_keeps_the_filled_in_tokens(written: Path, workdir: Path,
                                                  runner: CliRunner) -> None:
    (written / "outreach.env").write_text("VK_USER_TOKEN=vk1.a.secret\n")
    result = runner.invoke(cli, ["deploy", "systemd", "--user", "outreach", "--dir",
                                 str(workdir / "srv" / "outreach"), "--out", "units",
                                 "--outreach", str(workdir / "venv" / "bin" / "outreach")])
    assert result.exit_code == 0, result.output
    assert "Keeping units/outreach.env." in result.output
    assert (written / "outreach.env").read_text() == "VK_USER_TOKEN=vk1.a.secret\n"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (CI's Ubuntu has it)")
def test_systemd_accepts_the_units(written: Path) -> None:
    result = subprocess.run(["systemd-analyze", "verify", *(str(written / u) for u in UNITS)],
                            capture_output=True, text=True, timeout=60)
    # verify exits 0 on a setting it ignores; what it says is the finding.
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_repositorys_deploy_folder_holds_the_units_for_srv_outreach() -> None:
    """deploy/ is the copy step for a server set up as docs/deploy.md says."""
    from outreach.deploy import Setup, units

    root = Path(__file__).resolve().parent.parent / "deploy"
    setup = Setup(user="outreach", folder=Path("/srv/outreach"),
                  outreach=Path("/srv/outreach/venv/bin/outreach"))
    expected = units(setup) | units(replace(setup, workers=2, postgresql=True))
    assert {p.name: p.read_text() for p in root.iterdir()} == expected


def test_a_database_newer_than_the_code_is_not_restarted_forever(written: Path) -> None:
    from outreach.errors import SchemaTooNew

    service = _settings((written / "outreach.service").read_text())
    assert service["RestartPreventExitStatus"] == [str(SchemaTooNew.exit_code)]


@pytest.fixture
def template(workdir: Path, runner: CliRunner) -> Path:
    folder = workdir / "srv" / "outreach"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(
        'database_url = "postgresql+psycopg://outreach@localhost/outreach"\n', encoding="utf-8")
    result = runner.invoke(cli, ["deploy", "systemd", "--user", "outreach", "--dir", str(folder),
                                 "--out", "units", "--outreach", "/usr/bin/true",
                                 "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Start the workers with: sudo systemctl enable --now outreach@1.service "
        "outreach@2.service outreach@3.service")
    return workdir / "units"


def test_several_workers_get_a_template_unit_named_by_instance(template: Path) -> None:
    assert not (template / "outreach.service").exists()
    service = _settings((template / "outreach@.service").read_text())
    assert service["ExecStart"] == ["/usr/bin/true run --worker %H:%i"]
    assert service["Description"][0].endswith("(worker %i)")
    assert service["After"] == ["network-online.target postgresql.service"]
    assert service["RestartPreventExitStatus"] == ["3"]


def test_several_workers_on_sqlite_are_refused(workdir: Path, runner: CliRunner) -> None:
    (workdir / "config.toml").write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["deploy", "systemd", "--user", "outreach", "--dir",
                                 str(workdir), "--out", "units", "--outreach", "/usr/bin/true",
                                 "--workers", "2"])
    assert result.exit_code == 1
    assert "several workers need a PostgreSQL database" in result.output
    assert not (workdir / "units").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (CI's Ubuntu has it)")
def test_systemd_accepts_the_template_unit(template: Path) -> None:
    # verify takes an instance of a template, named after the template file beside it.
    instance = template / "outreach@1.service"
    instance.symlink_to("outreach@.service")
    result = subprocess.run(["systemd-analyze", "verify", str(instance)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
