"""Engagement, audience and token checks against the fake VK, with the real client."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from language_support import english_words
from vk_support import FastVK, make_channel, post, running_fake

from outreach.channels import TransientError
from outreach.i18n import language
from outreach_testing import make_registry, make_test_config
from outreach_vk import limits
from outreach_vk.checks import wall_right_note
from outreach_vk.client import ResponseTooBig
from outreach_vk.engagement import read_all
from outreach_vk.fake import FakeVK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)


def test_thousands_of_posts_cost_a_handful_of_requests(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    ids = fake.add_posts(2_600)
    fake.clock.advance(12 * 3600)
    fake.clock.set_speed(0)  # the same moment for the channel and the wall below
    found = channel.engagement(ids)
    requests = [m for m, _ in fake.responses if not m.startswith("execute:")]
    assert requests == ["execute", "execute"]  # 26 wall.getById of 100 posts: 25 + 1
    assert [e.external_id for e in found] == ids
    wall = {f"{p['owner_id']}_{p['id']}": p for p in fake.wall()}
    sample = found[1234]
    shown = wall[sample.external_id]
    assert (sample.views, sample.likes, sample.shares, sample.comments) == (
        shown["views"]["count"], shown["likes"]["count"], shown["reposts"]["count"],
        shown["comments"]["count"])
    assert sample.views > 0 and sample.reactions is None  # not reported: unknown, not 0


def test_an_answer_too_big_for_vk_is_halved_and_the_refresh_goes_on(
        tmp_path: Path, fake: FakeVK, monkeypatch: pytest.MonkeyPatch) -> None:
    channel = make_channel(tmp_path, fake)
    ids = fake.add_posts(300)
    fake.clock.set_speed(0)
    whole = channel.engagement(ids)
    fake.responses.clear()
    # a limit a quarter of what 300 posts' counts take: VK's 5 MB met by photo-rich posts
    monkeypatch.setattr(limits, "EXECUTE_MAX_RESPONSE_BYTES", 12_000)
    found = channel.engagement(ids)
    assert found == whole  # every post, the same figures
    answers = [body for method, body in fake.responses if method == "execute"]
    refused = [b for b in answers if b.get("error", {}).get("error_code") == 13]
    assert refused and len(answers) - len(refused) >= 4
    assert all(len(json.dumps(b["response"])) <= 12_000 for b in answers if "response" in b)
    # wall.getById's answers are checked against the schema by the test above; here only the
    # execute answers themselves (thousands of posts again would take seconds)
    kept = [(m, b) for m, b in fake.responses if not m.startswith("execute:")]
    fake.responses.clear()
    fake.responses.extend(kept)


def test_counts_grow_as_time_passes(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    published = channel.publish(post())
    fresh = channel.engagement([published.external_id])[0]
    fake.clock.advance(24 * 3600)
    later = channel.engagement([published.external_id])[0]
    assert later.views > fresh.views and later.likes >= fresh.likes


def test_a_deleted_or_unknown_post_is_left_out(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    [real] = fake.add_posts(1)
    assert [e.external_id for e in channel.engagement([real, "-229000001_999999"])] == [real]
    assert channel.engagement([]) == []


def test_audience_is_the_member_count(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    before = channel.audience()
    fake.add_posts(20)
    fake.clock.advance(48 * 3600)
    assert isinstance(before, int) and channel.audience() > before
    only_user = make_channel(tmp_path / "u", fake, community=None)
    assert only_user.audience() == channel.audience()


def test_check_passes_with_the_right_tokens(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    results = channel.check()
    assert all(r.ok for r in results), results
    text = "\n".join(r.message for r in results)
    assert "Анна Петрова" in text and "administers" in text and "members" in text


def test_check_names_the_missing_wall_right_and_what_still_works(tmp_path: Path,
                                                                 fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="user_no_wall")
    [lacking] = [r for r in channel.check() if not r.ok]
    assert lacking.message == "the user token lacks the rights: wall"
    assert wall_right_note() in (lacking.fix or "")
    assert "support" in wall_right_note() and "sign-up bot" in wall_right_note()


def test_check_finds_a_user_who_is_not_an_administrator(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user="stranger")
    [problem] = [r for r in channel.check() if not r.ok]
    assert "Пётр Иванов is not an administrator" in problem.message
    assert "administrator or editor" in (problem.fix or "")


def test_check_speaks_russian_to_a_russian_centre(tmp_path: Path, fake: FakeVK) -> None:
    channels = [make_channel(tmp_path / "a", fake), make_channel(tmp_path / "b", fake,
                                                                  user="user_no_wall"),
                make_channel(tmp_path / "c", fake, user="stranger"),
                make_channel(tmp_path / "d", fake, user="community", community="user"),
                make_channel(tmp_path / "e", fake, user=None, community=None)]
    with language("ru"):
        said = [text for channel in channels for result in channel.check()
                for text in (result.message, result.fix or "")]
    text = "\n".join(said)
    assert "принадлежит" in text and "участник" in text and "нет прав: wall" in text
    # VK's rights and methods are identifiers; "standalone" is VK's own name for the app type.
    names = {"wall", "photos", "groups", "offline", "messages", "standalone", "API", "Long",
             "Poll", "club"}
    methods = re.compile(r"\b[a-z]+\.[a-zA-Z]+\b")
    vk_said = re.compile(r"\(ошибка \d+: [^)]*\)")  # VK's own words, quoted for support
    assert english_words(methods.sub(" ", vk_said.sub(" ", text)), names) == [], text


def test_check_finds_tokens_of_the_wrong_kind_or_community(tmp_path: Path,
                                                           fake: FakeVK) -> None:
    swapped = make_channel(tmp_path, fake, user="community", community="user")
    messages = [r.message for r in swapped.check() if not r.ok]
    assert any("error 27" in m and "VK_USER_TOKEN" in m for m in messages), messages
    assert any("VK_COMMUNITY_TOKEN" in m for m in messages), messages
    other = make_channel(tmp_path / "o", fake, group_id=1)
    wrong = [r for r in other.check() if not r.ok]
    assert any("not to 1" in r.message for r in wrong)


def test_check_through_the_registry_reports_revoked_and_unset_tokens(tmp_path: Path,
                                                                     fake: FakeVK) -> None:
    section = {"plugin": "vk", "group_id": fake.store.world.group_id, "api_url": fake.url,
               "user_token_env": "VK_USER_TOKEN", "community_token_env": "VK_GROUP"}
    config = make_test_config(tmp_path, {"vk": section})
    fake.revoke("user")
    registry = make_registry(config, [FastVK], env={"VK_USER_TOKEN": fake.token("user")})
    results = registry.check("vk")
    text = "\n".join(f"{r.ok} {r.message} {r.fix}" for r in results)
    assert "VK_GROUP (setting community_token_env) is not set" in text
    assert "error 5" in text and fake.token("user") not in text


def test_no_user_token_still_checks_the_community(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake, user=None)
    results = channel.check()
    assert [r.ok for r in results] == [False, True]
    assert "cannot publish" in results[0].message
    assert limits.COMMUNITY_SCOPES_NEEDED == ("messages",)


def test_an_answer_too_big_even_for_one_post_is_transient_never_permanent() -> None:
    asked: list[int] = []

    def always_too_big(code: str) -> Any:
        asked.append(code.count("wall.getById"))
        raise ResponseTooBig("too big")

    with pytest.raises(TransientError):  # retried later, never "failed for good"
        read_all([f"-1_{n}" for n in range(300)], always_too_big)
    assert len(asked) == 12 and asked[-1] == 1  # 2500, 1250 ... 2, 1 post: then it gives up


def test_people_who_join_are_counted_as_members(tmp_path: Path, fake: FakeVK) -> None:
    """A join credited to a post is a member more in the audience, as on VK; a person who
    only asked to join ("request") or is "unsure" is not a member yet."""
    channel = make_channel(tmp_path, fake)
    before = channel.audience()
    fake.join()
    fake.join(join_type="approved")
    fake.join(join_type="request")
    fake.join(join_type="unsure")
    assert before is not None and channel.audience() == before + 2
