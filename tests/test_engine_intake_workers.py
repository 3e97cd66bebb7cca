"""Several `outreach run` workers with sign-up bots: one reader per bot, each message once.

The workers are real `python -m outreach run` processes; the fakes of VK and
Telegram run in the test, with their scripted people talking to the bots
through whichever worker reads the bot's updates. One worker is killed in the
middle of the dialogs; every person must still end up stored once, with the
answers they gave in the fields they gave them for.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from project_support import Project, Worker, wait_for

from outreach.db import open_store
from outreach.db.models import SignUp
from outreach.signups.phones import normalize_phone
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_test_config
from outreach_vk.fake import FakeVK

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль"]
PEOPLE = 4  # per platform, before the kill and after it


@dataclass
class Centre(Project):
    vk: FakeVK
    telegram: FakeTelegram
    env: dict[str, str]

    def signups(self) -> list[SignUp]:
        from sqlmodel import select

        with self.store.session() as session:
            return list(session.exec(select(SignUp).order_by(SignUp.id)))

    def leaders(self) -> dict[str, str]:
        """Each bot's lease and the worker holding it (``host:pid:...``)."""
        with self.store.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT name, holder FROM leaderlease WHERE holder IS NOT NULL")).all()
        return {name: holder for name, holder in rows}


@pytest.fixture
def centre(tmp_path: Path, store_url: str) -> Iterator[Centre]:
    vk = FakeVK(tmp_path / "fake-vk", speed=20)
    telegram = FakeTelegram(time_scale=4, think=2.0)
    vk.start()
    telegram.start()
    try:
        channels = {
            "vk": {"plugin": "vk", "group_id": vk.store.world.group_id, "api_url": vk.url,
                   "community_token_env": "VK_COMMUNITY_TOKEN"},
            "tg": {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
                   "api_url": telegram.url, "bot_username": "outreach_sandbox_bot",
                   "poll_timeout": 2},
        }
        config = make_test_config(tmp_path, channels, top={
            "database_url": store_url, "municipalities": MUNICIPALITIES,
            "signups": {"policy_url": "https://example.org/policy", "policy_version": "1"}})
        config.campaigns_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(config.database_url)
        env = {"VK_COMMUNITY_TOKEN": vk.token("community"), "TG_TOKEN": telegram.token}
        yield Centre(tmp_path, config, store, vk, telegram, env)
        store.dispose()
    finally:
        telegram.stop()
        vk.stop()


def _start_people(centre: Centre, count: int) -> tuple[list[int], list[Any]]:
    vk_people = [centre.vk.simulate_person(None) for _ in range(count)]
    telegram_people = [centre.telegram.simulate_person(None, after=0.5 * n)
                       for n in range(count)]
    return vk_people, telegram_people


def _vk_done(centre: Centre, person: int) -> bool:
    return centre.vk.person(person).finished


def _bot_messages(centre: Centre, person: Any) -> int:
    if person.status == "waiting":
        return 0  # not written to the bot yet: no chat with it
    return sum(1 for m in centre.telegram.messages(person.user_id) if m["from"].get("is_bot"))


def _assert_stored_right(centre: Centre, vk_people: list[int],
                         telegram_people: list[Any]) -> None:
    by_person = {}
    for row in centre.signups():
        assert row.person not in by_person, f"{row.person} stored twice"
        by_person[row.person] = row
    for person_id in vk_people:
        person = centre.vk.person(person_id)
        row = by_person.pop(f"vk:{person_id}")
        assert row.status == "completed", (row.status, person.transcript)
        assert row.name == person.name, person.transcript
        assert row.phone == normalize_phone(person.phone), person.transcript
        assert row.municipality == "Кыштым" or row.municipality in MUNICIPALITIES, \
            person.transcript
        assert row.interests and not row.interests.startswith(("+7", "8")), person.transcript
    for person in telegram_people:
        row = by_person.pop(f"telegram:{person.user_id}")
        assert row.status == "completed", row.status
        assert row.name == person.name
        assert row.phone == normalize_phone(person.phone)
        assert row.municipality in MUNICIPALITIES or row.municipality == "Чебаркуль"
        assert row.interests and not row.interests.startswith(("+7", "8"))
    assert by_person == {}, f"sign-ups of nobody: {sorted(by_person)}"


@pytest.mark.slow
def test_two_workers_serve_each_sign_up_once_while_one_of_them_is_killed(
        centre: Centre) -> None:
    workers = [Worker(centre, name, centre.env) for name in ("a", "b")]
    killed: Worker | None = None
    try:
        for worker in workers:
            worker.wait_running()
        wait_for(lambda: len(centre.leaders()) == 2, 30, "both bots to have a reader")
        vk_people, telegram_people = _start_people(centre, PEOPLE)
        # Mid-dialog: everyone has been asked something, nobody has finished.
        wait_for(lambda: all(len(centre.vk.sent_to(p)) >= 2 for p in vk_people)
                 and all(_bot_messages(centre, p) >= 2 for p in telegram_people),
                 60, "the dialogs to be under way", step=0.05)
        assert not any(_vk_done(centre, p) for p in vk_people)
        holder = centre.leaders()[f"vk:club{centre.vk.store.world.group_id}"]
        killed = next(w for w in workers if f":{w.pid}:" in holder)
        survivor = next(w for w in workers if w is not killed)
        killed.stop(signal.SIGKILL)
        died = time.monotonic()
        wait_for(lambda: all(f":{survivor.pid}:" in h for h in centre.leaders().values())
                 and len(centre.leaders()) == 2, 60, "the survivor to take both bots over",
                 step=0.1)
        takeover = time.monotonic() - died
        more_vk, more_telegram = _start_people(centre, PEOPLE)
        vk_people += more_vk
        telegram_people += more_telegram
        wait_for(lambda: all(_vk_done(centre, p) for p in vk_people)
                 and all(p.status == "done" for p in telegram_people), 120,
                 "every person to finish", step=0.1)
        wait_for(lambda: sum(r.status == "completed" for r in centre.signups())
                 == len(vk_people) + len(telegram_people), 30, "every sign-up to be stored")
    finally:
        for worker in workers:
            worker.stop()
    _assert_stored_right(centre, vk_people, telegram_people)
    from outreach.engine.leases import TAKEOVER_BOUND

    assert takeover <= TAKEOVER_BOUND.total_seconds() + 5, takeover
    print(f"takeover after SIGKILL: {takeover:.1f} s")
    assert survivor.process.returncode == 0, survivor.output
    assert "Traceback" not in survivor.output
    # One reader per bot: Telegram never answered the survivor 409 Conflict.
    assert "Conflict" not in survivor.output, survivor.output
