"""The import contracts (tools/check_imports.py) hold on the project and catch each kind of break.

Each break is tried on a small project laid out like this one in a temporary folder, checked
with this project's own [tool.importlinter] table.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
CHECKER = PROJECT / "tools" / "check_imports.py"


def check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECKER), str(project)],
                          capture_output=True, text=True, timeout=120)


def write(root: Path, module: str, source: str) -> None:
    """Write ``source`` as ``module`` under ``root`` (plugins go under plugins/)."""
    base = root / "plugins" if module.startswith("outreach_") else root
    parts = module.split(".")
    for depth in range(1, len(parts)):
        package = base.joinpath(*parts[:depth]) / "__init__.py"
        package.parent.mkdir(parents=True, exist_ok=True)
        package.touch()
    base.joinpath(*parts).with_suffix(".py").write_text(source, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with this one's contracts and every module they name, keeping them all."""
    pyproject = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    config = tomllib.loads(pyproject)["tool"]["importlinter"]
    write(tmp_path, "outreach.channels", "")
    write(tmp_path, "outreach.commands", "")  # the plugins' CLI API
    write(tmp_path, "outreach_local_media.commands", "from outreach.commands import *\n")
    write(tmp_path, "outreach.cli.main", "from outreach import channels\n")
    write(tmp_path, "outreach.__main__", "from outreach.cli import main\n")
    # The imports the contracts allow: by name, or from anywhere (the plugin API).
    api = []
    for contract in config["contracts"]:
        for allowed in contract.get("ignore_imports", []):
            importer, _, imported = (part.strip() for part in allowed.partition("->"))
            write(tmp_path, imported, "")
            if "*" in importer:
                api.append(imported)
            else:
                write(tmp_path, importer, f"import {imported}\n")
    for package in config["root_packages"]:
        if package != "outreach":
            write(tmp_path, f"{package}.__init__", "".join(f"import {m}\n" for m in api))
    return tmp_path


def test_the_project_keeps_every_contract() -> None:
    result = check(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_small_project_keeps_every_contract(project: Path) -> None:
    result = check(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_plugin_importing_the_core_around_the_api_is_caught(project: Path) -> None:
    write(project, "outreach.db", "")
    write(project, "outreach_vk.client", "from outreach.db import session\n")
    result = check(project)
    assert result.returncode == 1
    assert "outreach_vk.client -> outreach.db" in result.stdout


def test_the_core_importing_a_plugin_is_caught(project: Path) -> None:
    write(project, "outreach.stats", "def f():\n    import outreach_telegram\n")
    result = check(project)
    assert result.returncode == 1
    assert "The core never imports a plugin BROKEN" in result.stdout


def test_the_core_importing_the_cli_is_caught(project: Path) -> None:
    write(project, "outreach.engine.service", "from outreach.cli import main\n")
    result = check(project)
    assert result.returncode == 1
    assert "outreach.engine.service -> outreach.cli.main" in result.stdout


@pytest.mark.parametrize("first, second", [
    ("outreach.campaigns.routing", "outreach.campaigns.selection"),  # two modules
    ("outreach.engine.jobs", "outreach.signups.records"),  # two packages
    ("outreach_telegram.channel", "outreach_telegram.sending"),  # inside a plugin
])
def test_an_import_cycle_is_caught(project: Path, first: str, second: str) -> None:
    write(project, first, f"import {second}\n")
    # Imported for type checking only: it still ties the two modules together.
    write(project, second, f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           f"    import {first}\n")
    result = check(project)
    assert result.returncode == 1
    assert "import one way BROKEN" in result.stdout


def test_a_plugin_missing_from_the_contracts_is_named(project: Path) -> None:
    write(project, "outreach_new.__init__", "")
    result = check(project)
    assert result.returncode == 1
    assert "plugins/outreach_new is missing from [tool.importlinter] root_packages" in result.stderr


def test_a_plugin_module_importing_the_channel_module_is_caught(project: Path) -> None:
    write(project, "outreach_vk.channel", "")
    write(project, "outreach_vk.checks", "from outreach_vk.channel import VKChannel\n")
    result = check(project)
    assert result.returncode == 1
    assert "outreach_vk.checks -> outreach_vk.channel" in result.stdout
