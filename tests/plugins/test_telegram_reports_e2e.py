"""End to end: photo reports from the field through the Telegram bot (real
python-telegram-bot against the fake Bot API, the core's FrontDesk, a real store).

A reporter invited by link sends photos and answers the questions; the story
lands in the library; a coordinator approves it with the card's button.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fieldreport_support import ReportCentre, answer_by_buttons
from sqlmodel import select
from telegram_support import telegram_fake  # noqa: F401  (the fake fixture)
from vk_support import FastVK, running_bot_fake

from outreach.config import Config
from outreach.db import Store, open_store
from outreach.db.models import (
    AuditEntry,
    FieldReport,
    PersonAccount,
    Photo,
    Publication,
)
from outreach.db.states import PersonRole
from outreach.fieldreports.desk import FrontDesk
from outreach.library.frontmatter import read_story
from outreach.people import roster
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config
from outreach_vk.fake import FakeVK

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль"]
COORDINATORS = "@sandbox_coordinators"
REPORTER, COORDINATOR, STRANGER = 610_000_001, 610_000_002, 610_000_003


def jpeg(seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, ((seed * 67) % 256, (seed * 31) % 256, (seed * 13) % 256))
    for x in range(0, size[0], 50):  # a little texture, so sizes differ
        image.putpixel((x, (x * seed) % size[1]), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclasses.dataclass
class Centre(ReportCentre):
    fake: FakeTelegram
    store: Store
    config: Config
    desk: FrontDesk
    registry: Any

    def said(self, user_id: int) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages(user_id) if m["from"].get("is_bot")]

    def wait_said(self, user_id: int, count: int, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until the bot has written ``count`` messages to the person; the last."""
        wait(lambda: len(self.said(user_id)) >= count, timeout)
        return self.said(user_id)[count - 1]

    def press(self, user_id: int, label_starts: str, chat: str | None = None,
              message: dict[str, Any] | None = None) -> str:
        """Press the button whose label begins with ``label_starts`` on the bot's last
        message that has one (in ``chat``, or the person's chat with the bot)."""
        where = self.fake.messages(chat) if chat else self.said(user_id)
        for candidate in ([message] if message else reversed(where)):
            buttons = [b for row in (candidate.get("reply_markup") or {}).get(
                "inline_keyboard", []) for b in row]
            for button in buttons:
                if button["text"].startswith(label_starts):
                    return self.fake.press(user_id, candidate["message_id"],
                                           button["callback_data"], chat_id=chat)
        raise AssertionError(f"no button {label_starts!r}: {[m.get('text') for m in where]}")


def wait(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def make_centre(tmp_path: Path, url: str, fake: FakeTelegram,
                vk: FakeVK | None = None) -> Iterator[Centre]:
    """A centre whose bot is the fake Telegram's; with ``vk``, a VK channel too, and a
    campaign due a minute after the report is approved (``Centre.campaign``)."""
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "api_url": fake.url, "bot_username": "outreach_sandbox_bot", "poll_timeout": 1}
    channels: dict[str, Any] = {"tg": section}
    env = {"TG_TOKEN": fake.token}
    if vk is not None:
        channels["vk"] = {"plugin": "vk", "group_id": vk.store.world.group_id,
                          "api_url": vk.url, "user_token_env": "VK_USER_TOKEN",
                          "community_token_env": "VK_COMMUNITY_TOKEN"}
        env |= {"VK_USER_TOKEN": vk.token("user"), "VK_COMMUNITY_TOKEN": vk.token("community")}
    config = make_test_config(tmp_path, channels, top={
        "database_url": url, "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/policy", "policy_version": "2",
                    "coordinators": {"channel": "tg", "chat": COORDINATORS}}})
    store = open_store(config.database_url)
    registry = make_registry(config, [TelegramChannel, FastVK], env=env)
    from outreach.signups.desk import StoreDesk

    desk = FrontDesk(store, config, registry, StoreDesk(store, config, registry))
    registry.get("tg").start_intake(desk)
    try:
        yield Centre(fake, store, config, desk, registry)
    finally:
        registry.close()
        store.dispose()


@pytest.fixture
def centre(tmp_path: Path, fake: FakeTelegram) -> Iterator[Centre]:
    yield from make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", fake)


def tell_report(centre: Centre, user_id: int, photos: list[bytes], caption: str) -> None:
    """The reporter sends an album and answers every question with buttons."""
    before = len(centre.said(user_id))
    centre.fake.send_photos(user_id, photos, caption=caption)
    answer_by_buttons(functools.partial(centre.press, user_id),
                      lambda n: str(centre.wait_said(user_id, n).get("text", "")), before, caption)


