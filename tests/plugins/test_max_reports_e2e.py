"""End to end: photo reports through the MAX bot (the plugin's real client against the fake
MAX, the core's FrontDesk, a real store on SQLite and PostgreSQL).

A reporter invited by a max.ru link sends three photos and answers the questions with
buttons; the story lands in the library with consent; a coordinator presses Approve on the
card in the coordinators' MAX chat; the next slot publishes it on MAX; the reporter is told
with the link. Strangers and the reporter cannot approve; a rejection's reason, written in
the coordinator's dialog with the bot, reaches the reporter. The sandbox's scripted
reporter and coordinator play a report through.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_support import waited
from fieldreport_support import ReportCentre, answer_by_buttons
from max_support import FastMax, running_fake
from sqlmodel import select

from outreach.config import Config
from outreach.db import Store
from outreach.db.models import AuditEntry, FieldReport, Photo, Publication
from outreach.db.states import PersonRole
from outreach.fieldreports.desk import FrontDesk
from outreach.library.frontmatter import read_story
from outreach.signups.desk import StoreDesk
from outreach_max.fake import FakeMax
from outreach_max.fake.media import sample_photo
from outreach_max.fake.state import COORDINATORS_CHAT_ID
from outreach_testing import make_registry, make_test_config

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль"]
REPORTER, COORDINATOR, STRANGER = 4_400_001, 4_400_002, 4_400_003


class Centre(ReportCentre):
    """A centre whose reports come through the MAX bot and whose coordinators' chat is a
    MAX group chat; it publishes to the MAX channel."""

    def __init__(self, fake: FakeMax, store: Store, config: Config, registry: Any) -> None:
        self.fake, self.store, self.config, self.registry = fake, store, config, registry

    def said(self, user_id: int) -> list[str]:
        return [body.get("text") or "" for body in self.fake.sent_to(user_id)]

    def wait_said(self, user_id: int, count: int) -> str:
        """Wait until the bot has written ``count`` messages to ``user_id``; the last."""
        return str(waited(lambda: self.said(user_id)[count - 1:count], 15)[0])

    def card(self) -> dict[str, Any]:
        """The newest card with buttons in the coordinators' chat."""
        def found() -> dict[str, Any] | None:
            return next((m for m in reversed(self.fake.chat_messages(COORDINATORS_CHAT_ID))
                         if any(a["type"] == "inline_keyboard"
                                for a in m["body"].get("attachments") or [])), None)
        return dict(waited(found, 15))

    def chat_texts(self) -> list[str]:
        return [m["body"].get("text") or "" for m in
                self.fake.chat_messages(COORDINATORS_CHAT_ID)]


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeMax]:
    yield from running_fake(tmp_path, speed=500.0)


@pytest.fixture
def centre(workdir: Path, fake: FakeMax, store: Store, store_url: str) -> Iterator[Centre]:
    described = fake.describe()
    section = {"plugin": "max", "token_env": "MAX_BOT_TOKEN", "api_url": fake.url,
               "chat_id": int(described["chat_id"]), "bot_name": described["bot_name"]}
    config = make_test_config(workdir, {"max": section}, top={
        "database_url": store_url, "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/policy", "policy_version": "2",
                    "coordinators": {"channel": "max",
                                     "chat": described["coordinators_chat"]}}})
    registry = make_registry(config, [FastMax], env={"MAX_BOT_TOKEN": fake.token()})
    desk = FrontDesk(store, config, registry, StoreDesk(store, config, registry))
    registry.get("max").start_intake(desk)
    try:
        yield Centre(fake, store, config, registry)
    finally:
        registry.close()


def tell_report(centre: Centre, user_id: int, photos: list[bytes], caption: str,
                consent: str = "Yes, everyone") -> None:
    """The reporter sends the photos in one message and answers every question by button."""
    before = len(centre.said(user_id))
    centre.fake.send_photos(user_id, photos, caption)
    answer_by_buttons(functools.partial(centre.fake.tap, user_id),
                      functools.partial(centre.wait_said, user_id), before, caption, consent)


