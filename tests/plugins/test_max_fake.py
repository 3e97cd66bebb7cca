"""The fake MAX itself: limits under load, faults on demand over HTTP, state kept between
runs, and the channel's settings checked before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from fake_support import mode
from max_support import (
    make_channel,
    max_fake,  # noqa: F401  (the fixtures)
    post,
    wait_for,
)

from outreach_max import MaxChannel
from outreach_max.fake import FakeMax
from outreach_max.fake.state import CHANNEL_ID
from outreach_testing import make_registry, make_test_config


def test_more_than_30_requests_in_a_window_get_429() -> None:
    # A ten-second window, so the 31st request surely falls inside it on a slow machine.
    with FakeMax(rate_window=10) as fake, requests.Session() as session:
        auth = {"Authorization": fake.token()}
        statuses = [session.get(f"{fake.url}/me", headers=auth, timeout=5).status_code
                    for _ in range(45)]
        assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}
        assert fake.too_many == statuses.count(429)
        assert fake.responses[-1][2]["code"] == "too.many.requests"


def test_faults_rights_and_revoking_work_over_http(fake: FakeMax) -> None:
    auth = {"Authorization": fake.token()}
    admin = f"{fake.url}/_sandbox"
    requests.post(f"{admin}/faults", json={"server_error": 1}, timeout=5)
    assert requests.get(f"{fake.url}/me", headers=auth, timeout=5).status_code == 500
    requests.post(f"{admin}/rights", json={"rights": "member"}, timeout=5)
    sent = requests.post(f"{fake.url}/messages", params={"chat_id": CHANNEL_ID},
                         json={"text": "x"}, headers=auth, timeout=5)
    assert sent.status_code == 403 and sent.json()["code"] == "chat.denied"
    requests.post(f"{admin}/revoke", json={"token": "bot"}, timeout=5)
    assert requests.get(f"{fake.url}/me", headers=auth, timeout=5).status_code == 401
    state = requests.get(f"{admin}/state", timeout=5).json()
    assert state["revoked"] == ["bot"] and state["rights"] == "member"
    person = requests.post(f"{admin}/person", json={"code": "abc", "behaviour": "abandon"},
                           timeout=5).json()["user_id"]
    assert fake.updates.log[-1]["payload"] == "abc"
    assert fake.updates.log[-1]["user"]["user_id"] == person


def test_posts_and_revocations_survive_a_restart_in_a_private_file(tmp_path: Path) -> None:
    folder = tmp_path / "sandbox"
    with FakeMax(data_dir=folder) as first:
        channel = make_channel(tmp_path, first)
        sent = channel.publish(post())
        first.revoke("stranger")
        channel.close()
    state = folder / "max-sandbox.json"
    assert mode(state) == 0o600 and mode(folder) == 0o700
    with FakeMax(data_dir=folder) as second:
        assert [m["body"]["mid"] for m in second.channel_messages()] == [sent.external_id]
        assert second.store.world.revoked == ["stranger"]


def test_a_post_with_a_deep_link_brings_simulated_people(tmp_path: Path) -> None:
    with FakeMax(speed=100_000, crowd=True) as fake:
        channel = make_channel(tmp_path, fake)
        channel.publish(post(text=f"Записаться: {channel.signup_link('Crowd42')}"))
        def started() -> list[dict]:
            return [u for u in fake.updates.log if u["update_type"] == "bot_started"]

        assert wait_for(lambda: bool(started()), 10)
        assert all(u["payload"] == "Crowd42" for u in started())
        channel.close()


def test_the_sandbox_hands_the_channel_its_token(fake: FakeMax) -> None:
    described = fake.describe()
    env = MaxChannel.sandbox_environment({"token_env": "MAX_BOT_TOKEN"}, described)
    assert env == {"MAX_BOT_TOKEN": fake.token()}
    assert described["chat_id"] == str(CHANNEL_ID) and described["api_url"] == fake.url


@pytest.mark.parametrize(("setting", "value", "said"), [
    ("bot_name", "@outreach_bot", "the bot's name alone"),
    ("chat_id", 0, "chat id"),
    ("token_env", "max.sandbox.0123456789abcdef0123456789abcdef01234567", "environment"),
])
def test_wrong_settings_are_named_before_anything_starts(tmp_path: Path, setting: str,
                                                         value: object, said: str) -> None:
    section = {"plugin": "max", "token_env": "MAX_BOT_TOKEN", "chat_id": -1,
               setting: value}
    config = make_test_config(tmp_path, {"max-main": section})
    problems = make_registry(config, [MaxChannel]).problems("max-main")
    assert any(f"channels.max-main.{setting}" in str(p) and said in str(p)
               for p in problems), problems


def test_a_restarted_sandbox_numbers_updates_on_so_a_saved_marker_still_reads(
        tmp_path: Path) -> None:
    """A bot that saved its marker in the store reads the next run's updates (``make run``
    twice): the sandbox keeps numbering where its last run stopped."""
    first = FakeMax(data_dir=tmp_path / "max-sandbox")
    first.start()
    channel = make_channel(tmp_path / "one", first)
    for code in ("A", "B", "C"):
        first.simulate_person(code, "quiet")
    first.write(4_000_001, "Здравствуйте")
    before = first.updates.log[-1]["message"]["body"]["mid"]
    marker = channel.client().updates(None, 0, 100, ["bot_started"])["marker"]
    channel.close()
    first.stop()
    again = FakeMax(data_dir=tmp_path / "max-sandbox")
    again.start()
    try:
        channel = make_channel(tmp_path / "two", again)
        newcomer = again.simulate_person("D", "quiet")
        assert newcomer == 4_000_004  # not the last run's first person, whom the bot knows
        answer = channel.client().updates(marker, 0, 100, ["bot_started"])
        assert [u["payload"] for u in answer["updates"]] == ["D"]
        assert answer["marker"] == marker + 1
        # A message of this run is not one of the last run's (the bot handles each once).
        again.write(4_000_001, "Здравствуйте")
        assert again.updates.log[-1]["message"]["body"]["mid"] != before
        channel.close()
    finally:
        again.stop()
