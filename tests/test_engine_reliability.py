"""Reliability of publishing: killed services, hung plugins, clock jumps and DST.

The RecordingChannel's log (fsynced before publish returns) is the proof of
what went out: a publication must appear in it at most once, and every
publication must end published or ``uncertain`` (waiting for a person).
"""

from __future__ import annotations

import collections
import datetime as dt
import random
import signal
import time
from collections.abc import Iterable
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

from outreach.db.models import CampaignSlot, Publication, PublicationAttempt, utcnow
from outreach.engine import outbox
from outreach.engine.dispatcher import LEASE
from outreach.engine.service import Service

# --- kill and restart -----------------------------------------------------------------

KILLS = 20
PUBLICATIONS = 200


def _kill_and_restart(tmp_path: Path, can_reconcile: bool, seed: int) -> Project:
    """Run 200 publications through a service SIGKILLed 20 times at random points."""
    project = make_project(tmp_path, channels={
        "main": {"plugin": "test", "latency": 0.03, "can_reconcile": can_reconcile}})
    write_campaign(project, "c", PAST)
    ids = add_publications(project.store, campaign_ids(project)["c"],
                           add_stories(project.store, PUBLICATIONS), "main")
    assert len(ids) == PUBLICATIONS
    rng = random.Random(seed)
    lease = LEASE.total_seconds() + 60
    for round_ in range(KILLS):
        before = len(project.log())
        process = start_driver(project, "run", offset=round_ * lease, worker=f"w{round_}")
        try:
            # Kill after a random number of posts, a random part of the way into the next.
            target = before + rng.randint(1, 6)
            wait_for(lambda t=target, p=process: len(project.log()) >= t or p.poll() is not None,
                     30, f"round {round_} to publish")
            time.sleep(rng.uniform(0, 0.04))
        finally:
            stop_process(process)
        assert process.returncode == -signal.SIGKILL
    # The last start is left to finish: it settles what the last kill interrupted.
    final = start_driver(project, "once", offset=KILLS * lease, worker="final")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    return project


def _check_no_duplicates(project: Project) -> tuple[dict[int, str], collections.Counter[int]]:
    statuses = project.statuses()
    counts = project.published_counts()
    assert len(statuses) == PUBLICATIONS
    duplicates = {pid: n for pid, n in counts.items() if n > 1}
    assert not duplicates, f"published more than once: {duplicates}"
    left = {pid: s for pid, s in statuses.items() if s not in ("published", "uncertain")}
    assert not left, f"publications left unsettled: {left}"
    for pid, status in statuses.items():
        if status == "published":
            assert counts[pid] == 1, f"publication {pid} is published but was never posted"
    return statuses, counts


@pytest.mark.slow
def test_killed_twenty_times_every_publication_goes_out_exactly_once(tmp_path: Path) -> None:
    project = _kill_and_restart(tmp_path, can_reconcile=True, seed=20260329)
    statuses, counts = _check_no_duplicates(project)
    # The channel can tell what went out, so nothing is left for a person.
    assert set(statuses.values()) == {"published"}
    assert sorted(counts) == sorted(statuses)
    with project.store.session() as session:
        rows = session.exec(sa.select(Publication)).scalars().all()
    # The store carries the very post the channel made.
    assert all(r.external_id == f"main-{r.id}" for r in rows)
    # The work was spread over the killed runs: the kills landed mid-run.
    assert len({line["pid"] for line in project.log()}) > KILLS // 2


@pytest.mark.slow
def test_killed_twenty_times_without_reconcile_ends_uncertain_never_twice(
        tmp_path: Path) -> None:
    project = _kill_and_restart(tmp_path, can_reconcile=False, seed=19)
    statuses, counts = _check_no_duplicates(project)
    uncertain = [pid for pid, status in statuses.items() if status == "uncertain"]
    assert uncertain, "no kill landed mid-publish: the test proved nothing"
    assert len(uncertain) <= KILLS
    with project.store.session() as session:
        for pid in uncertain:
            row = session.get(Publication, pid)
            assert row is not None and row.last_error is not None
            assert f"outreach publications resolve {pid}" in row.last_error


# --- a plugin that hangs ---------------------------------------------------------------


