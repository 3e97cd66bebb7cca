"""Each OK error class, met by the plugin's client against the fake OK, ends as a person
expects: the right error class and a sentence saying what to do, never a secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ok_support import RATE_WINDOW, FastOK, make_channel, photo, post, running_fake

from outreach.channels import AuthError, PermanentError, RateLimitedError, TransientError
from outreach_ok import limits
from outreach_ok.fake import FakeOK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeOK]:
    yield from running_fake(tmp_path)


def test_a_wrong_secret_key_is_an_auth_error_naming_its_variable(tmp_path: Path,
                                                                 fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, secret="WRONGSECRET")
    with pytest.raises(AuthError, match="signature") as caught:
        channel.publish(post())
    assert "OK_SECRET_KEY" in str(caught.value) and "WRONGSECRET" not in str(caught.value)
    assert fake.responses[-1][1]["error_code"] == 104


def test_an_expired_session_says_to_get_a_new_token(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.expire("admin")
    with pytest.raises(AuthError, match="has expired") as caught:
        channel.publish(post())
    message = str(caught.value)
    assert "OK_ACCESS_TOKEN" in message and "LONG_ACCESS_TOKEN" in message
    assert fake.token("admin") not in message
    assert not fake.topics()


def test_a_wrong_application_key_is_an_auth_error(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, application_key="CBAWRONGKEY")
    with pytest.raises(AuthError, match="application key"):
        channel.audience()


def test_without_group_content_posting_is_refused_in_plain_words(tmp_path: Path,
                                                                 fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, token="no_group_content")
    with pytest.raises(AuthError, match="lacks the GROUP_CONTENT permission") as caught:
        channel.publish(post())
    assert "OK's support grants GROUP_CONTENT" in str(caught.value)


def test_without_photo_content_the_upload_is_refused(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, token="no_photo_content")
    with pytest.raises(AuthError, match="PHOTO_CONTENT"):
        channel.publish(post(photos=(photo(tmp_path / "a.jpg"),)))
    assert not fake.topics()


def test_a_person_who_is_not_an_administrator_cannot_post(tmp_path: Path,
                                                          fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, token="stranger")
    with pytest.raises(AuthError, match="does not administer group"):
        channel.publish(post())


def test_a_wrong_group_is_permanent(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, group_id="12345")
    with pytest.raises(PermanentError, match="check group_id"):
        channel.publish(post())


def test_pacing_keeps_many_posts_under_the_rate_without_one_flood_answer(
        tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    for number in range(limits.RPS * 3):
        channel.publish(post(text=f"Запись {number}"))
    assert len(fake.topics()) == limits.RPS * 3 and fake.flood_answers == 0


class Unpaced(FastOK):
    """A channel whose pacer lets more through than the fake takes, to meet FLOOD_BLOCKED."""

    pace_window = RATE_WINDOW / 10


def test_flood_blocked_is_waited_out_then_handed_to_the_engine(tmp_path: Path,
                                                               fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake, plugin=Unpaced)
    fake.set_fault("flood", 2)  # two answers of FLOOD_BLOCKED, then normal service
    channel.publish(post())
    assert fake.flood_answers == 2 and len(fake.topics()) == 1
    fake.set_fault("flood", True)
    with pytest.raises(RateLimitedError, match="slow down") as caught:
        channel.publish(post(text="ещё одна"))
    assert caught.value.retry_after == limits.FLOOD_RETRY_AFTER
    assert fake.flood_answers == 2 + limits.MAX_FLOOD_RETRIES + 1


def test_a_reached_limit_backs_off_for_an_hour(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("limit", 1)
    with pytest.raises(RateLimitedError, match="in an hour") as caught:
        channel.publish(post())
    assert caught.value.retry_after == limits.LIMIT_RETRY_AFTER


def test_outage_and_internal_errors_are_transient(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    fake.set_fault("outage", 1)
    with pytest.raises(TransientError, match="HTTP 503"):
        channel.publish(post())
    fake.set_fault("service", 1)
    with pytest.raises(TransientError, match="internal problem"):
        channel.publish(post())
    channel.publish(post())
    assert len(fake.topics()) == 1


def test_no_answer_at_all_is_transient(tmp_path: Path) -> None:
    with FakeOK(tmp_path / "gone") as fake:
        channel = make_channel(tmp_path, fake)
        url = fake.url
    assert channel.api_url == url  # the fake has stopped: nothing listens there now
    with pytest.raises(TransientError, match="did not answer"):
        channel.publish(post())
