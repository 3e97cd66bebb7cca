"""Sending under the flood limits: the one retry helper, and one post as Telegram messages."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from outreach.channels import _
from outreach_telegram.errors import retry_after_seconds

if TYPE_CHECKING:
    import telegram

    from outreach_telegram.pacing import Pacer

T = TypeVar("T")


@dataclass(frozen=True)
class Retry:
    """How a send is tried again: ``attempts`` in all; a 429 asking to wait at most
    ``max_wait`` seconds is waited out (a longer one is raised to the caller); with
    ``network``, a network failure is tried again after 1, 2, 4... seconds (10 at most)."""

    attempts: int = 4
    max_wait: float = 30.0
    network: bool = False


#: A post: a longer 429 goes back to the engine as RateLimitedError, and so does a network
#: failure (a message may have arrived though its answer did not; the engine decides).
POSTS = Retry()
#: A reply to a person, who is waiting for it: every 429 is waited out, a blip retried.
REPLIES = Retry(max_wait=math.inf, network=True)


class Sender:
    """Sends through one bot under the bot's ``Pacer``: waits for the limits to allow
    each message and waits out a short 429 before trying again.

    ``who`` and ``log`` say whose messages these are in the log (a channel's name).
    """

    def __init__(self, pacer: Pacer, *, who: str, log: logging.Logger,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.pacer = pacer
        self.who = who
        self.log = log
        self._sleep = sleep

    async def send(self, chat: str, count: int, call: Callable[[], Awaitable[T]], *,
                   retry: Retry = POSTS, private: bool = False) -> T:
        """``await call()``, which sends ``count`` messages to ``chat``, within the limits
        (``private``: a person's chat, see ``Pacer.acquire``); raises what ``retry`` gives up on."""
        from telegram import error

        for attempt in range(retry.attempts):
            last = attempt == retry.attempts - 1
            slots = await self.pacer.acquire(chat, count, private=private)
            try:
                return await call()
            except error.RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if last or wait > retry.max_wait:
                    raise
                self.log.info(_("{who}: Telegram asks to wait {seconds} s").format(
                    who=self.who, seconds=f"{wait:.0f}"))
                await self._sleep(wait)
            except error.BadRequest:
                raise  # python-telegram-bot makes it a NetworkError, but a repeat fails alike
            except error.NetworkError:
                if last or not retry.network:
                    raise
                await self._sleep(min(2.0 ** attempt, 10.0))
            finally:
                slots.done()
        raise AssertionError("unreachable")


async def send_post(sender: Sender, bot: telegram.Bot, chat: str, text: str,
                    photos: Sequence[tuple[str, bytes]], *, parse_mode: str,
                    as_caption: bool, silent: bool) -> list[telegram.Message]:
    """The messages of the post, the first one being the post's address.

    ``text`` is already escaped for ``parse_mode``. With photos and
    ``as_caption`` false the photos go first without a caption and the text
    follows as a reply to the first of them.
    """
    from telegram import InputMediaPhoto

    mode = parse_mode or None
    if not photos:
        message = await sender.send(chat, 1, lambda: bot.send_message(
            chat, text, parse_mode=mode, disable_notification=silent))
        return [message]
    caption = text if as_caption else None
    if len(photos) == 1:
        name, data = photos[0]
        sent = [await sender.send(chat, 1, lambda: bot.send_photo(
            chat, data, caption=caption, parse_mode=mode if caption else None,
            filename=name, disable_notification=silent))]
    else:
        media = [InputMediaPhoto(data, caption=caption if index == 0 else None,
                                 parse_mode=mode if caption and index == 0 else None,
                                 filename=name)
                 for index, (name, data) in enumerate(photos)]
        sent = list(await sender.send(chat, len(media), lambda: bot.send_media_group(
            chat, media, disable_notification=silent)))
    if caption is None and text.strip():
        first = sent[0].message_id
        try:
            reply = await sender.send(chat, 1, lambda: bot.send_message(
                chat, text, parse_mode=mode, reply_to_message_id=first,
                disable_notification=silent))
        except Exception as exc:  # the photos are out: report, never post them twice
            sender.log.warning(_(
                "{who}: the photos were posted (message {message}) but the text after them "
                "was not: {error}; post the text by hand").format(
                who=sender.who, message=first, error=exc))
        else:
            sent.append(reply)
    return sent
