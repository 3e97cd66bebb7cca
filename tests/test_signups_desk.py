"""The sign-up dialog driven directly: Incoming messages in, Replies out, the store checked."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from signup_support import (
    MUNICIPALITIES,
    T0,
    ChatChannel,
    complete,
    fresh_config,
    make_desk,
    published_code,
    rows,
    say,
)

from outreach.channels import Capabilities, Incoming
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import ReferralCode
from outreach.i18n import language
from outreach.signups.desk import NO, OTHER, YES, StoreDesk, clean_name
from outreach_testing import RecordingChannel, make_registry, make_test_config


@pytest.fixture(autouse=True)
def _russian() -> Iterator[None]:
    """The dialog as the centre's volunteers read it; its English: tests/test_signups_texts.py."""
    with language("ru"):
        yield


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return fresh_config(tmp_path)


@pytest.fixture
def desk(store: Store, config: Config) -> StoreDesk:
    return make_desk(store, config)


def test_happy_path_stores_a_completed_attributed_sign_up(store: Store, desk: StoreDesk,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    code_id = published_code(store)
    caplog.set_level(logging.DEBUG)
    first = say(desk, started=True, start_code="Ab3dEf7hJk2m", display_name="Anna 🌸")
    assert "добровольцем" in first[0].text
    assert first[-1].choices == [("Anna", "Anna")]  # the platform's name offered, emoji gone
    municipality = say(desk, "Анна Петрова")[0]
    assert [v for _, v in municipality.choices] == [*MUNICIPALITIES, OTHER]
    phone = say(desk, choice="Златоуст")[0]
    assert phone.ask_contact
    interests = say(desk, "8 (912) 345 67 89")[0]
    assert interests.choices[-1][1] == OTHER
    consent = say(desk, "Хочу помогать на мероприятиях")[0]
    assert "https://example.org/policy" in consent.text
    assert [v for _, v in consent.choices] == [YES, NO]
    done = say(desk, choice=YES)
    assert "Анна Петрова" in done[0].text

    [row] = rows(store)
    assert (row.name, row.phone, row.municipality, row.status) == (
        "Анна Петрова", "+79123456789", "Златоуст", "completed")
    assert row.person == "test:1001" and row.source == "test" and row.channel == "tg"
    assert row.referral_code_id == code_id and row.code_given is None
    assert row.consent_at == T0 and row.completed_at == T0 and row.policy_version == "2026-1"
    assert row.dialog is None
    [(chat, text)] = ChatChannel.sent
    assert chat == "@coordinators"
    assert "Анна Петрова" in text and "+7 912 345-67-89" in text and "mentoring" in text
    for record in caplog.records:  # no personal data in any log line
        assert "Петрова" not in record.getMessage() and "912" not in record.getMessage()


def test_resume_after_restart_continues_where_the_person_stopped(
        store: Store, config: Config, desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Иван")
    restarted = StoreDesk(store, config, None, clock=lambda: T0)
    reply = restarted.handle("tg", Incoming(person="1001", choice="Копейск"))
    assert reply[0].ask_contact  # the next question: the phone
    restarted.handle("tg", Incoming(person="1001", text="89123456780"))
    restarted.handle("tg", Incoming(person="1001", text="Наставничество"))
    restarted.handle("tg", Incoming(person="1001", text="Да"))
    [row] = rows(store)
    assert (row.name, row.municipality, row.phone, row.status) == (
        "Иван", "Копейск", "+79123456780", "completed")
    assert row.referral_code_id is None and row.code_given is None


def test_cancel_erases_what_was_said_and_says_how_to_start_again(store: Store,
                                                                 desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Иван Сидоров")
    say(desk, choice="Миасс")
    reply = say(desk, "/cancel")
    assert "/start" in reply[0].text
    [row] = rows(store)
    assert row.dialog is None and row.name is None and row.phone is None
    assert row.status == "started"
    assert "Иван" not in repr(row.model_dump())


def test_cancel_is_a_word_that_works_on_every_platform(store: Store, desk: StoreDesk) -> None:
    """In VK there are no slash commands: «Отмена.» typed as a sentence cancels too."""
    say(desk, started=True)
    say(desk, "Иван Сидоров")
    say(desk, "Отмена.")
    [row] = rows(store)
    assert row.dialog is None and row.name is None


def test_consent_refused_keeps_nothing_personal(store: Store, desk: StoreDesk) -> None:
    published_code(store)
    say(desk, started=True, start_code="Ab3dEf7hJk2m")
    say(desk, "Иван Сидоров")
    say(desk, choice="Миасс")
    say(desk, "89123456789")
    say(desk, "Наставничество")
    reply = say(desk, choice=NO)
    assert "ничего не сохранили" in reply[0].text
    [row] = rows(store)
    assert (row.name, row.phone, row.interests, row.person, row.dialog) == (None,) * 5
    assert row.status == "started" and row.referral_code_id is not None  # a start, counted
    assert ChatChannel.sent == []


def test_unknown_code_is_kept_and_the_sign_up_unattributed(store: Store, desk: StoreDesk) -> None:
    published_code(store)
    complete(desk, code="NoSuchCode99")
    [row] = rows(store)
    assert row.status == "completed"
    assert row.referral_code_id is None and row.code_given == "NoSuchCode99"
    assert "NoSuchCode99" in ChatChannel.sent[0][1]


@pytest.mark.parametrize(("payload", "kept"), [
    ("bad code!", "bad?code?"), ("<script>", "?script?"), ("код", "???"),
    ("x" * 65, "x" * 64), ("a/b", "a?b"),
    # Made to look like the real code in a listing: a Cyrillic "А", an invisible space,
    # a line break and a control character all show as "?".
    ("Аb3dEf7hJk2m", "?b3dEf7hJk2m"), ("Ab3dEf7hJk2m\u200b", "Ab3dEf7hJk2m?"),
    ("Ab3dEf7hJk2m\nMIA-7", "Ab3dEf7hJk2m?MIA-7"), ("\x1b[31mMIA-7", "??31mMIA-7"),
    ("=HYPERLINK(1)" + "9" * 500, "?HYPERLINK?1?" + "9" * 51)])
def test_illegal_deep_link_payload_is_kept_unattributed_and_visibly_so(
        store: Store, desk: StoreDesk, payload: str, kept: str) -> None:
    published_code(store)
    replies = say(desk, started=True, start_code=payload)
    assert replies[-1].text  # the dialog goes on: the person is not turned away
    [row] = rows(store)
    assert row.referral_code_id is None and row.code_given == kept


def test_short_code_in_a_deep_link_is_found_case_insensitively(store: Store,
                                                               desk: StoreDesk) -> None:
    code_id = published_code(store)
    with store.session() as s:
        short = s.get(ReferralCode, code_id).short_code
    say(desk, started=True, start_code=short.lower())
    assert rows(store)[0].referral_code_id == code_id


@pytest.mark.parametrize("typed", ["МАС-1", "мас 1", "Мас1", "mac-1", "MAC-1"])
def test_a_newspaper_s_short_code_after_start_is_found_however_it_is_typed(
        store: Store, desk: StoreDesk, typed: str) -> None:
    """A reader types "/start мас-1" from the paper on a Russian keyboard: no link carries
    Cyrillic, yet it is the newspaper's code, not a forged one."""
    from outreach.signups.referrals import outlet_code

    with store.session() as s:
        outlet = outlet_code(s, "Миасский рабочий", "press", ["Миасс"])
        assert outlet.short_code == "MAC-1"
        outlet_id = outlet.id
        s.commit()
    say(desk, started=True, start_code=typed)
    [row] = rows(store)
    assert (row.referral_code_id, row.code_given) == (outlet_id, None)


def test_name_with_emoji_is_cleaned_and_emoji_only_asked_again(store: Store,
                                                               desk: StoreDesk) -> None:
    say(desk, started=True)
    again = say(desk, "🌸🌸👍")
    assert "буквами" in again[0].text
    say(desk, "🌸 Мария\u200d Ивановна 👵🏻")
    say(desk, choice="Миасс")
    assert rows(store)[0].dialog["data"]["name"] == "Мария Ивановна"
    assert clean_name("Jean-Luc O'Neil 😀") == "Jean-Luc O'Neil"
    assert clean_name("\x00\x07") == ""


def test_photo_instead_of_phone_asks_for_the_number_again(store: Store, desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Иван")
    say(desk, choice="Миасс")
    reply = say(desk, attachment=True)
    assert "номер" in reply[0].text and reply[0].ask_contact
    assert rows(store)[0].dialog["step"] == "phone"
    wrong = say(desk, "+1 202 555 0100")
    assert "+7" in wrong[0].text and "российский" in wrong[0].text
    short = say(desk, "912 34")
    assert "не хватает цифр" in short[0].text
    assert "слишком много цифр" in say(desk, "8 912 345 67 890")[0].text
    assert "только цифры" in say(desk, "8 912 ABC 67 89")[0].text
    say(desk, "8-912-345-67-89")
    assert rows(store)[0].dialog["step"] == "interests"


def test_other_municipality_takes_free_text(store: Store, desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Иван")
    ask = say(desk, choice=OTHER)
    assert ask[0].choices == ()
    say(desk, "Чебаркуль")
    # Marked as outside the list, so per-municipality counts show it at a glance.
    assert rows(store)[0].dialog["data"]["municipality"] == "Другой: Чебаркуль"


def test_typed_municipality_with_a_typo_is_the_listed_one(store: Store, desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Иван")
    say(desk, "златоуст")
    say(desk, "89123456789")
    assert rows(store)[0].dialog["data"]["municipality"] == "Златоуст"


def test_second_sign_up_updates_the_first_and_keeps_its_code(store: Store,
                                                             desk: StoreDesk) -> None:
    first = published_code(store)
    published_code(store, code="Zz9yXw8vUt7s")
    complete(desk, code="Ab3dEf7hJk2m")
    again = say(desk, started=True, start_code="Zz9yXw8vUt7s")
    assert "снова" in again[0].text
    say(desk, "Анна Петрова-Смирнова")
    say(desk, choice="Копейск")
    say(desk, "89123456789")
    say(desk, "Наставничество")
    say(desk, choice=YES)
    [row] = rows(store)
    assert (row.name, row.municipality, row.referral_code_id) == (
        "Анна Петрова-Смирнова", "Копейск", first)


def test_a_code_arriving_later_attributes_an_unattributed_sign_up(store: Store,
                                                                  desk: StoreDesk) -> None:
    code_id = published_code(store)
    complete(desk, code=None)
    complete(desk, code="Ab3dEf7hJk2m")
    [row] = rows(store)
    assert row.referral_code_id == code_id


def test_same_phone_from_another_platform_is_a_possible_duplicate_not_a_merge(
        store: Store, desk: StoreDesk) -> None:
    from outreach.signups.merging import duplicate_groups

    code_id = published_code(store)
    complete(desk, person="1", channel="tg", code=None)
    complete(desk, person="2", channel="vk", code="Ab3dEf7hJk2m")
    first, second = rows(store)
    assert (first.person, second.person) == ("test:1", "test:2")
    assert first.phone == second.phone == "+79123456789"
    assert second.referral_code_id == code_id and first.referral_code_id is None
    with store.session() as s:
        assert [[row.id for row in group] for group in duplicate_groups(s)] == [
            [first.id, second.id]]
    assert f"записи №{first.id}" in ChatChannel.sent[1][1]


def test_messages_without_start_begin_the_dialog_and_done_people_are_told(
        store: Store, desk: StoreDesk) -> None:
    reply = say(desk, "Здравствуйте")
    assert "добровольцем" in reply[0].text
    complete(desk)
    assert "уже записаны" in say(desk, "спасибо")[0].text


def test_a_broken_coordinators_chat_does_not_break_the_dialog(
        store: Store, desk: StoreDesk, caplog: pytest.LogCaptureFixture) -> None:
    ChatChannel.broken = True
    done = complete(desk)
    assert "записаны" in done[0].text
    assert rows(store)[0].status == "completed"
    assert any("координатор" in r.getMessage() for r in caplog.records)


def test_racing_sign_ups_of_one_person_end_as_one_row(store: Store, config: Config) -> None:
    """Two workers (two desks) get the same person's messages at once, many times over."""
    published_code(store)
    desks = [StoreDesk(store, config, None) for _ in range(2)]
    errors: list[BaseException] = []

    def run(desk: StoreDesk, person: str, channel: str) -> None:
        try:
            complete(desk, person=person, channel=channel, phone="89991112233")
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(desks[i % 2], "7", "tg")) for i in range(4)]
    threads += [threading.Thread(target=run, args=(desks[i % 2], str(10 + i), "vk"))
                for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # One row per person: the same person's racing messages end on one row (the
    # unique key on SignUp.person); the two others who typed that phone keep theirs,
    # and the duplicates list finds all three.
    completed = [r for r in rows(store) if r.status == "completed"]
    assert sorted(r.person for r in completed) == ["test:10", "test:11", "test:7"]
    assert {r.phone for r in completed} == {"+79991112233"}
    from outreach.signups.merging import duplicate_groups

    with store.session() as s:
        [group] = duplicate_groups(s)
    assert sorted(r.id for r in group) == sorted(r.id for r in completed)


class ButtonChannel(RecordingChannel):
    """A platform whose bots can offer a "share my phone" button, as Telegram's can."""

    plugin_name = "buttons"
    capabilities = Capabilities(signups=True, contact_button=True)


@pytest.mark.parametrize(("plugin", "mentions_button"), [("buttons", True), ("test", False)])
def test_the_phone_question_names_a_button_only_where_there_is_one(
        store: Store, tmp_path: Path, plugin: str, mentions_button: bool) -> None:
    config = make_test_config(tmp_path, {"bot": {"plugin": plugin}},
                              top={"municipalities": ["Миасс"]}, sections={"signups": {
                                  "policy_url": "https://example.org/p", "policy_version": "1"}})
    registry = make_registry(config, (RecordingChannel, ButtonChannel))
    desk = StoreDesk(store, config, registry, clock=lambda: T0)
    say(desk, channel="bot", started=True)
    say(desk, "Анна", channel="bot")
    [reply] = say(desk, channel="bot", choice="Миасс")
    assert reply.ask_contact
    assert ("Отправить номер" in reply.text) is mentions_button
    [again] = say(desk, channel="bot", attachment=True)
    assert ("Отправить номер" in again.text) is mentions_button
