"""End to end: a post goes out to the fake Telegram channel, a scripted person follows its
sign-up link and talks to the bot (real python-telegram-bot, the core's StoreDesk, a real
store), and the stats show where the new volunteer came from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import add_stories
from sqlmodel import select
from telegram_support import telegram_fake  # noqa: F401  (the fake fixture)

from outreach.db import open_store
from outreach.db.models import Publication, SignUp, utcnow
from outreach.engine.service import Service
from outreach.i18n import language
from outreach.signups.desk import StoreDesk
from outreach.stats import compute_stats
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль"]

CAMPAIGN = """\
name = "Наставники"
time_zone = "UTC"

[schedule]
dates = [{due}]

[post]
template = "{{title}}\\n\\nЗапишитесь: {{signup_link}}"

[channels]
names = ["tg"]
"""


@dataclasses.dataclass
class Centre:
    fake: FakeTelegram
    service: Service
    desk: StoreDesk

    @property
    def store(self):
        return self.service.store

    def signups(self) -> list[SignUp]:
        with self.store.session() as session:
            return list(session.exec(select(SignUp).order_by(SignUp.id)))

    def publish(self) -> str:
        """Publish the campaign's one due post; its referral code."""
        add_stories(self.store, 1)
        report = self.service.run_once(timeout=60)
        assert report.published == 1, report
        with self.store.session() as session:
            [publication] = session.exec(select(Publication))
            assert publication.status == "published", publication.last_error
            return publication.referral_code

    def funnel(self):
        report = compute_stats(self.store, zone=zoneinfo.ZoneInfo("UTC"))
        return [(row.campaign, row.channel, row.starts, row.completed)
                for row in report.funnel if row.starts or row.completed]


def make_centre(tmp_path: Path, url: str, fake: FakeTelegram) -> Iterator[Centre]:
    due = (utcnow() - dt.timedelta(minutes=1)).replace(microsecond=0, tzinfo=None)
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "mentors.toml").write_text(
        CAMPAIGN.format(due=due.isoformat()), encoding="utf-8")
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "api_url": fake.url, "bot_username": "outreach_sandbox_bot",
               "poll_timeout": 1}
    config = make_test_config(tmp_path, {"tg": section}, top={
        "database_url": url, "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/policy", "policy_version": "2",
                    "coordinators": {"channel": "tg", "chat": "@sandbox_coordinators"}}})
    store = open_store(config.database_url)
    registry = make_registry(config, [TelegramChannel], env={"TG_TOKEN": fake.token})
    assert registry.problems("tg") == []
    service = Service(config, store, registry)
    desk = StoreDesk(store, config, registry)
    channel = registry.get("tg")
    channel.start_intake(desk)
    try:
        yield Centre(fake, service, desk)
    finally:
        service.stop()  # its publishing threads end with the test
        registry.close()
        store.dispose()


@pytest.fixture
def centre(tmp_path: Path, fake: FakeTelegram) -> Iterator[Centre]:
    yield from make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", fake)


def test_a_person_following_a_posts_link_is_a_sign_up_of_that_campaign_and_channel(
        tmp_path: Path, store_url: str, fake: FakeTelegram) -> None:
    for centre in make_centre(tmp_path, store_url, fake):  # noqa: B007  (one centre)
        code = centre.publish()
        [post] = fake.messages("@sandbox_channel")
        assert f"https://t.me/outreach_sandbox_bot?start={code}" in post["text"]
        person = fake.simulate_person(code, answers={
            "name": "Галина Иванова", "municipality": "Златоуст", "phone": "8 (912) 345-67-89"})
        assert fake.wait_for(lambda: person.status == "done")  # noqa: B023  (waited here)
        assert fake.wait_for(lambda: len(fake.messages("@sandbox_coordinators")) == 1)
        [signup] = centre.signups()
        assert (signup.status, signup.name, signup.phone, signup.municipality) == (
            "completed", "Галина Иванова", "+79123456789", "Златоуст")
        assert signup.person == f"telegram:{person.user_id}" and signup.source == "telegram"
        assert signup.policy_version == "2" and signup.consent_at is not None
        assert centre.funnel() == [("mentors", "tg", 1, 1)]
        [notice] = fake.messages("@sandbox_coordinators")
        assert "Галина Иванова" in notice["text"]


