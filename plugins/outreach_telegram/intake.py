"""The sign-up bot's side in Telegram: people's private messages in, the desk's replies out.

The dialog itself lives in Outreach's core (``SignupDesk``); this module only
translates. It subscribes to the bot's one ``UpdateHub`` (messages and button
presses, private chats only), turns each update into an ``Incoming``, and
sends the desk's ``Reply`` list back as messages with inline buttons, the
"share my phone number" keyboard, or a keyboard removal.

Each person's messages reach the desk in the order they were sent (one queue
per person); different people are served at the same time. The desk works
with the database, so it runs on a thread pool, never on the event loop:
publishing and long polling go on meanwhile. Replies are paced under the
overall flood limit (about 30 a second); a private chat has no per-chat limit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from outreach.channels import Incoming, IncomingFile, Reply, _, ngettext
from outreach_telegram.sending import REPLIES
from outreach_telegram.text import escape

if TYPE_CHECKING:
    import telegram

    from outreach.channels import SignupDesk
    from outreach_telegram.bots import SharedBot
    from outreach_telegram.sending import Sender

    Markup: TypeAlias = (telegram.InlineKeyboardMarkup | telegram.ReplyKeyboardMarkup
                         | telegram.ReplyKeyboardRemove)

log = logging.getLogger("outreach.telegram")

MAX_CALLBACK_DATA = 64  # Bot API InlineKeyboardButton.callback_data: 1-64 bytes


def translate_update(update: telegram.Update) -> Incoming | None:
    """The ``Incoming`` for a private message or a button press; None for anything else.

    Buttons pressed in a group (the coordinators' chat, where drafts arrive)
    come with the group and the message; messages in groups are not read.
    """
    query = update.callback_query
    if query is not None:
        message = query.message
        chat = message.chat if message is not None else None
        if chat is None or query.data is None:
            return None
        group = None if chat.type == "private" else str(chat.id)
        return Incoming(person=str(query.from_user.id), choice=query.data,
                        display_name=_display_name(query.from_user), chat=group,
                        message_id=str(message.message_id) if message is not None else None)
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        return None
    user = message.from_user
    person, name = str(user.id), _display_name(user)
    if message.contact is not None:
        # Bot API Contact.user_id: the Telegram account the number belongs to, if any.
        # Only a card whose owner is the sender vouches for the number (the desk decides).
        owner = message.contact.user_id
        return Incoming(person=person, display_name=name,
                        contact_phone=message.contact.phone_number,
                        contact_person=str(owner) if owner is not None else "")
    text = message.text
    if text is None:  # photo, file, sticker, voice...
        return Incoming(person=person, display_name=name, attachment=True,
                        text=message.caption, files=message_files(message),
                        album=message.media_group_id)
    command, _, rest = text.strip().partition(" ")
    if command.split("@", 1)[0] == "/start":
        return Incoming(person=person, display_name=name, started=True,
                        start_code=rest.strip() or None)
    return Incoming(person=person, display_name=name, text=text)


def message_files(message: telegram.Message) -> tuple[IncomingFile, ...]:
    """The photo (its largest size), document or video of ``message``, for the desk."""
    if message.photo:
        # Bot API Message.photo: "available sizes of the photo" — the last is the largest.
        best = max(message.photo, key=lambda size: (size.width * size.height,
                                                     size.file_size or 0))
        return (IncomingFile(best.file_id, best.file_unique_id, "photo", best.file_size,
                             best.width, best.height),)
    if message.document is not None:
        doc = message.document
        return (IncomingFile(doc.file_id, doc.file_unique_id, "document", doc.file_size,
                             mime=doc.mime_type, name=doc.file_name),)
    if message.video is not None:
        video = message.video
        return (IncomingFile(video.file_id, video.file_unique_id, "video", video.file_size,
                             video.width, video.height, mime=video.mime_type),)
    other = message.animation or message.video_note or message.audio or message.voice \
        or message.sticker
    if other is not None:
        return (IncomingFile(other.file_id, other.file_unique_id, "other",
                             getattr(other, "file_size", None)),)
    return ()


def _display_name(user: telegram.User) -> str | None:
    name = " ".join(part for part in (user.first_name, user.last_name) if part).strip()
    return name or None


@dataclass
class _Person:
    """What the bot keeps about one person's chat while the process runs."""

    #: Messages waiting, each with its button press to answer (if one) and the future the
    #: update hub waits on before confirming it.
    queue: asyncio.Queue[tuple[Incoming, telegram.CallbackQuery | None,
                               asyncio.Future[None]]] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None
    keyboard_shown: bool = False  # the "share my phone" keyboard is up
    typed_choices: dict[str, str] = field(default_factory=dict)  # label -> value


@dataclass(frozen=True)
class IntakeSettings:
    """How the sign-up bot talks: the channel's settings it needs (see its schema)."""

    channel: str  # the channel's name, for the desk and the log
    parse_mode: str
    contact_button: str
    workers: int  # people whose messages are handled at once
    poll_timeout: float  # seconds one long poll waits


class Intake:
    """One bot's sign-up intake on the plugin's loop: reads the people's updates from
    ``bot``'s hub, hands them to ``desk`` and sends its replies through ``sender``."""

    def __init__(self, bot: SharedBot, sender: Sender, desk: SignupDesk,
                 settings: IntakeSettings) -> None:
        self.bot = bot
        self.sender = sender
        self.desk = desk
        self.settings = settings
        self.channel = settings.channel
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=settings.workers, thread_name_prefix="telegram-intake")
        self.people: dict[str, _Person] = {}
        self.long_choices: dict[str, str] = {}  # short token -> a value over 64 bytes

    # --- on the loop ---

    async def start(self) -> None:
        hub = self.bot.hub
        await self.bot.ready()
        await hub.subscribe("message", self.on_update)
        await hub.subscribe("callback_query", self.on_update)
        hub.start(timeout=self.settings.poll_timeout)

    async def stop(self) -> None:
        hub = self.bot.hub
        hub.unsubscribe("message", self.on_update)
        hub.unsubscribe("callback_query", self.on_update)
        # Lets what was received be answered before another worker may read it again.
        await hub.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def on_update(self, update: telegram.Update) -> asyncio.Future[None] | None:
        """Queue the update for its person; never waits for the desk (polling goes on).

        The future returned is done once the desk has handled it and its replies
        were sent: only then may the hub confirm the update to Telegram.
        """
        query = update.callback_query
        loop = asyncio.get_running_loop()
        incoming = translate_update(update)
        if incoming is None:
            if query is not None:
                loop.create_task(self._answer_query(query))
            return None
        # update_id counts per bot: with the bot's id it names the update everywhere.
        incoming = dataclasses.replace(
            incoming, event=f"bot{self.bot.bot_id}:{update.update_id}")
        if incoming.choice is not None:
            incoming = _with_choice(incoming, self.long_choices.get(incoming.choice,
                                                                    incoming.choice))
        person = self.people.setdefault(incoming.person, _Person())
        if incoming.text is not None and incoming.text.strip() in person.typed_choices:
            incoming = _with_choice(incoming, person.typed_choices[incoming.text.strip()])
        done: asyncio.Future[None] = loop.create_future()
        person.queue.put_nowait((incoming, query, done))
        if person.task is None or person.task.done():
            person.task = loop.create_task(self._serve(incoming.person))
        return done

    async def _answer_query(self, query: telegram.CallbackQuery, text: str | None = None) -> None:
        # Bot API answerCallbackQuery: the client shows a progress bar until the query is
        # answered; ``text`` (0-200 characters) is shown to the one who pressed only.
        try:
            await query.answer(text[:200] if text else None)
        except Exception as exc:  # noqa: BLE001  (a late answer is harmless; keep serving)
            log.info(_("channel {channel}: a button press could not be acknowledged: {error}")
                     .format(channel=self.channel, error=type(exc).__name__))

    async def _serve(self, person_id: str) -> None:
        """Hand one person's messages to the desk in order, and send its replies."""
        person = self.people[person_id]
        while not person.queue.empty():
            incoming, query, done = person.queue.get_nowait()
            try:
                await self._handle(person_id, person, incoming, query)
            finally:
                if not done.done():
                    done.set_result(None)
        if person.queue.empty() and not person.keyboard_shown and not person.typed_choices:
            self.people.pop(person_id, None)

    async def _handle(self, person_id: str, person: _Person, incoming: Incoming,
                      query: telegram.CallbackQuery | None = None) -> None:
        loop = asyncio.get_running_loop()
        try:
            replies = await loop.run_in_executor(
                self.executor, self.desk.handle, self.channel, incoming)
        except Exception as exc:  # noqa: BLE001  (one person's failure stops nobody else)
            log.error(_("channel {channel}: the sign-up desk failed on a message ({error}); "
                        "the person got no answer").format(channel=self.channel,
                                                           error=type(exc).__name__))
            if query is not None:
                await self._answer_query(query)
            return
        if query is not None:
            toast = next((r.text for r in replies if r.toast), None)
            await self._answer_query(query, toast)
        await self.send_replies(person_id, person, [r for r in replies if not r.toast],
                                incoming)
        try:
            await loop.run_in_executor(self.executor, self.desk.delivered, self.channel,
                                       incoming)
        except Exception as exc:  # noqa: BLE001  (a repeat would send the replies again)
            log.warning(_("channel {channel}: could not record a reply as sent ({error})")
                        .format(channel=self.channel, error=type(exc).__name__))

    async def send_replies(self, person_id: str, person: _Person,
                           replies: Sequence[Reply], incoming: Incoming | None = None) -> None:
        bot = await self.bot.ready()
        remove_at = _removal_index(replies) if person.keyboard_shown else None
        for index, reply in enumerate(replies):
            if reply.edit and incoming is not None and incoming.message_id is not None:
                await self._edit(bot, incoming, reply)
                continue
            markup = self._markup(person, reply, remove=index == remove_at)
            text = escape(reply.text, self.settings.parse_mode)
            if not await self._send(bot, int(person_id), text, markup):
                return

    async def _edit(self, bot: telegram.Bot, incoming: Incoming, reply: Reply) -> None:
        """A decision on a message with buttons: its buttons replaced, ``reply.text`` said
        under it in the same chat (Bot API editMessageReplyMarkup, sendMessage)."""
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, error

        chat = int(incoming.chat or incoming.person)
        message_id = int(incoming.message_id or 0)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=self._data(
            value))] for label, value in reply.choices]) if reply.choices else None
        mode = self.settings.parse_mode or None
        text = escape(reply.text, self.settings.parse_mode)
        try:
            await self.sender.send(str(chat), 1, lambda: bot.edit_message_reply_markup(
                chat, message_id, reply_markup=markup), retry=REPLIES, private=False)
        except error.BadRequest as exc:  # "message is not modified": already edited
            log.info(_("channel {channel}: the buttons of a message were not changed: {said}")
                     .format(channel=self.channel, said=exc.message))
        except (error.TelegramError, OSError) as exc:
            log.warning(_("channel {channel}: the buttons of a message could not be changed "
                          "({error})").format(channel=self.channel, error=type(exc).__name__))
        if not reply.text:
            return
        try:
            await self.sender.send(str(chat), 1, lambda: bot.send_message(
                chat, text, parse_mode=mode, reply_parameters=ReplyParameters(
                    message_id, allow_sending_without_reply=True)),
                retry=REPLIES, private=chat > 0)
        except (error.TelegramError, OSError) as exc:
            log.warning(_("channel {channel}: a decision could not be said in the chat "
                          "({error})").format(channel=self.channel, error=type(exc).__name__))

    def _markup(self, person: _Person, reply: Reply, remove: bool) -> Markup | None:
        from telegram import (
            InlineKeyboardButton,
            InlineKeyboardMarkup,
            KeyboardButton,
            ReplyKeyboardMarkup,
            ReplyKeyboardRemove,
        )

        if reply.ask_contact:
            # One keyboard per message: buttons offered with it become typed buttons.
            rows = [[KeyboardButton(self.settings.contact_button, request_contact=True)]]
            rows += [[KeyboardButton(label)] for label, _value in reply.choices]
            person.keyboard_shown = True
            person.typed_choices = {label: value for label, value in reply.choices}
            return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)
        if remove:
            person.keyboard_shown = False
            person.typed_choices = {}
            return ReplyKeyboardRemove()
        if reply.choices:
            return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=self._data(
                value))] for label, value in reply.choices])
        return None

    def _data(self, value: str) -> str:
        if 0 < len(value.encode("utf-8")) <= MAX_CALLBACK_DATA:
            return value
        token = "~" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
        self.long_choices[token] = value
        return token

    async def _send(self, bot: telegram.Bot, chat_id: int, text: str,
                    markup: Markup | None) -> bool:
        """Send one reply under the flood limits; False when the person cannot get it."""
        from telegram import error

        mode = self.settings.parse_mode or None
        try:
            await self.sender.send(str(chat_id), 1, lambda: bot.send_message(
                chat_id, text, parse_mode=mode, reply_markup=markup),
                retry=REPLIES, private=True)
            return True
        except error.Forbidden:
            log.info(_("channel {channel}: a person blocked the bot; their reply was dropped")
                     .format(channel=self.channel))
        except error.BadRequest as exc:
            log.error(_("channel {channel}: Telegram refused a sign-up reply: {said}").format(
                channel=self.channel, said=exc.message))
        except (error.RetryAfter, error.NetworkError):
            log.error(ngettext(
                "channel {channel}: a sign-up reply could not be sent after {count} attempt",
                "channel {channel}: a sign-up reply could not be sent after {count} attempts",
                REPLIES.attempts).format(channel=self.channel, count=REPLIES.attempts))
        return False


def _with_choice(incoming: Incoming, value: str) -> Incoming:
    return Incoming(person=incoming.person, choice=value, display_name=incoming.display_name,
                    event=incoming.event, chat=incoming.chat, message_id=incoming.message_id)


def _removal_index(replies: Sequence[Reply]) -> int | None:
    """Which reply takes the keyboard away: the first with no buttons, unless it is asked again."""
    for index, reply in enumerate(replies):
        if reply.ask_contact:
            return None
        if not reply.choices:
            return index
    return None