@pytest.mark.slow
def test_a_report_from_max_is_approved_in_max_and_published(centre: Centre,
                                                             fake: FakeMax) -> None:
    reporter = centre.invite(PersonRole.reporter, "Анна Смирнова")
    coordinator = centre.invite(PersonRole.coordinator, "Ольга Петрова", None)
    link = centre.registry.get("max").signup_link(reporter)
    assert link == f"https://max.ru/{fake.store.world.bot_name}?start={reporter}"
    fake.simulate_person(reporter, "quiet", REPORTER)  # the reporter opens the link
    assert "photo reports" in centre.wait_said(REPORTER, 1)
    fake.simulate_person(coordinator, "quiet", COORDINATOR)
    assert "coordinator" in centre.wait_said(COORDINATOR, 1)

    # A stranger's photos are not kept.
    fake.send_photos(STRANGER, [sample_photo(9)], "Вот фото")
    assert "did not keep them" in centre.wait_said(STRANGER, 1)

    photos = [sample_photo(n, (1600, 1200)) for n in (1, 2, 3)]
    tell_report(centre, REPORTER, photos, "Мастер-класс по финансовой грамотности\n"
                "Пенсионеры учились отличать мошеннические звонки.")
    assert "has gone to the coordinators" in centre.wait_said(REPORTER, 9)

    [story] = centre.stories()
    assert (story.title, story.municipality, story.kind, story.status) == (
        "Мастер-класс по финансовой грамотности", "Миасс", "photo-report", "draft")
    assert story.consent_recorded and story.consent_by == "Анна Смирнова"
    folder = Path(story.source_folder)
    told = read_story(folder, MUNICIPALITIES)
    assert [p.file for p in told.photos] == ["01.jpg", "02.jpg", "03.jpg"]
    assert (folder / "01.jpg").read_bytes() == photos[0]  # the photo as sent, byte for byte
    with centre.store.session() as session:
        assert len(session.exec(select(Photo)).all()) == 3

    # The card in the coordinators' chat: the first photo, the text, callback buttons.
    card = centre.card()
    mid = card["body"]["mid"]
    assert "Мастер-класс" in card["body"]["text"] and "Анна Смирнова" in card["body"]["text"]
    kinds = [a["type"] for a in card["body"]["attachments"]]
    assert kinds == ["image", "inline_keyboard"]

    # Neither a stranger nor the reporter can approve: they are told, nothing changes.
    for who in (STRANGER, REPORTER):
        pressed = fake.press(who, mid, "✅")
        answer = waited(lambda: fake.answer_to(pressed), 15)  # noqa: B023
        assert "Only coordinators" in answer["notification"] and "message" not in answer
    assert centre.stories()[0].status == "draft"

    pressed = fake.press(COORDINATOR, mid, "✅")
    assert waited(lambda: fake.answer_to(pressed), 15)["notification"] == "Approved."
    assert centre.stories()[0].status == "approved"
    waited(lambda: any("Approved by Ольга Петрова" in t for t in centre.chat_texts()), 15)
    [edited] = [m for m in fake.chat_messages(COORDINATORS_CHAT_ID) if m["body"]["mid"] == mid]
    assert [a["type"] for a in edited["body"]["attachments"]] == ["image"]  # buttons gone
    assert "Мастер-класс" in edited["body"]["text"]
    assert "approved your report" in centre.wait_said(REPORTER, 10)

    with centre.store.session() as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
        [report] = session.exec(select(FieldReport))
        assert report.decision == "approved" and report.channel == "max"
    assert actions[:6] == ["invited", "invited", "enrolled", "enrolled", "report-submitted",
                           "consent-recorded"]
    assert actions.count("approved") == 1 and "press-refused" in actions

    # The next slot publishes it on MAX; the reporter is told with the link.
    service = centre.campaign()
    assert service.run_once(timeout=60).published == 1
    with centre.store.session() as session:
        [publication] = session.exec(select(Publication))
    assert publication.url and publication.url.startswith("https://max.ru/")
    assert service.tell_news() == 1
    news = centre.wait_said(REPORTER, 11)
    assert "has been published" in news and publication.url in news


