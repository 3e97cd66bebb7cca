"""No stranger can take over or erase a volunteer: the sign-up desk under attack.

Each test plays what an attacker of a bot that collects old people's phone
numbers would try, and checks what a coordinator would see afterwards.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from signup_support import (
    T0,
    ChatChannel,
    complete,
    fresh_config,
    make_desk,
    poster,
    published_code,
    rows,
    say,
    signup_config,
)

from outreach.channels import Incoming
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import SignUp, utcnow
from outreach.errors import StateError
from outreach.i18n import language
from outreach.signups.desk import NO, OTHER, YES, StoreDesk
from outreach.signups.flood import Flood
from outreach.signups.merging import duplicate_groups, merge
from outreach.signups.offline import Entry, add_signup
from outreach.signups.records import forget
from outreach.stats import compute_stats
from outreach_testing import RecordingChannel, make_registry

UTC = zoneinfo.ZoneInfo("UTC")
MARIA_PHONE = "+7 912 345-67-89"



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


def later() -> dt.datetime:
    """A clock after every offline sign-up of the test (those are stamped with utcnow)."""
    return utcnow() + dt.timedelta(hours=1)


def get(store: Store, signup_id: int) -> SignUp:
    with store.session() as s:
        row = s.get(SignUp, signup_id)
        assert row is not None
        return row


def sent_texts() -> list[str]:
    return [text for _, text in ChatChannel.sent]


def start_again(desk: StoreDesk, person: str, *answers: str, last: str = NO) -> list[Any]:
    """A person who signed up starts over, answers, and ends by pressing ``last``."""
    say(desk, person=person, started=True)
    for answer in answers:
        say(desk, answer, person=person)
    return say(desk, person=person, choice=last)


def test_a_typed_phone_never_takes_over_or_erases_a_volunteer(store: Store, config: Config,
                                                              desk: StoreDesk) -> None:
    """The reported takeover: a stranger types Мария's number at the phone step."""
    maria = add_signup(store, config, Entry("Мария Иванова", MARIA_PHONE, "Златоуст")).signup_id
    complete(desk, person="666", code=None, phone="89123456789", name="Пётр Чужой")
    stranger = next(r for r in rows(store) if r.person == "test:666")

    kept = get(store, maria)
    assert (kept.name, kept.municipality, kept.status, kept.person) == (
        "Мария Иванова", "Златоуст", "completed", None)
    assert stranger.id != maria and stranger.status == "completed"
    assert stranger.municipality == "Миасс"
    assert stranger.phone == "+79123456789" and stranger.phone_confirmed is None
    # The coordinators hear of the stranger, with Мария's row named by number only.
    [told] = sent_texts()
    assert "Пётр Чужой" in told and f"записи №{maria}" in told and "Мария" not in told
    with store.session() as s:
        assert [[r.id for r in group] for group in duplicate_groups(s)] == [[maria, stranger.id]]

    # The stranger starts again and refuses consent: only their own row is erased.
    start_again(desk, "666", "Пётр", "Миасс", "89123456789", "Наставничество")
    kept = get(store, maria)
    assert (kept.name, kept.phone, kept.status, kept.forgotten_at) == (
        "Мария Иванова", "+79123456789", "completed", None)
    assert get(store, stranger.id).status == "forgotten"
    assert "Мария" not in " ".join(sent_texts())


