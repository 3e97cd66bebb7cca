"""The sign-up bot on webhooks: MAX posts updates to the centre's HTTPS address, the reverse
proxy forwards them to Outreach, the secret header is checked, failures are redelivered."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from max_support import (
    Desk,
    make_channel,
    max_fake,  # noqa: F401  (the fixtures)
    wait_for,
)

from outreach.channels import AuthError, PermanentError, Reply
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax

SECRET = "Sandbox_secret-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hooked(tmp_path: Path, fake: FakeMax,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MaxChannel, int]]:
    port = free_port()
    made = make_channel(tmp_path, fake, webhook_url=f"https://127.0.0.1:{port}/max",
                        webhook_listen=f"127.0.0.1:{port}",
                        webhook_secret_env="MAX_WEBHOOK_SECRET")
    monkeypatch.setitem(made.context.env, "MAX_WEBHOOK_SECRET", SECRET)  # type: ignore[index]
    yield made, port
    made.close()


def test_updates_arrive_by_webhook_with_the_secret_and_replies_go_out(
        hooked: tuple[MaxChannel, int], fake: FakeMax) -> None:
    channel, port = hooked
    desk = Desk(lambda m: [Reply("Как вас зовут?")])
    channel.start_intake(desk)
    [subscription] = fake.webhooks.listed()["subscriptions"]
    assert subscription["url"] == f"https://127.0.0.1:{port}/max"
    assert "bot_started" in subscription["update_types"]
    person = fake.simulate_person("Hook1", "abandon")
    assert wait_for(lambda: fake.sent_to(person), 10)
    assert desk.seen[0].start_code == "Hook1"
    assert wait_for(lambda: bool(fake.webhooks.deliveries), 5)  # recorded once answered
    assert fake.webhooks.deliveries[0] == (subscription["url"], 200)
    # While subscribed, MAX refuses long polling; the check says how updates come.
    polled = requests.get(f"{fake.url}/updates", headers={"Authorization": fake.token()},
                          timeout=5)
    assert polled.status_code == 405
    assert any("sends the bot's updates to" in r.message for r in channel.check())


def test_a_request_without_the_secret_is_refused_and_handed_to_no_one(
        hooked: tuple[MaxChannel, int]) -> None:
    channel, port = hooked
    desk = Desk()
    channel.start_intake(desk)
    update = {"update_type": "bot_started", "timestamp": 1, "chat_id": 1,
              "user": {"user_id": 9, "first_name": "Чужой", "is_bot": False}}
    for headers in ({}, {"X-Max-Bot-Api-Secret": "wrong-secret"}):
        sent = requests.post(f"http://127.0.0.1:{port}/max", json=update, headers=headers,
                             timeout=5)
        assert sent.status_code == 403
    assert desk.seen == []


def test_updates_sent_while_outreach_is_down_are_delivered_when_it_is_back(
        hooked: tuple[MaxChannel, int], fake: FakeMax) -> None:
    channel, _port = hooked
    desk = Desk(lambda m: [])
    channel.start_intake(desk)
    channel.stop_intake()
    fake.simulate_person("Later", "abandon")
    assert wait_for(lambda: any(status != 200 for _, status in fake.webhooks.deliveries), 10)
    channel.start_intake(desk)
    assert wait_for(lambda: [m.start_code for m in desk.seen] == ["Later"], 20)


def test_long_polling_while_a_subscription_exists_is_a_plain_error(
        tmp_path: Path, fake: FakeMax) -> None:
    fake.webhooks.subscribe({"url": "https://centre.example.org/max", "secret": SECRET})
    channel = make_channel(tmp_path, fake)
    results = channel.check()
    [warning] = [r for r in results if "webhook subscription" in r.message]
    assert not warning.ok and "webhook_url" in (warning.fix or "")
    desk = Desk()
    channel.start_intake(desk)
    intake = channel.intake
    assert intake is not None and wait_for(lambda: intake.failure is not None, 10)
    assert "webhook" in intake.failure
    channel.close()


def test_webhook_settings_are_checked(tmp_path: Path, fake: FakeMax) -> None:
    from outreach_testing import make_registry, make_test_config

    section = {"plugin": "max", "token_env": "MAX_BOT_TOKEN", "chat_id": -1,
               "webhook_url": "http://centre.example.org/max", "webhook_listen": "8443"}
    problems = make_registry(make_test_config(tmp_path, {"m": section}),
                             [MaxChannel]).problems("m")
    said = " ".join(map(str, problems))
    assert "https://" in said and "host:port" in said
    no_secret = make_channel(tmp_path, fake, webhook_url="https://centre.example.org/max",
                             webhook_secret_env="MAX_WEBHOOK_SECRET")
    with pytest.raises(AuthError, match="MAX_WEBHOOK_SECRET"):
        no_secret.start_intake(Desk())
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        busy = make_channel(tmp_path, fake, webhook_url="https://centre.example.org/max",
                            webhook_listen=f"127.0.0.1:{port}",
                            webhook_secret_env="MAX_WEBHOOK_SECRET")
        busy.context.env["MAX_WEBHOOK_SECRET"] = SECRET  # type: ignore[index]
        with pytest.raises(PermanentError, match="webhook_listen"):
            busy.start_intake(Desk())
