"""End to end: photo reports through the VK community bot (the real vk_api against the fake
VK, the core's FrontDesk, a real store on SQLite and PostgreSQL).

A reporter invited by a vk.me link sends three photos and answers the questions; the
story lands in the library with consent; a coordinator presses «Одобрить» on the card in
the coordinators' VK conversation; the next slot publishes it on VK and Telegram; the
reporter is told with the links. Strangers and reporters cannot approve.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fieldreport_support import ReportCentre, answer_by_buttons
from sqlmodel import select
from telegram_support import telegram_fake  # noqa: F401  (the fake fixture)
from vk_support import BotVK, running_bot_fake, wait_for

from outreach.config import Config
from outreach.db import Store, open_store
from outreach.db.models import AuditEntry, FieldReport, Photo, Publication
from outreach.db.states import PersonRole
from outreach.fieldreports.desk import FrontDesk
from outreach.library.frontmatter import read_story
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config
from outreach_vk.fake import FakeVK
from outreach_vk.fake.bot import COORDINATORS_PEER, Sent

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль"]
REPORTER, COORDINATOR, STRANGER = 4_100_001, 4_100_002, 4_100_003


def jpeg(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, ((seed * 67) % 256, (seed * 31) % 256, (seed * 13) % 256))
    for x in range(0, size[0], 40):  # a little texture, so the photos differ
        image.putpixel((x, (x * seed) % size[1]), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclasses.dataclass
class Centre(ReportCentre):
    vk: FakeVK
    store: Store
    config: Config
    registry: Any

    def said(self, peer: int) -> list[Sent]:
        return self.vk.sent_to(peer)

    def wait_said(self, peer: int, count: int) -> Sent:
        """Wait until the community has written ``count`` messages to ``peer``; the last."""
        wait_for(lambda: len(self.said(peer)) >= count, 15)
        return self.said(peer)[count - 1]

    def tap(self, user_id: int, label_starts: str) -> None:
        """Tap the text button whose label begins with ``label_starts`` on the bot's last
        keyboard: VK sends its label as the message, with the button's payload."""
        for message in reversed(self.said(user_id)):
            buttons = [b["action"] for row in (message.keyboard or {}).get("buttons", [])
                       for b in row]
            if buttons:
                for action in buttons:
                    if action["label"].startswith(label_starts):
                        self.vk.write(user_id, action["label"], payload=action.get("payload"))
                        return
                raise AssertionError(f"no button {label_starts!r}: "
                                     f"{[a['label'] for a in buttons]}")
        raise AssertionError("no keyboard")


def make_centre(tmp_path: Path, url: str, vk: FakeVK,
                telegram: FakeTelegram) -> Iterator[Centre]:
    """A centre whose reports come through the VK community bot and whose coordinators'
    chat is the community's conversation; it publishes on VK and Telegram."""
    channels: dict[str, Any] = {
        "vk": {"plugin": "vk", "group_id": vk.store.world.group_id, "api_url": vk.url,
               "user_token_env": "VK_USER_TOKEN", "community_token_env": "VK_COMMUNITY_TOKEN"},
        "tg": {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "api_url": telegram.url, "bot_username": "outreach_sandbox_bot"}}
    env = {"VK_USER_TOKEN": vk.token("user"), "VK_COMMUNITY_TOKEN": vk.token("community"),
           "TG_TOKEN": telegram.token}
    config = make_test_config(tmp_path, channels, top={
        "database_url": url, "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/policy", "policy_version": "2",
                    "coordinators": {"channel": "vk", "chat": str(COORDINATORS_PEER)}}})
    store = open_store(config.database_url)
    registry = make_registry(config, [BotVK, TelegramChannel], env=env)
    from outreach.signups.desk import StoreDesk

    desk = FrontDesk(store, config, registry, StoreDesk(store, config, registry))
    registry.get("vk").start_intake(desk)
    try:
        yield Centre(vk, store, config, registry)
    finally:
        registry.close()
        store.dispose()