def test_a_phone_vouched_by_the_platform_fills_the_coordinators_sign_up_without_overwriting(
        store: Store, config: Config) -> None:
    """Мария herself, later, in Telegram, shares her own contact card."""
    poster_code = poster(store)
    link_code = published_code(store)
    maria = add_signup(store, config, Entry("Мария Иванова", MARIA_PHONE, "Миасс",
                                            "MIA-7")).signup_id
    desk = make_desk(store, config, clock=later)
    say(desk, person="555", started=True, start_code="Ab3dEf7hJk2m")
    say(desk, "Маша", person="555")
    say(desk, person="555", choice="Копейск")
    say(desk, person="555", contact_phone="+79123456789", contact_person="555")
    say(desk, person="555", choice="Наставничество")
    done = say(desk, person="555", choice=YES)
    assert "записаны" in done[0].text

    kept = get(store, maria)
    assert (kept.name, kept.municipality, kept.interests) == (
        "Мария Иванова", "Миасс", "Наставничество")  # the coordinator's fields stay
    assert kept.phone_confirmed is True and kept.person is None
    assert kept.referral_code_id == poster_code  # the code that brought her first
    [bot] = [r for r in rows(store) if r.person == "test:555"]
    assert (bot.status, bot.merged_into, bot.name, bot.phone) == ("merged", maria, None, None)
    assert bot.referral_code_id == link_code  # still a start of the post that brought her
    report = compute_stats(store, zone=UTC)
    assert report.total.signups == 1
    funnel = {f.placement or f.channel: (f.starts, f.completed) for f in report.funnel
              if f.starts}
    assert funnel == {"Пенсионный фонд, Миасс": (1, 1), "tg": (1, 0)}
    [told] = sent_texts()
    assert "подтвердил" in told and f"№{maria}" in told

    # She withdraws her consent in the bot: her bot row is erased; the row the
    # coordinator typed in is not erased by a bot, the coordinators are told to check it.
    start_again(desk, "555", "Маша", "Копейск", "89123456789", "Наставничество")
    assert get(store, bot.id).person is None
    assert get(store, maria).status == "completed"
    assert f"forget {maria}" in sent_texts()[-1]


