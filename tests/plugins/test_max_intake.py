"""The MAX sign-up bot's translation and delivery, with a scripted desk: updates in,
replies with buttons out, order per person, restarts that lose and repeat nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from max_support import (  # noqa: F401  (max_fake, max_channel: the fixtures)
    Desk,
    make_channel,
    max_channel,
    max_fake,
    wait_for,
)

from outreach.channels import Incoming, Reply
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax
from outreach_max.intake import incoming_from
from outreach_max.keyboards import keyboard_for


def test_a_deep_link_start_a_typed_start_and_chats_that_are_not_dialogs() -> None:
    user = {"user_id": 7, "first_name": "Нина", "last_name": "Попова", "is_bot": False}
    started = incoming_from({"update_type": "bot_started", "timestamp": 5, "chat_id": 1,
                             "user": user, "payload": "AbC_1"})
    assert started is not None and started.started and started.start_code == "AbC_1"
    assert started.person == "7" and started.display_name == "Нина Попова"
    typed = incoming_from({"update_type": "message_created", "timestamp": 5, "message": {
        "sender": user, "recipient": {"chat_type": "dialog"}, "timestamp": 5,
        "body": {"mid": "m1", "seq": 1, "text": "/start XyZ"}}})
    assert typed is not None and typed.started and typed.start_code == "XyZ"
    in_a_chat = {"update_type": "message_created", "timestamp": 5, "message": {
        "sender": user, "recipient": {"chat_type": "chat"}, "timestamp": 5,
        "body": {"mid": "m2", "seq": 2, "text": "привет"}}}
    assert incoming_from(in_a_chat) is None
    photo = {"update_type": "message_created", "timestamp": 5, "message": {
        "sender": user, "recipient": {"chat_type": "dialog"}, "timestamp": 5,
        "body": {"mid": "m3", "seq": 3, "attachments": [{"type": "image", "payload": {}}]}}}
    assert incoming_from(photo).attachment  # type: ignore[union-attr]


def test_keyboards_fit_what_max_takes() -> None:
    many = [(f"Город номер {n} " * 12, f"town-{n}") for n in range(40)]
    keyboard = keyboard_for(Reply("Где вы живёте?", choices=many))
    assert keyboard is not None
    buttons = [b for row in keyboard["payload"]["buttons"] for b in row]
    assert len(buttons) == 30 and buttons[-1]["payload"] == "town-39"
    assert all(1 <= len(b["text"]) <= 128 for b in buttons)
    contact = keyboard_for(Reply("Телефон?", ask_contact=True))
    assert contact is not None
    assert contact["payload"]["buttons"] == [[{"type": "request_contact",
                                               "text": "Share my phone number"}]]
    assert keyboard_for(Reply("Спасибо!")) is None


def test_updates_reach_the_desk_and_replies_with_buttons_reach_the_person(
        channel: MaxChannel, fake: FakeMax) -> None:
    desk = Desk(lambda m: [Reply("Согласны?", choices=[("Да", "yes"), ("Нет", "no")])])
    channel.start_intake(desk)
    person = fake.simulate_person("Code1", "abandon")
    assert wait_for(lambda: fake.sent_to(person), 10)
    [body] = fake.sent_to(person)[:1]
    assert body["text"] == "Согласны?"
    [[yes], [no]] = body["attachments"][0]["payload"]["buttons"]
    assert (yes["type"], yes["payload"], no["payload"]) == ("callback", "yes", "no")
    assert desk.seen[0].start_code == "Code1"
    assert wait_for(lambda: desk.delivered_events, 5)


def test_a_button_press_is_answered_and_handed_over_as_a_choice(
        channel: MaxChannel, fake: FakeMax) -> None:
    desk = Desk(lambda m: [] if m.choice else [Reply("Выберите", choices=[("Да", "yes")])])
    channel.start_intake(desk)
    person = fake.simulate_person(None, "abandon")
    assert wait_for(lambda: fake.sent_to(person), 10)
    # The person presses the button the bot sent (what they would do, without the wait).
    fake.updates.add(fake.updates.person_acts(fake.person(person), ("press", "yes")))
    assert wait_for(lambda: any(m.choice == "yes" for m in desk.seen), 10)
    assert wait_for(lambda: any(op == "POST /answers" for op, _, _ in fake.responses), 5)
    answers = [status for op, status, _ in fake.responses if op == "POST /answers"]
    assert answers == [200]


def test_each_persons_updates_arrive_in_order_people_side_by_side(
        channel: MaxChannel, fake: FakeMax) -> None:
    def slow(message: Incoming) -> list[Reply]:
        time.sleep(0.05)
        return []

    desk = Desk(slow)
    fake.simulate_person(None, "abandon", user_id=11)
    for text in ("один", "два", "три"):
        fake.write(11, text)
    fake.simulate_person(None, "abandon", user_id=12)
    channel.start_intake(desk)
    assert wait_for(lambda: len(desk.seen) == 5, 10)
    mine = [m.text or "start" for m in desk.seen if m.person == "11"]
    assert mine == ["start", "один", "два", "три"]


def test_a_restart_reads_on_from_where_the_last_reader_stopped(
        tmp_path: Path, fake: FakeMax) -> None:
    first = make_channel(tmp_path, fake)
    desk = Desk(lambda m: [])
    lease = first.context.leases
    first.start_intake(desk)
    fake.simulate_person("A", "abandon")
    assert wait_for(lambda: len(desk.seen) == 1, 10)
    time.sleep(0.3)  # the marker is saved after the batch
    first.stop_intake()
    fake.simulate_person("B", "abandon")  # arrives while no one reads
    assert first.context.leases is lease  # the same worker's lease: the saved marker
    first.start_intake(desk)
    assert wait_for(lambda: len(desk.seen) == 2, 10)
    time.sleep(0.3)
    assert [m.start_code for m in desk.seen] == ["A", "B"]  # nothing twice, nothing lost
    first.close()


def test_a_revoked_token_is_refused_when_the_bot_starts(channel: MaxChannel,
                                                        fake: FakeMax) -> None:
    from outreach.channels import AuthError

    fake.revoke("bot")
    with pytest.raises(AuthError, match="MAX_BOT_TOKEN"):
        channel.start_intake(Desk())
