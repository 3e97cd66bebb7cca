"""Photo reports through the MAX bot, plugin side: what people attach, the capped download,
the coordinators' card with callback buttons answered through POST /answers. The real
client talks to the fake MAX on 127.0.0.1; every answer the fake gave is checked against
MAX's schema when each test ends (max_support.running_fake)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_support import waited
from fieldreport_support import PressRecorder, jpeg
from max_support import (  # noqa: F401  (max_fake, max_channel: the fixtures)
    max_channel,
    max_fake,
    running_fake,
)

from outreach.channels import Card, Incoming, IncomingFile, PermanentError
from outreach.cli import cli
from outreach.fieldreports.files import take
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax
from outreach_max.fake.state import COORDINATORS_CHAT_ID
from outreach_max.intake import incoming_from
from outreach_testing import make_test_config

PERSON, COORDINATOR = 4_300_001, 4_300_002


def last_incoming(fake: FakeMax) -> Incoming:
    found = incoming_from(fake.updates.log[-1])
    assert found is not None
    return found


def test_photos_with_a_caption_arrive_as_files_and_download_byte_for_byte(
        tmp_path: Path, fake: FakeMax, channel: MaxChannel) -> None:
    first, second = jpeg((1600, 1200)), jpeg((700, 500), "orange")
    fake.send_photos(PERSON, [first, second], "Субботник в парке")
    message = last_incoming(fake)
    assert message.text == "Субботник в парке" and message.attachment
    one, two = message.files
    assert (one.kind, two.kind) == ("photo", "photo") and one.unique_id != two.unique_id
    target = tmp_path / "got.jpg"
    channel.fetch_file(two, target)
    assert target.read_bytes() == second
    # The same photo sent again is the same photo (PhotoAttachmentPayload.photo_id).
    fake.send_photos(PERSON, [first])
    [again] = last_incoming(fake).files
    assert again.unique_id == one.unique_id
    # The attachment's URL is fetched without the bot's token.
    assert fake.media.downloads


def test_files_are_documents_videos_and_stickers_are_kept_out(
        tmp_path: Path, fake: FakeMax, channel: MaxChannel) -> None:
    fake.send_file(PERSON, b"%PDF-1.4 minutes", "Протокол.pdf")
    [pdf] = last_incoming(fake).files
    assert (pdf.kind, pdf.name, pdf.size, pdf.mime) == (
        "document", "Протокол.pdf", 16, "application/pdf")
    refused = take(channel, pdf, tmp_path / "folder")
    assert refused.reason and "Протокол.pdf" in refused.reason and not refused.name
    fake.send_file(PERSON, jpeg((800, 600)), "IMG_0042.JPG")
    [image] = last_incoming(fake).files
    kept = take(channel, image, tmp_path / "folder")
    assert kept.reason is None and kept.name and kept.name.endswith(".jpg")
    fake.send_video(PERSON, "Видео с праздника")
    [video] = last_incoming(fake).files
    assert video.kind == "video" and take(channel, video, tmp_path / "folder").video
    fake.write(PERSON, None, [{"type": "sticker", "payload": {
        "url": "https://i.max.ru/sticker.webp", "code": "abc"}, "width": 128, "height": 128}])
    [sticker] = last_incoming(fake).files
    refused = take(channel, sticker, tmp_path / "folder")
    assert sticker.kind == "other" and refused.reason and "not a photo" in refused.reason


def test_a_download_over_the_limit_stops_and_leaves_nothing(
        tmp_path: Path, fake: FakeMax, channel: MaxChannel,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.send_photos(PERSON, [jpeg((3000, 2000)) + b"\0" * 300_000])
    [big] = last_incoming(fake).files
    monkeypatch.setattr(type(channel), "download_limit", 100_000)
    target = tmp_path / "big.part"
    with pytest.raises(PermanentError, match="MB"):
        channel.fetch_file(big, target)
    assert not target.exists()
    # A file MAX says is bigger is refused before anything is fetched.
    fake.send_file(PERSON, b"x" * 200_000, "big.jpg")
    [file] = last_incoming(fake).files
    before = len(fake.media.downloads)
    refused = take(channel, file, tmp_path / "folder")
    assert refused.reason and "MB" in refused.reason and len(fake.media.downloads) == before
    with pytest.raises(PermanentError):  # a video: MAX gives the bot no file to fetch
        channel.fetch_file(IncomingFile("", "video-1", "video"), target)


def test_the_card_is_sent_pressed_answered_and_edited(
        tmp_path: Path, fake: FakeMax, channel: MaxChannel) -> None:
    photo = tmp_path / "card.jpg"
    photo.write_bytes(jpeg((1200, 900)))
    desk = PressRecorder()
    fake.simulate_person(None, "quiet", user_id=COORDINATOR)  # has a dialog with the bot
    channel.start_intake(desk)
    channel.send_card(str(COORDINATORS_CHAT_ID), Card(
        "Субботник в Миассе\nПрислала: Анна", photo,
        (("✅ Одобрить", "c:approve:1"), ("❌ Отклонить", "c:reject:1"),
         ("🔎 Подробнее", "c:more:1"))))
    [card] = fake.chat_messages(COORDINATORS_CHAT_ID)
    kinds = [a["type"] for a in card["body"]["attachments"]]
    assert kinds == ["image", "inline_keyboard"] and card["body"]["text"].startswith("Суб")

    more = fake.press(COORDINATOR, card["body"]["mid"], "🔎")
    assert waited(lambda: fake.answer_to(more)) == {
        "notification": "Подробности — в личном чате"}
    assert waited(lambda: fake.sent_to(COORDINATOR))[-1]["text"] == "Отчёт №1: три фото"

    pressed = fake.press(COORDINATOR, card["body"]["mid"], "✅")
    answer = waited(lambda: fake.answer_to(pressed))
    assert answer["notification"] == "Одобрено"
    # The card keeps its text and photo; its buttons are gone.
    [card, said] = waited(lambda: fake.chat_messages(COORDINATORS_CHAT_ID)[1:] and
                            fake.chat_messages(COORDINATORS_CHAT_ID))
    assert [a["type"] for a in card["body"]["attachments"]] == ["image"]
    assert card["body"]["text"].startswith("Субботник") and card["_edited"] == 1
    assert said["body"]["text"] == "Одобрила Ольга"
    incoming = desk.seen[-1]
    assert (incoming.person, incoming.chat, incoming.message_id) == (
        str(COORDINATOR), str(COORDINATORS_CHAT_ID), card["body"]["mid"])


def test_a_reporter_is_told_in_their_dialog_by_user_id(
        fake: FakeMax, channel: MaxChannel) -> None:
    fake.simulate_person(None, "quiet", user_id=PERSON)
    channel.notify(channel.private_chat(str(PERSON)), "Ваш отчёт опубликован")
    assert fake.sent_to(PERSON)[-1]["text"] == "Ваш отчёт опубликован"
    with pytest.raises(PermanentError, match="chat id"):
        channel.notify("coordinators", "x")


def test_the_fake_answers_only_what_max_takes(fake: FakeMax, channel: MaxChannel) -> None:
    from outreach.channels import ChannelError

    client = channel.client()
    with pytest.raises(ChannelError, match="400"):  # neither message nor notification
        client.answer("abc", {})
    with pytest.raises(ChannelError, match="400"):  # an edit's text over 4000 characters
        client.answer("abc", {"message": {"text": "x" * 4001}})
    assert fake.download("no-such-file") is None


def test_an_invitation_prints_a_max_link_beside_the_telegram_and_vk_ones(
        tmp_path: Path, fake: FakeMax, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``outreach people invite`` gives a link for every bot that takes people's messages:
    MAX is one more channel of the same code path (``Channel.signup_link``)."""
    channels = {
        "tg": {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "bot_username": "outreach_sandbox_bot"},
        "vk": {"plugin": "vk", "group_id": 229000001, "community_token_env": "VK_TOKEN"},
        "max": {"plugin": "max", "token_env": "MAX_TOKEN", "api_url": fake.url,
                "chat_id": -72000000000001, "bot_name": "outreach_sandbox_bot"}}
    config = make_test_config(tmp_path, channels, top={
        "database_url": f"sqlite:///{tmp_path / 'o.db'}", "municipalities": ["Миасс"]})
    for variable in ("TG_TOKEN", "VK_TOKEN", "MAX_TOKEN"):
        monkeypatch.setenv(variable, "x")
    made = runner.invoke(cli, ["--config", str(config.path), "people", "invite", "--role",
                               "reporter", "--municipality", "Миасс"])
    assert made.exit_code == 0, made.output
    links = dict(re.findall(r"^  (\w+): (\S+)$", made.output, re.MULTILINE))
    code = links["max"].rsplit("=", 1)[1]
    assert code.startswith("inv_") and links == {
        "tg": f"https://t.me/outreach_sandbox_bot?start={code}",
        "vk": f"https://vk.me/club229000001?ref={code}",
        "max": f"https://max.ru/outreach_sandbox_bot?start={code}"}
