"""The VK sign-up bot with the real vk_api client against the fake VK's Bots Long Poll."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from vk_support import (
    BotVK,
    make_channel,
    running_bot_fake,
    spec_method,
    validator,
    wait_for,
)

from outreach.channels import AuthError, Incoming, PermanentError, Reply, SignupDesk
from outreach_vk import VKChannel, limits
from outreach_vk.fake import FakeVK
from outreach_vk.fake.bot import COORDINATORS_PEER, validate_keyboard
from outreach_vk.fake.methods import BOT_METHODS, VKError
from outreach_vk.intake import incoming_from, keyboard_for, parts_of


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_bot_fake(tmp_path)


class Desk(SignupDesk):
    """Records what the bot hands over and answers with ``script(message)``."""

    def __init__(self, script: Callable[[Incoming], list[Reply]] | None = None) -> None:
        self.messages: list[Incoming] = []
        self.joins: list[tuple[str, str, dt.datetime]] = []
        self.script = script or (lambda m: [Reply(f"получено: {m.text}")])
        self.lock = threading.Lock()

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        with self.lock:
            self.messages.append(message)
        return self.script(message)

    def joined(self, channel: str, person: str, at: dt.datetime) -> None:
        with self.lock:
            self.joins.append((channel, person, at))


@pytest.fixture
def bot(tmp_path: Path, fake: FakeVK) -> Iterator[tuple[VKChannel, Desk]]:
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    desk = Desk()
    channel.start_intake(desk)
    try:
        yield channel, desk
    finally:
        channel.close()


# --- the schema agrees with the fake ---


@pytest.mark.parametrize("method", sorted(BOT_METHODS))
def test_the_bot_methods_take_the_token_kinds_methods_json_names(method: str) -> None:
    spec = spec_method(method)
    kinds, required = BOT_METHODS[method]
    assert set(kinds) == set(spec["access_token_type"])
    assert set(required) == {p["name"] for p in spec.get("parameters", [])
                             if p.get("required")}


# --- translating VK's messages ---


def test_a_person_through_a_ref_link_starts_with_the_code() -> None:
    peer, incoming = incoming_from({"peer_id": 5, "from_id": 5, "text": "Начать",
                                    "ref": "Ab3_x-Z", "ref_source": "poster",
                                    "payload": '{"command":"start"}'})
    assert peer == 5
    assert incoming == Incoming(person="5", text="Начать", started=True, start_code="Ab3_x-Z")


def test_start_words_buttons_attachments_and_chats() -> None:
    assert incoming_from({"peer_id": 7, "from_id": 7, "text": "Начать"})[1].started
    assert not incoming_from({"peer_id": 7, "from_id": 7, "text": "Иван Петров"})[1].started
    pressed = incoming_from({"peer_id": 7, "from_id": 7, "text": "Миасс",
                             "payload": json.dumps({"choice": "Миасс"})})[1]
    assert (pressed.choice, pressed.text, pressed.started) == ("Миасс", "Миасс", False)
    photo = incoming_from({"peer_id": 7, "from_id": 7, "text": "",
                           "attachments": [{"type": "photo", "photo": {}}]})[1]
    assert photo.attachment and photo.text is None
    broken = incoming_from({"peer_id": 7, "from_id": 7, "text": "x", "payload": "{not json"})
    assert broken[1].choice is None
    chat = COORDINATORS_PEER
    assert incoming_from({"peer_id": chat, "from_id": 7, "text": "Начать"}) is None
    assert incoming_from({"peer_id": -1, "from_id": -1, "text": "x"}) is None


def test_keyboards_fit_what_vk_takes() -> None:
    small = json.loads(keyboard_for([("Да", "__yes__"), ("Нет", "__no__")]))
    assert small["one_time"] is True
    assert [[b["action"]["label"] for b in row] for row in small["buttons"]] == \
        [["Да"], ["Нет"]]
    assert json.loads(small["buttons"][0][0]["action"]["payload"]) == {"choice": "__yes__"}
    check = validator("messages/objects.json#/definitions/messages_keyboard")
    assert not list(check.iter_errors(small))
    towns = [(f"Город номер {n} с длинным-предлинным названием", f"town-{n}")
             for n in range(60)] + [("Другой", "__other__")]
    big = json.loads(keyboard_for(towns))
    validate_keyboard(json.dumps(big))  # the fake's VK rules: no error 911
    buttons = [b for row in big["buttons"] for b in row]
    assert len(buttons) == limits.KEYBOARD_MAX_BUTTONS
    assert len(big["buttons"]) <= limits.KEYBOARD_MAX_ROWS
    assert json.loads(buttons[-1]["action"]["payload"]) == {"choice": "__other__"}
    assert all(len(b["action"]["label"]) <= 40 for b in buttons)
    assert buttons[0]["action"]["label"].endswith("…")
    assert json.loads(buttons[0]["action"]["payload"]) == {"choice": "town-0"}


def test_the_fake_refuses_keyboards_vk_refuses() -> None:
    row = [{"action": {"type": "text", "label": "x"}}]
    for bad in ("not json", json.dumps({"one_time": True}),
                json.dumps({"one_time": True, "buttons": [row * 6]}),
                json.dumps({"one_time": True, "buttons": [row] * 11}),
                json.dumps({"one_time": True, "buttons": [[{"action": {
                    "type": "text", "label": "x" * 41}}]]})):
        with pytest.raises(VKError) as caught:
            validate_keyboard(bad)
        assert caught.value.code == 911


def test_long_replies_are_sent_in_parts() -> None:
    text = ("Слово " * 1500).strip()
    pieces = parts_of(text)
    assert len(pieces) == 3 and all(len(p) <= limits.MESSAGE_MAX_TEXT for p in pieces)
    assert " ".join(pieces) == text


# --- the running bot against the fake ---


def test_messages_reach_the_desk_and_replies_reach_the_person(
        bot: tuple[VKChannel, Desk], fake: FakeVK) -> None:
    channel, desk = bot
    desk.script = lambda m: [Reply("Как вас зовут?", choices=[("Анна", "Анна")])]
    fake.write(501, "Начать", ref="CODE_1")
    [sent] = wait_for(lambda: fake.sent_to(501))
    assert sent.text == "Как вас зовут?"
    assert sent.keyboard["buttons"][0][0]["action"]["label"] == "Анна"
    # The event's own id goes with it, so the desk handles it once (VK's event_id).
    assert desk.messages[0] == Incoming(person="501", text="Начать", started=True,
                                        start_code="CODE_1",
                                        event=fake.events()[0]["event_id"])
    fake.write(501, "Анна", payload=json.dumps({"choice": "Анна"}))
    wait_for(lambda: len(fake.sent_to(501)) == 2)
    assert desk.messages[1].choice == "Анна"
    desk.script = lambda m: [Reply("Спасибо")]
    fake.write(501, "тут текст")
    wait_for(lambda: len(fake.sent_to(501)) == 3)
    # a typed answer after buttons: the old keyboard is taken away
    assert fake.sent_to(501)[2].keyboard == {"one_time": True, "buttons": []}


def test_each_persons_messages_arrive_in_order_people_side_by_side(
        bot: tuple[VKChannel, Desk], fake: FakeVK) -> None:
    channel, desk = bot
    seen: dict[str, list[str]] = {}

    def slow(message: Incoming) -> list[Reply]:
        time.sleep(0.002)
        seen.setdefault(message.person, []).append(message.text or "")
        return []

    desk.script = slow
    for number in range(20):
        for person in (601, 602, 603):
            fake.write(person, f"{number}")
    wait_for(lambda: sum(len(v) for v in seen.values()) == 60)
    assert all(texts == [str(n) for n in range(20)] for texts in seen.values())


def test_joins_are_handed_to_the_desk(bot: tuple[VKChannel, Desk], fake: FakeVK) -> None:
    channel, desk = bot
    before = dt.datetime.now(dt.UTC)
    fake.join(701)
    [(name, person, at)] = wait_for(lambda: desk.joins)
    assert (name, person) == ("vk-region", "701") and at >= before


@pytest.mark.parametrize("failed", [1, 2, 3])
def test_the_bot_recovers_from_each_long_poll_failure(
        bot: tuple[VKChannel, Desk], fake: FakeVK, failed: int) -> None:
    channel, desk = bot
    fake.write(801, "раз")
    wait_for(lambda: fake.sent_to(801))
    keys_asked = _keys_asked(fake)
    fake.long_poll_fault(failed)
    if failed == 3:  # events and key lost: what comes before the new key is lost, as on VK
        wait_for(lambda: _keys_asked(fake) > keys_asked)
    else:
        time.sleep(0.05)
    fake.write(801, "два")
    wait_for(lambda: len(fake.sent_to(801)) == 2)
    assert [m.text for m in desk.messages] == ["раз", "два"]
    assert any(body.get("failed") == failed for method, body in fake.responses
               if method == "longpoll")
    assert channel.intake is not None and channel.intake.failure is None


def _keys_asked(fake: FakeVK) -> int:
    return sum(method == "groups.getLongPollServer" for method, _ in list(fake.responses))


def test_a_restart_reads_what_arrived_while_stopped(
        tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    desk = Desk()
    channel.start_intake(desk)
    fake.write(901, "до")
    wait_for(lambda: fake.sent_to(901))
    channel.stop_intake()
    fake.write(901, "пока спали")
    channel.start_intake(desk)
    wait_for(lambda: len(fake.sent_to(901)) == 2)
    channel.close()
    assert [m.text for m in desk.messages] == ["до", "пока спали"]


def test_without_a_community_token_the_bot_says_what_is_needed(
        tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, plugin=BotVK, community=None)
    assert channel.capabilities.signups is False
    with pytest.raises(AuthError) as caught:
        channel.start_intake(Desk())
    assert "community's token" in str(caught.value)
    assert "community_token_env" in str(caught.value)
    assert make_channel(tmp_path / "b", fake, plugin=BotVK).capabilities.signups is True


def test_a_revoked_community_token_stops_the_bot_plainly(
        tmp_path: Path, fake: FakeVK, caplog: pytest.LogCaptureFixture) -> None:
    fake.revoke("community")
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    with pytest.raises(AuthError) as caught:
        channel.start_intake(Desk())
    message = str(caught.value)
    assert "VK_COMMUNITY_TOKEN" in message and "revoked" in message
    assert fake.token("community") not in message


def test_a_token_revoked_while_running_stops_the_bot_with_the_reason(
        tmp_path: Path, fake: FakeVK, caplog: pytest.LogCaptureFixture) -> None:
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    channel.start_intake(Desk())
    fake.revoke("community")
    fake.write(1001, "Начать")
    intake = channel.intake
    assert intake is not None
    wait_for(lambda: intake.failure)
    assert "VK_COMMUNITY_TOKEN" in intake.failure and "has stopped" in intake.failure
    assert fake.token("community") not in caplog.text
    wait_for(lambda: not intake.running)
    channel.close()


def test_bot_features_turned_off_are_named(tmp_path: Path, fake: FakeVK) -> None:
    fake.inbox.bot_features = False
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    desk = Desk(lambda m: [Reply("Выберите", choices=[("Да", "y")])])
    channel.start_intake(desk)
    fake.write(1101, "Начать")
    intake = channel.intake
    wait_for(lambda: intake.failure)
    assert "Bot settings" in intake.failure
    channel.close()


def test_notify_writes_to_the_coordinators_conversation(
        tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, plugin=BotVK)
    channel.notify(str(COORDINATORS_PEER), "Новый доброволец: Анна")
    [sent] = fake.sent_to(COORDINATORS_PEER)
    assert sent.text == "Новый доброволец: Анна"
    with pytest.raises(PermanentError, match="peer id"):
        channel.notify("coordinators", "x")
    with pytest.raises(PermanentError, match="not allowed the community"):
        channel.notify("424242", "x")  # nobody who never wrote to the community
    channel.close()


def test_a_repeated_random_id_is_one_message(fake: FakeVK) -> None:
    import vk_api

    from outreach_vk.client import make_session

    api = vk_api.VkApi(token=fake.token("community"), session=make_session(fake.url),
                       api_version="5.199")
    fake.write(1201, "привет")
    values = {"peer_id": 1201, "message": "ответ", "random_id": 77}
    first = api.method("messages.send", values)
    assert api.method("messages.send", values) == first
    assert len(fake.sent_to(1201)) == 1
    with pytest.raises(vk_api.ApiError) as caught:
        api.method("messages.send", {"peer_id": 1201, "message": "x"})
    assert caught.value.code == 100  # random_id is required


def test_a_scripted_person_answers_the_bot(bot: tuple[VKChannel, Desk],
                                           fake: FakeVK) -> None:
    channel, desk = bot
    steps = iter([Reply("Как вас зовут?"), Reply("Город?", choices=[("Миасс", "Миасс"),
                                                                     ("Другой", "o")]),
                  Reply("Ваш номер телефона?", ask_contact=True),
                  Reply("Это не номер телефона. Напишите его цифрами."),
                  Reply("Согласны?", choices=[("Согласен(на)", "y"), ("Нет", "n")]),
                  Reply("Спасибо!")])
    desk.script = lambda m: [next(steps)]
    person = fake.simulate_person("Code7", "photo")
    wait_for(lambda: len(desk.messages) >= 6)
    first, name, town, photo, phone, consent = desk.messages[:6]
    assert first.started and first.start_code == "Code7"
    assert name.text == fake.person(person).name
    assert town.choice == "Миасс"
    assert photo.attachment
    assert phone.text == fake.person(person).phone
    assert consent.choice == "y"
