"""The report desk in the core, with a small platform of its own: who may send and decide,
what a restart or a repeat changes, what is refused, and what reaches the coordinators."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from outbox_support import add_campaign, add_publication
from sqlmodel import select

from outreach.channels import Card, Incoming, IncomingFile, PermanentError, Reply
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import (
    AuditEntry,
    FieldReport,
    PersonAccount,
    Publication,
    PublicationAttempt,
    Story,
)
from outreach.db.states import PersonRole
from outreach.engine.publications import button_actions
from outreach.fieldreports import texts as t
from outreach.fieldreports.decisions import Decisions
from outreach.fieldreports.desk import FrontDesk, erase_abandoned
from outreach.fieldreports.files import staging
from outreach.fieldreports.news import News
from outreach.people import roster
from outreach_testing import RecordingChannel, make_registry, make_test_config

T0 = dt.datetime(2026, 10, 5, 6, tzinfo=dt.UTC)
MUNICIPALITIES = ["Миасс", "Златоуст"]


def jpeg(seed: int) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (640, 480), ((seed * 67) % 256, (seed * 31) % 256, 90))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


class PhotoChannel(RecordingChannel):
    """A platform whose people send files kept in ``files``; cards and notices are kept."""

    plugin_name = "photos"
    download_limit = 5_000_000
    files: ClassVar[dict[str, bytes]] = {}
    cards: ClassVar[list[tuple[str, Card]]] = []
    notices: ClassVar[list[tuple[str, str]]] = []

    def fetch_file(self, file: IncomingFile, target: Path) -> None:
        if file.file_id not in self.files:
            raise PermanentError("gone")
        target.write_bytes(self.files[file.file_id])

    def send_card(self, chat: str, card: Card) -> None:
        PhotoChannel.cards.append((chat, card))

    def notify(self, chat: str, text: str) -> None:
        PhotoChannel.notices.append((chat, text))


def photo(seed: int) -> IncomingFile:
    PhotoChannel.files[f"f{seed}"] = jpeg(seed)
    return IncomingFile(f"f{seed}", f"u{seed}", "photo", len(PhotoChannel.files[f"f{seed}"]),
                        640, 480)


class Phone:
    """One person talking to the bot through the desk; events numbered as a platform does."""

    events = 0

    def __init__(self, desk: FrontDesk, person: str) -> None:
        self.desk, self.person = desk, person

    def send(self, **fields: Any) -> list[Reply]:
        Phone.events += 1
        return self.desk.handle("tg", Incoming(person=self.person, event=str(Phone.events),
                                               **fields))

    def text(self, words: str) -> list[Reply]:
        if words.startswith("/start"):
            code = words.partition(" ")[2] or None
            return self.send(started=True, start_code=code)
        return self.send(text=words)

    def photos(self, *seeds: int, caption: str | None = None,
               album: str | None = None) -> list[Reply]:
        replies: list[Reply] = []
        for index, seed in enumerate(seeds):
            replies += self.send(files=(photo(seed),), attachment=True, album=album,
                                 text=caption if index == 0 else None)
        return replies

    def press(self, value: str, chat: str | None = None) -> list[Reply]:
        return self.send(choice=value, chat=chat, message_id="7" if chat else None)


@pytest.fixture
def config(tmp_path: Path, store_url: str) -> Config:
    PhotoChannel.files, PhotoChannel.cards, PhotoChannel.notices = {}, [], []
    channels = {"tg": {"plugin": "photos", "title": "Telegram of the centre"}}
    return make_test_config(tmp_path, channels, top={
        "database_url": store_url, "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/p", "policy_version": "1",
                    "coordinators": {"channel": "tg", "chat": "team"}}})


@pytest.fixture
def desk(config: Config, store: Store) -> Iterator[FrontDesk]:
    from outreach.signups.desk import StoreDesk

    registry = make_registry(config, [PhotoChannel])
    yield FrontDesk(store, config, registry, StoreDesk(store, config, registry),
                    clock=lambda: T0, actions=button_actions())
    registry.close()


def enrol(desk: FrontDesk, person: str, role: PersonRole, name: str) -> Phone:
    code = roster.invite(desk.store, role, municipality="Миасс", name=name,
                         actor="cli:test", now=T0).code
    phone = Phone(desk, person)
    phone.text(f"/start {code}")
    return phone


def tell(phone: Phone, consent: str = t.YES) -> list[Reply]:
    phone.photos(1, 2, caption="Субботник у музея\nУбрали листья.", album="a1")
    for value in (t.DONE, t.KEEP_TITLE, t.TODAY, t.OWN_PLACE, t.PHOTO_REPORT):
        phone.press(value)
    return phone.press(consent)


def stories(store: Store) -> list[Story]:
    with store.session() as session:
        return list(session.exec(select(Story)))


def test_a_strangers_photos_are_answered_politely_and_nothing_is_kept(
        desk: FrontDesk, config: Config) -> None:
    [reply] = Phone(desk, "900").photos(1)
    assert "only from the centre's reporters" in reply.text
    assert not staging(config.data_dir, "photos:900").exists()
    assert stories(desk.store) == []
    # A stranger pressing a coordinator's button (forwarded, replayed) changes nothing.
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    tell(reporter)
    [refused] = Phone(desk, "900").press("c:approve:1", chat="team")
    assert refused.toast and "Only coordinators" in refused.text
    [reporters_try] = reporter.press("c:approve:1", chat="team")
    assert "Only coordinators" in reporters_try.text
    assert stories(desk.store)[0].status == "draft"
    with desk.store.session() as session:
        refusals = session.exec(select(AuditEntry).where(
            AuditEntry.action == "press-refused")).all()
    assert [e.actor for e in refusals] == ["account:photos:900", "person:1"]


def test_the_first_coordinator_decides_and_a_second_press_says_who(desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    ivan = enrol(desk, "3", PersonRole.coordinator, "Иван")
    tell(reporter)
    [(chat, card)] = PhotoChannel.cards
    assert chat == "team" and card.photo is not None and card.photo.name == "01.jpg"
    assert [value for _label, value in card.choices] == ["c:approve:1", "c:reject:1",
                                                          "c:more:1"]
    approved = olga.press("c:approve:1", chat="team")
    assert [r.edit for r in approved] == [False, True] and approved[0].toast
    [again] = ivan.press("c:reject:1", chat="team")
    assert again.toast and "Already approved by Ольга" in again.text
    [twice] = olga.press("c:approve:1", chat="team")
    assert "Already approved by Ольга" in twice.text
    assert stories(desk.store)[0].status == "approved"
    assert any("approved your report" in text for _chat, text in PhotoChannel.notices)


def test_no_consent_keeps_the_report_and_the_gate_holds(desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    [thanks] = tell(reporter, consent=t.NO)
    assert "only when everyone in the photos agrees" in thanks.text
    [story] = stories(desk.store)
    assert not story.consent_recorded
    assert "NOT recorded" in PhotoChannel.cards[0][1].text
    [refused] = olga.press("c:approve:1", chat="team")
    assert "cannot be approved" in refused.text
    assert stories(desk.store)[0].status == "draft"


def test_a_rejection_asks_the_reason_and_the_reporter_is_told(desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(reporter)
    asked = olga.press("c:reject:1", chat="team")
    assert "Why is the report" in asked[-1].text and not asked[-1].edit
    [done] = olga.text("Люди на фото не видны")
    assert "told the reason" in done.text
    assert any("Люди на фото не видны" in text and chat == "1"
               for chat, text in PhotoChannel.notices)
    with desk.store.session() as session:
        [report] = session.exec(select(FieldReport))
        assert (report.decision, report.reason) == ("rejected", "Люди на фото не видны")


def test_a_restart_mid_dialog_resumes_where_it_stopped(desk: FrontDesk, config: Config,
                                                        store: Store) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    reporter.photos(1, caption="Концерт в доме ветеранов")
    reporter.press(t.DONE)
    reporter.press(t.KEEP_TITLE)
    # A new desk over the same store: the service was restarted.
    again = FrontDesk(store, config, desk.registry, desk.signups, clock=lambda: T0,
                      actions=button_actions())
    after = Phone(again, "1")
    resumed = after.text("/start")
    assert "go on with your report" in resumed[0].text
    assert "When did it take place" in resumed[1].text
    for value in (t.YESTERDAY, t.OWN_PLACE, t.STORY, t.YES):
        replies = after.press(value)
    assert "has gone to the coordinators" in replies[-1].text
    [story] = stories(store)
    assert (story.title, story.kind, story.event_date) == (
        "Концерт в доме ветеранов", "story", dt.date(2026, 10, 4))


def test_a_report_left_halfway_is_erased_after_a_day(desk: FrontDesk, config: Config) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    reporter.photos(1, 2)
    folder = staging(config.data_dir, "photos:1")
    assert len(list(folder.iterdir())) == 2
    assert erase_abandoned(desk.store, config.data_dir, T0 + dt.timedelta(hours=23)) == 0
    assert erase_abandoned(desk.store, config.data_dir, T0 + dt.timedelta(hours=25)) == 1
    assert not folder.exists()
    with desk.store.session() as session:
        assert session.get(PersonAccount, "photos:1").dialog is None


def test_bad_files_are_refused_with_a_reason_and_a_photo_twice_is_kept_once(
        desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    reporter.photos(1)
    [twice] = reporter.photos(1)
    assert "already in the report" in twice.text
    PhotoChannel.files["v"] = b"\0" * 100
    [video] = reporter.send(files=(IncomingFile("v", "uv", "video", 100),), attachment=True)
    assert "videos" in video.text
    [pdf] = reporter.send(files=(IncomingFile("d", "ud", "document", 10, mime="application/pdf",
                                              name="программа.pdf"),), attachment=True)
    assert "«программа.pdf»" in pdf.text or "“программа.pdf”" in pdf.text
    [big] = reporter.send(files=(IncomingFile("b", "ub", "document", 6_000_000,
                                              mime="image/jpeg", name="big.jpg"),),
                          attachment=True)
    assert "at most 4 MB" in big.text
    PhotoChannel.files["fake"] = b"not an image at all"
    [broken] = reporter.send(files=(IncomingFile("fake", "uf", "document", 19,
                                                 mime="image/jpeg", name="x.jpg"),),
                             attachment=True)
    assert "cannot read" in broken.text
    reporter.press(t.DONE)
    with desk.store.session() as session:
        dialog = session.get(PersonAccount, "photos:1").dialog
    assert [p["unique"] for p in dialog["photos"]] == ["u1"]


def test_the_caption_of_a_refused_video_is_not_the_reports_text(desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    PhotoChannel.files["v"] = b"\0" * 100
    [video] = reporter.send(files=(IncomingFile("v", "uv", "video", 100),), attachment=True,
                            text="Вот видео с праздника")
    assert "videos" in video.text
    reporter.photos(1, 2, caption="Субботник у музея\nУбрали листья.")
    [_thanks, title] = reporter.press(t.DONE)
    assert title.choices == [("Субботник у музея", t.KEEP_TITLE)]
    with desk.store.session() as session:
        dialog = session.get(PersonAccount, "photos:1").dialog
    assert dialog["text"] == "Субботник у музея\nУбрали листья."


def test_the_same_event_delivered_twice_is_one_step(desk: FrontDesk) -> None:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    message = Incoming(person="1", event="e-42", files=(photo(1),), attachment=True)
    first = desk.handle("tg", message)
    desk.delivered("tg", message)
    assert desk.handle("tg", message) == []  # answered before: nothing again
    assert "I have 1 photo" in first[0].text
    reporter.press(t.DONE)


def test_an_uncertain_publication_is_resolved_by_button(desk: FrontDesk, config: Config,
                                                        store: Store) -> None:
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    tell(reporter)
    with store.session() as session:
        campaign = add_campaign(session, "field")
        publication_id = add_publication(session, 1, campaign, "tg", T0, status="uncertain")
        session.add(PublicationAttempt(publication_id=publication_id, number=1, started_at=T0,
                                       finished_at=T0, outcome="uncertain"))
    news = News(store, config, desk.registry, Decisions(store, config, desk.registry))
    PhotoChannel.cards.clear()
    tuesday = T0 + dt.timedelta(days=1)  # not a Monday morning: no weekly digest
    assert news.tell(tuesday) == 1
    assert news.tell(tuesday + dt.timedelta(minutes=1)) == 0  # once, not once per round
    [(_chat, card)] = PhotoChannel.cards
    assert "not known whether" in card.text
    values = [value for _label, value in card.choices]
    assert values == [f"c:posted:{publication_id}", f"c:not-posted:{publication_id}"]
    done = olga.press(values[1], chat="team")
    assert done[-1].edit and "being sent again" in done[-1].text
    with store.session() as session:
        assert session.get(Publication, publication_id).status == "planned"
    [late] = Phone(desk, "3").press(values[1], chat="team")
    assert "Only coordinators" in late.text
    [second] = olga.press(values[1], chat="team")
    assert "Already done by Ольга" in second.text


def test_the_weekly_digest_goes_once_on_monday_morning(desk: FrontDesk, config: Config,
                                                      store: Store) -> None:
    import zoneinfo

    from outreach.db.models import EngagementLatest, SignUp

    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    tell(reporter)  # a report on T0, undecided
    quiet = roster.invite(store, PersonRole.reporter, municipality="Миасс", name="Пётр",
                          actor="cli:test", now=T0 - dt.timedelta(days=60)).code
    desk.clock = lambda: T0 - dt.timedelta(days=60)
    Phone(desk, "5").text(f"/start {quiet}")
    zone = zoneinfo.ZoneInfo(config.time_zone)
    monday = dt.datetime.combine(T0.astimezone(zone).date() + dt.timedelta(days=7),
                                 dt.time(10), zone)
    with store.session() as session:
        campaign = add_campaign(session, "field")
        published = add_publication(session, 1, campaign, "tg", T0, status="published",
                                    published_at=T0 + dt.timedelta(hours=1), url="https://x/1")
        session.add(EngagementLatest(publication_id=published, taken_at=T0, views=120))
        session.add(SignUp(created_at=T0, completed_at=T0 + dt.timedelta(days=1),
                           status="completed", source="offline", municipality="Златоуст"))
    news = News(store, config, desk.registry, Decisions(store, config, desk.registry))
    PhotoChannel.notices.clear()
    assert news._digest(monday - dt.timedelta(days=1)) == 0  # Sunday: not yet
    assert news._digest(monday.replace(hour=8)) == 0  # Monday before nine
    assert news._digest(monday) == 1
    assert news._digest(monday + dt.timedelta(hours=2)) == 0  # once a week
    [(chat, text)] = PhotoChannel.notices
    assert chat == "team"
    assert "Published: 1 post (Telegram of the centre: 1)" in text and "120 views" in text
    assert "New volunteers: 1" in text and "Златоуст — 1" in text
    assert "Reports waiting for a decision: 1" in text
    assert "sent nothing for a month: Пётр" in text and "Анна" not in text.split("month")[-1]


def test_an_album_whose_first_photo_fails_still_offers_done(desk: FrontDesk,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from outreach.channels import TransientError
    from outreach.fieldreports import files as report_files

    monkeypatch.setattr(report_files.time, "sleep", lambda seconds: None)
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    busy = {"f2": 1}  # the line was busy once for this one: tried again, taken
    fetch = PhotoChannel.fetch_file

    def flaky(self: PhotoChannel, file: IncomingFile, target: Path) -> None:
        if busy.get(file.file_id):
            busy[file.file_id] -= 1
            raise TransientError("timed out")
        fetch(self, file, target)

    monkeypatch.setattr(PhotoChannel, "fetch_file", flaky)
    gone = IncomingFile("gone", "ugone", "photo", 100, 640, 480)  # the platform lost it
    [refused] = reporter.send(files=(gone,), attachment=True, album="a7", text="Концерт")
    assert "could not download" in refused.text and not refused.choices
    [receiving] = reporter.photos(2, album="a7")
    assert "receiving your photos" in receiving.text
    assert [value for _label, value in receiving.choices] == [t.DONE, t.CANCEL]
    assert reporter.photos(3, album="a7") == []  # one answer per album
    done = reporter.press(t.DONE)
    assert "2 photos" in done[0].text


def test_a_worker_that_died_before_marking_replies_sent_is_not_echoed_by_its_successor(
        desk: FrontDesk) -> None:
    """The reader died after sending the consent question and taking the reporter's «Да»,
    before either was marked sent; the next reader reads both updates again."""
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    reporter.photos(1, 2, caption="Субботник у музея\nУбрали листья.", album="a1")
    for value in (t.DONE, t.KEEP_TITLE, t.TODAY, t.OWN_PLACE):
        reporter.press(value)
    kind = Incoming(person="1", event="kind", choice=t.PHOTO_REPORT)
    yes = Incoming(person="1", event="yes", choice=t.YES)
    asked = desk.handle("tg", kind)  # sent, never marked delivered: the worker died
    assert "agree" in asked[0].text
    # Taken over before «Да» was read: the question is owed and goes out once more.
    assert [r.text for r in desk.handle("tg", kind)] == [asked[0].text]
    thanks = desk.handle("tg", yes)  # the reporter's «Да», then the worker dies again
    assert "gone to the coordinators" in thanks[-1].text
    # The next reader reads both again: the question the reporter answered is not asked
    # again, the report is not stepped back nor told twice.
    assert desk.handle("tg", kind) == []
    assert desk.handle("tg", yes) == []
    assert len(stories(desk.store)) == 1 and len(PhotoChannel.cards) == 1
    with desk.store.session() as session:
        assert session.get(PersonAccount, "photos:1").dialog is None


def approved_and_published(desk: FrontDesk, store: Store) -> Phone:
    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(reporter)
    olga.press("c:approve:1", chat="team")
    with store.session() as session:
        campaign = add_campaign(session, "field")
        add_publication(session, 1, campaign, "tg", T0, status="published",
                        published_at=T0 + dt.timedelta(hours=1), url="https://x/1")
    return olga


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "Your report “Субботник у музея” has been published:\n• Наш канал: https://x/1"),
    ("ru", "Ваш отчёт «Субботник у музея» опубликован:\n• Наш канал: https://x/1")])
def test_the_reporter_reads_where_the_story_went_by_the_channels_title(
        desk: FrontDesk, config: Config, store: Store, lang: str, said: str) -> None:
    import dataclasses

    from outreach.i18n import language

    approved_and_published(desk, store)
    config.channels["tg"] = dataclasses.replace(config.channels["tg"], title="Наш канал")
    PhotoChannel.notices.clear()
    with language(lang):
        News(store, config, desk.registry, Decisions(store, config, desk.registry))._published(
            T0 + dt.timedelta(hours=2))
    [(chat, text)] = PhotoChannel.notices
    assert chat == "1" and said in text and "tg" not in text


@pytest.mark.parametrize(("lang", "names"), [
    ("en", ["VK", "Telegram", "tg"]), ("ru", ["ВКонтакте", "Telegram", "tg"])])
def test_a_channel_without_a_title_is_named_by_its_platform(
        tmp_path: Path, lang: str, names: list[str]) -> None:
    from outreach.i18n import language

    config = make_test_config(tmp_path, {"vk": {"plugin": "vk"}, "bot": {"plugin": "telegram"},
                                         "tg": {"plugin": "photos"}})
    with language(lang):
        assert [t.channel_title(config, name) for name in ("vk", "bot", "tg")] == names


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Where: Миасс · When: ", "Sent by: Анна", "2 photos",
            "Consent of the people in the photos: recorded (Анна, ", "Sent on "]),
    ("ru", ["Где: Миасс · Когда: ", "Прислал(а): Анна", "2 фотографии",
            "Согласие людей на фото: есть (записал(а) Анна, ", "Прислан "])])
def test_more_shows_what_a_coordinator_decides_by_and_no_server_paths(
        desk: FrontDesk, config: Config, lang: str, expected: list[str]) -> None:
    from outreach.i18n import language

    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(reporter)
    with language(lang):
        toast, details = olga.press("c:more:1", chat="team")
    assert toast.toast and not details.toast
    assert "Убрали листья." in details.text
    for piece in expected:
        assert piece in details.text
    assert str(config.data_dir) not in details.text and "/" not in details.text.replace(
        "outreach content approve", "")


@pytest.mark.parametrize(("lang", "hint", "word"), [
    ("en", "Changed your mind? Write “cancel”.", "Cancel"),
    ("ru", "Передумали — напишите «отмена».", "«Отмена»")])
def test_a_coordinator_steps_back_with_a_word_that_works_on_every_platform(
        desk: FrontDesk, lang: str, hint: str, word: str) -> None:
    from outreach.i18n import language

    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(reporter)
    with language(lang):
        asked = olga.press("c:reject:1", chat="team")
        assert hint in asked[-1].text and "/cancel" not in asked[-1].text
        [kept] = olga.text(word)
    assert stories(desk.store)[0].status == "draft"
    with desk.store.session() as session:
        [report] = session.exec(select(FieldReport))
        assert report.decision is None
    assert kept.text.startswith({"en": "The report is not rejected",
                                 "ru": "Отчёт не отклонён"}[lang])
    # /cancel still works (Telegram's command menu offers it), and so does the button.
    olga.press("c:reject:1", chat="team")
    [again] = olga.text("/cancel")
    assert again.text.startswith("The report is not rejected")
    with language(lang):
        asked = olga.press("c:reject:1", chat="team")
        [(label, value)] = asked[-1].choices
        assert label == {"en": "Cancel", "ru": "Отмена"}[lang]
        [back] = olga.press(value)
        assert back.text == kept.text
        [nothing] = olga.press(value)
        assert nothing.toast and nothing.text == {"en": "Nothing to cancel.",
                                                  "ru": "Отменять нечего."}[lang]
    with desk.store.session() as session:
        assert session.exec(select(FieldReport)).one().decision is None


def test_a_coordinator_asked_for_a_posts_link_can_step_back(desk: FrontDesk,
                                                           store: Store) -> None:
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(enrol(desk, "1", PersonRole.reporter, "Анна"))
    with store.session() as session:
        campaign = add_campaign(session, "field")
        publication_id = add_publication(session, 1, campaign, "tg", T0, status="uncertain")
    asked = olga.press(f"c:posted:{publication_id}", chat="team")
    assert "Changed your mind? Write “cancel”." in asked[-1].text
    [back] = olga.press(asked[-1].choices[0][1])
    assert "still waits for a decision" in back.text
    with store.session() as session:
        assert session.get(Publication, publication_id).status == "uncertain"
        assert session.get(PersonAccount, "photos:2").dialog is None


def test_consent_received_later_is_recorded_by_button_and_the_report_approved(
        desk: FrontDesk, config: Config) -> None:
    from outreach.library.frontmatter import read_story

    reporter = enrol(desk, "1", PersonRole.reporter, "Анна")
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    tell(reporter, consent=t.NO)
    [(_chat, card)] = PhotoChannel.cards
    assert [value for _label, value in card.choices] == [
        "c:approve:1", "c:reject:1", "c:consent:1", "c:more:1"]
    assert ("📝 Consent received", "c:consent:1") in card.choices

    asked = olga.press("c:consent:1", chat="team")
    assert asked[1].edit and "Ольга is recording the consent" in asked[1].text
    assert "What shows that everyone in the photos" in asked[-1].text
    [done] = olga.text("бланк №12 от 01.12")
    assert done.text.startswith("Recorded: the consent (бланк №12 от 01.12).")
    [story] = stories(desk.store)
    assert story.consent_by == "Ольга" and story.consent_recorded
    told = read_story(Path(story.source_folder), config.municipalities,
                      time_zone=config.time_zone)
    assert (told.consent_by, told.consent_form) == ("Ольга", "бланк №12 от 01.12")
    # The card is back, without the consent button, and Approve now works.
    again = PhotoChannel.cards[-1][1]
    assert "Consent of the people in the photos: recorded (Ольга" in again.text
    assert "c:consent:1" not in [value for _label, value in again.choices]
    approved = olga.press("c:approve:1", chat="team")
    assert approved[0].text == "Approved."
    assert stories(desk.store)[0].status == "approved"
    with desk.store.session() as session:
        entry = session.exec(select(AuditEntry).where(
            AuditEntry.action == "consent-recorded")).one()
        assert (entry.actor, entry.story_id) == ("person:2", story.id)


def test_a_coordinator_recording_consent_can_step_back(desk: FrontDesk) -> None:
    tell(enrol(desk, "1", PersonRole.reporter, "Анна"), consent=t.NO)
    olga = enrol(desk, "2", PersonRole.coordinator, "Ольга")
    asked = olga.press("c:consent:1", chat="team")
    [back] = olga.press(asked[-1].choices[0][1])
    assert back.text.startswith("Nothing changed: the consent is still not recorded")
    olga.press("c:consent:1", chat="team")
    [typed] = olga.text("отмена")
    assert typed.text == back.text
    assert not stories(desk.store)[0].consent_recorded
    [refused] = olga.press("c:approve:1", chat="team")
    assert "press “📝 Consent received”" in refused.text
