"""One initialised ``telegram.Bot`` per token, shared by every channel that uses it.

The bot lives on the process's loop (``outreach_telegram.loop``) together
with its pacer and its update hub; the last channel to close shuts it down.
Channels, the sign-up intake and the checks are handed a ``SharedBot``; it
knows none of them.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from outreach_telegram import loop
from outreach_telegram.pacing import Pacer
from outreach_telegram.updates import BotState, UpdateHub, reaction_recorder

if TYPE_CHECKING:
    import telegram

    from outreach.channels import Lease

_lock = threading.Lock()
_bots: dict[tuple[str, str], SharedBot] = {}


class SharedBot:
    """A bot, its pacer and its update hub; made lazily, initialised on first use."""

    def __init__(self, token: str, api_url: str, timeout: float, state_dir: Path,
                 lease: Lease) -> None:
        self._token = token
        #: Says which updates are this bot's in the sign-up desk's record (not secret).
        self.bot_id = token.split(":", 1)[0]
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.pacer = Pacer()
        self.state = BotState(state_dir)
        self.hub = UpdateHub(self.ready, self.state, lease)
        self.users = 0
        #: The channel whose sign-up intake answers this bot's private chats, if one does.
        self.serving: str | None = None
        self._bot: telegram.Bot | None = None
        self._init_lock: asyncio.Lock | None = None
        self._subscribed = False

    def __repr__(self) -> str:  # never show the token
        return f"SharedBot(api_url={self.api_url!r}, users={self.users})"

    @property
    def bot_username(self) -> str | None:
        """The bot's @username, known once it has been initialised."""
        return self._bot.username if self._bot is not None else None

    async def ready(self) -> telegram.Bot:
        """The initialised bot (``getMe`` done once); call on the plugin's loop."""
        if self._init_lock is None:
            self._init_lock = asyncio.Lock()
        async with self._init_lock:
            if self._bot is None:
                from telegram import Bot
                from telegram.request import HTTPXRequest

                def request(pool: int) -> HTTPXRequest:
                    return HTTPXRequest(connection_pool_size=pool, read_timeout=self.timeout,
                                        write_timeout=self.timeout,
                                        connect_timeout=self.timeout,
                                        media_write_timeout=self.timeout * 2,
                                        pool_timeout=self.timeout)

                bot = Bot(self._token, base_url=f"{self.api_url}/bot",
                          base_file_url=f"{self.api_url}/file/bot",
                          request=request(64), get_updates_request=request(2))
                await bot.initialize()
                self._bot = bot
        if not self._subscribed:  # outside the lock: subscribe() asks for the bot again
            self._subscribed = True
            await self.hub.subscribe("message_reaction_count", reaction_recorder(self.state))
        return self._bot

    async def shutdown(self) -> None:
        await self.hub.stop()
        if self._bot is not None:
            await self._bot.shutdown()
            self._bot = None


def acquire(token: str, api_url: str, timeout: float, state_dir: Path,
            lease: Lease) -> SharedBot:
    """The shared bot for ``token`` at ``api_url`` (``lease``: its update reader's among
    workers); pair with ``release``."""
    with _lock:
        key = (token, api_url.rstrip("/"))
        shared = _bots.get(key)
        if shared is None:
            shared = _bots[key] = SharedBot(token, api_url, timeout, state_dir, lease)
        shared.users += 1
        return shared


def release(shared: SharedBot) -> None:
    """One user fewer; the last one shuts the bot down on the loop."""
    with _lock:
        shared.users -= 1
        if shared.users > 0:
            return
        for key, value in list(_bots.items()):
            if value is shared:
                del _bots[key]
    loop.run(shared.shutdown(), timeout=30)
