"""The Telegram channel: posts to a channel through a bot, reads reactions and audience.

A post without photos goes out with ``sendMessage`` (4096 characters), one
photo with ``sendPhoto`` and its caption (1024), 2-10 photos with
``sendMediaGroup`` and the caption on the first item. Outreach trims the
text to the caption limit by the campaign's trimming rules (links, the call
to action and the sign-up link kept whole) before it gets here; should the
caption still be too long as Telegram counts it (UTF-16: some emoji count
twice), the photos go without a caption and the text follows as a reply.

The channel composes collaborators it hands around: the ``SharedBot`` of its
token (one initialised bot, its pacer and update hub), its ``BotCalls`` (calls
on the plugin's loop, errors in plain words) and its ``Sender`` (the pacer and
the one retry helper). None of them knows the channel.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    DEEP_LINK_CODE,
    Capabilities,
    Channel,
    ChannelContext,
    CheckResult,
    Engagement,
    FakePlatform,
    Field,
    MediaLimits,
    Post,
    Published,
    TextLimits,
    _,
    check_zone,
)
from outreach_telegram import bots, freshness, loop, webhook
from outreach_telegram.calls import BotCalls
from outreach_telegram.checks import freshness_note
from outreach_telegram.sending import POSTS, Sender, send_post
from outreach_telegram.text import (
    check_chat_id,
    check_quiet_hours,
    escape,
    in_quiet_hours,
    post_url,
    telegram_length,
)
from outreach_telegram.updates import reactions_key

if TYPE_CHECKING:
    from pathlib import Path

    from outreach.channels import Card, IncomingFile, SignupDesk
    from outreach_telegram.bots import SharedBot
    from outreach_telegram.intake import Intake

DEFAULT_ZONE = "Asia/Yekaterinburg"
#: A message's link: t.me/<channel>/<id>, t.me/c/<chat>/<id> for a private channel
#: (the forms post_url makes), t.me/s/<channel>/<id> for the web preview.
_POST_LINK = re.compile(r"t\.me/(?:[cs]/)?[^/?#\s]+/(\d+)")


def contact_button() -> str:
    """The sign-up bot's "share my phone" button when the settings name no label."""
    return _("📱 Send my number")


