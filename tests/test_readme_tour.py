"""The README's five-minute tour, run word for word in a fresh copy of the project folder.

The tour is the block between ``<!-- tour -->`` and ``<!-- /tour -->`` in
README.md; every line starting with ``$ outreach`` is run, in order, and must
succeed. Lines starting with ``$`` that run something else (cp, ls, cat) are
run with the shell.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tour_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- tour -->(.*?)<!-- /tour -->", text, re.S)
    assert match, "README.md has no tour block"
    return [line[2:].strip() for line in match.group(1).splitlines() if line.startswith("$ ")]


def test_tour_has_the_steps_the_readme_promises() -> None:
    commands = " | ".join(tour_commands())
    for step in ("content import", "content approve", "campaigns validate", "campaigns preview"):
        assert step in commands


def test_readme_tour_works_word_for_word(tmp_path: Path) -> None:
    project = tmp_path / "centre"
    project.mkdir()
    shutil.copy(ROOT / "config.example.toml", project)
    shutil.copytree(ROOT / "media" / "samples", project / "media" / "samples")
    shutil.copytree(ROOT / "campaigns", project / "campaigns")
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_CONFIG"}
    for command in tour_commands():
        if command.startswith("outreach "):
            argv = [sys.executable, "-m", "outreach", *shlex.split(command)[1:]]
            result = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)
        else:
            result = subprocess.run(command, shell=True, cwd=project, env=env,
                                    capture_output=True, text=True)
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"$ {command}\n{result.stderr}"
