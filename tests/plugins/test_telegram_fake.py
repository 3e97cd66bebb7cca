"""The fake Bot API, driven by the real python-telegram-bot client over loopback."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fake_support import hang_up_during, mode, wait_until
from PIL import Image
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, error
from telegram_support import (
    API_JSON,
    CHANNEL,
    spec_problems,
    telegram_fake,  # noqa: F401  (the fake fixture)
)

from outreach_telegram.fake import FakeTelegram, Limits
from outreach_telegram.fake.spec import SpecChecker


def call(fake: FakeTelegram, work, token: str | None = None):
    """Run ``work(bot)`` with a freshly initialised client bot pointed at the fake."""

    async def main():
        bot = Bot(token or fake.token, base_url=f"{fake.url}/bot",
                  base_file_url=f"{fake.url}/file/bot")
        async with bot:
            return await work(bot)

    return asyncio.run(main())


def jpeg(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, "JPEG")
    return out.getvalue()


def test_every_method_answers_with_the_fields_the_spec_requires(fake: FakeTelegram) -> None:
    fake.script_start(555, "abc_123")

    async def work(bot: Bot):
        await bot.get_me()
        await bot.send_message(CHANNEL, "<b>Привет</b>", parse_mode="HTML")
        await bot.send_photo(CHANNEL, jpeg(), caption="фото")
        await bot.send_media_group(CHANNEL, [InputMediaPhoto(jpeg()), InputMediaPhoto(jpeg())])
        await bot.get_chat(CHANNEL)
        me = await bot.get_me()
        await bot.get_chat_member(CHANNEL, me.id)
        await bot.get_chat_member(CHANNEL, 555)
        await bot.get_chat_member_count(CHANNEL)
        await bot.create_chat_invite_link(CHANNEL, name="Пенсионный фонд, Миасс")
        asked = await bot.send_message(555, "Да?", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Да", callback_data="yes")]]))
        await bot.answer_callback_query(fake.press(555, asked.message_id, "yes"))
        with pytest.raises(error.BadRequest, match="(?i)query id is invalid"):
            await bot.answer_callback_query("1")  # an id Telegram never gave
        await bot.set_webhook("https://example.org/hook")
        await bot.get_webhook_info()
        await bot.delete_webhook()
        await asyncio.sleep(0.5)  # half an hour of the fake's clock: reactions arrive
        return await bot.get_updates(allowed_updates=["message", "message_reaction_count"])

    updates = call(fake, work)
    methods = {method for method, _ in fake.responses}
    assert methods == {"getMe", "sendMessage", "sendPhoto", "sendMediaGroup", "getChat",
                       "getChatMember", "getChatMemberCount", "createChatInviteLink",
                       "answerCallbackQuery", "getUpdates", "setWebhook", "getWebhookInfo",
                       "deleteWebhook"}
    assert updates[0].message.text == "/start abc_123"
    assert any(u.message_reaction_count for u in updates)
    assert spec_problems(fake) == []


def test_the_spec_check_finds_a_missing_required_field() -> None:
    checker = SpecChecker(API_JSON)
    message = {"message_id": 1, "date": 1, "chat": {"id": 1}}
    assert checker.problems("sendMessage", message) == ["Chat.type missing at sendMessage.chat"]


def test_unknown_token_is_401(fake: FakeTelegram) -> None:
    with pytest.raises(error.InvalidToken):
        call(fake, lambda bot: bot.get_me(), token="1:wrong")


def test_bot_removed_from_the_channel_is_403(fake: FakeTelegram) -> None:
    fake.remove_bot(CHANNEL)
    with pytest.raises(error.Forbidden, match="(?i)bot is not a member of the channel chat"):
        call(fake, lambda bot: bot.send_message(CHANNEL, "hi"))


def test_unknown_chat_is_400_chat_not_found(fake: FakeTelegram) -> None:
    with pytest.raises(error.BadRequest, match="(?i)chat not found"):
        call(fake, lambda bot: bot.send_message("@nobody_here", "hi"))


def test_lengths_are_counted_after_parsing_in_utf16(fake: FakeTelegram) -> None:
    with pytest.raises(error.BadRequest, match="(?i)message is too long"):
        call(fake, lambda bot: bot.send_message(CHANNEL, "я" * 4097))
    with pytest.raises(error.BadRequest, match="(?i)message caption is too long"):
        call(fake, lambda bot: bot.send_photo(CHANNEL, jpeg(), caption="😀" * 513))
    # Markup does not count: 4096 letters in bold fit.
    sent = call(fake, lambda bot: bot.send_message(CHANNEL, "<b>" + "я" * 4096 + "</b>",
                                                   parse_mode="HTML"))
    assert len(sent.text) == 4096


@pytest.mark.parametrize("count", [1, 11])
def test_an_album_has_two_to_ten_items(fake: FakeTelegram, count: int) -> None:
    # python-telegram-bot refuses such albums itself; other clients may not.
    media = [{"type": "photo", "media": f"attach://p{i}"} for i in range(count)]
    request = urllib.request.Request(
        f"{fake.url}/bot{fake.token}/sendMediaGroup", method="POST",
        data=json.dumps({"chat_id": CHANNEL, "media": media}).encode(),
        headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    answer = json.load(caught.value)
    assert caught.value.code == 400
    assert answer == {"ok": False, "error_code": 400, "description":
                      "Bad Request: wrong number of media in the album: must include 2-10 items"}


@pytest.mark.parametrize(("text", "mode", "wording"), [
    ("<b>bold", "HTML", "Can't find end tag corresponding to start tag \"b\""),
    ("a <br> b", "HTML", "Unsupported start tag \"br\" at byte offset 2"),
    ("<b><i>x</b></i>", "HTML", "Unmatched end tag"),
    ("Итоги встречи.", "MarkdownV2", "Character '.' is reserved"),
    ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
])
def test_malformed_entities_are_refused_in_telegrams_words(
        fake: FakeTelegram, text: str, mode: str, wording: str) -> None:
    with pytest.raises(error.BadRequest, match="(?i)can't parse entities") as caught:
        call(fake, lambda bot: bot.send_message(CHANNEL, text, parse_mode=mode))
    assert wording.lower() in caught.value.message.lower()  # the client recases the text


def test_photos_outside_telegrams_limits_are_refused(fake: FakeTelegram) -> None:
    with pytest.raises(error.BadRequest, match="(?i)PHOTO_INVALID_DIMENSIONS"):
        call(fake, lambda bot: bot.send_photo(CHANNEL, jpeg(2100, 100)))


def test_twenty_one_messages_a_minute_to_one_chat_get_429_with_retry_after() -> None:
    with FakeTelegram() as fake:
        async def work(bot: Bot):
            for number in range(20):
                await bot.send_message(CHANNEL, f"message {number}")
            await bot.send_message(CHANNEL, "one too many")

        with pytest.raises(error.RetryAfter) as caught:
            call(fake, work)
        assert 55 <= caught.value._retry_after.total_seconds() <= 60
        assert len(fake.messages(CHANNEL)) == 20
        assert fake.count_429 == 1


def test_an_album_counts_as_its_number_of_messages() -> None:
    with FakeTelegram(limits=Limits(per_chat=5)) as fake:
        async def work(bot: Bot):
            await bot.send_media_group(CHANNEL, [InputMediaPhoto(jpeg()) for _ in range(4)])
            await bot.send_media_group(CHANNEL, [InputMediaPhoto(jpeg()) for _ in range(2)])

        with pytest.raises(error.RetryAfter):
            call(fake, work)
        assert len(fake.messages(CHANNEL)) == 4


def test_more_than_thirty_messages_a_second_overall_get_429() -> None:
    with FakeTelegram(limits=Limits(overall=3, overall_window=60)) as fake:
        other = fake.add_channel("second_channel")

        async def work(bot: Bot):
            for chat in (CHANNEL, "@second_channel", CHANNEL, other.id):
                await bot.send_message(chat, "hello")

        with pytest.raises(error.RetryAfter):
            call(fake, work)


def test_a_second_long_poll_ends_the_first_with_409_conflict(fake: FakeTelegram) -> None:
    async def work(bot: Bot):
        # A second program with the same token, as when two copies run by mistake.
        other = Bot(fake.token, base_url=f"{fake.url}/bot")
        async with other:
            first = asyncio.create_task(bot.get_updates(timeout=5))
            await asyncio.sleep(0.3)
            second = asyncio.create_task(other.get_updates(timeout=0))
            return await asyncio.gather(first, second, return_exceptions=True)

    first, second = call(fake, work)
    assert isinstance(first, error.Conflict)
    assert "terminated by other getUpdates request" in first.message
    assert second == ()


def test_long_polling_returns_as_soon_as_an_update_comes(fake: FakeTelegram) -> None:
    async def work(bot: Bot):
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, fake.script_start, 777, "poster-miass")
        started = loop.time()
        updates = await bot.get_updates(timeout=10, allowed_updates=["message"])
        return updates, loop.time() - started

    updates, took = call(fake, work)
    assert [u.message.text for u in updates] == ["/start poster-miass"]
    assert updates[0].message.chat.type == "private"
    assert took < 2


def test_offset_confirms_updates_and_allowed_updates_filters_them(fake: FakeTelegram) -> None:
    fake.script_start(1, "a")
    fake.script_start(2, "b")

    async def work(bot: Bot):
        only_reactions = await bot.get_updates(allowed_updates=["message_reaction_count"])
        everything = await bot.get_updates(allowed_updates=["message"])
        after = await bot.get_updates(offset=everything[0].update_id + 1)
        return only_reactions, everything, after

    only_reactions, everything, after = call(fake, work)
    assert only_reactions == ()
    assert [u.message.text for u in everything] == ["/start a", "/start b"]
    assert [u.message.text for u in after] == ["/start b"]


def test_reactions_and_members_grow_on_the_fakes_clock() -> None:
    with FakeTelegram(time_scale=36_000) as fake:  # ten hours a second
        async def work(bot: Bot):
            await bot.send_message(CHANNEL, "hello")
            before = await bot.get_chat_member_count(CHANNEL)
            await asyncio.sleep(1.0)
            updates = await bot.get_updates(allowed_updates=["message_reaction_count"])
            return before, await bot.get_chat_member_count(CHANNEL), updates

        before, after, updates = call(fake, work)
    assert after > before
    last = updates[-1].message_reaction_count
    assert last.message_id == 1 and sum(r.total_count for r in last.reactions) >= 2


def test_faults_outage_and_slow_answers() -> None:
    with FakeTelegram() as fake:
        fake.set_faults(outage=True)
        with pytest.raises(error.NetworkError, match="(?i)Bad Gateway"):
            call(fake, lambda bot: bot.get_me())
        fake.set_faults(outage=False, slow=1.0)

        async def slow(bot: Bot):
            return await bot.get_chat_member_count(CHANNEL, read_timeout=0.2)

        with pytest.raises(error.TimedOut):
            call(fake, slow)


def test_inspection_and_admin_endpoints(fake: FakeTelegram) -> None:
    call(fake, lambda bot: bot.send_message(CHANNEL, "для проверки", disable_notification=True))
    with urllib.request.urlopen(f"{fake.url}/_sandbox/chats/@sandbox_channel/messages") as got:
        held = json.load(got)
    assert [m["text"] for m in held["messages"]] == ["для проверки"]
    assert held["messages"][0]["_silent"] is True
    request = urllib.request.Request(f"{fake.url}/_sandbox/faults", method="POST",
                                     data=json.dumps({"remove_bot": CHANNEL}).encode())
    urllib.request.urlopen(request).close()
    with pytest.raises(error.Forbidden):
        call(fake, lambda bot: bot.send_message(CHANNEL, "hi"))


def test_state_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    with FakeTelegram(tmp_path) as fake:
        call(fake, lambda bot: bot.send_message(CHANNEL, "first"))
    with FakeTelegram(tmp_path) as again:
        sent = call(again, lambda bot: bot.send_message(CHANNEL, "second"))
        assert [m["text"] for m in again.messages(CHANNEL)] == ["first", "second"]
    assert sent.message_id == 2


def test_the_state_file_with_the_simulated_peoples_phones_is_the_owners_alone(
        tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with FakeTelegram(tmp_path / "sandbox" / "telegram", time_scale=3600) as running:
            # What the sign-up desk tells the coordinators' chat, kept in the state file.
            call(running, lambda bot: bot.send_message(
                "@sandbox_coordinators", "Новый доброволец: Галина Иванова, +79123456789"))
    finally:
        os.umask(old)
    saved = tmp_path / "sandbox" / "telegram" / "telegram-fake.json"
    assert "+79123456789" in saved.read_text(encoding="utf-8")
    assert mode(saved) == 0o600
    assert mode(saved.parent) == 0o700
    assert [p.name for p in saved.parent.iterdir()] == ["telegram-fake.json"]


def test_a_service_killed_during_a_long_poll_is_one_line_not_a_traceback(
        fake: FakeTelegram, capfd: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "outreach.sandbox")
    hang_up_during(fake.url, "POST", f"/bot{fake.token}/getUpdates", b'{"timeout": 1}')

    assert wait_until(lambda: "hung up" in caplog.text)
    time.sleep(0.2)
    [line] = [r.getMessage() for r in caplog.records if r.name == "outreach.sandbox"]
    assert line.startswith("telegram sandbox: a client hung up before its answer was sent (")
    assert "nothing is lost" in line and "Error" not in line  # no exception name to read
    assert "Traceback" not in capfd.readouterr().err


def test_an_update_comes_again_until_an_offset_past_it_confirms_it(fake: FakeTelegram) -> None:
    """What a new reader of the bot relies on after a takeover (Bot API getUpdates: "By
    default, updates starting with the earliest unconfirmed update are returned")."""
    fake.script_start(1, "a")
    fake.script_start(2, "b")

    async def work(bot: Bot):
        read = await bot.get_updates(allowed_updates=["message"])
        again = await bot.get_updates()  # a reader that died before confirming them
        confirmed = await bot.get_updates(offset=read[0].update_id + 1)
        lower = await bot.get_updates(offset=read[0].update_id)  # a stale offset
        return read, again, confirmed, lower

    read, again, confirmed, lower = call(fake, work)
    assert [u.update_id for u in again] == [u.update_id for u in read]
    assert [u.message.text for u in confirmed] == ["/start b"]
    assert [u.message.text for u in lower] == ["/start b"]  # a confirmed one never returns


def test_people_send_photos_albums_files_and_videos_the_bot_downloads(
        fake: FakeTelegram, tmp_path: Path) -> None:
    original = jpeg(3000, 2000)  # over 2560: Telegram's largest size is smaller
    fake.send_photos(701, [original, jpeg(800, 600)], caption="Субботник")
    fake.send_document(701, jpeg(900, 900), "IMG_1.jpg", "image/jpeg")
    fake.send_video(701, b"\0" * 2048)
    big = tmp_path / "big.bin"
    with big.open("wb") as out:
        out.truncate(20 * 1024 * 1024 + 1)
    fake.send_document(701, big, "film.mov", "video/quicktime")

    async def work(bot: Bot):
        updates = await bot.get_updates()
        first, second, document, video, too_big = (u.message for u in updates)
        largest = first.photo[-1]
        got = await (await bot.get_file(largest.file_id)).download_as_bytearray()
        original_file = await bot.get_file(document.document.file_id)
        kept = await original_file.download_as_bytearray()
        with pytest.raises(error.BadRequest, match="(?i)file is too big"):
            await bot.get_file(too_big.document.file_id)
        return first, second, document, video, largest, bytes(got), bytes(kept), original_file

    first, second, document, video, largest, got, kept, original_file = call(fake, work)
    # An album: one message per photo with one media_group_id, the caption on the first.
    assert first.media_group_id and first.media_group_id == second.media_group_id
    assert first.caption == "Субботник" and second.caption is None
    assert [(s.width, s.height) for s in first.photo] == [(320, 213), (2560, 1707)]
    assert max(largest.width, largest.height) == 2560 and len(got) == largest.file_size
    assert kept == jpeg(900, 900) and document.document.file_name == "IMG_1.jpg"
    assert original_file.file_path.startswith(f"{fake.url}/file/bot{fake.token}/")
    assert video.video.duration > 0 and video.video.mime_type == "video/mp4"
    # The same photo sent again keeps its file_unique_id (Telegram: "the same over time").
    again = fake.send_photos(701, [jpeg(800, 600)])[0]
    assert again["photo"][-1]["file_unique_id"] == second.photo[-1].file_unique_id
    with pytest.raises(urllib.error.HTTPError) as missing:  # a wrong token downloads nothing
        urllib.request.urlopen(f"{fake.url}/file/bot1:wrong/{original_file.file_path.split('/')[-2]}")
    assert missing.value.code == 404
    assert spec_problems(fake) == []


def test_buttons_in_a_group_are_pressed_answered_and_edited_away(fake: FakeTelegram) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Одобрить", callback_data="c:a:1")]])

    async def card(bot: Bot):
        return await bot.send_photo("@sandbox_coordinators", jpeg(), caption="Отчёт",
                                    reply_markup=markup)

    sent = call(fake, card)
    query_id = fake.press(702, sent.message_id, "c:a:1", chat_id="@sandbox_coordinators")
    with pytest.raises(ValueError):  # no such button: nothing is pressed
        fake.press(702, sent.message_id, "c:forged:1", chat_id="@sandbox_coordinators")

    async def decide(bot: Bot):
        [update] = await bot.get_updates(allowed_updates=["callback_query"])
        query = update.callback_query
        await query.answer("Одобрено")
        edited = await bot.edit_message_reply_markup(query.message.chat.id,
                                                      query.message.message_id)
        with pytest.raises(error.BadRequest, match="(?i)not modified"):
            await bot.edit_message_reply_markup(query.message.chat.id,
                                                query.message.message_id)
        text = await bot.send_message("@sandbox_coordinators", "Жду")
        changed = await bot.edit_message_text("Готово", text.chat.id, text.message_id)
        return query, edited, changed

    query, edited, changed = call(fake, decide)
    assert query.data == "c:a:1" and query.message.chat.type == "supergroup"
    assert fake.query_answer(query_id) == "Одобрено"
    assert edited.reply_markup is None and changed.text == "Готово"
    assert spec_problems(fake) == []


# --- what Telegram does that the fake once did not (issue 16; fake/BEHAVIOURS.md) ---

def test_get_updates_is_409_while_a_webhook_is_set_until_it_is_deleted(
        fake: FakeTelegram) -> None:
    fake.script_start(1, "a")

    async def work(bot: Bot):
        assert await bot.set_webhook("https://example.org/hook", max_connections=5)
        info = await bot.get_webhook_info()
        try:
            await bot.get_updates(timeout=0)
        except error.Conflict as exc:
            refused = exc.message
        else:
            refused = ""
        assert await bot.delete_webhook()
        after = await bot.get_updates(timeout=0)
        return info, refused, after, await bot.get_webhook_info()

    info, refused, after, cleared = call(fake, work)
    assert info.url == "https://example.org/hook"
    assert info.pending_update_count == 1 and info.max_connections == 5
    assert "can't use getupdates method while webhook is active" in refused.lower()
    assert [u.message.text for u in after] == ["/start a"]  # kept while the webhook was set
    assert cleared.url == "" and cleared.pending_update_count == 1


def test_a_webhook_needs_https_and_drop_pending_updates_empties_the_queue(
        fake: FakeTelegram) -> None:
    fake.script_start(1, "a")

    async def work(bot: Bot):
        with pytest.raises(error.BadRequest, match="(?i)https url must be provided"):
            await bot.set_webhook("http://example.org/hook")
        await bot.set_webhook("https://example.org/hook")
        await bot.delete_webhook(drop_pending_updates=True)
        return await bot.get_updates(timeout=0), await bot.get_webhook_info()

    updates, info = call(fake, work)
    assert updates == () and info.pending_update_count == 0


def test_updates_are_kept_for_24_hours_only(fake: FakeTelegram) -> None:
    fake.script_start(1, "old")
    fake.state.advance(20 * 3600)
    fake.script_start(2, "newer")
    fake.state.advance(5 * 3600)  # "old" is now 25 hours old, "newer" 5

    updates = call(fake, lambda bot: bot.get_updates(allowed_updates=["message"]))
    assert [u.message.text for u in updates] == ["/start newer"]


def test_offset_minus_one_returns_the_last_update_and_forgets_the_earlier(
        fake: FakeTelegram) -> None:
    for user, code in ((1, "a"), (2, "b"), (3, "c")):
        fake.script_start(user, code)

    async def work(bot: Bot):
        last = await bot.get_updates(offset=-1, allowed_updates=["message"])
        again = await bot.get_updates()
        return last, again

    last, again = call(fake, work)
    assert [u.message.text for u in last] == ["/start c"]
    assert [u.message.text for u in again] == ["/start c"]  # a and b are gone for good


@pytest.mark.parametrize(("text", "wording"), [
    ("<span>x</span>", "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"),
    ("ab <span class=\"bold\">x</span>",
     "Tag \"span\" must have class \"tg-spoiler\" at byte offset 3"),
    ("<tg-emoji>👍</tg-emoji>", "Invalid custom emoji identifier specified"),
    ("<tg-emoji emoji-id=\"x\">👍</tg-emoji>", "Invalid custom emoji identifier specified"),
])
def test_html_tags_missing_what_telegram_requires_are_refused(
        fake: FakeTelegram, text: str, wording: str) -> None:
    with pytest.raises(error.BadRequest, match="(?i)can't parse entities") as caught:
        call(fake, lambda bot: bot.send_message(CHANNEL, text, parse_mode="HTML"))
    assert wording.lower() in caught.value.message.lower()


def test_html_entities_as_telegram_reads_them(fake: FakeTelegram) -> None:
    text = ("<span class=\"tg-spoiler\">s</span> <a>plain</a> <a>example.org</a> "
            "<a href='https://t.me/x'>l</a> <tg-emoji emoji-id=\"5368324170671202286\">👍"
            "</tg-emoji>\n<blockquote expandable>q</blockquote><blockquote>r</blockquote>")
    sent = call(fake, lambda bot: bot.send_message(CHANNEL, text, parse_mode="HTML"))
    units = sent.text.encode("utf-16-le")  # offsets count UTF-16 code units
    found = {(e.type, units[e.offset * 2:(e.offset + e.length) * 2].decode("utf-16-le")): e
             for e in sent.entities}
    assert set(found) == {("spoiler", "s"), ("text_link", "example.org"),
                          ("text_link", "l"), ("custom_emoji", "👍"),
                          ("expandable_blockquote", "q"), ("blockquote", "r")}
    assert found[("text_link", "example.org")].url == "example.org"
    assert found[("text_link", "l")].url == "https://t.me/x"
    assert found[("custom_emoji", "👍")].custom_emoji_id == "5368324170671202286"
    assert "plain" in sent.text  # <a> without href or a link in it: plain text


def test_text_length_counts_utf16_code_units_after_parsing(fake: FakeTelegram) -> None:
    # 2,048 emoji outside the BMP are 4,096 UTF-16 code units: the most a message may hold.
    sent = call(fake, lambda bot: bot.send_message(CHANNEL, "😀" * 2048))
    assert sent.text == "😀" * 2048
    with pytest.raises(error.BadRequest, match="(?i)message is too long"):
        call(fake, lambda bot: bot.send_message(CHANNEL, "😀" * 2048 + "!"))
    # Entity offsets are UTF-16 too: the bold word after an emoji starts at 3, not 2.
    sent = call(fake, lambda bot: bot.send_message(CHANNEL, "😀 <b>да</b>", parse_mode="HTML"))
    assert [(e.offset, e.length) for e in sent.entities] == [(3, 2)]


def test_a_reaction_count_older_than_24_hours_is_gone(fake: FakeTelegram) -> None:
    sent = call(fake, lambda bot: bot.send_message(CHANNEL, "Встреча"))
    fake.state.advance(7 * 3600)  # every reaction has come (within six hours of posting)
    fake.state.advance(24 * 3600)  # ... and the latest of them is over a day old now

    updates = call(fake, lambda bot: bot.get_updates(
        allowed_updates=["message_reaction_count"]))
    assert [u for u in updates if u.message_reaction_count.message_id == sent.message_id] == []
    with fake.state.lock:
        chat = fake.state.find_chat(CHANNEL)
        assert sum(fake.state.reactions_now(chat, fake.messages(CHANNEL)[0])) > 0


def test_a_sandbox_run_again_never_reuses_an_earlier_runs_people(tmp_path: Path) -> None:
    """The service remembers each Telegram user who signed up: a new simulated person with
    an earlier run's user id was greeted "Здравствуйте снова!" and overwrote that sign-up."""
    with FakeTelegram(tmp_path) as first:
        earlier = {first.simulate_person("MAC-1").user_id for _ in range(3)}
    with FakeTelegram(tmp_path) as again:
        later = again.simulate_person("MAC-1").user_id
    assert later not in earlier
    with FakeTelegram(tmp_path) as returning:  # a person asked back by id is still that one
        assert returning.simulate_person("MAC-1", user_id=min(earlier)).user_id == min(earlier)