def test_a_hanging_plugin_ends_uncertain_while_other_channels_keep_publishing(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, channels={
        "stuck": {"plugin": "quick-timeout", "fail": "hang", "hang_published": False,
                  "hang_seconds": 3.0},
        "main": {"plugin": "test", "latency": 0.05}})
    write_campaign(project, "c", PAST, channels=("stuck", "main"))
    cid = campaign_ids(project)["c"]
    stories = add_stories(project.store, 12)
    stuck = add_publications(project.store, cid, stories[:2], "stuck")
    healthy = add_publications(project.store, cid, stories, "main")
    service = make_service(project)
    started = time.monotonic()
    service.run_once(timeout=30)
    elapsed = time.monotonic() - started
    try:
        statuses = project.statuses()
        assert {statuses[p] for p in healthy} == {"published"}
        assert {statuses[p] for p in stuck} == {"uncertain"}
        # Two hangs of 0.5 s each, not two of 3 s: the dispatcher moved on.
        assert elapsed < 5.5
        with project.store.session() as session:
            for pid in stuck:
                row = session.get(Publication, pid)
                assert row is not None and row.last_error is not None
                assert "stuck did not answer within 0.5 s" in row.last_error
                assert f"outreach publications resolve {pid} --posted URL" in row.last_error
            first_hang = session.exec(sa.select(PublicationAttempt).where(
                PublicationAttempt.publication_id == stuck[0])).scalars().one()
        # The healthy channel went on publishing while the stuck one hung.
        assert first_hang.finished_at is not None
        times = [dt.datetime.fromisoformat(line["time"]) for line in project.log()]
        assert len(times) == len(healthy)
        assert sum(t < first_hang.finished_at for t in times) >= 3
    finally:
        _stop_hanging(service)


def test_a_hang_after_the_post_went_out_is_settled_as_published_by_reconcile(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, channels={
        "stuck": {"plugin": "quick-timeout", "fail": "hang", "hang_published": True,
                  "hang_seconds": 2.0}})
    write_campaign(project, "c", PAST, channels=("stuck",))
    [pid] = add_publications(project.store, campaign_ids(project)["c"],
                             add_stories(project.store, 1), "stuck")
    service = make_service(project)
    try:
        service.run_once(timeout=10)
        assert project.statuses() == {pid: "published"}
        assert project.published_counts("stuck") == {pid: 1}
    finally:
        _stop_hanging(service)


def _stop_hanging(service: Service) -> None:
    """End the hung calls (the test channel hangs until closed) and wait for them, so that
    their late results are logged in this test, not into whichever test runs next."""
    service.registry.close()
    service.stop()


@pytest.mark.parametrize(("posted", "can_reconcile", "ends", "calls"), [
    (True, True, "published", 1),  # it went out before the worker died: not sent again
    (False, True, "published", 1),  # it never went out: sent now, once
    (True, False, "uncertain", 1),  # the channel cannot tell: a person decides
    (False, False, "uncertain", 0),
])
def test_a_row_left_sending_by_a_dead_worker_goes_through_reconcile(
        tmp_path: Path, posted: bool, can_reconcile: bool, ends: str, calls: int) -> None:
    project = make_project(tmp_path, channels={
        "main": {"plugin": "test", "can_reconcile": can_reconcile}})
    write_campaign(project, "c", PAST)
    [pid] = add_publications(project.store, campaign_ids(project)["c"],
                             add_stories(project.store, 1), "main")
    died_at = utcnow()
    [claimed] = outbox.claim(project.store, "dead-worker", died_at, LEASE, limit=1)
    service = make_service(project, clock=lambda: utcnow() + LEASE + dt.timedelta(minutes=1))
    service.load_campaigns()
    if posted:  # the dead worker's call reached the platform
        channel = service.registry.get("main")
        channel.publish(service.dispatcher.build_post(pid, channel))
    # Before the lease runs out nobody touches the row.
    early = make_service(project, clock=lambda: died_at + dt.timedelta(minutes=5), worker="early")
    early.load_campaigns()
    early.dispatcher.tick()
    assert project.statuses() == {pid: "sending"}
    service.run_once(timeout=10)
    try:
        assert project.statuses() == {pid: ends}
        assert project.published_counts() == ({pid: calls} if calls else {})
        with project.store.session() as session:
            attempts = session.exec(sa.select(PublicationAttempt).where(
                PublicationAttempt.publication_id == pid)
                .order_by(PublicationAttempt.number)).scalars().all()
            row = session.get(Publication, pid)
        assert attempts[0].number == claimed.attempt and attempts[0].worker == "dead-worker"
        assert len(attempts) == (2 if not posted and can_reconcile else 1)
        if ends == "uncertain":
            assert row is not None and "interrupted while publishing to main" in (
                row.last_error or "")
    finally:
        service.stop(timeout=0.1)
        early.stop(timeout=0.1)


# --- clock jumps and daylight-saving changes --------------------------------------------


def _walk(service: Service, clock: list[dt.datetime], steps: Iterable[dt.datetime]) -> None:
    for now in steps:
        clock[0] = now
        service.plan()


