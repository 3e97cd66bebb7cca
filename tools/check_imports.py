"""Check the import contracts in pyproject.toml ([tool.importlinter]) with import-linter.

Run from anywhere: ``.venv/bin/python tools/check_imports.py [PROJECT_FOLDER]`` (``make check``
runs it). Before the contracts, it checks that they see every plugin: each package
``plugins/outreach_*`` must be a root package, a plugin the core may not import, and an
ancestor in the cycle contract, so a new plugin cannot slip past the checks unseen.
Exit status 0 when every contract is kept, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent


def plugin_packages(project: Path) -> list[str]:
    return sorted(p.parent.name for p in (project / "plugins").glob("outreach_*/__init__.py"))


def unseen_plugins(project: Path, config: dict[str, Any]) -> list[str]:
    """One line for each plugin package a contract does not name where it should."""
    contracts = {c.get("id"): c for c in config.get("contracts", [])}
    places = {
        "root_packages": set(config.get("root_packages", [])),
        'the "core" contract\'s forbidden_modules':
            set(contracts.get("core", {}).get("forbidden_modules", [])),
        'the "cycles" contract\'s ancestors': set(contracts.get("cycles", {}).get("ancestors", [])),
    }
    return [f"plugins/{package} is missing from [tool.importlinter] {place}"
            for package in plugin_packages(project)
            for place, named in places.items() if package not in named]


def main(argv: list[str]) -> int:
    project = Path(argv[0]).resolve() if argv else PROJECT
    pyproject = project / "pyproject.toml"
    with pyproject.open("rb") as file:
        config = tomllib.load(file)["tool"]["importlinter"]
    problems = unseen_plugins(project, config)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1

    # The packages are found the way Python finds them: the project's own folders first.
    sys.path[:0] = [str(project), str(project / "plugins")]
    os.chdir(project)
    from importlinter.cli import lint_imports

    return lint_imports(config_filename=str(pyproject), no_cache=True, no_logo=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
