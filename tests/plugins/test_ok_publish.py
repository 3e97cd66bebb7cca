"""Publishing photo reports to an OK group through the plugin's client against the fake OK."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from ok_support import make_channel, photo, post, running_fake

from outreach.channels import PermanentError, TransientError
from outreach_ok import limits
from outreach_ok.fake import FakeOK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeOK]:
    yield from running_fake(tmp_path)


def test_a_story_with_three_photos_becomes_a_group_topic(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    photos = tuple(photo(tmp_path / f"{i}.jpg", size=(64 + i, 48)) for i in range(3))
    published = channel.publish(post(photos=photos))
    [topic] = fake.topics()
    group = fake.store.world.group_id
    assert topic["text"] == "Серебряные волонтёры посадили 40 яблонь."
    assert topic["author_ref"] == f"group:{group}"  # posted as the group
    assert [p["width"] for p in topic["photos"]] == [64, 65, 66]  # in the story's order
    assert published.external_id == topic["id"]
    assert published.url == f"https://ok.ru/group/{group}/topic/{topic['id']}"
    methods = [m for m, _ in fake.responses]
    assert methods == ["photosV2.getUploadUrl", "upload", "mediatopic.post"]


def test_a_text_post_needs_no_upload(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    channel.publish(post(text="Урок финансовой грамотности в Миассе"))
    assert [m for m, _ in fake.responses] == ["mediatopic.post"]
    assert fake.topics()[0]["text"] == "Урок финансовой грамотности в Миассе"


def test_too_many_photos_are_refused_before_anything_is_sent(tmp_path: Path,
                                                             fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    photos = tuple(photo(tmp_path / f"{i}.jpg") for i in range(limits.MAX_PHOTOS + 1))
    with pytest.raises(PermanentError, match=f"at most {limits.MAX_PHOTOS} photos"):
        channel.publish(post(photos=photos))
    assert not fake.responses


def test_a_photo_ok_cannot_read_is_permanent_in_plain_words(tmp_path: Path,
                                                            fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    broken = tmp_path / "scan.jpg"
    broken.write_bytes(b"not really a jpeg")
    with pytest.raises(PermanentError, match="scan.jpg") as caught:
        channel.publish(post(photos=(photo(tmp_path / "a.jpg"),
                                     type(photo(tmp_path / "b.jpg"))(path=broken))))
    assert "replace the photos or remove them" in str(caught.value)
    assert not fake.topics()


def test_text_longer_than_ok_takes_is_permanent_with_the_reason(tmp_path: Path,
                                                                fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    with pytest.raises(PermanentError, match="text is too long") as caught:
        channel.publish(post(text="я" * (limits.REPORTED_MAX_TEXT + 1)))
    assert "Shorten the story's text" in str(caught.value)


def test_reconcile_finds_a_topic_that_was_posted(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    started = dt.datetime.now(dt.UTC)
    published = channel.publish(post(text="Прогулка в парке"))
    found = channel.reconcile(post(text="Прогулка в парке"), started)
    assert found.exists is True and found.published == published


def test_reconcile_says_not_posted_when_every_newer_topic_was_seen(tmp_path: Path,
                                                                   fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    channel.publish(post(text="Другая история"))
    found = channel.reconcile(post(text="Прогулка в парке"), dt.datetime.now(dt.UTC))
    assert found.exists is False


def test_reconcile_cannot_tell_when_the_group_posted_too_much_since(tmp_path: Path,
                                                                    fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    attempted = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)  # the fake's clock is fast
    for number in range(limits.TOPICS_SCAN + 1):
        channel.publish(post(text=f"Запись {number}"))
    found = channel.reconcile(post(text="Прогулка в парке"), attempted)
    assert found.exists is None  # a person decides: `outreach publications resolve`


def test_a_hundred_posts_with_three_photos_stay_under_the_rate(tmp_path: Path,
                                                               fake: FakeOK) -> None:
    """The benchmark of docs/ok.md: three requests a post, paced, not one FLOOD_BLOCKED."""
    channel = make_channel(tmp_path, fake)
    photos = tuple(photo(tmp_path / f"{i}.jpg") for i in range(3))
    for number in range(100):
        channel.publish(post(text=f"Фоторепортаж {number}", photos=photos))
    assert len(fake.topics()) == 100 and fake.flood_answers == 0
    assert len(fake.responses) == 300  # getUploadUrl, the upload, mediatopic.post


def test_a_post_whose_answer_was_lost_is_found_not_sent_twice(tmp_path: Path,
                                                               fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("lost_post", 1)  # OK makes the topic, then answers an internal error
    with pytest.raises(TransientError, match="internal problem"):
        channel.publish(post(key="pub-9", text="Прогулка в парке"))
    again = channel.publish(post(key="pub-9", text="Прогулка в парке"))  # the engine's retry
    [topic] = fake.topics()
    assert again.external_id == topic["id"]
    assert [m for m, _ in fake.responses].count("mediatopic.post") == 1


def test_a_retry_after_a_refused_post_publishes_normally(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("service", 1)  # refused before anything was made
    with pytest.raises(TransientError):
        channel.publish(post(key="pub-10"))
    channel.publish(post(key="pub-10"))
    assert len(fake.topics()) == 1


def test_reconcile_ignores_an_older_topic_with_the_same_text(tmp_path: Path,
                                                             fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    channel.publish(post(key="spring", text="Прогулка в парке"))  # the same story, a year ago
    later = dt.datetime.fromtimestamp(fake.clock.now() + 3600, dt.UTC)
    found = channel.reconcile(post(key="autumn", text="Прогулка в парке"), later)
    assert found.exists is False


@pytest.mark.parametrize(("url", "topic"), [
    ("https://ok.ru/group/70000001234567/topic/70102413183001", "70102413183001"),
    ("https://ok.ru/silver74/topic/155012345678901?utm_source=x", "155012345678901"),
    ("https://m.ok.ru/group/70000001234567/topic/77", "77"),
    ("https://ok.ru/group/70000001234567", None),
    ("https://vk.com/wall-218375169_1234", None),
])
def test_a_topic_link_gives_the_id_publish_records(url: str, topic: str | None) -> None:
    from outreach_ok import OKChannel

    assert OKChannel.external_id_from_url(url) == topic


def test_the_link_publish_records_reads_back_to_its_id(tmp_path: Path, fake: FakeOK) -> None:
    published = make_channel(tmp_path, fake).publish(post())
    assert type(make_channel(tmp_path, fake)).external_id_from_url(published.url or "") == \
        published.external_id