def test_an_abandoning_person_counts_as_a_start_not_a_sign_up(centre: Centre) -> None:
    code = centre.publish()
    person = centre.fake.simulate_person(code, "abandon_at_phone")
    assert centre.fake.wait_for(lambda: person.status == "abandoned")
    [signup] = centre.signups()
    assert signup.status == "started" and signup.completed_at is None
    assert signup.name is None and signup.phone is None  # nothing personal kept yet
    assert centre.funnel() == [("mentors", "tg", 1, 0)]


@pytest.mark.parametrize(("lang", "words"), [("ru", "картинку или файл"),
                                             ("en", "a picture or a file")])
def test_a_photo_instead_of_a_phone_is_asked_again(centre: Centre, lang: str,
                                                   words: str) -> None:
    with language(lang):  # the sandbox's people read the dialog in either language
        code = centre.publish()
        person = centre.fake.simulate_person(code, "photo_instead_of_phone")
        assert centre.fake.wait_for(lambda: person.status == "done")
        texts = [m.get("text", "") for m in centre.fake.messages(person.user_id)
                 if m["from"].get("is_bot")]
        asked_again = [t for t in texts if words in t]
        assert len(asked_again) == 1
        assert centre.fake.wait_for(lambda: centre.signups()[0].status == "completed")


@pytest.mark.parametrize(("lang", "other", "agree"), [("ru", "Другой", "Согласен(на)"),
                                                      ("en", "Other", "I agree")])
def test_the_sandboxs_people_talk_the_dialog_through_in_either_language(
        centre: Centre, lang: str, other: str, agree: str) -> None:
    with language(lang):
        code = centre.publish()
        # A town not in the list: the person presses "Other" and types it.
        person = centre.fake.simulate_person(code, answers={
            "name": "Раиса Лебедева", "municipality": "Кыштым", "phone": "+7 912 000-33-44"})
        refusing = centre.fake.simulate_person(code, "refuse_consent")
        assert centre.fake.wait_for(lambda: person.status == "done")
        assert centre.fake.wait_for(lambda: refusing.status == "refused")
        buttons = [b["text"] for m in centre.fake.messages(person.user_id)
                   for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row]
        assert other in buttons and agree in buttons
        assert centre.fake.wait_for(lambda: [s.status for s in centre.signups()].count(
            "completed") == 1)
        done = [s for s in centre.signups() if s.status == "completed"]
        assert (done[0].name, done[0].phone) == ("Раиса Лебедева", "+79120003344")
        assert done[0].municipality.endswith(": Кыштым")


def test_someone_elses_contact_is_not_taken_as_the_persons_phone(centre: Centre) -> None:
    code = centre.publish()
    person = centre.fake.simulate_person(code, "someone_elses_contact",
                                         answers={"phone": "+7 912 000-11-22"})
    assert centre.fake.wait_for(lambda: person.status == "done")
    assert centre.fake.wait_for(lambda: centre.signups()[0].status == "completed")
    assert centre.signups()[0].phone == "+79120001122"  # theirs, not the neighbour's


def test_a_code_that_does_not_exist_keeps_the_sign_up_unattributed(centre: Centre) -> None:
    centre.publish()
    person = centre.fake.simulate_person("NO_SUCH_CODE")
    assert centre.fake.wait_for(lambda: person.status == "done")
    assert centre.fake.wait_for(lambda: centre.signups()[0].status == "completed")
    [signup] = centre.signups()
    assert signup.referral_code_id is None and signup.code_given == "NO_SUCH_CODE"
    report = compute_stats(centre.store, zone=zoneinfo.ZoneInfo("UTC"))
    assert report.unattributed_signups == 1


def test_the_same_person_twice_updates_rather_than_duplicates(centre: Centre) -> None:
    code = centre.publish()
    first = centre.fake.simulate_person(code, answers={"name": "Николай Петров",
                                                       "municipality": "Миасс"})
    assert centre.fake.wait_for(lambda: first.status == "done")
    assert centre.fake.wait_for(lambda: centre.signups()[0].status == "completed")
    # The same Telegram user starts over and has moved town.
    again = centre.fake.simulate_person(code, user_id=first.user_id, answers={
        "name": "Николай Петров", "municipality": "Чебаркуль"})
    assert centre.fake.wait_for(lambda: again.status == "done")
    assert centre.fake.wait_for(lambda: centre.signups()[0].municipality == "Чебаркуль")
    assert len(centre.signups()) == 1
