"""Publishing to a MAX channel with the real client against the fake MAX: photos, views,
audience, reconcile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from max_support import (  # noqa: F401  (max_fake, max_channel: the fixtures)
    max_channel,
    max_fake,
    photo,
    post,
)

from outreach.channels import PermanentError, PostPhoto, TransientError
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax


def three_photos(folder: Path) -> tuple:
    return tuple(photo(folder, f"{n}.jpg") for n in range(3))


def test_a_story_with_three_photos_becomes_one_channel_message(
        channel: MaxChannel, fake: FakeMax, tmp_path: Path) -> None:
    published = channel.publish(post(photos=three_photos(tmp_path)))
    [message] = fake.channel_messages()
    assert message["body"]["text"] == "Серебряные волонтёры провели урок"
    assert [a["type"] for a in message["body"]["attachments"]] == ["image"] * 3
    assert published.external_id == message["body"]["mid"]
    assert published.url == message["url"] and published.url.startswith("https://max.ru/")
    uploads = [op for op, status, _ in fake.responses if op == "POST /uploads"]
    assert len(uploads) == 3  # "one file per URL" (dev.max.ru, POST /uploads)


def test_photos_not_processed_yet_are_waited_for_then_posted_once(
        channel: MaxChannel, fake: FakeMax, tmp_path: Path) -> None:
    fake.api.ready_after = 0.3
    channel.publish(post(photos=three_photos(tmp_path)))
    sends = [(status, body.get("code")) for op, status, body in fake.responses
             if op == "POST /messages"]
    assert (400, "attachment.not.ready") in sends and sends[-1] == (200, None)
    assert len(fake.channel_messages()) == 1


def test_photos_that_never_get_ready_end_in_a_retry_later_not_a_failure(
        channel: MaxChannel, fake: FakeMax, tmp_path: Path) -> None:
    fake.api.ready_after = 3600
    with pytest.raises(TransientError, match="still processing the photos"):
        channel.publish(post(photos=(photo(tmp_path),)))
    assert fake.channel_messages() == []


def test_more_photos_than_max_takes_are_refused_before_any_upload(
        channel: MaxChannel, fake: FakeMax, tmp_path: Path) -> None:
    photos = tuple(photo(tmp_path, f"{n}.jpg") for n in range(11))
    with pytest.raises(PermanentError, match="at most 10 photos"):
        channel.publish(post(photos=photos))
    assert not fake.responses


def test_a_photo_that_cannot_be_read_is_named_and_not_retried(
        channel: MaxChannel, tmp_path: Path) -> None:
    missing = PostPhoto(path=tmp_path / "gone.jpg")
    with pytest.raises(PermanentError, match="gone.jpg cannot be read"):
        channel.publish(post(photos=(missing,)))


def test_views_grow_and_are_read_a_hundred_messages_a_request(
        channel: MaxChannel, fake: FakeMax) -> None:
    ids = [channel.publish(post(n, text=f"Запись {n}")).external_id for n in range(1, 4)]
    fresh = {e.external_id: e.views for e in channel.engagement(ids)}
    fake.clock.advance(2 * 86_400)
    later = channel.engagement(ids)
    assert {e.external_id for e in later} == set(ids)
    assert all(e.views is not None and e.views > fresh[e.external_id] for e in later)
    assert all(e.likes is None and e.reactions is None for e in later)  # MAX does not tell
    before = len(fake.responses)
    channel.engagement([f"mid.{n:016x}" for n in range(250)])
    reads = [op for op, _, _ in list(fake.responses)[before:] if op == "GET /messages"]
    assert len(reads) == 3


def test_audience_is_the_channels_participant_count(channel: MaxChannel,
                                                     fake: FakeMax) -> None:
    assert channel.audience() == fake.store.world.members


def test_reconcile_finds_a_post_that_went_out_before_a_crash(
        channel: MaxChannel, fake: FakeMax) -> None:
    sent = post(7, text="Пост, ответ на который потерялся")
    published = channel.publish(sent)
    found = channel.reconcile(sent, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert found.exists is True and found.published == published


def test_reconcile_says_not_posted_when_the_history_reaches_past_the_attempt(
        channel: MaxChannel) -> None:
    channel.publish(post(1, text="Другой пост"))
    found = channel.reconcile(post(2, text="Этот пост не дошёл"),
                              dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    assert found.exists is False


def test_reconcile_cannot_tell_in_a_busy_channel(channel: MaxChannel, fake: FakeMax) -> None:
    attempted = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    for n in range(101):
        channel.publish(post(n, text=f"Новость {n}"))
    assert channel.reconcile(post(500, text="Потерянный пост"), attempted).exists is None


def test_text_over_maxs_limit_is_refused_by_the_fake_as_by_max(
        channel: MaxChannel, fake: FakeMax) -> None:
    assert MaxChannel.text_limits.max_text == 4000  # schema, NewMessageBody.text
    with pytest.raises(PermanentError, match="HTTP 400"):
        channel.publish(post(text="я" * 4001))
    assert fake.channel_messages() == []


def test_the_coordinators_chat_gets_long_notes_in_pieces(channel: MaxChannel,
                                                         fake: FakeMax) -> None:
    chat = fake.describe()["coordinators_chat"]
    note = "Новый доброволец. " * 300
    channel.notify(chat, note)
    sent = fake.api.messages({"chat_id": chat})["messages"]
    assert [len(m["body"]["text"]) <= 4000 for m in sent] == [True, True]
    assert " ".join(m["body"]["text"] for m in reversed(sent)).split() == note.split()
    assert fake.channel_messages() == []
    with pytest.raises(PermanentError, match="chat id"):
        channel.notify("@coordinators", "x")
