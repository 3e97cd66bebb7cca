"""Updates of one bot: one reader of ``getUpdates`` per token, and what it learned.

Telegram lets one client at a time read a bot's updates (a second long poll
is answered 409 Conflict), and an update confirmed through ``offset`` is
gone. So each process has one ``UpdateHub`` per token on the plugin's loop:
it asks for every kind any part of Outreach uses, hands each update to the
subscribers of its kind (reactions now, the sign-up dialog later) and keeps
an update nobody has subscribed to yet, so nothing confirmed is ever lost.

What it learns is kept in a small JSON file per bot (``BotState``), shared by
every channel and process on this machine that uses the bot: the latest
reaction counts per message, the message ids of albums and unclaimed updates.
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
from typing import TYPE_CHECKING, Any, TypedDict

from outreach.channels import _
from outreach_telegram import freshness, webhook
from outreach_telegram.webhook import WebhookActive, is_webhook_conflict

if TYPE_CHECKING:
    import telegram

    from outreach.channels import Lease

log = logging.getLogger("outreach.telegram")

#: Every update kind Outreach reads. Reactions must be asked for by name (Bot API getUpdates).
KINDS = ("message", "callback_query", "message_reaction_count", "chat_member",
         "my_chat_member")

#: A subscriber; one that finishes later returns a future done when it has (then the
#: update is confirmed to Telegram only after that).
Callback = Callable[["telegram.Update"], Awaitable["asyncio.Future[None] | None"]]


class StateData(TypedDict):
    """What ``BotState`` keeps (JSON)."""

    reactions: dict[str, int]  # reactions_key -> the reactions summed over every emoji
    albums: dict[str, list[int]]  # reactions_key of an album's first message -> its ids
    unclaimed: list[dict[str, Any]]  # updates nobody subscribed to yet, as Telegram sent them
    chats: dict[str, int]  # a configured chat_id (@name) -> the chat's number
    # When updates were read, and the latest gap longer than Telegram keeps them
    # (outreach_telegram.freshness): seconds since the epoch.
    read_at: float
    gap: list[float]  # [from, to], or empty
    counted_at: dict[str, float]  # reactions_key -> when its latest count came
    posted_at: dict[str, float]  # reactions_key of a post's first message -> when posted


class BotState:
    """The per-bot JSON file: written atomically, under a lock shared with other processes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "updates.json"
        self._lock_path = folder / "updates.lock"

    @contextmanager
    def edit(self) -> Iterator[StateData]:
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

    def read(self) -> StateData:
        return self._read()

    def _read(self) -> StateData:
        data: dict[str, Any] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                log.warning(_("{path} was unreadable; starting it afresh").format(
                    path=self.path))
        return StateData(reactions=data.get("reactions", {}), albums=data.get("albums", {}),
                         unclaimed=data.get("unclaimed", []), chats=data.get("chats", {}),
                         read_at=data.get("read_at", 0.0), gap=data.get("gap", []),
                         counted_at=data.get("counted_at", {}),
                         posted_at=data.get("posted_at", {}))


