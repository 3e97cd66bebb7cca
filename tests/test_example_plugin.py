"""The example plugin of docs/plugins.md, installed with pip as a user would, publishes,
reports engagement and adds its own command, through the real ``outreach`` command."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example_plugin"
STORY = ROOT / "media" / "samples" / "2026-10-14-miass-school-5"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin pip-installed into a folder of its own (its dist-info included),
    which the ``outreach`` processes below find on PYTHONPATH."""
    site = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build") / "example_plugin"
    shutil.copytree(EXAMPLE, build)  # pip builds in place: keep docs/ clean
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(site), str(build)],
                   check=True, capture_output=True, text=True)
    return site


def outreach(project: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OUTREACH_LANG": "en",
           "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "outreach", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_the_example_plugin_publishes_reports_engagement_and_adds_a_command(
        installed: Path, tmp_path: Path) -> None:
    project = tmp_path
    (project / "config.toml").write_text(
        'database_url = "sqlite:///outreach.db"\ntime_zone = "UTC"\n'
        '[channels.board]\nplugin = "board"\nfolder = "board"\n', encoding="utf-8")
    shutil.copytree(STORY, project / "media" / STORY.name)
    due = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).replace(microsecond=0,
                                                                       tzinfo=None)
    (project / "campaigns").mkdir()
    (project / "campaigns" / "board.toml").write_text(
        f'name = "Board"\ntime_zone = "UTC"\n[schedule]\ndates = [{due.isoformat()}]\n'
        '[channels]\nnames = ["board"]\n', encoding="utf-8")

    ok(outreach(project, installed, "content", "import"))
    [story] = json.loads(ok(outreach(project, installed, "content", "list", "--format", "json")))
    ok(outreach(project, installed, "content", "approve", str(story["id"])))
    listed = ok(outreach(project, installed, "channels", "list"))
    assert "board" in listed and "ready" in listed

    # Publish: the campaign's slot is due, the board gets the post and its photo.
    run = ok(outreach(project, installed, "run", "--once"))
    assert "started 1 publication(s)" in run
    [published] = json.loads(ok(outreach(project, installed, "publications", "list",
                                         "--format", "json")))
    assert published["status"] == "published"
    post = project / "board" / str(published["id"])
    assert (post / "post.md").read_text(encoding="utf-8").startswith(f"# {story['title']}\n")
    assert (post / "01.jpg").is_file()
    assert published["url_or_error"] == (post / "post.md").resolve().as_uri()

    # Engagement: visitors counted on the board; a snapshot is due ten minutes after
    # publishing, so the post is made older.
    (post / "stats.json").write_text('{"views": 12, "likes": 3}', encoding="utf-8")
    with sqlite3.connect(project / "outreach.db") as db:
        db.execute("UPDATE publication SET published_at = ?",
                   ((dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).replace(tzinfo=None)
                    .isoformat(" "),))
    ok(outreach(project, installed, "run", "--once"))
    shown = ok(outreach(project, installed, "publications", "show", str(published["id"])))
    assert "views 12, likes 3, shares —, comments —, reactions —" in shown, shown

    # The plugin's own command, listed in the help and run like any other.
    assert "board         See what is on the notice boards." in ok(
        outreach(project, installed, "--help"))
    [row] = json.loads(ok(outreach(project, installed, "board", "list", "--format", "json")))
    assert row == {"channel": "board", "id": str(published["id"]), "title": story["title"],
                   "views": 12, "likes": 3, "folder": str(Path("board") / str(published["id"]))}
    missing = outreach(project, installed, "board", "list", "--channel", "news")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "Error: no board channel news in config.toml"