class TelegramChannel(Channel):
    """A Telegram channel (or group) the bot posts to as an administrator."""

    plugin_name = "telegram"
    sandbox_port = 8702  # the example config's api_url; `outreach sandbox` without one
    settings_schema = {
        "token_env": Field(str, required=True, env=True,
                           help="Environment variable holding the bot token from @BotFather"),
        "chat_id": Field((str, int), required=True, check=check_chat_id,
                         help="The channel: @username, or the numeric id of a private one"),
        "bot_username": Field(str, default="",
                              help="The bot's @username without @, for sign-up deep links"),
        "parse_mode": Field(str, default="HTML", choices=("HTML", "MarkdownV2", ""),
                            help="How Telegram reads the text; the text is escaped for it"),
        "disable_notification": Field(bool, default=False,
                                      help="Post silently (subscribers get no sound)"),
        "quiet_hours": Field(str, default="", check=check_quiet_hours,
                             help="e.g. 22:00-08:00: posts in this window go silently"),
        "time_zone": Field(str, default=None, check=check_zone,
                           help="Zone of quiet_hours (default: the config's time zone)"),
        "api_url": Field(str, default="https://api.telegram.org",
                         help="Bot API server; the sandbox's fake for rehearsals"),
        "timeout": Field(float, default=20.0, help="Seconds to wait for Telegram's answer"),
        "contact_button": Field(str, default="",
                                help="Label of the sign-up bot's \"share my phone\" button "
                                     "(default: \"📱 Отправить номер\")"),
        "intake_workers": Field(int, default=8,
                                help="People whose sign-up messages are handled at once"),
        "poll_timeout": Field(float, default=25.0,
                              help="Seconds one long poll for people's messages waits"),
        "manage_webhook": Field(bool, default=False,
                                help="The bot is Outreach's alone: remove a webhook set on it "
                                     "(a webhook stops Outreach reading messages)"),
    }
    # Bot API sendMessage/sendPhoto: text 1-4096, caption 0-1024 characters after parsing,
    # counted in UTF-16 code units (text.telegram_length says why).
    text_limits = TextLimits(max_text=4096, max_caption=1024)
    # Bot API sendPhoto: at most 10 MB, width + height at most 10000, ratio at most 20;
    # sendMediaGroup: 2-10 items.
    media_limits = MediaLimits(max_side=2560, max_sum=10_000, max_ratio=20.0,
                               max_bytes=10 * 1024 * 1024, formats=("JPEG",), max_photos=10)
    # Reactions only (views are not in the Bot API); reconcile: the Bot API has no
    # idempotency key and cannot list a channel's messages, so it cannot tell.
    # Sign-ups: the bot talks to people in private chats (outreach_telegram.intake).
    capabilities = Capabilities(engagement=True, audience=True, reconcile=False, signups=True,
                                contact_button=True)

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        defaults = {k: f.default for k, f in self.settings_schema.items()}
        self.settings = {**defaults, **self.settings}
        self.chat = str(self.settings["chat_id"])
        self.parse_mode: str = self.settings["parse_mode"]
        zone = (self.settings["time_zone"] or getattr(context, "time_zone", None)
                or DEFAULT_ZONE)
        self.zone = zoneinfo.ZoneInfo(zone)
        self._username: str | None = self.settings["bot_username"] or None
        self._bot: SharedBot | None = None
        self._calls: BotCalls | None = None
        self._sender: Sender | None = None
        self._intake: Intake | None = None  # the sign-up intake, when this channel runs it
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TelegramChannel(name={self.name!r}, chat_id={self.chat!r})"

    # --- collaborators, made on first use ---

    @property
    def bot(self) -> SharedBot:
        """The bot of this channel's token, shared with every channel that uses it."""
        return self._collaborators()[0]

    @property
    def calls(self) -> BotCalls:
        """Calls to the bot on the plugin's loop, failing with this channel's errors."""
        return self._collaborators()[1]

    @property
    def sender(self) -> Sender:
        """Sends this channel's messages under the limits of the bot's token."""
        return self._collaborators()[2]

    def _collaborators(self) -> tuple[SharedBot, BotCalls, Sender]:
        with self._lock:  # publishing threads may come at once: one bot taken, one released
            if self._bot is None or self._calls is None or self._sender is None:
                token = self.secret("token_env")
                bot_id = token.split(":", 1)[0]
                bot_id = bot_id if bot_id.isdigit() else "unknown"
                state_dir = self.context.data_dir.parent / f"telegram-bot{bot_id}"
                # Telegram answers a second reader of one bot 409 Conflict: one reader
                # among workers.
                lease = self.context.leases.lease(f"telegram:bot{bot_id}")
                self._bot = bots.acquire(token, self.settings["api_url"],
                                         self.settings["timeout"], state_dir, lease)
                if self.settings["manage_webhook"]:
                    self._bot.hub.manage_webhook = True
                # Answers, and the waits for the limits and short 429s between attempts.
                limit = (self.settings["timeout"] * POSTS.attempts
                         + POSTS.max_wait * (POSTS.attempts - 1))
                self._calls = BotCalls(self._bot, channel=self.name, chat=self.chat,
                                       token=token, timeout=limit)
                self._sender = Sender(self._bot.pacer,
                                      who=_("channel {channel}").format(channel=self.name),
                                      log=self.context.logger)
            return self._bot, self._calls, self._sender

    # --- publishing ---

    def silent_now(self, now: dt.datetime | None = None) -> bool:
        """Whether a post now goes without a notification sound."""
        local = (now or dt.datetime.now(dt.UTC)).astimezone(self.zone)
        return bool(self.settings["disable_notification"]) or in_quiet_hours(
            self.settings["quiet_hours"], local)

    def publish(self, post: Post) -> Published:
        photos = [(p.path.name, p.path.read_bytes()) for p in post.photos]  # off the loop
        text = escape(post.text, self.parse_mode)
        as_caption = telegram_length(post.text) <= (self.text_limits.max_caption or 0)
        silent, sender = self.silent_now(), self.sender
        messages = self.calls.run(lambda bot: send_post(
            sender, bot, self.chat, text, photos, parse_mode=self.parse_mode,
            as_caption=as_caption, silent=silent))
        first = messages[0]
        ids = [m.message_id for m in messages]
        self._remember(first.chat.id, first.chat.username, ids)
        return Published(external_id=str(first.message_id),
                         url=post_url(self.chat, first.chat.username, first.message_id))

    def _remember(self, chat_id: int, username: str | None, ids: list[int]) -> None:
        with self.bot.state.edit() as data:
            data["chats"][self.chat] = chat_id
            data["posted_at"][reactions_key(chat_id, ids[0])] = freshness.now()
            if len(ids) > 1:
                data["albums"][reactions_key(chat_id, ids[0])] = ids

    # --- engagement and audience ---

    def _chat_number(self) -> int:
        known = self.bot.state.read()["chats"].get(self.chat)
        if known is not None:
            return int(known)
        chat = self.calls.run(lambda bot: bot.get_chat(self.chat))
        with self.bot.state.edit() as data:
            data["chats"][self.chat] = chat.id
        return chat.id

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        """Reactions summed per post (every message of an album); views are unknown."""
        shared = self.bot
        if not self.calls.run(lambda bot: shared.hub.drain()):
            # Reactions arrive as updates, which the worker reading this bot's updates
            # gets; its own collection stores these posts' figures.
            return []
        chat_id = self._chat_number()
        data = shared.state.read()
        results, stale = [], 0
        for external_id in external_ids:
            if not external_id.isdigit():
                continue
            key = reactions_key(chat_id, int(external_id))
            ids = data["albums"].get(key, [int(external_id)])
            keys = [reactions_key(chat_id, i) for i in ids]
            if freshness.stale(data["gap"], [data["counted_at"].get(k)
                                             or data["posted_at"].get(k) for k in keys]):
                # Changes in the gap may be lost: the figures taken before it stay the
                # latest, with their time, until a new count of the post comes.
                stale += 1
                continue
            total = sum(data["reactions"].get(reactions_key(chat_id, i), 0) for i in ids)
            # Telegram sends reaction counts only when they change: none yet means none.
            results.append(Engagement(external_id=external_id, views=None, reactions=total))
        if stale:
            self.context.logger.warning(freshness_note(data, stale, self.name, self.zone))
        return results

    def audience(self) -> int | None:
        return self.calls.run(lambda bot: bot.get_chat_member_count(self.chat))

    def check(self) -> list[CheckResult]:
        from outreach_telegram.checks import check_bot, check_updates

        results = check_bot(self.calls, self.settings["bot_username"])
        if all(r.ok for r in results[:1]):  # the token works: ask about the updates
            results += check_updates(self.calls, self.bot.state.read(),
                                     self.settings["manage_webhook"], self.zone)
        return results

    def signup_link(self, code: str) -> str | None:
        if not DEEP_LINK_CODE.match(code):
            raise ValueError(_("sign-up code {code!r} must be 1-64 of A-Z a-z 0-9 _ -").format(
                code=code))
        username = self._username
        if username is None and self._bot is not None:
            username = self._bot.bot_username
        return f"https://t.me/{username.lstrip('@')}?start={code}" if username else None

    @classmethod
    def external_id_from_url(cls, url: str) -> str | None:
        match = _POST_LINK.search(url)
        return match.group(1) if match else None

    # --- the sign-up bot ---

    def start_intake(self, desk: SignupDesk) -> None:
        """Answer people who write to the bot, through ``desk``; one intake per bot.

        Several channels may share a bot: the first to start its intake serves
        the bot's private chats, the others leave it running (the referral
        code, not the channel, says where a person came from).
        """
        from outreach_telegram.intake import Intake, IntakeSettings

        shared = self.bot
        if shared.serving is not None:
            self.context.logger.info(_("channel {channel}: the bot's sign-up intake already "
                                       "runs (channel {serving})").format(
                channel=self.name, serving=shared.serving))
            return
        manage = self.settings["manage_webhook"]
        # A webhook stops every getUpdates: say so now, not in a log at each try.
        self.calls.run(lambda bot: webhook.clear(bot, manage))
        intake = Intake(shared, self.sender, desk, IntakeSettings(
            channel=self.name, parse_mode=self.parse_mode,
            contact_button=self.settings["contact_button"] or contact_button(),
            workers=self.settings["intake_workers"],
            poll_timeout=self.settings["poll_timeout"]))
        shared.serving, self._intake = self.name, intake
        try:
            self.calls.run(lambda bot: intake.start())
        except BaseException:
            shared.serving, self._intake = None, None
            raise

    def stop_intake(self) -> None:
        intake, self._intake = self._intake, None
        if intake is None:
            return
        intake.bot.serving = None
        loop.run(intake.stop(), timeout=60)

    def notify(self, chat: str, text: str) -> None:
        """Send ``text`` to the coordinators' ``chat`` (@username or numeric id)."""
        target: str | int = int(chat) if str(chat).lstrip("-").isdigit() else str(chat)
        sender, mode = self.sender, self.parse_mode
        self.calls.run(lambda bot: sender.send(str(target), 1, lambda: bot.send_message(
            target, escape(text, mode), parse_mode=mode or None)),
            timeout=self.settings["timeout"] * 4 + POSTS.max_wait,
            chat=_("coordinators' chat {chat}").format(chat=chat))

    # --- photo reports: files people send, cards for the coordinators ---

    download_limit = 20 * 1024 * 1024  # Bot API getFile: "files of up to 20MB"

    def fetch_file(self, file: IncomingFile, target: Path) -> None:
        from outreach_telegram.files import download

        timeout = self.settings["timeout"] * 6  # 20 MB on a slow line
        self.calls.run(lambda bot: download(bot, file.file_id, target, timeout),
                       timeout=timeout + 10)

    def send_card(self, chat: str, card: Card) -> None:
        from outreach_telegram.files import send_card

        target: str | int = int(chat) if str(chat).lstrip("-").isdigit() else str(chat)
        mode = self.parse_mode
        self.calls.run(lambda bot: self.sender.send(str(target), 1, lambda: send_card(
            bot, target, card, mode)), timeout=self.settings["timeout"] * 4 + POSTS.max_wait,
            chat=_("coordinators' chat {chat}").format(chat=chat))

    def close(self) -> None:
        self.stop_intake()
        with self._lock:
            shared, self._bot, self._calls, self._sender = self._bot, None, None, None
        if shared is not None:
            bots.release(shared)

    @classmethod
    def fake_platform(cls, data_dir: Path | None = None, port: int = 0,
                      speed: float = 1.0) -> FakePlatform | None:
        from outreach_telegram.fake import FakeTelegram

        # The sandbox shows sign-ups arriving: people follow the posts' sign-up links.
        return FakeTelegram(data_dir, time_scale=speed, port=port, followers=True)

    @classmethod
    def sandbox_environment(cls, settings: Mapping[str, Any],
                            described: Mapping[str, str]) -> dict[str, str]:
        variable = settings.get("token_env")
        return {variable: described["token"]} if variable else {}
