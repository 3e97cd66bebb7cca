"""The Telegram channel publishing through the real python-telegram-bot client to the fake."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from language_support import english_words
from PIL import Image
from telegram_support import (
    CHANNEL,
    telegram_fake,  # noqa: F401  (the fake fixture)
)

from outreach.channels import (
    AuthError,
    PermanentError,
    Post,
    PostPhoto,
    RateLimitedError,
    Reconciled,
    TransientError,
)
from outreach.i18n import language
from outreach_telegram import TelegramChannel, loop
from outreach_telegram.fake import FakeTelegram, Limits
from outreach_telegram.pacing import FloodLimits
from outreach_testing import make_registry, make_test_config


def make_channel(tmp_path: Path, fake: FakeTelegram, **settings) -> Iterator[TelegramChannel]:
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": CHANNEL,
               "api_url": fake.url, **settings}
    registry = make_registry(make_test_config(tmp_path, {"tg": section}), [TelegramChannel],
                             env={"TG_TOKEN": fake.token})
    assert registry.problems("tg") == []
    try:
        yield registry.get("tg")
    finally:
        registry.close()


@pytest.fixture
def channel(tmp_path: Path, fake: FakeTelegram) -> Iterator[TelegramChannel]:
    yield from make_channel(tmp_path, fake)


def photos(tmp_path: Path, count: int) -> list[PostPhoto]:
    made = []
    for number in range(count):
        path = tmp_path / f"photo-{number}.jpg"
        Image.new("RGB", (80, 60), (number * 20, 100, 150)).save(path, "JPEG")
        made.append(PostPhoto(path=path))
    return made


def post(text: str, pictures: list[PostPhoto] = (), number: int = 1) -> Post:
    return Post(publication_id=number, idempotency_key=f"k{number}", text=text,
                title="Серебряные волонтёры", photos=tuple(pictures))


def test_text_goes_as_a_message_with_its_public_link(channel, fake) -> None:
    published = channel.publish(post("Встреча в школе №5 <3 & чай"))
    [message] = fake.messages(CHANNEL)
    assert message["text"] == "Встреча в школе №5 <3 & чай"  # escaped, shown as written
    assert published.external_id == str(message["message_id"])
    assert published.url == f"https://t.me/sandbox_channel/{message['message_id']}"


def test_one_photo_goes_with_its_caption(channel, fake, tmp_path) -> None:
    channel.publish(post("Урок финансовой грамотности", photos(tmp_path, 1)))
    [message] = fake.messages(CHANNEL)
    assert message["caption"] == "Урок финансовой грамотности" and message["photo"]


def test_an_album_carries_the_caption_on_its_first_item(channel, fake, tmp_path) -> None:
    published = channel.publish(post("Фотоотчёт https://example.org/a_b?x=1&y=2",
                                     photos(tmp_path, 3)))
    messages = fake.messages(CHANNEL)
    assert len(messages) == 3 and len({m["media_group_id"] for m in messages}) == 1
    assert messages[0]["caption"] == "Фотоотчёт https://example.org/a_b?x=1&y=2"
    assert "caption" not in messages[1] and "caption" not in messages[2]
    assert published.external_id == str(messages[0]["message_id"])


def test_a_caption_too_long_as_telegram_counts_follows_the_photos_as_a_reply(
        channel, fake, tmp_path) -> None:
    text = "😀" * 600 + " Запишитесь: https://t.me/bot?start=CODE"  # 641 characters; 1241 in UTF-16
    published = channel.publish(post(text, photos(tmp_path, 2)))
    album_first, album_second, reply = fake.messages(CHANNEL)
    assert "caption" not in album_first
    assert reply["text"] == text
    assert reply["reply_to_message"]["message_id"] == album_first["message_id"]
    assert published.external_id == str(album_first["message_id"])


def test_markdown_v2_text_is_escaped_and_reads_as_written(tmp_path, fake) -> None:
    text = "Итоги (2026): 5+3=8 участников! *не жирный* _не курсив_ [ссылка] #тег a.b-c|d"
    for channel in make_channel(tmp_path, fake, parse_mode="MarkdownV2"):
        channel.publish(post(text))
    assert fake.messages(CHANNEL)[0]["text"] == text


def test_a_private_channel_gets_the_t_me_c_link(tmp_path, fake) -> None:
    private = fake.add_channel(None, "Закрытый")
    for channel in make_channel(tmp_path, fake, chat_id=private.id):
        published = channel.publish(post("Для своих"))
    assert published.url == f"https://t.me/c/{str(private.id)[4:]}/1"


def test_quiet_hours_post_silently_in_the_channels_time_zone(tmp_path, fake) -> None:
    for channel in make_channel(tmp_path, fake, quiet_hours="22:00-08:00",
                                time_zone="Asia/Yekaterinburg"):
        night = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)  # 23:30 in Yekaterinburg
        day = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)  # 10:00 there
        assert channel.silent_now(night) and not channel.silent_now(day)
        channel.silent_now = lambda now=None: True  # publish "at night"
        channel.publish(post("Ночной пост"))
    assert fake.messages(CHANNEL)[0]["_silent"] is True


def test_bot_removed_is_permanent_in_plain_words(channel, fake) -> None:
    fake.remove_bot(CHANNEL)
    with pytest.raises(PermanentError, match="removed from the channel or blocked"):
        channel.publish(post("Привет"))


def test_chat_not_found_is_permanent(tmp_path, fake) -> None:
    for channel in make_channel(tmp_path, fake, chat_id="@no_such_channel"):
        with pytest.raises(PermanentError, match="cannot find this chat; check chat_id"):
            channel.publish(post("Привет"))


def test_a_revoked_token_is_an_auth_error_without_the_token(tmp_path, fake) -> None:
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": CHANNEL,
               "api_url": fake.url}
    registry = make_registry(make_test_config(tmp_path, {"tg": section}), [TelegramChannel],
                             env={"TG_TOKEN": "123:revoked-secret"})
    try:
        with pytest.raises(AuthError, match="@BotFather") as caught:
            registry.get("tg").publish(post("Привет"))
        assert "revoked-secret" not in str(caught.value)
    finally:
        registry.close()


def test_outage_and_timeouts_are_transient(tmp_path, fake) -> None:
    for channel in make_channel(tmp_path, fake, timeout=0.3):
        fake.set_faults(outage=True)
        with pytest.raises(TransientError, match="will retry"):
            channel.publish(post("Привет"))
        fake.set_faults(outage=False, slow=1.0)
        with pytest.raises(TransientError, match="did not answer in time"):
            channel.publish(post("Привет"))
        fake.set_faults(slow=0)


def test_a_short_429_is_waited_out_and_retried(tmp_path) -> None:
    with FakeTelegram(time_scale=60, limits=Limits(per_chat=2)) as fake:
        for channel in make_channel(tmp_path, fake):
            started = time.monotonic()
            for number in range(3):
                channel.publish(post(f"Пост {number}", number=number))
            took = time.monotonic() - started
        assert [m["text"] for m in fake.messages(CHANNEL)] == ["Пост 0", "Пост 1", "Пост 2"]
        assert fake.count_429 == 1 and 0.9 < took < 5


def test_a_long_429_goes_back_to_the_engine_with_retry_after(tmp_path) -> None:
    with FakeTelegram(limits=Limits(per_chat=1)) as fake:
        for channel in make_channel(tmp_path, fake):
            channel.publish(post("Первый"))
            with pytest.raises(RateLimitedError) as caught:
                channel.publish(post("Второй"))
    assert 55 <= caught.value.retry_after <= 60


def test_pacing_keeps_under_the_per_chat_limit_without_a_single_429(tmp_path) -> None:
    with FakeTelegram(time_scale=60) as fake:  # a minute of the fake is a second
        for channel in make_channel(tmp_path, fake):
            channel.bot.pacer.limits = FloodLimits().scaled(60)
            started = time.monotonic()
            for number in range(25):
                channel.publish(post(f"Пост {number}", number=number))
            took = time.monotonic() - started
        assert len(fake.messages(CHANNEL)) == 25
        assert fake.count_429 == 0 and took >= 0.9  # the 21st waited for the window


def test_reactions_are_summed_per_post_and_views_are_unknown(tmp_path) -> None:
    with FakeTelegram(time_scale=36_000) as fake:
        for channel in make_channel(tmp_path, fake):
            album = channel.publish(post("Альбом", photos(tmp_path, 2)))
            single = channel.publish(post("Текст", number=2))
            time.sleep(1.0)  # ten hours of the fake: every reaction has come
            counts = {e.external_id: e for e in channel.engagement(
                [album.external_id, single.external_id])}
            state = fake.state
            chat = state.find_chat(CHANNEL)
            expected = {m["message_id"]: sum(state.reactions_now(chat, m))
                        for m in chat.messages}
    assert counts[album.external_id].reactions == expected[1] + expected[2]
    assert counts[single.external_id].reactions == expected[3]
    assert counts[single.external_id].views is None


def test_audience_is_the_member_count(channel, fake) -> None:
    assert channel.audience() == fake.state.member_count(fake.state.find_chat(CHANNEL))


def test_check_says_whether_the_bot_can_post_and_read_reactions(tmp_path, fake) -> None:
    member = fake.add_channel("members_only", bot_status="member")
    for channel in make_channel(tmp_path, fake):
        assert all(r.ok for r in channel.check())
    for channel in make_channel(tmp_path / "m", fake, chat_id="@members_only"):
        results = channel.check()
    messages = [r.message for r in results if not r.ok]
    assert any("may not post" in m for m in messages)
    assert any("cannot read reactions" in m for m in messages)
    fake.remove_bot(member.id)
    for channel in make_channel(tmp_path / "k", fake, chat_id="@members_only"):
        [failed] = [r for r in channel.check() if not r.ok]
    assert "was removed from @members_only" in failed.message


def test_check_speaks_russian_to_a_russian_centre(tmp_path, fake) -> None:
    fake.add_channel("members_only", bot_status="member")
    with language("ru"):
        said = [text for name, chat in (("a", CHANNEL), ("m", "@members_only"))
                for channel in make_channel(tmp_path / name, fake, chat_id=chat)
                for result in channel.check() for text in (result.message, result.fix or "")]
    text = "\n".join(said)
    assert "бот может публиковать" in text and "не может публиковать там сообщения" in text
    assert english_words(text) == [], text


def test_signup_link_and_reconcile(tmp_path, fake) -> None:
    for channel in make_channel(tmp_path, fake, bot_username="silver_signup_bot"):
        assert channel.signup_link("poster-7_A") == \
            "https://t.me/silver_signup_bot?start=poster-7_A"
        with pytest.raises(ValueError):
            channel.signup_link("has space")
        # No idempotency key in the Bot API: an interrupted publication cannot be proven.
        assert channel.reconcile(post("x"), dt.datetime.now(dt.UTC)) == Reconciled(exists=None)


def test_channels_with_one_token_share_one_bot_on_one_loop(tmp_path, fake) -> None:
    second = fake.add_channel("second_channel")
    for first in make_channel(tmp_path, fake):
        for other in make_channel(tmp_path / "b", fake, chat_id=f"@{second.username}"):
            threads = [threading.Thread(target=c.publish, args=(post("Привет"),))
                       for c in (first, other) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert first.bot is other.bot
    assert len(fake.messages(CHANNEL)) == 3 and len(fake.messages(second.id)) == 3
    assert loop.runner().loop.is_running()


def test_updates_nobody_listens_to_yet_are_kept_for_later(channel, fake) -> None:
    fake.script_start(42, "poster-miass")
    channel.engagement([])  # reads updates for reactions: the /start must not be lost
    got = []

    async def listen(update) -> None:
        got.append(update.message.text)

    hub = channel.bot.hub
    loop.run(hub.subscribe("message", listen), timeout=10)
    assert got == ["/start poster-miass"]


def test_constructing_a_channel_touches_no_network(tmp_path) -> None:
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@x_channel",
               "api_url": "http://127.0.0.1:9"}
    registry = make_registry(make_test_config(tmp_path, {"tg": section}), [TelegramChannel])
    assert registry.get("tg").text_limits.max_caption == 1024
    registry.close()


def test_settings_are_checked(tmp_path) -> None:
    section = {"plugin": "telegram", "token_env": "123:secret", "chat_id": "my channel",
               "quiet_hours": "ночью", "parse_mode": "html"}
    problems = make_registry(make_test_config(tmp_path, {"tg": section}),
                             [TelegramChannel]).problems("tg")
    text = "\n".join(str(p) for p in problems)
    assert "not the secret itself" in text and "123:secret" not in text
    assert "@username" in text and "22:00-08:00" in text and "'html' is not one of 'HTML'" in text
