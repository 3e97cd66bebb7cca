"""The fake VK against VK API 5.199's own schema: methods, token kinds and answer shapes."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from vk_support import (
    SERVED,
    make_channel,
    photo,
    post,
    problems,
    running_fake,
    spec_method,
    validate_log,
)

from outreach.channels import ChannelError
from outreach_vk.fake import FakeVK
from outreach_vk.fake.methods import METHODS


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)

KINDS = {"user": "user", "group": "group", "service": "service"}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_the_fake_accepts_the_token_kinds_and_requires_what_methods_json_says(
        method: str) -> None:
    spec = spec_method(method)
    kinds, required = METHODS[method]
    assert set(kinds) == {KINDS[k] for k in spec["access_token_type"]}
    assert set(required) == {p["name"] for p in spec.get("parameters", [])
                             if p.get("required")}


def test_the_validator_catches_a_post_of_the_wrong_shape(tmp_path: Path,
                                                         fake: FakeVK) -> None:
    [real] = fake.add_posts(1)
    good = {"response": {"items": fake.wall()}}
    assert problems("wall.getById", good) == []
    broken = copy.deepcopy(good)
    del broken["response"]["items"][0]["likes"]["can_like"]
    assert any("can_like" in p for p in problems("wall.getById", broken))
    assert problems("wall.post", {"response": {"post": 1}})  # post_id is required
    assert problems("wall.post", {"error": {"error_msg": "no code"}})


def test_every_method_the_fake_serves_answers_in_vk_s_shapes(tmp_path: Path,
                                                             fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    sent = channel.publish(post(photos=(photo(tmp_path / "a.jpg"),)))
    fake.clock.advance(3600)
    channel.engagement([sent.external_id])
    channel.audience()
    assert all(result.ok for result in channel.check())
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert channel.reconcile(post(key="other", text="нет такого"), long_ago).exists is False
    fake.revoke("stranger")
    for user in ("community", "service", "stranger", "user_no_wall"):  # error answers
        with pytest.raises(ChannelError):
            make_channel(tmp_path / user, fake, user=user).publish(post())
    seen = validate_log(fake)
    assert SERVED | {"upload"} <= seen | {m.removeprefix("execute:") for m in seen}
    assert any("error" in body for _, body in fake.responses)
