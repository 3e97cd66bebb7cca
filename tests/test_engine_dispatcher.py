"""Dispatching through the test plugin: each error class ends where a person expects it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from engine_support import T0, Centre, add_publications, add_stories, make_centre, publication
from sqlmodel import select

from outreach.db.models import PublicationAttempt, Story
from outreach.engine import outbox
from outreach.engine.dispatcher import Dispatcher
from outreach.library.stories import archive_story
from outreach_testing import RecordingChannel, read_log


class QuickChannel(RecordingChannel):
    """The test plugin with a short call timeout, to exercise hangs quickly."""

    plugin_name: ClassVar[str] = "quick"
    call_timeout: ClassVar[float] = 0.5


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'outreach.db'}"


@pytest.fixture
def dispatch(tmp_path: Path, sqlite_url: str) -> Iterator[Callable[..., Any]]:
    """Makes a centre and its dispatcher; stops both when the test ends.

    Closing the registry ends a hung call (the test channel hangs until closed), and
    stopping the dispatcher waits for it: its late result is logged in this test,
    not into whichever test runs next.
    """
    made: list[tuple[Centre, Dispatcher]] = []

    def make(channels: dict, count: int = 1) -> tuple[Centre, dict, Dispatcher, Clock]:
        centre = make_centre(tmp_path, sqlite_url, channels,
                             plugins=(RecordingChannel, QuickChannel))
        stories = add_stories(centre.store, count)
        ids = {name: add_publications(centre.store, centre.ids["test"], stories, name)
               for name in channels}
        clock = Clock(T0)
        dispatcher = Dispatcher(centre.store, centre.config, centre.registry,
                                centre.specs_by_id, "w1", clock=clock)
        made.append((centre, dispatcher))
        return centre, ids, dispatcher, clock

    yield make
    for centre, dispatcher in made:
        centre.registry.close()
        dispatcher.stop()
        centre.store.dispose()


def _run(dispatcher: Dispatcher) -> None:
    dispatcher.tick()
    assert dispatcher.wait_idle(10)


def _attempts(centre, publication_id: int) -> list[tuple[int, str, str | None]]:
    with centre.store.session() as session:
        rows = session.exec(select(PublicationAttempt).where(
            PublicationAttempt.publication_id == publication_id)
            .order_by(PublicationAttempt.number)).all()
    return [(a.number, a.outcome, a.error) for a in rows]


def test_a_post_goes_out_with_its_rendered_text(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, _ = dispatch({"a": {"plugin": "test", "log": "a.jsonl"}})
    _run(dispatcher)
    row = publication(centre.store, ids["a"][0])
    assert (row.status, row.external_id) == ("published", f"a-{row.id}")
    [line] = read_log(centre.config.data_dir / "a" / "a.jsonl")
    assert line["text"] == "Story 1\n\nBody 1"
    assert line["idempotency_key"].startswith(f"outreach-{row.id}-")
    assert _attempts(centre, row.id) == [(1, "published", None)]


def test_transient_errors_back_off_then_give_up(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, clock = dispatch({"a": {"plugin": "test", "fail": "transient"}})
    pid = ids["a"][0]
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        _run(dispatcher)
        row = publication(centre.store, pid)
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.status == "planned" and row.next_attempt_at > clock.now
            clock.now = row.next_attempt_at
    assert row.status == "failed"
    assert row.last_error.startswith(f"gave up after {outbox.MAX_ATTEMPTS} attempts: ")
    assert [a[1] for a in _attempts(centre, pid)] == ["transient"] * outbox.MAX_ATTEMPTS


def test_rate_limits_are_waited_out_as_the_platform_asks(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, clock = dispatch(
        {"a": {"plugin": "test", "fail": "rate-limited", "retry_after": 90.0, "fail_times": 1}})
    _run(dispatcher)
    row = publication(centre.store, ids["a"][0])
    assert row.status == "planned" and row.next_attempt_at == T0 + dt.timedelta(seconds=90)
    _run(dispatcher)  # not due yet: nothing happens
    assert publication(centre.store, row.id).attempts == 1
    clock.now = row.next_attempt_at
    _run(dispatcher)
    assert publication(centre.store, row.id).status == "published"


@pytest.mark.parametrize(("mode", "outcome"), [("auth", "auth"), ("permanent", "permanent")])
def test_auth_and_permanent_errors_fail_at_once_with_the_reason(
        dispatch: Callable[..., Any], mode: str, outcome: str):
    centre, ids, dispatcher, _ = dispatch({"a": {"plugin": "test", "fail": mode}})
    _run(dispatcher)
    row = publication(centre.store, ids["a"][0])
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error and "channel a" in row.last_error
    assert _attempts(centre, row.id) == [(1, outcome, row.last_error)]


def test_a_hanging_channel_does_not_hold_up_the_others(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, _ = dispatch(
        {"stuck": {"plugin": "quick", "fail": "hang", "hang_seconds": 3,
                   "hang_published": False},
         "fine": {"plugin": "test"}}, count=3)
    dispatcher.tick()
    assert dispatcher.wait_idle(10)
    assert publication(centre.store, ids["fine"][0]).status == "published"
    stuck = publication(centre.store, ids["stuck"][0])
    assert stuck.status == "uncertain"
    assert "did not answer within 0.5 s" in stuck.last_error
    assert f"outreach publications resolve {stuck.id} --posted URL" in stuck.last_error
    for _ in range(3):  # the fine channel carries on while the stuck one is abandoned
        _run(dispatcher)
    assert all(publication(centre.store, p).status == "published" for p in ids["fine"])


def test_a_hung_call_that_posted_is_settled_by_reconcile(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, _ = dispatch(
        {"stuck": {"plugin": "quick", "fail": "hang", "hang_seconds": 3, "log": "s.jsonl"}})
    _run(dispatcher)
    row = publication(centre.store, ids["stuck"][0])
    assert (row.status, row.external_id) == ("published", f"stuck-{row.id}")


def test_stopping_waits_for_a_call_left_hanging_and_tells_how_it_ended(
        dispatch: Callable[..., Any], caplog: pytest.LogCaptureFixture):
    centre, ids, dispatcher, _ = dispatch(
        {"stuck": {"plugin": "quick", "fail": "hang", "hang_seconds": 1.5,
                   "hang_published": False}})
    _run(dispatcher)
    assert publication(centre.store, ids["stuck"][0]).status == "uncertain"
    assert "the call that timed out ended with" not in caplog.text
    dispatcher.stop(timeout=10)  # the call ends 1 s later, within the grace
    assert "the call that timed out ended with: channel stuck: platform did not answer" \
        in caplog.text


@pytest.mark.parametrize(("can_reconcile", "logged", "expected"), [
    (True, True, "published"),  # the plugin proves the post exists
    (True, False, "planned"),  # the plugin proves it does not: send again
    (False, False, "uncertain"),  # the plugin cannot tell: a person decides
])
def test_a_dead_workers_publication_is_reconciled(dispatch: Callable[..., Any],
                                                  can_reconcile: bool, logged: bool,
                                                  expected: str):
    centre, ids, dispatcher, clock = dispatch(
        {"a": {"plugin": "test", "log": "a.jsonl", "can_reconcile": can_reconcile}})
    pid = ids["a"][0]
    [item] = outbox.claim(centre.store, "dead-worker", T0, dt.timedelta(minutes=1), limit=1)
    if logged:  # the dead worker's call reached the platform before it died
        channel = centre.registry.get("a")
        channel.publish(dispatcher.build_post(pid, channel))
    clock.now = T0 + dt.timedelta(minutes=5)

    dispatcher.reconcile_expired()

    row = publication(centre.store, pid)
    assert row.status == expected
    if expected == "uncertain":
        assert "cannot tell whether the post went out" in row.last_error
    if expected == "planned":
        _run(dispatcher)
        assert publication(centre.store, pid).status == "published"
        assert len(read_log(centre.config.data_dir / "a" / "a.jsonl")) == 1


def test_archiving_a_story_cancels_its_planned_publications(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, _ = dispatch({"a": {"plugin": "test"}})
    archive_story(centre.store, publication(centre.store, ids["a"][0]).story_id)
    _run(dispatcher)
    assert publication(centre.store, ids["a"][0]).status == "cancelled"


def test_a_story_no_longer_approved_when_due_is_not_published(dispatch: Callable[..., Any]):
    centre, ids, dispatcher, _ = dispatch({"a": {"plugin": "test", "log": "a.jsonl"}})
    with centre.store.session() as session:
        story = session.get(Story, publication(centre.store, ids["a"][0]).story_id)
        story.status = "draft"  # sent back for editing after the slot was planned
    _run(dispatcher)
    row = publication(centre.store, ids["a"][0])
    assert row.status == "cancelled" and "is draft, no longer approved" in row.last_error
    assert not (centre.config.data_dir / "a" / "a.jsonl").exists()
