"""Updates of one bot: one reader of ``getUpdates`` per token, and what it learned.

Telegram lets one client at a time read a bot's updates (a second long poll
is answered 409 Conflict), and an update confirmed through ``offset`` is
gone. So each process has one ``UpdateHub`` per token on the plugin's loop:
it asks for every kind any part of Outreach uses, hands each update to the
subscribers of its kind (reactions now, the sign-up dialog later) and keeps
an update nobody has subscribed to yet, so nothing confirmed is ever lost.

What it learns is kept in a small JSON file per bot (``BotState``), shared by
every channel and process that uses the bot: the offset, the latest reaction
counts per message, the message ids of albums and unclaimed updates.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import telegram

log = logging.getLogger("outreach.telegram")

#: Every update kind Outreach reads. Reactions must be asked for by name (Bot API getUpdates).
KINDS = ("message", "callback_query", "message_reaction_count", "chat_member",
         "my_chat_member")

Callback = Callable[["telegram.Update"], Awaitable[None]]


class BotState:
    """The per-bot JSON file: written atomically, under a lock shared with other processes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "updates.json"
        self._lock_path = folder / "updates.lock"

    @contextmanager
    def edit(self) -> Iterator[dict[str, Any]]:
        """The state to change in place; written back when the block ends without error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                data = self._read()
                yield data
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def read(self) -> dict[str, Any]:
        return self._read()

    def _read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                log.warning("%s was unreadable; starting it afresh", self.path)
        for key, empty in (("offset", 0), ("reactions", {}), ("albums", {}),
                           ("unclaimed", []), ("chats", {})):
            data.setdefault(key, empty)
        return data


def reactions_key(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


class UpdateHub:
    """The one reader of a bot's updates in this process; runs on the plugin's loop."""

    def __init__(self, bot: Callable[[], Awaitable[telegram.Bot]], state: BotState) -> None:
        self._bot = bot
        self.state = state
        self._subscribers: dict[str, list[Callback]] = {}
        self._lock: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None
        self.polls: list[tuple[float, float]] = []  # (sent, answered) loop times, for figures

    @property
    def polling(self) -> bool:
        return self._task is not None and not self._task.done()

    async def subscribe(self, kind: str, callback: Callback) -> None:
        """Receive every update of ``kind``, beginning with those kept while nobody listened."""
        import telegram

        self._subscribers.setdefault(kind, []).append(callback)
        kept: list[dict[str, Any]] = []

        def take(data: dict[str, Any]) -> None:
            kept.extend(u for u in data["unclaimed"] if kind in u)
            data["unclaimed"] = [u for u in data["unclaimed"] if kind not in u]

        bot = await self._bot()
        await asyncio.to_thread(self._edit, take)
        for raw in kept:
            await callback(telegram.Update.de_json(raw, bot))

    def unsubscribe(self, kind: str, callback: Callback) -> None:
        """Stop handing ``kind`` to ``callback``; later updates of it are kept unclaimed."""
        callbacks = self._subscribers.get(kind, [])
        if callback in callbacks:
            callbacks.remove(callback)

    async def poll_once(self, timeout: float = 0) -> int:
        """One ``getUpdates``: hand out what came and confirm it; the number of updates."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            bot = await self._bot()
            offset = (await asyncio.to_thread(self.state.read))["offset"]
            loop = asyncio.get_running_loop()
            sent = loop.time()
            updates = await bot.get_updates(offset=offset or None, timeout=int(timeout),
                                            allowed_updates=list(KINDS))
            self.polls.append((sent, loop.time()))
            if not updates:
                return 0
            unclaimed: list[dict[str, Any]] = []
            for update in updates:
                kind = next((k for k in KINDS if getattr(update, k, None) is not None), "")
                callbacks = self._subscribers.get(kind, [])
                if not callbacks:
                    unclaimed.append(update.to_dict())
                for callback in callbacks:
                    await callback(update)
            last = updates[-1].update_id

            def confirm(data: dict[str, Any]) -> None:
                data["offset"] = max(data["offset"], last + 1)
                data["unclaimed"].extend(unclaimed)

            await asyncio.to_thread(self._edit, confirm)
            return len(updates)

    async def drain(self, rounds: int = 20) -> None:
        """Read every pending update now (engagement reads), unless a long poll already does."""
        if self.polling:
            return
        for _ in range(rounds):
            if not await self.poll_once(0):
                return

    def start(self, timeout: float = 25) -> None:
        """Long-poll for updates until ``stop()``; call on the loop (e.g. from the sign-up bot)."""
        if not self.polling:
            self._task = asyncio.get_running_loop().create_task(self._poll_forever(timeout))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _poll_forever(self, timeout: float) -> None:
        from telegram import error

        pause = 1.0
        while True:
            try:
                await self.poll_once(timeout)
                pause = 1.0
            except error.RetryAfter as exc:
                from outreach_telegram.errors import retry_after_seconds

                await asyncio.sleep(retry_after_seconds(exc))
            except (error.NetworkError, error.Conflict) as exc:
                log.warning("reading the bot's updates failed (%s); trying again in %.0f s",
                            exc.message, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 60.0)

    def _edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        with self.state.edit() as data:
            change(data)


def reaction_recorder(state: BotState) -> Callback:
    """A subscriber that keeps each message's reactions summed over every emoji."""

    async def record(update: telegram.Update) -> None:
        counted = update.message_reaction_count
        if counted is None:
            return
        total = sum(r.total_count for r in counted.reactions)
        key = reactions_key(counted.chat.id, counted.message_id)

        def save() -> None:
            with state.edit() as data:
                data["reactions"][key] = total

        await asyncio.to_thread(save)

    return record
