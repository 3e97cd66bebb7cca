"""The VK plugin's side of photo reports, against the fake VK with the real vk_api:
attachments turned into files, downloads, the card with callback buttons, its answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fieldreport_support import PressRecorder, jpeg
from vk_support import make_channel, running_bot_fake, wait_for

from outreach.channels import Card, IncomingFile, PermanentError
from outreach.fieldreports.files import take
from outreach_vk import VKChannel
from outreach_vk.fake import FakeVK
from outreach_vk.fake.bot import COORDINATORS_PEER
from outreach_vk.reports import message_files

PERSON, COORDINATOR = 4_200_001, 4_200_002


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_bot_fake(tmp_path)


@pytest.fixture
def channel(tmp_path: Path, fake: FakeVK) -> Iterator[VKChannel]:
    made = make_channel(tmp_path, fake)
    yield made
    made.close()


def last_message(fake: FakeVK) -> dict[str, object]:
    return fake.events()[-1]["object"]["message"]  # type: ignore[no-any-return]


def test_a_photo_is_taken_at_its_largest_size_and_downloaded_as_sent(
        tmp_path: Path, fake: FakeVK, channel: VKChannel) -> None:
    original = jpeg((3000, 2000))  # over w's 2560×2048: the largest is a copy
    small = jpeg((700, 500), "orange")  # fits y (807): y is the photo itself
    fake.send_photos(PERSON, [original, small], "Субботник")
    message = last_message(fake)
    sizes = [s["type"] for s in message["attachments"][0]["photo"]["sizes"]]  # type: ignore
    assert sizes == ["s", "m", "x", "y", "z", "w"]
    first, second = message_files(message)
    assert (first.kind, first.width, first.height) == ("photo", 2560, 1707)
    assert (second.width, second.height) == (700, 500)
    assert first.unique_id != second.unique_id
    target = tmp_path / "got.jpg"
    channel.fetch_file(second, target)
    assert target.read_bytes() == small


def test_documents_are_files_videos_are_kept_out(tmp_path: Path, fake: FakeVK,
                                                 channel: VKChannel) -> None:
    fake.send_doc(PERSON, b"%PDF-1.4 minutes", "Протокол.pdf")
    [pdf] = message_files(last_message(fake))
    assert (pdf.kind, pdf.name, pdf.size, pdf.mime) == (
        "document", "Протокол.pdf", 16, "application/pdf")
    refused = take(channel, pdf, tmp_path / "folder")
    assert refused.reason and "Протокол.pdf" in refused.reason and not refused.name
    fake.send_doc(PERSON, jpeg((800, 600)), "IMG_0042.JPG")
    [image] = message_files(last_message(fake))
    kept = take(channel, image, tmp_path / "folder")
    assert kept.reason is None and kept.name and kept.name.endswith(".jpg")
    fake.send_video(PERSON)
    [video] = message_files(last_message(fake))
    assert video.kind == "video"
    assert take(channel, video, tmp_path / "folder").video


def test_a_download_over_the_limit_stops_and_leaves_nothing(
        tmp_path: Path, fake: FakeVK, channel: VKChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach_vk import limits

    fake.send_doc(PERSON, b"x" * 300_000, "big.jpg")
    [big] = message_files(last_message(fake))
    monkeypatch.setattr(limits, "DOWNLOAD_MAX", 100_000)
    target = tmp_path / "big.part"
    with pytest.raises(PermanentError, match="MB"):
        channel.fetch_file(big, target)
    assert not target.exists()
    with pytest.raises(PermanentError):
        channel.fetch_file(IncomingFile("", "video1_2", "video"), target)


def test_the_card_is_sent_pressed_answered_and_edited(
        tmp_path: Path, fake: FakeVK, channel: VKChannel) -> None:
    photo = tmp_path / "card.jpg"
    photo.write_bytes(jpeg((1200, 900)))
    desk = PressRecorder()
    channel.start_intake(desk)
    channel.send_card(str(COORDINATORS_PEER), Card(
        "Субботник в Миассе\nПрислала: Анна", photo,
        (("✅ Одобрить", "c:approve:1"), ("❌ Отклонить", "c:reject:1"))))
    [card] = fake.sent_to(COORDINATORS_PEER)
    assert card.attachment.startswith("photo-") and card.text.startswith("Субботник")
    assert card.keyboard and card.keyboard["inline"]
    pressed = fake.press(COORDINATOR, card, "✅")
    answer = wait_for(lambda: fake.event_answer(pressed))
    assert answer == {"type": "show_snackbar", "text": "Одобрено"}
    wait_for(lambda: card.edited)
    assert card.keyboard is None and card.text.startswith("Субботник") and card.attachment
    said = wait_for(lambda: fake.sent_to(COORDINATORS_PEER)[1:])
    assert said[0].text == "Одобрила Ольга"
    [incoming] = desk.seen
    assert (incoming.person, incoming.chat, incoming.message_id, incoming.event) == (
        str(COORDINATOR), str(COORDINATORS_PEER), str(card.cmid), pressed)


def test_the_fake_refuses_what_vk_refuses(fake: FakeVK, channel: VKChannel) -> None:
    from outreach.channels import ChannelError

    client = channel.client("community")
    fake.write(PERSON, "Здравствуйте")
    with pytest.raises(ChannelError, match="event_id"):  # no such press
        client.call("messages.sendMessageEventAnswer", {
            "event_id": "nope", "user_id": PERSON, "peer_id": PERSON})
    event = fake.messenger.message_event(PERSON, PERSON, 1, json.dumps({"choice": "x"}))
    values = {"event_id": event, "user_id": PERSON, "peer_id": PERSON}
    client.call("messages.sendMessageEventAnswer", values)
    with pytest.raises(ChannelError):  # answered once only
        client.call("messages.sendMessageEventAnswer", values)
    with pytest.raises(ChannelError, match="920|edit"):  # a person's message is theirs
        client.call("messages.edit", {"peer_id": PERSON, "cmid": 1, "message": "x"})
    buttons = [[{"action": {"type": "callback", "label": str(n), "payload": "{}"}}]
               for n in range(7)]
    with pytest.raises(ChannelError, match="911|Keyboard"):  # inline: at most 6 rows
        client.call("messages.send", {"peer_id": PERSON, "message": "x", "random_id": 5,
                                      "keyboard": json.dumps({"inline": True,
                                                              "buttons": buttons})})
