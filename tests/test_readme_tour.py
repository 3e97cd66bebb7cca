"""The five-minute tour, run word for word in a fresh copy of the project folder.

There is one tour per language: the English one in README.md, the Russian one
in docs/start.md, each the block between ``<!-- tour -->`` and ``<!-- /tour -->``.
Every line starting with ``$ outreach`` is run, in order, and must succeed;
lines starting with ``$`` that run something else (cp, ls, cat) are run with
the shell. Each tour runs in its reader's language: with config.example.toml as
shipped (``language = "ru"``) for the Russian one, with that line set to ``"en"``
for the English one.

What a page tells its reader a step shows (a story's title, its status, the
channels, the files written) is checked in that step's output, and the page
must say it, so the two cannot drift apart.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOURS = {"en": ROOT / "README.md", "ru": ROOT / "docs" / "start.md"}

STORY = "media/samples/2026-10-14-miass-school-5"
TITLE = "ОБРАЗЕЦ: Серебряные волонтёры в школе №5"
CHANNELS = ["press", "vk-sandbox", "telegram-sandbox"]

# command -> what its output shows, as the pages tell the reader (the same data in both
# languages, in the reader's words: the help's section title, a story's state).
SHOWN: dict[str, dict[str, list[str]]] = {
    "outreach --help": {"en": ["Commands:"], "ru": ["Команды:"]},
    f"outreach content import {STORY}": {"*": [STORY]},
    "outreach content list": {"en": [TITLE, "draft"], "ru": [TITLE, "черновик"]},
    "outreach content show 1": {"*": [TITLE, "01.jpg", "Урок профориентации в школе №5"]},
    "outreach content approve 1": {"*": [TITLE]},
    "outreach campaigns preview mentoring-photo-reports --slots 2": {"*": CHANNELS},
    "outreach channels list": {"*": [*CHANNELS, "local-media"]},
}
# Files the tour leaves in the project folder, as the pages name them.
WRITTEN = {
    "config.toml": "config.toml",
    "outreach.db": "outreach.db",
    "output/preview/mentoring-photo-reports/": "output/preview/mentoring-photo-reports/*/post.txt",
    "post.txt": "output/preview/mentoring-photo-reports/*/post.txt",
}


def tour_commands(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    match = re.search(r"<!-- tour -->(.*?)<!-- /tour -->", text, re.S)
    assert match, f"{page.name} has no tour block"
    return [line[2:].strip() for line in match.group(1).splitlines() if line.startswith("$ ")]


def shown(command: str, language: str) -> list[str]:
    expected = SHOWN.get(command, {})
    return expected.get(language, expected.get("*", []))


def test_tour_has_the_steps_the_readme_promises() -> None:
    commands = " | ".join(tour_commands(TOURS["en"]))
    for step in ("content import", "content approve", "campaigns validate", "campaigns preview"):
        assert step in commands


def test_the_russian_tour_is_the_english_one_word_for_word() -> None:
    assert tour_commands(TOURS["ru"]) == tour_commands(TOURS["en"])


@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_page_tells_what_its_tour_checks(language: str) -> None:
    page = TOURS[language]
    text = " ".join(page.read_text(encoding="utf-8").split())  # lines wrap anywhere
    commands = tour_commands(page)
    assert set(SHOWN) <= set(commands), "a checked step is no longer in the tour"
    told = {item for command in commands for item in shown(command, language)} | set(WRITTEN)
    missing = sorted(item for item in told if item not in text)
    assert not missing, f"{page.name} does not tell its reader about {missing}"


def _project(tmp_path: Path, language: str) -> Path:
    project = tmp_path / "centre"
    project.mkdir()
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert example.count('\nlanguage = "ru"\n') == 1
    (project / "config.example.toml").write_text(
        example.replace('\nlanguage = "ru"\n', f'\nlanguage = "{language}"\n'), encoding="utf-8")
    shutil.copytree(ROOT / "media" / "samples", project / "media" / "samples")
    shutil.copytree(ROOT / "campaigns", project / "campaigns")
    return project


@pytest.mark.parametrize("language", ["en", "ru"])
def test_tour_works_word_for_word(tmp_path: Path, language: str) -> None:
    project = _project(tmp_path, language)
    # The language comes from the copied config.toml, as for a reader (the suite's
    # OUTREACH_LANG would override it).
    env = {k: v for k, v in os.environ.items() if k not in ("OUTREACH_CONFIG", "OUTREACH_LANG")}
    for command in tour_commands(TOURS[language]):
        if command.startswith("outreach "):
            argv = [sys.executable, "-m", "outreach", *shlex.split(command)[1:]]
            result = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)
        else:
            result = subprocess.run(command, shell=True, cwd=project, env=env,
                                    capture_output=True, text=True)
        assert result.returncode == 0, f"$ {command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"$ {command}\n{result.stderr}"
        for item in shown(command, language):
            assert item in result.stdout, f"$ {command}: no {item!r} in\n{result.stdout}"
    for told, pattern in WRITTEN.items():
        assert list(project.glob(pattern)), f"the tour left no {told}"