def test_only_the_senders_own_contact_card_vouches(store: Store, desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Анна")
    say(desk, choice="Миасс")
    for owner in ("999", ""):  # a neighbour's card; a card of a number with no account
        [reply] = say(desk, contact_phone="+79990000000", contact_person=owner)
        assert "другого человека" in reply.text and reply.ask_contact
        assert rows(store)[0].dialog["step"] == "phone"
    # A platform that does not say whose card it is: as good as a typed number.
    say(desk, contact_phone="+79990000000")
    say(desk, choice="Наставничество")
    say(desk, choice=YES)
    [row] = rows(store)
    assert row.phone == "+79990000000" and row.phone_confirmed is None


def test_a_vouched_phone_is_not_merged_into_another_bots_sign_up(store: Store,
                                                                desk: StoreDesk) -> None:
    """Someone typed the number in VK first; the owner's own card does not join them."""
    complete(desk, person="1", channel="vk", phone="89123456789", name="Чужой")
    complete(desk, person="2", channel="tg", name="Мария")
    say(desk, person="2", started=True)
    for answer in ("Мария", "Миасс"):
        say(desk, answer, person="2")
    say(desk, person="2", contact_phone="+79123456789", contact_person="2")
    say(desk, "Наставничество", person="2")
    say(desk, person="2", choice=YES)
    typed, own = rows(store)
    assert (typed.name, typed.status, own.name, own.status) == (
        "Чужой", "completed", "Мария", "completed")
    assert own.phone_confirmed is True and typed.phone_confirmed is None


def test_a_button_the_step_never_offered_cannot_skip_a_step(store: Store,
                                                           desk: StoreDesk) -> None:
    say(desk, started=True)
    assert "буквами" in say(desk, choice=YES)[0].text  # an old "Согласен(на)" button
    assert rows(store)[0].dialog["step"] == "name"
    say(desk, "Анна")
    say(desk, choice=NO)
    assert rows(store)[0].dialog["step"] == "municipality"
    say(desk, choice="Нью-Йорк")  # forged callback data: read as typed, not listed
    assert rows(store)[0].dialog["step"] == "municipality"
    say(desk, choice="Миасс")
    assert "номер" in say(desk, choice=YES)[0].text
    assert rows(store)[0].dialog["step"] == "phone"
    say(desk, "89123456789")
    say(desk, choice=YES)  # consent offered at the interests step? never
    assert rows(store)[0].dialog["step"] == "interests"
    say(desk, choice="=HYPERLINK(\"http://x\")")  # not a listed interest: typed text
    assert rows(store)[0].dialog["step"] == "consent"
    assert "Согласен" in say(desk, choice=OTHER)[0].text
    assert rows(store)[0].status == "started"
    say(desk, choice=YES)
    [row] = rows(store)
    assert (row.status, row.interests) == ("completed", "=HYPERLINK(\"http://x\")")


def test_an_unknown_municipality_at_the_buttons_is_asked_again(store: Store,
                                                              desk: StoreDesk) -> None:
    say(desk, started=True)
    say(desk, "Анна")
    again = say(desk, "минутку")
    assert "кнопкой" in again[0].text and [v for _, v in again[0].choices][-1] == OTHER
    assert rows(store)[0].dialog["step"] == "municipality"
    say(desk, choice=OTHER)
    say(desk, "златоуст")  # after "other" a listed one is still the listed one
    assert rows(store)[0].dialog["data"]["municipality"] == "Златоуст"


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_flood_is_answered_once_and_grows_neither_the_store_nor_the_chat(
        store: Store, config: Config) -> None:
    time = FakeTime()
    desk = make_desk(store, config, flood=Flood(per_minute=10, per_day=200, clock=time))
    say(desk, started=True)
    for _ in range(9):
        say(desk, "🌸")
    [slow_down] = say(desk, "🌸")
    assert "подождите минуту" in slow_down.text
    before = rows(store)[0].updated_at
    assert all(say(desk, "🌸") == [] for _ in range(300))  # no answer, nothing read
    assert say(desk, person="other", started=True)  # others are served meanwhile
    assert rows(store)[0].updated_at == before
    time.now += 61
    assert "буквами" in say(desk, "🌸")[0].text  # and the person again after a minute


def test_completing_and_withdrawing_in_a_loop_is_capped(store: Store, config: Config) -> None:
    time = FakeTime()
    desk = make_desk(store, config, flood=Flood(per_minute=1000, per_day=42, clock=time))
    for _ in range(3):  # twelve messages a round
        complete(desk, code=None)
        start_again(desk, "1001", "Анна", "Миасс", "89123456789", "Наставничество")
    assert [r.status for r in rows(store)] == ["forgotten"] * 3
    complete(desk, code=None)
    assert len(rows(store)) == 4
    # Four sign-ups and three withdrawals were stored; the coordinators hear of three.
    assert len(ChatChannel.sent) == 3
    assert "завтра" in say(desk, "ещё")[0].text
    assert say(desk, "ещё") == []
    time.now += 24 * 3600
    assert say(desk, "/start")


def test_withdrawal_after_signing_up_erases_the_persons_own_row(store: Store, config: Config,
                                                                desk: StoreDesk) -> None:
    code_id = published_code(store)
    complete(desk)
    reply = start_again(desk, "1001", "Анна", "Миасс", "89123456789", "Наставничество")
    assert "ничего не сохранили" in reply[0].text
    [row] = rows(store)
    assert (row.status, row.name, row.phone, row.person) == ("forgotten", None, None, None)
    assert row.referral_code_id == code_id and compute_stats(store, zone=UTC).total.signups == 1
    assert "отозвал согласие" in sent_texts()[-1]


def test_merge_by_a_coordinator_keeps_every_count(store: Store, config: Config) -> None:
    poster_code = poster(store)
    link_code = published_code(store)
    desk = make_desk(store, config, clock=later)
    offline = add_signup(store, config, Entry("Ольга Петрова", "89120000001", "Миасс",
                                              "MIA-7")).signup_id
    complete(desk, person="77", phone="89120000001", name="Оля")
    [bot] = [r for r in rows(store) if r.person == "test:77"]
    before = compute_stats(store, zone=UTC)
    assert before.total.signups == 2

    with store.session() as s:
        merge(s, bot.id, offline, later())  # the coordinator keeps the bot's row
    kept, merged = get(store, bot.id), get(store, offline)
    assert (kept.name, kept.municipality) == ("Оля", "Миасс")
    assert kept.referral_code_id == poster_code  # the poster brought her first
    assert (merged.status, merged.merged_into, merged.name, merged.phone) == (
        "merged", bot.id, None, None)
    assert merged.referral_code_id == link_code
    report = compute_stats(store, zone=UTC)
    assert report.total.signups == 1
    assert sum(f.starts for f in report.funnel) == sum(f.starts for f in before.funnel) == 2
    with store.session() as s:
        assert duplicate_groups(s) == []
        with pytest.raises(StateError, match="merged"):
            merge(s, bot.id, offline, later())
    with store.session() as s:
        forget(s, bot.id)
    assert get(store, offline).status == "merged" and get(store, bot.id).person is None
    assert compute_stats(store, zone=UTC).total.signups == 1


def test_keep_apart_takes_a_couple_off_the_duplicates_list(store: Store, config: Config) -> None:
    from outreach.signups.merging import keep_apart

    ivan = add_signup(store, config, Entry("Иван Петров", "83512000001", "Миасс")).signup_id
    maria = add_signup(store, config, Entry("Мария Петрова", "83512000001", "Миасс")).signup_id
    with store.session() as s:
        keep_apart(s, [ivan, maria], utcnow())
    with store.session() as s:
        assert duplicate_groups(s) == []
    third = add_signup(store, config, Entry("Пётр", "83512000001", "Миасс")).signup_id
    with store.session() as s:  # a newcomer with the same phone: the group is back
        assert [[r.id for r in g] for g in duplicate_groups(s)] == [[ivan, maria, third]]
        with pytest.raises(StateError, match="do not share"):
            keep_apart(s, [ivan, add_signup(store, config, Entry(
                "Анна", "89120000009", "Миасс")).signup_id], utcnow())


def test_the_welcome_says_how_long_an_unfinished_sign_up_is_kept(
        store: Store, tmp_path: Path) -> None:
    for setting, said in (("7d", "7 дней"), ("2d", "2 дня"), ("1d", "1 день"),
                          ("36h", "36 часов")):
        config = signup_config(tmp_path / setting, erase_unfinished_after=setting)
        welcome = make_desk(store, config).handle(
            "tg", Incoming(person=setting, started=True))[0]
        assert f"сохранятся {said}" in welcome.text


def test_unfinished_dialogs_are_erased_after_the_configured_time(store: Store,
                                                                 config: Config) -> None:
    from outreach.signups.records import erase_unfinished, unfinished

    code_id = published_code(store)
    desk = make_desk(store, config)
    say(desk, person="1", started=True, start_code="Ab3dEf7hJk2m")
    for answer in ("Иван Сидоров", "Миасс", "89123456789"):
        say(desk, answer, person="1")  # stopped before the interests
    complete(desk, person="2", phone="89120000002")
    say(desk, person="2", started=True)
    say(desk, "Пётр Новый", person="2")  # began to change their sign-up, stopped
    say(desk, person="3", started=True)
    say(desk, "/cancel", person="3")  # their platform id stays until the erasure
    with store.session() as s:
        assert len(unfinished(s)) == 2

    assert erase_unfinished(store, config, T0 + dt.timedelta(days=6)) == 0
    assert erase_unfinished(store, config, T0 + dt.timedelta(days=7, minutes=1)) == 3
    left, changed, cancelled = rows(store)
    assert (left.status, left.dialog, left.person, left.name, left.phone) == (
        "started", None, None, None, None)
    assert left.referral_code_id == code_id  # still a start in the funnel
    assert (changed.status, changed.name, changed.dialog) == ("completed", "Анна Петрова", None)
    assert cancelled.person is None
    assert "Иван" not in repr([r.model_dump() for r in rows(store)])
    with store.session() as s:
        assert unfinished(s) == []
    assert erase_unfinished(store, config, T0 + dt.timedelta(days=30)) == 0


def test_the_service_erases_unfinished_dialogs_on_its_clock(store: Store,
                                                            config: Config) -> None:
    from outreach.engine.service import Service

    say(make_desk(store, config), started=True)
    clock = [T0]
    service = Service(config, store, make_registry(config, (RecordingChannel, ChatChannel)),
                      worker="eraser", clock=lambda: clock[0])
    service.tidy()
    assert rows(store)[0].person == "test:1001"
    clock[0] = T0 + dt.timedelta(days=8)
    purged: list[bool] = []
    store.purge_erased = lambda: purged.append(True)  # type: ignore[method-assign]
    service.tidy()
    assert rows(store)[0].person is None
    assert purged == [True]  # the erased bytes leave the database's files too
    service.tidy()
    assert purged == [True]  # nothing new erased: no table rewrite

