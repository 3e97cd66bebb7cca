"""MAX's refusals in plain words: rate limits, revoked tokens, lost rights, gone chats,
outages; and ``outreach channels check`` saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from max_support import (  # noqa: F401  (max_fake, max_channel: the fixtures)
    make_channel,
    max_channel,
    max_fake,
    post,
)

from outreach.channels import AuthError, PermanentError, RateLimitedError, TransientError
from outreach.cli import cli
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax


def test_a_few_429s_are_waited_out_and_the_post_goes_once(channel: MaxChannel,
                                                          fake: FakeMax) -> None:
    fake.set_fault("too_many", 2)
    channel.publish(post())
    assert fake.too_many == 2 and channel.client().too_many == 2
    assert len(fake.channel_messages()) == 1


def test_429s_that_go_on_hand_the_engine_a_retry_after(channel: MaxChannel,
                                                       fake: FakeMax) -> None:
    fake.set_fault("too_many", 10)
    with pytest.raises(RateLimitedError, match="too many requests") as caught:
        channel.publish(post())
    assert caught.value.retry_after and caught.value.retry_after > 0
    assert fake.channel_messages() == []


def test_publishing_faster_than_30_a_second_is_paced_under_the_limit(tmp_path: Path) -> None:
    class Paced(MaxChannel):  # a fifth of MAX's second, long enough for a busy machine
        pace_window = 0.2 * 1.05

    with FakeMax(rate_window=0.2) as fake:
        fast = make_channel(tmp_path, fake, channel_class=Paced)
        for n in range(40):  # 40 posts: over the fake's 30-a-window limit if unpaced
            fast.publish(post(n, text=f"Новость {n}"))
        assert fake.too_many == 0 and len(fake.channel_messages()) == 40
        fast.close()


def test_a_revoked_token_is_named_plainly_and_never_shown(channel: MaxChannel,
                                                          fake: FakeMax) -> None:
    fake.revoke("bot")
    with pytest.raises(AuthError) as caught:
        channel.publish(post())
    message = str(caught.value)
    assert "MAX_BOT_TOKEN" in message and "docs/max.md" in message
    assert "revoked" in message and "business.max.ru" in message
    assert fake.token("bot") not in message


def test_a_bot_without_the_right_to_post_is_told_what_to_do(channel: MaxChannel,
                                                            fake: FakeMax) -> None:
    fake.set_rights("no_write")
    with pytest.raises(AuthError, match="administrator with the right to write posts"):
        channel.publish(post())


def test_a_gone_chat_is_permanent(tmp_path: Path, fake: FakeMax) -> None:
    gone = make_channel(tmp_path, fake, chat_id=-72_000_000_000_999)
    with pytest.raises(PermanentError, match="chat_id is wrong"):
        gone.publish(post())


def test_outages_and_5xx_are_retried_later(channel: MaxChannel, fake: FakeMax) -> None:
    fake.set_fault("outage", 1)
    with pytest.raises(TransientError, match="HTTP 503"):
        channel.publish(post())
    fake.set_fault("server_error", 1)
    with pytest.raises(TransientError, match="HTTP 500"):
        channel.audience()
    assert channel.audience() == fake.store.world.members


def test_an_unreachable_max_is_transient(tmp_path: Path, fake: FakeMax) -> None:
    url = fake.url
    fake.stop()
    unreachable = make_channel(tmp_path, fake, api_url=url)
    with pytest.raises(TransientError, match="could not be reached"):
        unreachable.publish(post())
    fake.start()


def test_the_token_counts_only_in_the_authorization_header(fake: FakeMax) -> None:
    token = fake.token("bot")
    in_query = requests.get(f"{fake.url}/me", params={"access_token": token}, timeout=5)
    assert in_query.status_code == 401 and in_query.json()["code"] == "verify.token"
    in_header = requests.get(f"{fake.url}/me", headers={"Authorization": token}, timeout=5)
    assert in_header.status_code == 200 and in_header.json()["is_bot"] is True


# --- outreach channels check ---


def test_check_says_the_token_works_and_the_bot_may_post(channel: MaxChannel) -> None:
    results = channel.check()
    assert all(r.ok for r in results), results
    assert "works" in results[0].message and "may post" in results[-1].message
    assert any("long polling" in r.message for r in results)


@pytest.mark.parametrize(("rights", "said", "fix"), [
    ("no_write", "lacks the right to write posts", "give the bot the right"),
    ("member", "not an administrator", "make the bot an administrator"),
    ("removed", "not in", "add the bot to the channel again"),
])
def test_check_names_what_the_bot_lacks_and_what_to_do(channel: MaxChannel, fake: FakeMax,
                                                       rights: str, said: str,
                                                       fix: str) -> None:
    fake.set_rights(rights)
    *_, last = channel.check()
    assert not last.ok and said in last.message and fix in (last.fix or "")


def test_check_of_a_refused_token_points_to_the_partner_platform(channel: MaxChannel,
                                                                 fake: FakeMax) -> None:
    fake.revoke("bot")
    [result] = channel.check()
    assert not result.ok and "MAX_BOT_TOKEN" in result.message
    assert "business.max.ru" in (result.fix or "") and "moderation" in (result.fix or "")


def test_check_of_another_bots_token_says_it_does_not_see_the_channel(
        tmp_path: Path, fake: FakeMax) -> None:
    stranger = make_channel(tmp_path, fake, token="stranger", bot_name="other_bot")
    results = stranger.check()
    assert [r.ok for r in results] == [True, False, True, False]
    assert "other_bot" in results[1].message and "long polling" in results[2].message
    assert "does not see chat" in results[3].message


def test_channels_check_speaks_plain_russian(workdir: Path, fake: FakeMax) -> None:
    (workdir / "config.toml").write_text(
        f'[channels.max-main]\nplugin = "max"\ntoken_env = "MAX_BOT_TOKEN"\n'
        f'chat_id = {fake.describe()["chat_id"]}\nbot_name = "outreach_sandbox_bot"\n'
        f'api_url = "{fake.url}"\n', encoding="utf-8")
    fake.set_rights("member")
    result = CliRunner().invoke(cli, ["channels", "check", "max-main"],
                                env={"OUTREACH_LANG": "ru", "MAX_BOT_TOKEN": fake.token()})
    assert "токен" in result.output.lower() and "администратор" in result.output, result.output
    assert fake.token() not in result.output
