"""The Telegram sign-up bot's adapter: real python-telegram-bot against the fake Bot API.

The desk here is a small scripted one: these tests check what the plugin
translates and renders, not the dialog (tests/plugins/test_telegram_signup_e2e.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from telegram_support import (
    CHANNEL,
    telegram_fake,  # noqa: F401  (the fake fixture)
)

from outreach.channels import Incoming, Post, Reply, SignupDesk
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config


class ScriptedDesk(SignupDesk):
    """Records what it was handed; answers with ``answer(message)``."""

    def __init__(self, answer: Callable[[Incoming], list[Reply]] | None = None,
                 delay: float = 0.0) -> None:
        self.answer = answer or (lambda message: [Reply("Принято")])
        self.delay = delay
        self.received: list[Incoming] = []
        self.lock = threading.Lock()
        self.busy = 0
        self.most_busy = 0
        self.threads: set[str] = set()

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        with self.lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
            self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        replies = self.answer(message)
        with self.lock:
            self.received.append(message)
            self.busy -= 1
        return replies

    def joined(self, channel, person, at) -> None:
        pass


@pytest.fixture
def channel(tmp_path: Path, fake: FakeTelegram) -> Iterator[TelegramChannel]:
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": CHANNEL,
               "api_url": fake.url, "poll_timeout": 1}
    registry = make_registry(make_test_config(tmp_path, {"tg": section}), [TelegramChannel],
                             env={"TG_TOKEN": fake.token})
    assert registry.problems("tg") == []
    try:
        yield registry.get("tg")
    finally:
        registry.close()  # stops the intake too


def user(user_id: int, first: str = "Галина", last: str | None = "Иванова") -> dict:
    made = {"id": user_id, "is_bot": False, "first_name": first}
    if last:
        made["last_name"] = last
    return made


def write(fake: FakeTelegram, who: dict, **content) -> None:
    with fake.state.lock:
        fake.state.user_message(who, content)


def bot_messages(fake: FakeTelegram, user_id: int) -> list[dict]:
    return [m for m in fake.messages(user_id) if m["from"].get("is_bot")]


def wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_channel_says_it_takes_sign_ups() -> None:
    assert TelegramChannel.capabilities.signups is True


def test_each_kind_of_message_reaches_the_desk_translated(channel, fake) -> None:
    desk = ScriptedDesk()
    channel.start_intake(desk)
    galina = user(101)
    write(fake, galina, text="/start MIA_7-x", entities=[
        {"type": "bot_command", "offset": 0, "length": 6}])
    write(fake, galina, text="/start")
    write(fake, galina, text="/cancel")
    write(fake, galina, text="Галина Иванова")
    write(fake, galina, contact={"phone_number": "+79123456789", "first_name": "Галина",
                                 "user_id": 101})
    write(fake, galina, contact={"phone_number": "+79990000000", "first_name": "Сосед",
                                 "user_id": 999})
    write(fake, galina, photo=[{"file_id": "AgADx", "file_unique_id": "x", "width": 10,
                                "height": 10}])
    write(fake, galina, sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                 "width": 512, "height": 512, "is_animated": False,
                                 "is_video": False})
    wait(lambda: len(desk.received) == 8)
    start, plain, cancel, text, contact, other, photo, sticker = desk.received
    assert {m.person for m in desk.received} == {"101"}
    assert start.started and start.start_code == "MIA_7-x"
    assert start.display_name == "Галина Иванова"
    assert plain.started and plain.start_code is None
    assert cancel.text == "/cancel" and not cancel.started
    assert text.text == "Галина Иванова"
    assert (contact.contact_phone, contact.contact_person) == ("+79123456789", "101")
    # A neighbour's card: handed over with its owner, so the desk can refuse it.
    assert (other.contact_phone, other.contact_person) == ("+79990000000", "999")
    assert photo.attachment and photo.text is None
    assert sticker.attachment


def test_an_illegal_start_payload_is_handed_over_raw(channel, fake) -> None:
    desk = ScriptedDesk()
    channel.start_intake(desk)
    write(fake, user(102), text="/start ../etc;DROP")
    wait(lambda: desk.received)
    assert desk.received[0].started and desk.received[0].start_code == "../etc;DROP"


def test_buttons_are_inline_and_a_press_comes_back_as_a_choice_answered(channel, fake) -> None:
    long_value = "municipality:" + "Верхнеуральский район " * 4  # over 64 bytes

    def answer(message: Incoming) -> list[Reply]:
        if message.started:
            return [Reply("Выберите город", choices=[("Миасс", "miass"),
                                                     ("Верхнеуральск", long_value)])]
        return [Reply(f"Вы выбрали {message.choice}")]

    desk = ScriptedDesk(answer)
    channel.start_intake(desk)
    write(fake, user(103), text="/start")
    wait(lambda: bot_messages(fake, 103))
    [asked] = bot_messages(fake, 103)
    rows = asked["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["Миасс"], ["Верхнеуральск"]]
    assert rows[0][0]["callback_data"] == "miass"
    assert len(rows[1][0]["callback_data"].encode()) <= 64
    with fake.state.lock:
        query = fake.state.press_button(user(103), asked["message_id"],
                                        rows[1][0]["callback_data"])
    wait(lambda: len(bot_messages(fake, 103)) == 2)
    assert desk.received[-1].choice == long_value  # the full value, not the short token
    wait(lambda: fake.state.queries[query])  # the press was acknowledged


def test_the_phone_keyboard_is_offered_then_taken_away(channel, fake) -> None:
    def answer(message: Incoming) -> list[Reply]:
        if message.started:
            return [Reply("Ваш номер?", ask_contact=True)]
        return [Reply("Спасибо!"), Reply("Чем помогать?", choices=[("Всем", "all")])]

    desk = ScriptedDesk(answer)
    channel.start_intake(desk)
    write(fake, user(104), text="/start")
    wait(lambda: bot_messages(fake, 104))
    keyboard = bot_messages(fake, 104)[0]["_keyboard"]
    [[button]] = keyboard["keyboard"]
    assert button == {"text": "📱 Send my number", "request_contact": True}
    assert keyboard["one_time_keyboard"] is True
    write(fake, user(104), contact={"phone_number": "79123456789", "first_name": "Галина",
                                    "user_id": 104})
    wait(lambda: len(bot_messages(fake, 104)) == 3)
    _, thanks, buttons = bot_messages(fake, 104)
    assert thanks["_keyboard"] == {"remove_keyboard": True}
    assert "reply_markup" in buttons and "_keyboard" not in buttons


def test_replies_are_escaped_for_the_parse_mode(channel, fake) -> None:
    desk = ScriptedDesk(lambda m: [Reply("Пишите <имя> & фамилию")])
    channel.start_intake(desk)
    write(fake, user(105), text="/start")
    wait(lambda: bot_messages(fake, 105))
    assert bot_messages(fake, 105)[0]["text"] == "Пишите <имя> & фамилию"


def test_one_persons_messages_arrive_in_order_while_people_are_served_at_once(
        channel, fake) -> None:
    desk = ScriptedDesk(delay=0.1)
    channel.start_intake(desk)
    started = time.monotonic()
    for person in range(8):
        for number in range(3):
            write(fake, user(200 + person), text=f"сообщение {number}")
    wait(lambda: len(desk.received) == 24)
    elapsed = time.monotonic() - started
    for person in range(8):
        mine = [m.text for m in desk.received if m.person == str(200 + person)]
        assert mine == ["сообщение 0", "сообщение 1", "сообщение 2"]
    assert desk.most_busy > 1 and elapsed < 24 * 0.1  # concurrent across people
    assert all(name.startswith("telegram-intake") for name in desk.threads)  # off the loop


def test_publishing_goes_on_while_the_desk_is_slow(channel, fake) -> None:
    gate = threading.Event()

    def answer(message: Incoming) -> list[Reply]:
        gate.wait(10)
        return [Reply("ok")]

    desk = ScriptedDesk(answer)
    channel.start_intake(desk)
    for person in range(10):
        write(fake, user(300 + person), text="привет")
    wait(lambda: desk.busy == 8)  # every worker is busy with a person
    started = time.monotonic()
    channel.publish(Post(publication_id=1, idempotency_key="k1", text="Пост", title="t"))
    assert time.monotonic() - started < 2
    gate.set()
    wait(lambda: len(desk.received) == 10)


def test_group_and_channel_messages_are_not_sign_ups(channel, fake) -> None:
    desk = ScriptedDesk()
    channel.start_intake(desk)
    with fake.state.lock:
        group = fake.state.find_chat("@sandbox_coordinators")
        fake.state.push_update("message", {
            "message_id": 1, "date": 1, "from": user(106), "chat": group.short(),
            "text": "/start CODE"})
    write(fake, user(107), text="/start")
    wait(lambda: desk.received)
    time.sleep(0.2)
    assert [m.person for m in desk.received] == ["107"]


def test_a_person_who_blocked_the_bot_does_not_stop_the_others(channel, fake) -> None:
    desk = ScriptedDesk()
    channel.start_intake(desk)
    write(fake, user(108), text="/start")
    with fake.state.lock:
        fake.state.find_chat(108).bot_status = "kicked"
    write(fake, user(109), text="/start")
    wait(lambda: bot_messages(fake, 109))
    assert bot_messages(fake, 108) == []


def test_stop_intake_leaves_later_messages_for_the_next_start(channel, fake) -> None:
    desk = ScriptedDesk()
    channel.start_intake(desk)
    write(fake, user(110), text="/start")
    wait(lambda: desk.received)
    channel.stop_intake()
    write(fake, user(110), text="после остановки")
    channel.calls.run(lambda bot: channel.bot.hub.drain())  # an engagement read meanwhile
    again = ScriptedDesk()
    channel.start_intake(again)
    wait(lambda: again.received)
    assert again.received[0].text == "после остановки"


def test_notify_writes_to_the_coordinators_chat(channel, fake) -> None:
    channel.notify("@sandbox_coordinators", "Новый доброволец: Галина <из Миасса>")
    [message] = fake.messages("@sandbox_coordinators")
    assert message["text"] == "Новый доброволец: Галина <из Миасса>"
    assert fake.describe()["coordinators_chat"] == "@sandbox_coordinators"


def test_notify_to_an_unknown_chat_says_which_chat(channel) -> None:
    from outreach.channels import PermanentError

    with pytest.raises(PermanentError, match="coordinators' chat @nobody_here"):
        channel.notify("@nobody_here", "текст")


def test_the_sandbox_sends_people_after_a_posts_sign_up_link(tmp_path) -> None:
    with FakeTelegram(time_scale=36000, followers=True) as fake:
        for number in range(6):
            channel_post = {"text": f"Пост {number}: t.me/outreach_sandbox_bot?start=code{number}"}
            with fake.state.lock:
                chat = fake.state.find_chat(CHANNEL)
                for hook in fake.state.on_channel_post:
                    hook(chat, channel_post)
                hook(chat, channel_post)  # the same link again: nobody more
        people = list(fake.people.persons.values())
        assert people and {p.code for p in people} <= {f"code{n}" for n in range(6)}
        assert fake.wait_for(lambda: all(p.status != "waiting" for p in people), 5)
        assert sum(len(fake.messages(p.user_id)) for p in people) >= len(people)  # /start each


def test_the_intake_runs_on_a_bot_and_a_sender_without_any_channel(tmp_path, fake) -> None:
    import logging

    from outreach.channels import LocalLeases
    from outreach_telegram import bots, loop
    from outreach_telegram.intake import Intake, IntakeSettings
    from outreach_telegram.sending import Sender

    bot = bots.acquire(fake.token, fake.url, 5.0, tmp_path / "bot",
                       LocalLeases().lease("telegram:bot-alone"))
    desk = ScriptedDesk()
    intake = Intake(bot, Sender(bot.pacer, who="channel alone", log=logging.getLogger("test")),
                    desk, IntakeSettings(channel="alone", parse_mode="HTML",
                                         contact_button="📱", workers=2, poll_timeout=1))
    try:
        loop.run(intake.start(), timeout=10)
        write(fake, user(120), text="/start poster-7")
        wait(lambda: bot_messages(fake, 120))
    finally:
        loop.run(intake.stop(), timeout=10)
        bots.release(bot)
    assert desk.received[0].start_code == "poster-7"
    assert [m["text"] for m in bot_messages(fake, 120)] == ["Принято"]
