"""Every VK error the plugin meets, from the fake through the real client, in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from vk_support import (
    RATE_WINDOW,
    make_channel,
    photo,
    post,
    running_fake,
)

from outreach.channels import AuthError, PermanentError, RateLimitedError, TransientError
from outreach_vk import VKChannel, client, limits
from outreach_vk.fake import FakeVK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)


def _no_secret(fake: FakeVK, message: str) -> None:
    for name in ("user", "community", "service", "user_no_wall", "stranger"):
        assert fake.token(name) not in message


def test_a_revoked_token_says_which_variable_to_replace(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.revoke("user")
    with pytest.raises(AuthError) as caught:
        channel.publish(post())
    message = str(caught.value)
    assert "vk-region" in message and "error 5" in message and "VK_USER_TOKEN" in message
    assert "create a new token" in message.lower()
    _no_secret(fake, message)


def test_a_community_token_where_a_user_token_belongs(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="community")
    with pytest.raises(AuthError, match="error 27") as caught:
        channel.publish(post())
    assert "holds a community token" in str(caught.value)
    _no_secret(fake, str(caught.value))


def test_a_service_token_is_refused(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="service")
    with pytest.raises(AuthError, match="error 28.*service token"):
        channel.publish(post())


def test_a_token_without_the_wall_right_is_access_denied(tmp_path: Path,
                                                         fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="user_no_wall")
    with pytest.raises(AuthError, match="error 15.*lacks a right"):
        channel.publish(post())
    assert fake.wall() == []


def test_a_person_who_does_not_administer_the_community(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="stranger")
    with pytest.raises(PermanentError, match="error 214.*administrator"):
        channel.publish(post())


def test_posting_denied_is_permanent(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("posting_denied", True)
    with pytest.raises(PermanentError, match="does not allow posting") as caught:
        channel.publish(post())
    assert not isinstance(caught.value, TransientError)  # not retried


def test_a_captcha_makes_the_publication_wait_for_a_person(tmp_path: Path,
                                                           fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("captcha", 1)
    with pytest.raises(RateLimitedError) as caught:
        channel.publish(post())
    assert caught.value.retry_after == limits.CAPTCHA_RETRY_AFTER
    assert "captcha" in str(caught.value) and "by hand" in str(caught.value)
    assert channel.publish(post()).external_id  # once the captcha is gone, it goes out


def test_flood_control_backs_off_for_long(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("flood", True)
    with pytest.raises(RateLimitedError, match="flood control") as caught:
        channel.publish(post())
    assert caught.value.retry_after == limits.FLOOD_RETRY_AFTER


def test_too_many_requests_is_retried_and_then_given_up(tmp_path: Path, fake: FakeVK) -> None:
    class Impatient(VKChannel):  # paces far faster than the fake allows
        pace_window = RATE_WINDOW / 100

    fake.limiter.window = 5.0  # the fake's "second" now lasts five
    channel = make_channel(tmp_path, fake, plugin=Impatient)
    with pytest.raises(RateLimitedError, match="too many requests") as caught:
        for key in range(5):
            channel.publish(post(key=f"pub-{key}"))
    assert caught.value.retry_after == limits.TOO_MANY_RETRY_AFTER
    # bounded: the first answer and MAX_TOO_MANY_RETRIES retries, never more
    assert fake.too_many == 1 + limits.MAX_TOO_MANY_RETRIES


def test_too_many_requests_retried_succeeds_when_the_window_clears(tmp_path: Path,
                                                                   fake: FakeVK) -> None:
    class Hasty(VKChannel):  # 3 requests per 0.1 s against the fake's 3 per 0.2 s
        pace_window = 0.1

    fake.limiter.window = 0.2
    channel = make_channel(tmp_path, fake, plugin=Hasty)
    for key in range(4):
        channel.publish(post(key=f"pub-{key}", photos=(photo(tmp_path / "a.jpg"),)))
    assert fake.too_many > 0 and len(fake.wall()) == 4


def test_an_outage_is_transient(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("outage", True)
    with pytest.raises(TransientError, match="HTTP 503"):
        channel.publish(post())


def test_vk_s_internal_error_is_transient(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("server_error", 1)
    with pytest.raises(TransientError, match="error 10"):
        channel.publish(post())


def test_a_slow_vk_times_out_as_transient(tmp_path: Path, fake: FakeVK,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "TIMEOUT", (2, 0.2))
    channel = make_channel(tmp_path, fake)
    fake.set_fault("slow", 0.6)
    with pytest.raises(TransientError, match="did not answer in time"):
        channel.publish(post())


def test_an_unreachable_vk_is_transient(tmp_path: Path) -> None:
    gone = FakeVK()
    gone.start()
    gone.stop()  # the port is closed now
    channel = make_channel(tmp_path, gone)
    with pytest.raises(TransientError, match="could not be reached"):
        channel.publish(post())


def test_an_unset_variable_is_named(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    channel.context.env.pop("VK_USER_TOKEN")  # type: ignore[attr-defined]
    with pytest.raises(AuthError, match="VK_USER_TOKEN"):
        channel.publish(post())


def test_no_user_token_configured_explains_what_publishing_needs(tmp_path: Path,
                                                                 fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user=None)
    with pytest.raises(AuthError, match="user token.*user_token_env"):
        channel.publish(post())
    assert channel.audience() is not None  # the community token alone still reads
