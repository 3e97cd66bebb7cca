"""Several `outreach run` workers on one store: claims are atomic, one worker plans at a time.

Every worker here is a real `python -m outreach run` process; the test plugin's
log (with the pid of the process that made each call) shows who published what.
"""

from __future__ import annotations

import collections
import datetime as dt
import signal
from pathlib import Path

import pytest
from project_support import (
    Project,
    Worker,
    add_publications,
    add_stories,
    campaign_ids,
    make_project,
    wait_for,
    write_campaign,
)

from outreach.db.models import utcnow
from outreach.engine.locks import PlannerLock


def _slot_in(seconds: float) -> tuple[dt.datetime, str]:
    """A campaign date ``seconds`` from now (whole seconds, UTC), and its schedule line."""
    at = (utcnow() + dt.timedelta(seconds=seconds)).replace(microsecond=0)
    return at, f"dates = [{at.replace(tzinfo=None).isoformat()}]"


def _all_settled(project: Project, count: int) -> bool:
    statuses = project.statuses()
    return len(statuses) == count and set(statuses.values()) == {"published"}


def test_two_run_processes_on_one_sqlite_database_publish_everything_once(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, channels={"main": {"plugin": "test", "latency": 0.01}})
    stories = add_stories(project.store, 60)
    _, schedule = _slot_in(6)
    write_campaign(project, "soon", schedule, more='time_zone = "UTC"\n[content]\nper_run = 30')
    write_campaign(project, "now", "dates = [2020-01-01T10:00:00]")
    add_publications(project.store, campaign_ids(project)["now"], stories[:30], "main")
    workers = [Worker(project, "a"), Worker(project, "b")]
    try:
        for worker in workers:
            worker.wait_running()
        wait_for(lambda: _all_settled(project, 60), 40, "60 publications", step=0.2)
    finally:
        for worker in workers:
            worker.stop()
    for worker in workers:
        assert worker.process.returncode == 0, worker.output
        assert "Stopped." in worker.output
        assert "Traceback" not in worker.output
    counts = project.published_counts()
    assert sorted(counts) == sorted(project.statuses())
    assert set(counts.values()) == {1}


@pytest.mark.slow
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_three_workers_on_postgresql_share_1000_publications(tmp_path: Path,
                                                             store_url: str) -> None:
    project = make_project(tmp_path, url=store_url,
                           channels={"main": {"plugin": "test", "latency": 0.005}})
    add_stories(project.store, 1000)
    _, schedule = _slot_in(12)
    write_campaign(project, "big", schedule, more='time_zone = "UTC"\n[content]\nper_run = 1000')
    workers = [Worker(project, f"w{i}") for i in range(3)]
    try:
        for worker in workers:
            worker.wait_running()
        wait_for(lambda: _all_settled(project, 1000), 240, "1000 publications", step=0.5)
    finally:
        for worker in workers:
            worker.stop()
    for worker in workers:
        assert worker.process.returncode == 0, worker.output
        assert "Traceback" not in worker.output
    counts = project.published_counts()
    assert len(counts) == 1000 and set(counts.values()) == {1}
    by_worker = collections.Counter(line["pid"] for line in project.log())
    assert set(by_worker) == {w.pid for w in workers}, by_worker
    assert min(by_worker.values()) >= 100, by_worker  # the work was shared, not just split
    planners = [w for w in workers if "slot 20" in w.output and "planned" in w.output]
    assert len(planners) == 1, [w.output for w in workers]


@pytest.mark.slow
def test_the_planner_lock_passes_to_another_worker_when_its_holder_dies(
        tmp_path: Path, store_url: str) -> None:
    project = make_project(tmp_path, url=store_url)
    add_stories(project.store, 3)
    slot, schedule = _slot_in(10)
    write_campaign(project, "soon", schedule, more='time_zone = "UTC"')
    holder = Worker(project, "holder")
    follower = None
    try:
        holder.wait_running()
        probe = PlannerLock(project.store)
        assert not probe.acquire(), "the running worker should hold the planner lock"
        follower = Worker(project, "follower")
        follower.wait_running()
        holder.stop(signal.SIGKILL)
        assert holder.process.returncode == -signal.SIGKILL
        # The slot comes after the holder died: the follower plans it and publishes it.
        wait_for(lambda: _all_settled(project, 1), 30, "the follower to plan and publish",
                 step=0.2)
        [line] = project.log()
        assert line["pid"] == follower.pid
        assert dt.datetime.fromisoformat(line["time"]) >= slot
    finally:
        holder.stop(signal.SIGKILL)
        if follower is not None:
            follower.stop()
    assert follower.process.returncode == 0, follower.output
