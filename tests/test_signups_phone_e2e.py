"""A code read over the phone from a press kit reaches the campaign's funnel in ``stats``.

The whole way a coordinator sees it: the service publishes a press kit for a
newspaper; a reader phones and says the code printed in it; the coordinator
types it as heard, in Russian letters, lower case, with spaces; ``outreach
stats`` credits the campaign and the newspaper.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from press_support import write_press_config

from outreach.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SCHOOL = "2026-10-14-miass-school-5"
PAPER = "Миасский рабочий"
LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXY", "авекмнорстху")


def outreach(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def project(workdir: Path, store_url: str) -> Path:
    write_press_config(workdir, store_url)  # the press channel serves «Миасский рабочий»
    (workdir / "media").mkdir()
    shutil.copytree(ROOT / "media" / "samples" / SCHOOL, workdir / "media" / SCHOOL)
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "autumn.toml").write_text(
        'name = "Осень"\n[schedule]\nevery = "1h"\n[channels]\nnames = ["press"]\n',
        encoding="utf-8")
    outreach("content", "import")
    outreach("content", "approve", "1")
    return workdir


@pytest.mark.slow
def test_a_code_read_from_a_press_kit_counts_for_the_campaign(project: Path) -> None:
    outreach("run", "--once")
    [manifest] = project.glob("output/press/*/manifest.json")
    printed = json.loads(manifest.read_text(encoding="utf-8"))["outlet_codes"][PAPER]
    # The newspaper's own copy of the release (its file or its folder in the kit).
    own = [p for p in manifest.parent.rglob("*.txt")
           if "miasskiy-rabochiy" in p.relative_to(manifest.parent).as_posix()]
    kit_text = "\n".join(p.read_text(encoding="utf-8") for p in own)
    assert printed in kit_text
    # Short, in letters a person can say; the long token of links only inside a link.
    assert re.fullmatch(r"[ABEKMPCTX]{3}-\d{1,3}", printed), printed
    assert not re.search(r"\b[A-Za-z0-9]{12}\b", re.sub(r"https?://\S+", "", kit_text))

    letters, number = printed.split("-")
    heard = " ".join(letters.translate(LATIN_TO_CYRILLIC)) + " " + number  # "м а с 1"
    added = outreach("signups", "add", "--name", "Ольга Петрова", "--phone", "89120000001",
                     "--municipality", "Миасс", "--code", heard)
    assert "Added sign-up 1" in added.output

    stats = outreach("stats", "--format", "json")
    funnel = json.loads(stats.output)["funnel"]
    [row] = [r for r in funnel if r["placement"] == PAPER]
    assert (row["campaign"], row["channel"], row["completed"]) == ("autumn", "press", 1)

    misheard = (letters[0] + letters[2] + letters[1]).translate(LATIN_TO_CYRILLIC) + number
    near = CliRunner().invoke(cli, ["signups", "add", "--name", "Иван", "--phone",
                                    "89120000002", "--code", misheard])
    assert near.exit_code == 1
    assert f"Did you mean {printed}?" in near.output