@pytest.fixture
def vk(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_bot_fake(tmp_path)


@pytest.mark.slow
def test_an_invited_reporter_sends_an_album_a_coordinator_approves_and_it_goes_out(
        tmp_path: Path, fake: FakeTelegram, vk: FakeVK) -> None:
    for centre in make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", fake, vk):
        reported_and_published(centre, fake, vk)


def reported_and_published(centre: Centre, fake: FakeTelegram, vk: FakeVK) -> None:
    reporter = centre.invite(PersonRole.reporter, "Анна Смирнова")
    coordinator = centre.invite(PersonRole.coordinator, "Ольга Петрова", None)
    fake.send_text(REPORTER, f"/start {reporter}")
    assert "photo reports" in centre.wait_said(REPORTER, 1)["text"]
    fake.send_text(COORDINATOR, f"/start {coordinator}")
    assert "coordinator" in centre.wait_said(COORDINATOR, 1)["text"]

    photos = [jpeg(1), jpeg(2), jpeg(3)]
    tell_report(centre, REPORTER, photos,
                "Мастер-класс по финансовой грамотности\nПенсионеры учились отличать "
                "мошеннические звонки.")
    thanks = centre.wait_said(REPORTER, 9)
    assert "has gone to the coordinators" in thanks["text"]

    [story] = centre.stories()
    assert (story.title, story.municipality, story.kind, story.status) == (
        "Мастер-класс по финансовой грамотности", "Миасс", "photo-report", "draft")
    assert story.consent_recorded and story.consent_by == "Анна Смирнова"
    folder = Path(story.source_folder)
    told = read_story(folder, MUNICIPALITIES)  # a normal story folder, readable by hand
    assert [p.file for p in told.photos] == ["01.jpg", "02.jpg", "03.jpg"]
    # The largest PhotoSize, byte for byte as the person sent it.
    assert (folder / "01.jpg").read_bytes() == photos[0]
    with centre.store.session() as session:
        assert len(session.exec(select(Photo)).all()) == 3
        account = session.get(PersonAccount, f"telegram:{REPORTER}")
        assert account is not None and account.dialog is None

    wait(lambda: len(fake.messages(COORDINATORS)) == 1)
    [card] = fake.messages(COORDINATORS)
    assert card["photo"] and "Мастер-класс" in card["caption"]
    assert "Анна Смирнова" in card["caption"] and "recorded" in card["caption"]

    # A reporter cannot approve (a forwarded card's button): nothing changes, they are told.
    refused = centre.press(REPORTER, "✅", chat=COORDINATORS, message=card)
    wait(lambda: fake.query_answer(refused) is not None)
    assert "Only coordinators" in fake.query_answer(refused)
    assert centre.stories()[0].status == "draft"

    pressed = centre.press(COORDINATOR, "✅", chat=COORDINATORS, message=card)
    wait(lambda: fake.query_answer(pressed) is not None)
    assert centre.stories()[0].status == "approved"
    wait(lambda: len(fake.messages(COORDINATORS)) == 2)
    said = fake.messages(COORDINATORS)[1]
    assert "Approved by Ольга Петрова" in said["text"]
    assert "reply_markup" not in fake.messages(COORDINATORS)[0]  # the buttons are gone
    told_reporter = centre.wait_said(REPORTER, 10)
    assert "approved your report" in told_reporter["text"]

    with centre.store.session() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
        [report] = session.exec(select(FieldReport))
        assert report.decision == "approved"
    assert actions == ["invited", "invited", "enrolled", "enrolled", "report-submitted",
                       "consent-recorded", "press-refused", "approved"]

    # The next slot publishes it on Telegram and VK; the reporter is told with the links.
    service = centre.campaign()
    report = service.run_once(timeout=60)
    assert report.published == 2, report
    with centre.store.session() as session:
        links = {p.channel: p.url for p in session.exec(select(Publication))}
    assert set(links) == {"tg", "vk"} and all(links.values())
    album = fake.messages("@sandbox_channel")  # the three photos, the text on the first
    assert len(album) == 3 and "Мастер-класс" in album[0]["caption"]
    assert service.tell_news() == 1
    published = centre.wait_said(REPORTER, 11)["text"]
    assert "has been published" in published
    assert links["tg"] in published and links["vk"] in published
    assert service.tell_news() == 0  # told once


@pytest.mark.slow
def test_the_sandbox_plays_a_reporter_and_a_coordinator(centre: Centre,
                                                       fake: FakeTelegram) -> None:
    """`outreach run --sandbox`: a simulated reporter's report is approved by a simulated
    coordinator, through the bot, as a newcomer watches."""
    from outreach.fieldreports import rehearsal
    from outreach.platforms.sandbox import Sandbox

    assert rehearsal.rehearse(centre.config, centre.store, centre.registry,
                              Sandbox(fakes={"telegram": fake}), speed=3600)
    wait(lambda: [s.status for s in centre.stories()] == ["approved"], 60)
    [story] = centre.stories()
    assert story.consent_recorded and len(read_story(Path(story.source_folder)).photos) == 3
    with centre.store.session() as session:
        people = {p.name: p.role for p in roster.list_people(session)}
    assert people == {rehearsal.REPORTER: "reporter", rehearsal.COORDINATOR: "coordinator"}