@pytest.fixture
def vk(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_bot_fake(tmp_path)


def tell_report(centre: Centre, user_id: int, photos: list[bytes], caption: str) -> None:
    """The reporter sends the photos in one message and answers every question by button."""
    before = len(centre.said(user_id))
    centre.vk.send_photos(user_id, photos, caption)
    answer_by_buttons(functools.partial(centre.tap, user_id),
                      lambda n: centre.wait_said(user_id, n).text, before, caption)


@pytest.mark.slow
def test_a_report_from_vk_is_approved_in_vk_and_published(
        tmp_path: Path, store_url: str, vk: FakeVK, fake: FakeTelegram) -> None:
    for centre in make_centre(tmp_path, store_url, vk, fake):
        reported_and_published(centre, vk)


def reported_and_published(centre: Centre, vk: FakeVK) -> None:
    reporter = centre.invite(PersonRole.reporter, "Анна Смирнова")
    coordinator = centre.invite(PersonRole.coordinator, "Ольга Петрова", None)
    link = centre.registry.get("vk").signup_link(reporter)
    assert link == f"https://vk.me/club{vk.store.world.group_id}?ref={reporter}"
    vk.write(REPORTER, "Начать", ref=reporter)  # the reporter opens the link
    assert "photo reports" in centre.wait_said(REPORTER, 1).text
    vk.write(COORDINATOR, "Начать", ref=coordinator)
    assert "coordinator" in centre.wait_said(COORDINATOR, 1).text

    # A stranger's photos are not kept.
    vk.send_photos(STRANGER, [jpeg(9)], "Вот фото")
    assert "did not keep them" in centre.wait_said(STRANGER, 1).text

    photos = [jpeg(1), jpeg(2), jpeg(3)]
    tell_report(centre, REPORTER, photos, "Мастер-класс по финансовой грамотности\n"
                "Пенсионеры учились отличать мошеннические звонки.")
    assert "has gone to the coordinators" in centre.wait_said(REPORTER, 9).text

    [story] = centre.stories()
    assert (story.title, story.municipality, story.kind, story.status) == (
        "Мастер-класс по финансовой грамотности", "Миасс", "photo-report", "draft")
    assert story.consent_recorded and story.consent_by == "Анна Смирнова"
    folder = Path(story.source_folder)
    told = read_story(folder, MUNICIPALITIES)
    assert [p.file for p in told.photos] == ["01.jpg", "02.jpg", "03.jpg"]
    # The largest of the photo's sizes (w: 1600×1200 fits 2560×2048), byte for byte.
    assert (folder / "01.jpg").read_bytes() == photos[0]
    with centre.store.session() as session:
        assert len(session.exec(select(Photo)).all()) == 3

    # The card in the coordinators' conversation: the first photo, the text, the buttons.
    card = wait_for(lambda: next((m for m in centre.said(COORDINATORS_PEER)
                                  if m.keyboard), None), 15)
    assert card.attachment.startswith("photo-") and "Мастер-класс" in card.text
    assert "Анна Смирнова" in card.text and "recorded" in card.text
    assert card.keyboard is not None and card.keyboard["inline"] is True
    assert all(b["action"]["type"] == "callback" for row in card.keyboard["buttons"]
               for b in row)

    approve = _payload_of(card, "✅")
    # Neither a stranger nor the reporter can approve: a snackbar says so, nothing changes.
    for who in (STRANGER, REPORTER):
        pressed = vk.press(who, card, "✅")
        answer = wait_for(lambda: vk.event_answer(pressed), 15)  # noqa: B023
        assert answer["type"] == "show_snackbar" and "Only coordinators" in answer["text"]
    assert centre.stories()[0].status == "draft"

    pressed = vk.press(COORDINATOR, card, "✅")
    wait_for(lambda: vk.event_answer(pressed) is not None, 15)
    assert centre.stories()[0].status == "approved"
    wait_for(lambda: any("Approved by Ольга Петрова" in m.text
                         for m in centre.said(COORDINATORS_PEER)), 15)
    assert card.keyboard is None and card.edited == 1  # the buttons are gone
    assert "Мастер-класс" in card.text and card.attachment  # the card itself is kept
    assert "approved your report" in centre.wait_said(REPORTER, 10).text
    # A second press (the buttons gone, an old event replayed) changes nothing.
    again = vk.messenger.message_event(COORDINATOR, COORDINATORS_PEER, card.cmid,
                                       json.dumps({"choice": approve}))
    wait_for(lambda: vk.event_answer(again) is not None, 15)

    with centre.store.session() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
        [report] = session.exec(select(FieldReport))
        assert report.decision == "approved"
    assert actions[:6] == ["invited", "invited", "enrolled", "enrolled", "report-submitted",
                           "consent-recorded"]
    assert actions.count("approved") == 1 and "press-refused" in actions

    # The next slot publishes it on VK and Telegram; the reporter is told with the links.
    service = centre.campaign()
    published = service.run_once(timeout=60)
    assert published.published == 2, published
    with centre.store.session() as session:
        links = {p.channel: p.url for p in session.exec(select(Publication))}
    assert set(links) == {"tg", "vk"} and all(links.values())
    assert service.tell_news() == 1
    news = centre.wait_said(REPORTER, 11).text
    assert "has been published" in news and links["tg"] in news and links["vk"] in news


def _payload_of(card: Sent, label_starts: str) -> str:
    for row in (card.keyboard or {"buttons": []})["buttons"]:
        for button in row:
            if button["action"]["label"].startswith(label_starts):
                return str(json.loads(button["action"]["payload"])["choice"])
    raise AssertionError(f"no button {label_starts!r}")


@pytest.mark.slow
def test_the_sandbox_reporter_and_coordinator_play_a_report_through(
        tmp_path: Path, vk: FakeVK, fake: FakeTelegram) -> None:
    for centre in make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", vk, fake):
        photos = []
        for number in (1, 2):
            path = tmp_path / f"{number}.jpg"
            path.write_bytes(jpeg(number, (1280, 960)))
            photos.append(path)
        assert vk.rehearse_report(
            centre.invite(PersonRole.reporter, "Галина Петрова"),
            centre.invite(PersonRole.coordinator, "Ольга", None), photos,
            "Скандинавская ходьба\nПятнадцать человек прошли круг по парку.",
            str(COORDINATORS_PEER), start_after=0, approve_after=60)
        wait_for(lambda c=centre: [s.status for s in c.stories()] == ["approved"], 30)
        [story] = centre.stories()
        assert story.title == "Скандинавская ходьба" and story.consent_recorded
        assert (Path(story.source_folder) / "01.jpg").read_bytes() == photos[0].read_bytes()
