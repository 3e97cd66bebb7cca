"""Dead workers' leases: a worker on the same machine settles them at once, never a live one's.

The processes here are real: workers started as subprocesses and killed with
SIGKILL, and a sleeping process standing for one whose PID was reused.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from project_support import (
    PAST,
    Project,
    add_publications,
    add_stories,
    campaign_ids,
    make_project,
    make_service,
    start_driver,
    stop_process,
    wait_for,
    write_campaign,
)

from outreach.db.models import Publication, PublicationAttempt, utcnow
from outreach.engine import liveness, outbox
from outreach.engine.dispatcher import LEASE
from outreach.engine.liveness import Holder


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A live process of our own, to stand for a worker or for a PID's new owner."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def _hanging_project(tmp_path: Path) -> tuple[Project, int]:
    """One publication on a channel whose post goes out, then whose call never returns."""
    project = make_project(tmp_path, channels={"main": {
        "plugin": "test", "fail": "hang", "hang_published": True, "hang_seconds": 3600.0}})
    write_campaign(project, "c", PAST)
    [pid] = add_publications(project.store, campaign_ids(project)["c"],
                             add_stories(project.store, 1), "main")
    return project, pid


def _run_once(project: Project, worker: str) -> float:
    """A worker started on this machine that does what is due and exits; its seconds."""
    started = time.monotonic()
    process = start_driver(project, "once", offset=0, worker=worker)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return time.monotonic() - started


@pytest.mark.slow
def test_a_killed_worker_is_settled_at_once_on_its_machine_and_a_live_one_left_alone(
        tmp_path: Path) -> None:
    project, pid = _hanging_project(tmp_path)
    first = start_driver(project, "run", offset=0, worker="first")
    try:
        wait_for(lambda: project.published_counts() == {pid: 1}, 30,
                 "the first worker to post and hang")
        assert project.statuses() == {pid: "sending"}
        # The first worker is alive, mid-call: a second one leaves its lease alone.
        _run_once(project, "second")
        assert project.statuses() == {pid: "sending"}
        assert first.poll() is None
    finally:
        stop_process(first)  # SIGKILL: no chance to record anything
    assert first.returncode == -signal.SIGKILL

    # Restarted on the same machine, well within the 10-minute lease.
    elapsed = _run_once(project, "third")

    assert project.statuses() == {pid: "published"}
    assert project.published_counts() == {pid: 1}  # settled by reconcile, not sent again
    assert elapsed < 60 < LEASE.total_seconds()
    with project.store.session() as session:
        attempt = session.exec(sa.select(PublicationAttempt).where(
            PublicationAttempt.publication_id == pid)).scalars().one()
        row = session.get(Publication, pid)
    assert attempt.outcome == "published" and attempt.worker == "first"
    assert row is not None and row.lease_owner is None and row.lease_pid is None


def _holding(project: Project, pid: int, holder: Holder) -> None:
    [claimed] = outbox.claim(project.store, "gone", utcnow(), LEASE, limit=1, holder=holder)
    assert claimed.id == pid
    with project.store.session() as session:
        row = session.get(Publication, pid)
    assert row is not None
    assert (row.lease_host, row.lease_pid, row.lease_process) == (
        holder.host, holder.pid, holder.process)


def _reused(process: str) -> str:
    """The same boot and PID namespace, another start time: an earlier owner of the PID."""
    space, start = process.rsplit(" ", 1)
    return f"{space} {int(start) - 100}"


def test_a_lease_of_a_reused_pid_is_settled_but_its_new_owner_is_not_mistaken_for_it(
        tmp_path: Path, sleeper: subprocess.Popen[bytes]) -> None:
    project = make_project(tmp_path)
    write_campaign(project, "c", PAST)
    pids = add_publications(project.store, campaign_ids(project)["c"],
                            add_stories(project.store, 2), "main")
    here = liveness.current()
    alive = liveness.process_of(sleeper.pid)
    assert alive is not None
    # The dead worker had the sleeper's PID before the sleeper started.
    _holding(project, pids[0], Holder(here.host, sleeper.pid, _reused(alive)))
    # The sleeper itself holds the other one.
    _holding(project, pids[1], Holder(here.host, sleeper.pid, alive))

    service = make_service(project, worker="restarted")
    try:
        service.run_once(timeout=10)
        statuses = project.statuses()
    finally:
        service.stop(timeout=0.1)

    # Never posted by the dead worker (reconcile says so): sent now, once.
    assert statuses[pids[0]] == "published"
    assert project.published_counts() == {pids[0]: 1}
    assert statuses[pids[1]] == "sending"
    assert sleeper.poll() is None


def test_is_gone_only_when_certain(sleeper: subprocess.Popen[bytes]) -> None:
    here = liveness.current()
    assert here.process is not None and here.pid > 0
    alive = liveness.process_of(sleeper.pid)
    assert alive is not None
    holder = Holder(here.host, sleeper.pid, alive)

    assert not liveness.is_gone(here, here)
    assert not liveness.is_gone(holder, here)
    assert liveness.is_gone(Holder(here.host, sleeper.pid, _reused(alive)), here)
    # Another machine of the same name, or another boot, or another container's PIDs:
    # nothing can be told from here.
    boot, namespace, start = alive.split(" ")
    for elsewhere in (Holder("another-laptop", sleeper.pid, _reused(alive)),
                      Holder(here.host, sleeper.pid, f"another-boot {namespace} {start}1"),
                      Holder(here.host, sleeper.pid, f"{boot} pid:[1] {start}1"),
                      Holder(here.host, sleeper.pid, None)):
        assert not liveness.is_gone(elsewhere, here)

    sleeper.send_signal(signal.SIGKILL)
    # Killed but not yet reaped (a zombie): it will never finish its work.
    wait_for(lambda: liveness.process_of(sleeper.pid) is None, 10, "the process to die")
    assert liveness.is_gone(holder, here)
    sleeper.wait()
    assert liveness.is_gone(holder, here)
