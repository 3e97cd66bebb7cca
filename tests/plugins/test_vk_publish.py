"""Publishing to VK through the real vk_api client against the fake VK."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vk_support import make_channel, photo, post, running_fake

from outreach.channels import PermanentError, PostPhoto, RateLimitedError
from outreach_vk import VKChannel, limits
from outreach_vk.channel import guid_of
from outreach_vk.client import until_vk_tomorrow
from outreach_vk.fake import FakeVK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)


def test_a_text_post_lands_on_the_community_wall(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    published = channel.publish(post(text="Волонтёры провели урок в школе №5"))
    [on_wall] = fake.wall()
    group = fake.store.world.group_id
    assert on_wall["text"] == "Волонтёры провели урок в школе №5"
    assert on_wall["from_id"] == -group  # posted as the community, not the person
    assert published.external_id == f"-{group}_{on_wall['id']}"
    assert published.url == f"https://vk.com/wall-{group}_{on_wall['id']}"


def test_photos_are_uploaded_saved_and_attached_in_order(tmp_path: Path,
                                                         fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    photos = tuple(photo(tmp_path / f"{i}.jpg", size=(64 + i, 48)) for i in range(3))
    channel.publish(post(photos=photos))
    [on_wall] = fake.wall()
    attached = [a["photo"] for a in on_wall["attachments"]]
    assert [p["width"] for p in attached] == [64, 65, 66]
    assert [p["text"] for p in attached] == ["Фото 0", "Фото 1", "Фото 2"]
    assert {p["owner_id"] for p in attached} == {-fake.store.world.group_id}
    methods = [m for m, _ in fake.responses]
    assert methods.count("photos.getWallUploadServer") == 1  # one server for the post
    assert methods.count("upload") == 3 and methods.count("photos.saveWallPhoto") == 3


def test_a_retry_with_the_same_publication_does_not_post_twice(tmp_path: Path,
                                                               fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    first = channel.publish(post(key="pub-7"))
    again = channel.publish(post(key="pub-7"))  # e.g. after a crash before recording
    other = channel.publish(post(key="pub-8"))
    assert again == first and other != first
    assert len(fake.wall()) == 2
    assert fake.store.world.posts[first.external_id]["guid"] == guid_of(post(key="pub-7"))


def test_signature_and_closed_comments_reach_vk(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, signature=True, close_comments=True)
    channel.publish(post())
    [on_wall] = fake.wall()
    assert on_wall["signer_id"] and on_wall["comments"]["can_post"] == 0


def test_more_than_ten_photos_is_refused_before_anything_is_sent(tmp_path: Path,
                                                                 fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    photos = tuple(photo(tmp_path / f"{i}.jpg") for i in range(11))
    with pytest.raises(PermanentError, match="at most 10 photos"):
        channel.publish(post(photos=photos))
    assert not fake.responses


def test_a_photo_vk_cannot_read_is_named(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    broken = tmp_path / "scan.jpg"
    broken.write_bytes(b"not really a jpeg")
    with pytest.raises(PermanentError, match="scan.jpg") as caught:
        channel.publish(post(photos=(photo(tmp_path / "ok.jpg"), PostPhoto(path=broken))))
    assert "ERR_UPLOAD_BAD_IMAGE" in str(caught.value)
    assert fake.wall() == []


def test_text_over_vk_s_reported_limit_is_refused(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    with pytest.raises(PermanentError, match="error 100.*too long"):
        channel.publish(post(text="а" * (limits.REPORTED_MAX_TEXT + 1)))
    channel.publish(post(key="fits", text="а" * VKChannel.text_limits.max_text))
    assert len(fake.wall()) == 1


def test_limits_are_declared_from_one_place() -> None:
    assert VKChannel.text_limits.max_text == limits.MAX_TEXT < limits.REPORTED_MAX_TEXT
    media = VKChannel.media_limits
    assert media.max_photos == limits.MAX_ATTACHMENTS == 10
    assert (media.max_sum, media.max_ratio) == (14_000, 20)
    assert media.max_bytes <= limits.PHOTO_MAX_BYTES and media.formats[0] == "JPEG"
    caps = VKChannel.capabilities
    assert caps.engagement and caps.audience and caps.reconcile


def uploads(fake: FakeVK) -> int:
    return sum(1 for method, _ in fake.responses if method == "upload")


def test_reconcile_finds_the_post_on_the_wall_and_sends_nothing(tmp_path: Path,
                                                                fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    story = post(key="pub-3", photos=(photo(tmp_path / "a.jpg"),))
    sent = channel.publish(story)
    minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    posted = [m for m, _ in fake.responses].count("wall.post")
    found = channel.reconcile(story, minutes_ago)
    assert found.exists is True and found.published == sent
    assert [m for m, _ in fake.responses].count("wall.post") == posted  # nothing re-sent
    assert len(fake.wall()) == 1


def test_interrupted_before_wall_post_it_is_absent_and_resent_with_the_same_photos(
        tmp_path: Path, fake: FakeVK, monkeypatch: pytest.MonkeyPatch) -> None:
    channel = make_channel(tmp_path, fake)
    story = post(key="pub-6", photos=(photo(tmp_path / "a.jpg"), photo(tmp_path / "b.jpg")))
    real_call = channel._call

    def crash_at_wall_post(role: str, method: str, values: Any = None) -> Any:
        if method == "wall.post":
            raise KeyboardInterrupt  # the process dies here
        return real_call(role, method, values)

    monkeypatch.setattr(channel, "_call", crash_at_wall_post)
    with pytest.raises(KeyboardInterrupt):
        channel.publish(story)
    monkeypatch.undo()
    assert uploads(fake) == 2 and fake.wall() == []
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert channel.reconcile(story, started).exists is False  # proven absent
    sent = channel.publish(story)  # what the engine does next
    assert uploads(fake) == 2  # the photos uploaded before are re-used
    [on_wall] = fake.wall()
    assert sent.external_id.endswith(f"_{on_wall['id']}") and len(on_wall["attachments"]) == 2


def test_a_lost_answer_to_wall_post_is_found_before_sending_again(tmp_path: Path,
                                                                  fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    story = post(key="pub-8", photos=(photo(tmp_path / "a.jpg"),))
    first = channel.publish(story)
    again = channel.publish(story)  # e.g. the answer timed out and the engine retried
    assert again == first and len(fake.wall()) == 1 and uploads(fake) == 1


def test_reconcile_on_another_machine_matches_text_photo_count_and_time(
        tmp_path: Path, fake: FakeVK) -> None:
    first = make_channel(tmp_path / "a", fake)
    story = post(key="pub-9", text="Скандинавская ходьба в Златоусте",
                 photos=(photo(tmp_path / "a.jpg"),))
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    sent = first.publish(story)
    other = make_channel(tmp_path / "b", fake)  # no record of the attempt here
    assert other.reconcile(story, started).published == sent
    fake.clock.advance(3 * 3600)
    later = dt.datetime.fromtimestamp(fake.clock.now(), dt.UTC)
    # the same text posted hours before the attempt is an earlier post, not this one
    assert other.reconcile(story, later).exists is False


def test_a_wall_too_busy_to_read_back_cannot_tell(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    started = dt.datetime.fromtimestamp(fake.clock.now() - 60, dt.UTC)
    fake.add_posts(limits.WALL_SCAN * limits.WALL_SCAN_PAGES + 1)
    assert channel.reconcile(post(key="pub-10", text="Нигде нет"), started).exists is None


def test_fifty_posts_a_day_waits_for_vk_s_next_day(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.clock.set_speed(0)
    name = f"wall.post:{-fake.store.world.group_id}"
    fake.store.world.count_today(name, fake.clock.day())
    fake.store.world.daily["counts"][name] = limits.WALL_POSTS_PER_DAY
    with pytest.raises(RateLimitedError, match="no more posts.*today") as caught:
        channel.publish(post(key="pub-11"))
    assert "administrator" not in str(caught.value)
    assert until_vk_tomorrow() - 60 <= caught.value.retry_after <= until_vk_tomorrow() + 60


def test_vk_s_next_day_begins_at_moscow_midnight() -> None:
    evening = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert until_vk_tomorrow(evening.timestamp()) == 3600 + limits.DAILY_RETRY_MARGIN


def test_the_channel_is_made_without_touching_the_network(tmp_path: Path) -> None:
    unused = FakeVK()  # never started: nothing listens
    unused.url = "http://127.0.0.1:9"
    channel = make_channel(tmp_path, unused)
    assert channel.signup_link("MIASS-7") == "https://vk.me/club229000001?ref=MIASS-7"
    assert "vk1.sandbox" not in repr(channel.settings)


def test_wall_get_s_daily_limit_waits_for_vk_s_next_day(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.clock.set_speed(0)
    name = "wall.get:user"
    fake.store.world.count_today(name, fake.clock.day())
    fake.store.world.daily["counts"][name] = limits.METHOD_CALLS_PER_DAY["wall.get"]
    started = dt.datetime.now(dt.UTC)
    with pytest.raises(RateLimitedError, match="daily limit on wall.get") as caught:
        channel.reconcile(post(key="pub-12"), started)
    assert caught.value.retry_after > limits.DAILY_RETRY_MARGIN
