"""Engagement, audience and ``channels check`` of an OK group, against the fake OK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ok_support import environment, make_channel, post, running_fake, section

from outreach_ok import OKChannel, limits
from outreach_ok.fake import FakeOK
from outreach_testing import make_registry, make_test_config


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeOK]:
    yield from running_fake(tmp_path)


def test_likes_reshares_and_comments_grow_and_views_stay_unknown(tmp_path: Path,
                                                                  fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    topic = channel.publish(post()).external_id
    [fresh] = channel.engagement([topic])
    fake.clock.advance(2 * 24 * 3600)
    [later] = channel.engagement([topic])
    assert fresh.external_id == later.external_id == topic
    assert later.likes > fresh.likes >= 0
    assert later.shares is not None and later.comments is not None
    assert later.views is None  # OK does not give a group topic's views to this method


def test_ten_thousand_topics_take_a_hundred_requests(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    ids = fake.add_topics(10_000)
    fake.responses.clear()
    assert len(channel.engagement(ids)) == 10_000
    requests = [m for m, _ in fake.responses]
    assert requests == ["mediatopic.getByIds"] * (10_000 // limits.TOPICS_PER_GET_BY_IDS)


def test_an_unknown_or_deleted_topic_is_left_out(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    topic = channel.publish(post()).external_id
    found = channel.engagement([topic, "70000000000001"])
    assert [e.external_id for e in found] == [topic]


def test_audience_is_the_groups_member_count(tmp_path: Path, fake: FakeOK) -> None:
    channel = make_channel(tmp_path, fake)
    assert channel.audience() == fake.methods.members() == 850


def test_check_passes_for_an_administrator_with_every_permission(tmp_path: Path,
                                                                  fake: FakeOK) -> None:
    results = make_channel(tmp_path, fake).check()
    assert all(r.ok for r in results), results
    text = " ".join(r.message for r in results)
    assert "Анна Петрова" in text and "administers group" in text
    assert "GROUP_CONTENT" in text and "850 members" in text


def test_check_names_a_missing_permission_and_how_to_ask_for_it(tmp_path: Path,
                                                                 fake: FakeOK) -> None:
    results = make_channel(tmp_path, fake, token="no_group_content").check()
    [missing] = [r for r in results if not r.ok]
    assert missing.message == "the application lacks the permissions: GROUP_CONTENT"
    assert "api-support@ok.ru" in missing.fix and "512000000001" in missing.fix


def test_check_finds_a_person_who_is_not_an_administrator(tmp_path: Path,
                                                          fake: FakeOK) -> None:
    results = make_channel(tmp_path, fake, token="stranger").check()
    [problem] = [r for r in results if not r.ok]
    assert "Пётр Иванов is not an administrator" in problem.message
    assert "administrator or moderator" in problem.fix


def test_check_reports_an_expired_token_as_one_verdict(tmp_path: Path, fake: FakeOK) -> None:
    fake.expire("admin")
    [result] = make_channel(tmp_path, fake).check()
    assert not result.ok and "has expired" in result.message


def test_check_speaks_russian(tmp_path: Path, fake: FakeOK) -> None:
    from outreach.i18n import language

    with language("ru"):
        results = make_channel(tmp_path, fake, token="no_photo_content").check()
    [missing] = [r for r in results if not r.ok]
    assert missing.message == "у приложения нет прав: PHOTO_CONTENT"
    assert "поддержку Одноклассников" in missing.fix


def test_settings_are_checked_and_secrets_come_from_the_environment(tmp_path: Path,
                                                                    fake: FakeOK) -> None:
    config = make_test_config(tmp_path / "centre", {
        "ok-region": section(fake, group_id="club-1")})
    registry = make_registry(config, [OKChannel], env=environment(fake))
    [status] = registry.statuses()
    assert status.state != "ready" and "ok.ru/group/<number>" in str(status.reason)


def test_the_sandbox_hands_its_token_and_secret_to_the_channel(fake: FakeOK) -> None:
    described = fake.describe()
    env = OKChannel.sandbox_environment(
        {"access_token_env": "OK_ACCESS_TOKEN", "secret_key_env": "OK_SECRET_KEY"}, described)
    assert env == {"OK_ACCESS_TOKEN": fake.token("admin"),
                   "OK_SECRET_KEY": fake.store.world.secret_key}
    assert OKChannel.fake_platform(None).describe()["group_id"] == "70000001234567"
