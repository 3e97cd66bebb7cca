"""A channel's calls to its shared bot: run on the plugin's loop, errors in plain words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from outreach.channels import ChannelError
from outreach_telegram import loop
from outreach_telegram.errors import translate

if TYPE_CHECKING:
    import telegram

    from outreach_telegram.bots import SharedBot

T = TypeVar("T")


class BotCalls:
    """Runs ``work(bot)`` with ``bot`` (a ``SharedBot``) for the channel named ``channel``,
    posting to ``chat``: Telegram's errors become channel errors saying which channel and
    chat, never the ``token``. Synchronous: call from the channel's threads, not the loop."""

    def __init__(self, bot: SharedBot, *, channel: str, chat: str, token: str,
                 timeout: float) -> None:
        self.bot = bot
        self.channel = channel
        self.chat = chat
        self.timeout = timeout  # seconds a call may take, its waits for the limits included
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"BotCalls(channel={self.channel!r}, chat={self.chat!r})"

    def run(self, work: Callable[[telegram.Bot], Awaitable[T]], *,
            timeout: float | None = None, chat: str | None = None) -> T:
        """The result of ``work`` (``chat``: what to name in an error instead of the channel's
        own chat)."""
        shared = self.bot

        async def call() -> T:
            return await work(await shared.ready())

        try:
            return loop.run(call(), timeout=timeout or self.timeout)
        except ChannelError:
            raise
        except Exception as exc:
            error = translate(exc, self.channel, chat or self.chat)
            if self._token and self._token in str(error):
                error.args = (str(error).replace(self._token, "***"),)
            raise error from None