def reactions_key(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


class UpdateHub:
    """The one reader of a bot's updates in this process; runs on the plugin's loop.

    Among several workers only the holder of the bot's lease reads (a second
    reader would be answered 409 Conflict). An update is confirmed to Telegram
    (the next ``getUpdates`` asks from past it) only once its subscriber is
    done with it, so updates read by a worker that died are read again by the
    next holder; the sign-up desk recognises those it already handled
    (``Incoming.event``). Telegram itself keeps the position: without an
    offset it answers from the earliest update nobody confirmed.
    """

    def __init__(self, bot: Callable[[], Awaitable[telegram.Bot]], state: BotState,
                 lease: Lease) -> None:
        self._bot = bot
        self.state = state
        self.lease = lease
        self._subscribers: dict[str, list[Callback]] = {}
        self._lock: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None
        self._next: int | None = None  # the id after the last update read; None: Telegram's
        self._open: dict[int, asyncio.Future[None]] = {}  # read, its subscriber not done yet
        #: The bot is Outreach's alone: a webhook set on it may be removed (``webhook``).
        self.manage_webhook = False
        #: Why the long poll cannot read (a webhook is set), while it cannot.
        self.blocked: WebhookActive | None = None
        self._noted = 0.0  # when this reader last wrote down that it read (freshness)

    @property
    def polling(self) -> bool:
        return self._task is not None and not self._task.done()

    async def subscribe(self, kind: str, callback: Callback) -> None:
        """Receive every update of ``kind``, beginning with those kept while nobody listened."""
        import telegram

        self._subscribers.setdefault(kind, []).append(callback)
        kept: list[dict[str, Any]] = []

        def take(data: StateData) -> None:
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

    def _offset(self) -> int | None:
        """Where to ask from: the oldest update still being handled, or past the last read."""
        self._open = {key: done for key, done in self._open.items() if not done.done()}
        return min(self._open) if self._open else self._next

    async def poll_once(self, timeout: float = 0) -> int:
        """One ``getUpdates``: hand out what is new; the number of new updates."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            bot = await self._bot()
            offset = self._offset()
            # Updates still open come back at once: ask without waiting then.
            try:
                updates = await bot.get_updates(offset=offset, allowed_updates=list(KINDS),
                                                timeout=0 if self._open else int(timeout))
            except Exception as exc:
                if not is_webhook_conflict(exc):
                    raise
                await webhook.clear(bot, self.manage_webhook)  # WebhookActive if it may not
                return 0  # removed: the next call reads
            self.blocked = None
            await self._note_read()
            if not self.lease.held:
                return 0  # another worker took over meanwhile: these are its to hand out
            fresh = [u for u in updates if self._next is None or u.update_id >= self._next]
            if not fresh:
                return 0
            unclaimed: list[dict[str, Any]] = []
            for update in fresh:
                kind = next((k for k in KINDS if getattr(update, k, None) is not None), "")
                callbacks = self._subscribers.get(kind, [])
                if not callbacks:
                    unclaimed.append(update.to_dict())
                for callback in callbacks:
                    done = await callback(update)
                    if isinstance(done, asyncio.Future):
                        self._open[update.update_id] = done
            if unclaimed:  # kept before the next getUpdates confirms them
                await asyncio.to_thread(self._edit,
                                        lambda data: data["unclaimed"].extend(unclaimed))
            self._next = fresh[-1].update_id + 1
            return len(fresh)

    async def _note_read(self) -> None:
        at = freshness.now()
        if at - self._noted >= freshness.NOTE_EVERY:
            self._noted = at
            await asyncio.to_thread(self._edit, lambda data: _note_read(data, at))

    async def drain(self, rounds: int = 20) -> bool:
        """Read every pending update now (engagement reads), unless a long poll already does
        or another worker reads this bot's updates: whether this process has read them.
        ``WebhookActive`` when a webhook stops the reading."""
        if self.polling:
            if self.blocked is not None:
                raise WebhookActive(self.blocked.url)
            return self.lease.held
        if not await asyncio.to_thread(self.lease.acquire):
            return False
        try:
            for _ in range(rounds):
                if not await self.poll_once(0):
                    break
        finally:
            if not self.polling:
                self._next = None  # whoever reads next asks Telegram where to start
                await asyncio.to_thread(self.lease.release)
        return True

    def start(self, timeout: float = 25) -> None:
        """Long-poll for updates until ``stop()``; call on the loop (e.g. from the sign-up bot)."""
        if not self.polling:
            self._task = asyncio.get_running_loop().create_task(self._poll_forever(timeout))

    async def stop(self) -> None:
        """Stop reading; hand the bot to another worker once what was read is done."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._open:
            await asyncio.wait(list(self._open.values()), timeout=30)
        await self._confirm()
        self._open.clear()
        self._next = None
        await asyncio.to_thread(self.lease.release)

    async def _confirm(self) -> None:
        """Confirm to Telegram what was handled, so the next reader does not get it again."""
        offset = self._offset()
        if offset is None or not self.lease.held:
            return
        try:  # an offset confirms every update before it (Bot API getUpdates)
            bot = await self._bot()
            await bot.get_updates(offset=offset, limit=1, timeout=0)
        except Exception as exc:  # noqa: BLE001  (the next reader's desk skips repeats)
            log.info(_("handled updates were not confirmed on stopping ({error})").format(
                error=type(exc).__name__))

    async def _poll_forever(self, timeout: float) -> None:
        from telegram import error

        pause = 1.0
        while True:
            if not await asyncio.to_thread(self.lease.acquire):
                self._next = None  # the holder confirms; start where Telegram says next time
                await asyncio.sleep(self.lease.retry_every)
                continue
            try:
                if not await self.poll_once(timeout) and self._open:
                    # Nothing new but updates still being handled: wait for one of them.
                    await asyncio.wait(list(self._open.values()), timeout=0.5,
                                       return_when=asyncio.FIRST_COMPLETED)
                pause = 1.0
            except WebhookActive as exc:
                if self.blocked is None:  # said once, not at every try
                    log.error(_("The bot's updates cannot be read: {problem}; {fix}").format(
                        problem=exc, fix=webhook.fix()))
                self.blocked = exc
                await asyncio.sleep(60.0)  # someone may remove it: look again now and then
            except error.RetryAfter as exc:
                from outreach_telegram.errors import retry_after_seconds

                await asyncio.sleep(retry_after_seconds(exc))
            except (error.NetworkError, error.Conflict) as exc:
                log.warning(_("reading the bot's updates failed ({error}); trying again in "
                              "{seconds} s").format(error=exc.message, seconds=f"{pause:.0f}"))
                await asyncio.sleep(pause)
                pause = min(pause * 2, 60.0)

    def _edit(self, change: Callable[[StateData], None]) -> None:
        with self.state.edit() as data:
            change(data)


def _note_read(data: StateData, at: float) -> None:
    found = freshness.gap(data["read_at"], at)
    if found:
        data["gap"] = found
    data["read_at"] = max(data["read_at"], at)


def reaction_recorder(state: BotState) -> Callback:
    """A subscriber that keeps each message's reactions summed over every emoji."""

    async def record(update: telegram.Update) -> None:
        counted = update.message_reaction_count
        if counted is None:
            return
        total = sum(r.total_count for r in counted.reactions)
        key = reactions_key(counted.chat.id, counted.message_id)
        at = freshness.now()

        def save() -> None:
            with state.edit() as data:
                data["reactions"][key] = total
                data["counted_at"][key] = at

        await asyncio.to_thread(save)

    return record
