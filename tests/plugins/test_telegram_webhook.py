"""What Telegram does to a bot's updates, met by the plugin (the real client against the fake).

A webhook set on the bot stops every getUpdates (409 Conflict); updates are
kept for 24 hours only, so reactions to posts can be lost while the service is
stopped (Bot API, "Getting updates"; outreach_telegram/fake/BEHAVIOURS.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from language_support import english_words
from telegram import Bot
from telegram_support import telegram_fake  # noqa: F401  (the fake fixture)
from test_telegram_channel import make_channel, post
from test_telegram_intake import ScriptedDesk

from outreach.channels import TransientError
from outreach.i18n import language
from outreach_telegram import TelegramChannel, freshness
from outreach_telegram.fake import FakeTelegram

HOOK = "https://bots.example.org/secret-path-123"


def set_webhook(fake: FakeTelegram, url: str = HOOK) -> None:
    async def main() -> None:
        async with Bot(fake.token, base_url=f"{fake.url}/bot") as bot:
            await bot.set_webhook(url)

    asyncio.run(main())


def webhook_url(fake: FakeTelegram) -> str:
    with fake.state.lock:
        return (fake.state.webhook or {}).get("url", "")


@pytest.fixture
def channel(tmp_path: Path, fake: FakeTelegram) -> Iterator[TelegramChannel]:
    yield from make_channel(tmp_path, fake, poll_timeout=1)


def test_check_says_a_webhook_stops_the_bot_and_what_to_do(channel, fake) -> None:
    set_webhook(fake)
    failed = [r for r in channel.check() if not r.ok]
    assert len(failed) == 1
    assert "webhook is set on this bot" in failed[0].message
    assert "bots.example.org" in failed[0].message
    assert "secret-path" not in failed[0].message  # a webhook's path may hold a secret
    assert "manage_webhook = true" in (failed[0].fix or "")
    assert webhook_url(fake) == HOOK  # a check changes nothing


def test_check_of_a_managed_bot_says_the_service_will_remove_the_webhook(tmp_path, fake) -> None:
    set_webhook(fake)
    for channel in make_channel(tmp_path, fake, manage_webhook=True):
        results = channel.check()
    assert all(r.ok for r in results)
    assert any("removes it when it starts" in r.message for r in results)
    assert webhook_url(fake) == HOOK


def test_the_webhook_check_speaks_russian(channel, fake) -> None:
    set_webhook(fake)
    with language("ru"):
        [failed] = [r for r in channel.check() if not r.ok]
    text = f"{failed.message}\n{failed.fix}"
    assert "вебхук" in text.lower() and "manage_webhook = true" in text
    names = ("manage_webhook = true", "config.toml", "@BotFather", "/newbot", "(webhook)",
             "bots.example.org")  # what a person types or sees as is
    for name in names:
        text = text.replace(name, "")
    assert english_words(text) == [], text


def test_start_up_refuses_in_plain_words_and_leaves_another_programs_webhook(
        channel, fake) -> None:
    set_webhook(fake)
    with pytest.raises(TransientError, match="webhook is set on this bot") as caught:
        channel.start_intake(ScriptedDesk())
    assert "manage_webhook = true" in str(caught.value)
    assert webhook_url(fake) == HOOK


def test_start_up_removes_the_webhook_of_a_managed_bot_and_reads_messages(
        tmp_path, fake) -> None:
    set_webhook(fake)
    fake.script_start(42, "poster-miass")  # came while the webhook was set: kept
    desk = ScriptedDesk()
    for channel in make_channel(tmp_path, fake, manage_webhook=True, poll_timeout=1):
        channel.start_intake(desk)
        deadline = time.monotonic() + 10
        while not desk.received and time.monotonic() < deadline:
            time.sleep(0.02)
    assert webhook_url(fake) == ""
    assert [m.start_code for m in desk.received] == ["poster-miass"]


def test_a_webhook_set_while_running_makes_engagement_fail_aloud(channel, fake) -> None:
    published = channel.publish(post("Встреча"))
    channel.start_intake(ScriptedDesk())
    set_webhook(fake)
    hub = channel.bot.hub
    deadline = time.monotonic() + 10
    while hub.blocked is None and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(TransientError, match="webhook is set on this bot"):
        channel.engagement([published.external_id])


def test_engagement_without_a_long_poll_says_a_webhook_is_in_the_way(channel, fake) -> None:
    published = channel.publish(post("Встреча"))
    set_webhook(fake)
    with pytest.raises(TransientError, match="webhook is set on this bot"):
        channel.engagement([published.external_id])


def test_reactions_read_across_a_gap_are_not_reported_as_current(
        tmp_path, monkeypatch) -> None:
    clock = [1_000_000.0]
    logged: list[str] = []
    monkeypatch.setattr(freshness, "now", lambda: clock[0])
    with FakeTelegram(time_scale=36_000) as fake:  # ten hours a second
        for channel in make_channel(tmp_path, fake):
            before = channel.publish(post("До перерыва"))
            time.sleep(0.3)  # three hours of the fake: some reactions came
            [counted] = channel.engagement([before.external_id])
            assert counted.reactions is not None
            monkeypatch.setattr(channel.context.logger, "warning",
                                lambda message, *a: logged.append(message))
            # The service is stopped for two days: Telegram forgets what came meanwhile.
            fake.state.advance(48 * 3600)
            clock[0] += 48 * 3600
            channel.bot.hub._noted = 0.0  # a new process: it writes down its first read
            after = channel.publish(post("После перерыва", number=2))
            figures = channel.engagement([before.external_id, after.external_id])
            results = channel.check()
    # The post from before the gap: no figure now (its last one keeps its own time) ...
    assert [e.external_id for e in figures] == [after.external_id]
    assert logged and "reactions to 1 post may have been lost" in logged[0]
    # ... and the check says what happened and when.
    assert any("were not read from" in r.message and "24 hours" in r.message
               for r in results)