def test_a_rejection_reason_written_in_the_dialog_reaches_the_reporter(
        centre: Centre, fake: FakeMax) -> None:
    fake.simulate_person(centre.invite(PersonRole.reporter, "Анна"), "quiet", REPORTER)
    fake.simulate_person(centre.invite(PersonRole.coordinator, "Ольга", None), "quiet",
                         COORDINATOR)
    centre.wait_said(COORDINATOR, 1)
    tell_report(centre, REPORTER, [sample_photo(n) for n in (4, 5, 6)],
                "Субботник у школы\nУбрали листья во дворе.")
    mid = centre.card()["body"]["mid"]
    pressed = fake.press(COORDINATOR, mid, "❌")
    assert "private chat" in waited(lambda: fake.answer_to(pressed), 15)["notification"]
    assert "Why is the report" in centre.wait_said(COORDINATOR, 2)
    fake.write(COORDINATOR, "Нет согласия родителей на съёмку детей")
    assert "the reporter will be told" in centre.wait_said(COORDINATOR, 3)
    told = waited(lambda: [t for t in centre.said(REPORTER) if "did not approve" in t], 15)
    assert "Нет согласия родителей" in told[0]
    with centre.store.session() as session:
        [report] = session.exec(select(FieldReport))
    assert report.decision == "rejected" and report.reason
    assert any("was rejected by Ольга" in t for t in centre.chat_texts())


@pytest.mark.slow
def test_consent_received_later_is_recorded_from_the_max_chat_and_approved(
        centre: Centre, fake: FakeMax) -> None:
    fake.simulate_person(centre.invite(PersonRole.reporter, "Анна"), "quiet", REPORTER)
    fake.simulate_person(centre.invite(PersonRole.coordinator, "Ольга", None), "quiet",
                         COORDINATOR)
    centre.wait_said(COORDINATOR, 1)
    tell_report(centre, REPORTER, [sample_photo(n) for n in (7, 8, 9)],
                "Праздник двора\nСоседи вместе украсили двор.", consent="No")
    first = centre.card()["body"]["mid"]
    refused = fake.press(COORDINATOR, first, "✅")
    assert "cannot be approved" in waited(lambda: fake.answer_to(refused), 15)["notification"]
    pressed = fake.press(COORDINATOR, first, "📝")
    waited(lambda: fake.answer_to(pressed), 15)
    assert "What shows that everyone" in centre.wait_said(COORDINATOR, 2)
    fake.write(COORDINATOR, "бланк №12 от 01.12")
    assert centre.wait_said(COORDINATOR, 3).startswith("Recorded: the consent")
    again = waited(lambda: (card := centre.card())["body"]["mid"] != first and card, 15)
    approved = fake.press(COORDINATOR, again["body"]["mid"], "✅")
    assert waited(lambda: fake.answer_to(approved), 15)["notification"] == "Approved."
    [story] = centre.stories()
    assert story.status == "approved" and story.consent_recorded


@pytest.mark.slow
def test_the_sandbox_reporter_and_coordinator_play_a_report_through(
        centre: Centre, fake: FakeMax, tmp_path: Path) -> None:
    photos = []
    for number in (1, 2):
        path = tmp_path / f"{number}.jpg"
        path.write_bytes(sample_photo(number))
        photos.append(path)
    assert fake.rehearse_report(
        centre.invite(PersonRole.reporter, "Галина Петрова"),
        centre.invite(PersonRole.coordinator, "Ольга", None), photos,
        "Скандинавская ходьба\nПятнадцать человек прошли круг по парку.",
        str(COORDINATORS_CHAT_ID), start_after=0, approve_after=60)
    waited(lambda: [s.status for s in centre.stories()] == ["approved"], 30)
    [story] = centre.stories()
    assert story.title == "Скандинавская ходьба" and story.consent_recorded
    assert (Path(story.source_folder) / "01.jpg").read_bytes() == photos[0].read_bytes()
