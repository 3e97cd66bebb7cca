"""Two `outreach run` workers share one Telegram bot: a reporter's album is stored once.

The workers are real processes on one store; the bot's updates are read by the
holder of its lease. The holder is killed while the album is being taken in;
the other worker takes over, reads again what was not confirmed, and the
report holds each photo once (counted by the bot when Done is pressed, and in
the store); the rest of the dialog is asked once and the report reaches the
coordinators once.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from project_support import Project, Worker, wait_for

from outreach.db import open_store
from outreach.db.states import PersonRole
from outreach.people import roster
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_test_config

sys.path.insert(0, str(Path(__file__).parent / "plugins"))
from test_telegram_reports_e2e import jpeg  # noqa: E402  (the same photos as the e2e test)

REPORTER = 620_000_001
COORDINATORS = "@sandbox_coordinators"


@dataclass
class Centre(Project):
    telegram: FakeTelegram
    env: dict[str, str]

    def holder(self) -> str | None:
        with self.store.engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT holder FROM leaderlease WHERE name LIKE 'telegram:%'")).scalar()

    def said(self) -> list[dict]:
        return [m for m in self.telegram.messages(REPORTER) if m["from"].get("is_bot")]

    def offers(self, label: str) -> bool:
        """Whether a button labelled exactly ``label`` was shown ("Yes" is not "Yesterday")."""
        return any(button["text"] == label for message in self.said()
                   for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                   for button in row)

    def press(self, label: str) -> None:
        for message in reversed(self.said()):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"].startswith(label):
                        self.telegram.press(REPORTER, message["message_id"],
                                            button["callback_data"])
                        return
        raise AssertionError(f"no button {label!r}")


@pytest.fixture
def centre(tmp_path: Path, store_url: str) -> Iterator[Centre]:
    telegram = FakeTelegram(time_scale=4)
    telegram.start()
    try:
        channels = {"tg": {"plugin": "telegram", "token_env": "TG_TOKEN",
                           "chat_id": "@sandbox_channel", "api_url": telegram.url,
                           "bot_username": "outreach_sandbox_bot", "poll_timeout": 2}}
        config = make_test_config(tmp_path, channels, top={
            "database_url": store_url, "municipalities": ["Миасс", "Златоуст"],
            "signups": {"policy_url": "https://example.org/policy", "policy_version": "1",
                        "coordinators": {"channel": "tg", "chat": COORDINATORS}}})
        config.campaigns_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(config.database_url)
        yield Centre(tmp_path, config, store, telegram, {"TG_TOKEN": telegram.token})
        store.dispose()
    finally:
        telegram.stop()


@pytest.mark.slow
def test_two_workers_take_each_photo_of_an_album_once_while_the_reader_is_killed(
        centre: Centre) -> None:
    code = roster.invite(centre.store, PersonRole.reporter, municipality="Миасс",
                         name="Анна", actor="cli:test").code
    workers = [Worker(centre, name, centre.env) for name in ("a", "b")]
    try:
        for worker in workers:
            worker.wait_running()
        wait_for(lambda: centre.holder() is not None, 30, "the bot to have a reader")
        centre.telegram.send_text(REPORTER, f"/start {code}")
        wait_for(lambda: len(centre.said()) == 1, 30, "the greeting")
        photos = [jpeg(n) for n in range(1, 7)]
        centre.telegram.send_photos(REPORTER, photos, caption="Субботник у музея")
        wait_for(lambda: len(centre.said()) >= 2, 30, "the album to be taken in", step=0.01)
        holder = centre.holder()
        killed = next(w for w in workers if f":{w.pid}:" in (holder or ""))
        survivor = next(w for w in workers if w is not killed)
        killed.stop(signal.SIGKILL)
        wait_for(lambda: f":{survivor.pid}:" in (centre.holder() or ""), 60,
                 "the survivor to take the bot over", step=0.1)
        time.sleep(1)  # what the killed worker had not confirmed is read again
        centre.press("✅")  # Done: the bot counts what the report holds
        wait_for(lambda: any("The report has" in (m.get("text") or "")
                             for m in centre.said()), 30, "the count of photos")
        counted_photos = [m["text"] for m in centre.said()
                          if "The report has" in (m.get("text") or "")]
        # Each button waited for by its whole label: a press must answer the question it
        # belongs to, not an earlier one whose label begins alike ("Yes…" / "Yesterday").
        for label in ("Субботник у музея", "Today", "Миасс", "📷 Photo report",
                      "Yes, everyone agreed"):
            wait_for(lambda: centre.offers(label), 30, f"the button {label}")  # noqa: B023
            centre.press(label)
        try:
            wait_for(lambda: any("gone to the coordinators" in (m.get("text") or "")
                                 for m in centre.said()), 60, "the thanks")
        except AssertionError:
            said = [(m.get("text") or "")[:50] for m in centre.said()]
            raise AssertionError(f"{said}\n{survivor.output[-6000:]}") from None
        wait_for(lambda: len(centre.telegram.messages(COORDINATORS)) >= 1, 30,
                 "the report to reach the coordinators")
        time.sleep(1)  # a second card or question would come meanwhile
    finally:
        for worker in workers:
            worker.stop()
    from sqlmodel import select

    from outreach.db.models import FieldReport, PersonAccount, Photo, Story

    assert counted_photos == ["Thank you! The report has 6 photos."], counted_photos
    texts = [m.get("text") or "" for m in centre.said()]
    # The reporter's «Да» is answered with thanks, not with the question again.
    assert sum("agree to their publication" in t for t in texts) == 1, texts
    assert sum("gone to the coordinators" in t for t in texts) == 1, texts
    assert len(centre.telegram.messages(COORDINATORS)) == 1  # one card
    with centre.store.session() as session:
        [story] = session.exec(select(Story)).all()
        assert len(session.exec(select(FieldReport)).all()) == 1
        stored = session.exec(select(Photo).where(Photo.story_id == story.id)).all()
        assert session.get(PersonAccount, f"telegram:{REPORTER}").dialog is None
    assert len(stored) == 6 and len({p.sha256 for p in stored}) == 6
    assert sum("receiving your photos" in t for t in texts) <= 2, texts  # owed once more at most
    assert "Traceback" not in survivor.output, survivor.output
