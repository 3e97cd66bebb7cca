"""Incoming events are handled once: a repeat or a second reader advances no dialog twice."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from signup_support import T0, fresh_config, make_desk
from sqlmodel import select

from outreach.channels import Incoming, Reply
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import IntakeEvent, SignUp
from outreach.signups.desk import StoreDesk
from outreach.signups.events import KEEP, forget_old
from outreach_testing import RecordingChannel, make_registry


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return fresh_config(tmp_path)


@pytest.fixture
def desk(store: Store, config: Config) -> StoreDesk:
    return make_desk(store, config)


def _row(store: Store) -> SignUp:
    with store.session() as session:
        [row] = session.exec(select(SignUp)).all()
        return row


def _said(replies: list[Reply]) -> list[tuple[str, list[tuple[str, str]], bool]]:
    return [(r.text, [tuple(c) for c in r.choices], r.ask_contact) for r in replies]


def test_a_repeated_event_gets_its_owed_replies_then_nothing(
        desk: StoreDesk, store: Store) -> None:
    start = Incoming(person="7", started=True, event="bot1:100")
    first = desk.handle("tg", start)
    # Not reported delivered yet (the reader died): the same replies again.
    assert first and _said(desk.handle("tg", start)) == _said(first)
    desk.delivered("tg", start)
    assert desk.handle("tg", start) == []
    name = Incoming(person="7", text="Анна Петрова", event="bot1:101")
    asked = desk.handle("tg", name)
    desk.delivered("tg", name)
    assert desk.handle("tg", name) == []  # the name is not taken as the municipality
    row = _row(store)
    assert row.dialog["step"] == "municipality"
    assert row.dialog["data"] == {"name": "Анна Петрова"}
    assert asked[0].choices  # the municipality question, with its buttons, came back once
    with store.session() as session:
        stored = session.exec(select(IntakeEvent)).all()
    assert sorted(e.key for e in stored) == ["test:bot1:100", "test:bot1:101"]
    assert all(e.replies is None for e in stored)  # nothing personal kept once sent


def test_two_readers_handling_one_event_at_once_make_one_step(store: Store,
                                                              config: Config) -> None:
    desks = [StoreDesk(store, config, make_registry(config, (RecordingChannel,)),
                       clock=lambda: T0) for _ in range(2)]
    desks[0].handle("tg", Incoming(person="8", started=True, event="bot1:1"))
    answer = Incoming(person="8", text="Иван Сидоров", event="bot1:2")
    barrier = threading.Barrier(2)
    results: list[list[Reply]] = []

    def read(d: StoreDesk) -> None:
        barrier.wait()
        results.append(d.handle("tg", answer))

    threads = [threading.Thread(target=read, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and _said(results[0]) == _said(results[1])  # owed ones
    assert _row(store).dialog == {"step": "municipality", "data": {"name": "Иван Сидоров"}}


def test_events_without_an_id_are_not_recorded(desk: StoreDesk, store: Store) -> None:
    desk.handle("tg", Incoming(person="9", started=True))
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(
            IntakeEvent.__table__)).scalar() == 0


def test_old_events_are_forgotten(desk: StoreDesk, store: Store) -> None:
    desk.handle("tg", Incoming(person="9", started=True, event="bot1:5"))
    assert forget_old(store, T0 + KEEP - dt.timedelta(minutes=1)) == 0
    assert forget_old(store, T0 + KEEP + dt.timedelta(minutes=1)) == 1


def test_replies_still_owed_to_a_person_go_when_they_are_erased(
        desk: StoreDesk, store: Store) -> None:
    """A reply owed after a reader died can carry the person's name: erasing them erases it."""
    from outreach.signups import records

    desk.handle("tg", Incoming(person="5", started=True, event="bot1:1"))
    # The name hint offered as a button is owed until delivered: it names the person.
    owed = desk.handle("tg", Incoming(person="5", started=True, event="bot1:2",
                                      display_name="Зоя Кузнецова"))
    assert any("Зоя Кузнецова" in str(reply) for reply in owed)
    desk.handle("tg", Incoming(person="6", started=True, event="bot1:3",
                               display_name="Ольга Орлова"))
    with store.session() as session:
        row = session.exec(select(SignUp).where(SignUp.person == "test:5")).one()
        records.forget(session, row.id, T0)
        session.commit()
    with store.session() as session:
        kept = {e.key: e.replies for e in session.exec(select(IntakeEvent))}
    assert "Зоя" not in str(kept)
    assert "Ольга Орлова" in str(kept["test:bot1:3"])  # someone else's are still owed
    assert desk.handle("tg", Incoming(person="5", started=True, event="bot1:2")) == []


def test_a_cancelled_dialog_drops_what_was_owed_and_is_counted_for_the_scrub(
        desk: StoreDesk, store: Store) -> None:
    desk.handle("tg", Incoming(person="4", started=True, event="bot1:1",
                               display_name="Нина Белова"))
    assert desk.erasures == 0
    desk.handle("tg", Incoming(person="4", text="/cancel", event="bot1:2"))
    with store.session() as session:
        assert "Нина" not in str([e.replies for e in session.exec(select(IntakeEvent))])
    assert desk.erasures == 1