def _every(start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> list[dt.datetime]:
    times = []
    while start <= end:
        times.append(start)
        start += step
    return times


def _slots(project: Project) -> list[tuple[dt.datetime, str]]:
    with project.store.session() as session:
        rows = session.exec(sa.select(CampaignSlot).order_by(CampaignSlot.slot)).scalars().all()
        return [(r.slot, r.outcome) for r in rows if r.slot is not None]


def _publication_slots(project: Project) -> list[dt.datetime]:
    with project.store.session() as session:
        return sorted(p.slot for p in session.exec(sa.select(Publication)).scalars().all()
                      if p.slot is not None)


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def _dst_project(tmp_path: Path, grace: str) -> tuple[Project, Service, list[dt.datetime]]:
    project = make_project(tmp_path)
    write_campaign(project, "night", 'cron = "30 2 * * *"',
                   more=f'time_zone = "Europe/Berlin"\ngrace = "{grace}"')
    add_stories(project.store, 20)
    clock = [_utc(2026, 1, 1)]
    service = make_service(project, clock=lambda: clock[0])
    service.load_campaigns()
    return project, service, clock


def test_spring_forward_night_with_clock_jumps_plans_each_slot_once(tmp_path: Path) -> None:
    project, service, clock = _dst_project(tmp_path, grace="6h")
    ten = dt.timedelta(minutes=10)
    steps = _every(_utc(2026, 3, 27, 0), _utc(2026, 3, 28, 1, 40), ten)
    # 28 March, 01:40 UTC: the clock jumps back an hour, across the 01:30 UTC slot, twice.
    steps += [_utc(2026, 3, 28, 0, 40), _utc(2026, 3, 28, 1, 50), _utc(2026, 3, 28, 0, 50)]
    steps += _every(_utc(2026, 3, 28, 1, 0), _utc(2026, 3, 28, 23, 0), ten)
    # The night of the change (02:00 CET -> 03:00 CEST): 02:30 never happens.
    steps += _every(_utc(2026, 3, 28, 23, 0), _utc(2026, 3, 29, 4, 0), ten)
    # 30 March: the machine sleeps from 22:00 UTC the day before and wakes 4 h after the slot.
    steps += [_utc(2026, 3, 29, 22, 0), _utc(2026, 3, 30, 4, 30), _utc(2026, 3, 30, 2, 0)]
    steps += _every(_utc(2026, 3, 30, 4, 30), _utc(2026, 3, 31, 3, 0), ten)
    _walk(service, clock, steps)
    expected = [_utc(2026, 3, 27, 1, 30), _utc(2026, 3, 28, 1, 30),  # 02:30 CET
                _utc(2026, 3, 30, 0, 30), _utc(2026, 3, 31, 0, 30)]  # 02:30 CEST
    assert _slots(project) == [(slot, "planned") for slot in expected]
    assert _publication_slots(project) == expected


def test_fall_back_night_plans_the_repeated_hour_once(tmp_path: Path) -> None:
    project, service, clock = _dst_project(tmp_path, grace="1h")
    ten = dt.timedelta(minutes=10)
    steps = _every(_utc(2026, 10, 23, 22, 0), _utc(2026, 10, 25, 0, 40), ten)
    # 25 October 03:00 CEST -> 02:00 CET: 02:30 local happens at 00:30 and at 01:30 UTC.
    steps += [_utc(2026, 10, 24, 23, 40)]  # and the machine's clock steps back an hour
    steps += _every(_utc(2026, 10, 24, 23, 50), _utc(2026, 10, 25, 4, 0), ten)
    # A jump forward by 9 h over the next slot, beyond the 1 h grace: recorded as skipped.
    steps += [_utc(2026, 10, 25, 23, 0), _utc(2026, 10, 26, 8, 0)]
    steps += _every(_utc(2026, 10, 26, 8, 0), _utc(2026, 10, 27, 2, 0), ten)
    _walk(service, clock, steps)
    assert _slots(project) == [
        (_utc(2026, 10, 24, 0, 30), "planned"),  # 02:30 CEST
        (_utc(2026, 10, 25, 0, 30), "planned"),  # the first 02:30 of the repeated hour
        (_utc(2026, 10, 26, 1, 30), "skipped"),  # 02:30 CET, slept through
        (_utc(2026, 10, 27, 1, 30), "planned"),
    ]
    assert _publication_slots(project) == [_utc(2026, 10, 24, 0, 30), _utc(2026, 10, 25, 0, 30),
                                           _utc(2026, 10, 27, 1, 30)]
