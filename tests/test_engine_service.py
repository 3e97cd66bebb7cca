"""The service and `outreach run`: --once, campaign reloads, signals."""

from __future__ import annotations

import datetime as dt
import signal
import time
from pathlib import Path

from click.testing import CliRunner
from project_support import (
    PAST,
    Worker,
    add_publications,
    add_stories,
    campaign_ids,
    make_project,
    wait_for,
    write_campaign,
)
from sqlmodel import select

from outreach.cli import cli
from outreach.db.models import Campaign, utcnow
from outreach.engine.service import Service
from outreach_testing import make_registry


def _due_a_minute_ago() -> str:
    at = (utcnow() - dt.timedelta(minutes=1)).replace(microsecond=0, tzinfo=None)
    return f"dates = [{at.isoformat()}]"


def test_run_once_plans_publishes_and_says_what_it_did(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    add_stories(project.store, 2)
    write_campaign(project, "today", _due_a_minute_ago(),
                   more='time_zone = "UTC"\n[content]\nper_run = 2')
    result = CliRunner().invoke(cli, ["--config", str(project.config.path), "run", "--once"])
    assert result.exit_code == 0, result.output
    assert ("Planned 2 publications, 0 empty slots, 0 skipped; started 2 publications."
            in result.output)
    assert set(project.statuses().values()) == {"published"}
    assert sorted(project.published_counts().values()) == [1, 1]
    # A second run finds nothing new to do: the slot was planned once.
    again = CliRunner().invoke(cli, ["--config", str(project.config.path), "run", "--once"])
    assert again.exit_code == 0, again.output
    assert "Planned 0 publications" in again.output
    assert sorted(project.published_counts().values()) == [1, 1]


def test_run_once_reports_a_broken_campaign_file_and_runs_the_others(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    add_stories(project.store, 1)
    write_campaign(project, "good", _due_a_minute_ago(), more='time_zone = "UTC"')
    broken = project.config.campaigns_dir / "broken.toml"
    broken.write_text('name = "Broken"\n[schedule]\ncron = "every tuesday"\n'
                      '[channels]\nnames = ["main"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(project.config.path), "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "started 1 publication." in result.output
    assert "broken.toml" in result.output and "schedule.cron" in result.output
    assert "Traceback" not in result.output


def test_run_once_ends_when_only_a_removed_channel_has_work(tmp_path: Path) -> None:
    project = make_project(tmp_path, channels={"main": {"plugin": "test"},
                                               "old": {"plugin": "test"}})
    write_campaign(project, "c", PAST, channels=("main",))
    cid = campaign_ids(project)["c"]
    stories = add_stories(project.store, 2)
    add_publications(project.store, cid, stories[:1], "gone-from-config")
    [pid] = add_publications(project.store, cid, stories[1:], "main")
    service = Service(project.config, project.store, make_registry(project.config))
    started = time.monotonic()
    try:
        report = service.run_once(timeout=60)
    finally:
        service.stop()
    assert time.monotonic() - started < 10
    assert report.published == 1 and project.statuses()[pid] == "published"


def test_an_edited_campaign_that_breaks_keeps_its_last_valid_version(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = write_campaign(project, "weekly", 'cron = "0 10 * * tue"')
    service = Service(project.config, project.store, make_registry(project.config))
    assert service.load_campaigns() == []
    valid = service.specs["weekly"]
    path.write_text(path.read_text(encoding="utf-8").replace("0 10", "0 25"), encoding="utf-8")
    problems = service.load_campaigns()
    assert [p.key for p in problems] == ["schedule.cron"]
    assert service.specs["weekly"] is valid
    path.unlink()
    service.load_campaigns()
    assert service.specs == {}
    with project.store.session() as session:
        [row] = session.exec(select(Campaign)).all()
        assert row.slug == "weekly" and row.active is False  # its history stays


def _slot_in(seconds: int) -> str:
    at = (utcnow() + dt.timedelta(seconds=seconds)).replace(microsecond=0, tzinfo=None)
    return f"dates = [{at.isoformat()}]"


def test_sigterm_finishes_the_call_in_flight_then_exits(tmp_path: Path) -> None:
    project = make_project(tmp_path, channels={"main": {"plugin": "test", "latency": 1.5}})
    write_campaign(project, "c", PAST)
    [pid] = add_publications(project.store, campaign_ids(project)["c"],
                             add_stories(project.store, 1), "main")
    worker = Worker(project, "run")
    try:
        worker.wait_running()
        wait_for(lambda: project.statuses()[pid] == "sending", 10, "the call to start")
    finally:
        worker.stop(signal.SIGTERM)
    assert worker.process.returncode == 0, worker.output
    assert "Stopping (SIGTERM): finishing calls in flight" in worker.output
    assert "Stopped." in worker.output and "Traceback" not in worker.output
    assert project.statuses() == {pid: "published"}
    assert project.published_counts() == {pid: 1}


def test_sighup_rereads_campaign_files_at_once(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    add_stories(project.store, 1)
    worker = Worker(project, "run")
    try:
        worker.wait_running()
        time.sleep(0.2)
        write_campaign(project, "new", _slot_in(2), more='time_zone = "UTC"')
        worker.process.send_signal(signal.SIGHUP)
        # The periodic look at the files comes only every 5 s; the signal is quicker.
        wait_for(lambda: "Campaign new loaded" in worker.output, 3, "the reload")
        wait_for(lambda: set(project.statuses().values()) == {"published"}, 15,
                 "the new campaign's post", step=0.1)
    finally:
        worker.stop(signal.SIGINT)
    assert worker.process.returncode == 0, worker.output
    assert list(project.published_counts().values()) == [1]


def test_run_with_a_missing_config_file_says_so_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = CliRunner().invoke(cli, ["--config", str(missing), "run", "--once"])
    assert result.exit_code != 0
    assert "nowhere.toml" in result.output and "no such file" in result.output
    assert "Traceback" not in result.output
