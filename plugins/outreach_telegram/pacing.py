"""Pacing messages under Telegram's flood limits, per bot token.

Bots FAQ (core.telegram.org/bots/faq#broadcasting-to-users): about 30
messages a second overall, and no more than 20 messages a minute to one
group; channels are reported to behave the same. A media group counts as its
number of messages. The pacer runs on the plugin's event loop: waiting is an
``await``, so other tasks (long polling) go on meanwhile.

A message is counted from the moment it is sent until a window after its
answer came back, so Telegram, which counts it on arrival, can never see
more in a window than the pacer allowed.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

INFLIGHT = math.inf
# Messages a second that replies to people may never take, so a scheduled post
# waits at most a window however many people are talking to the bot.
RESERVED_FOR_POSTS = 3


@dataclass(frozen=True)
class FloodLimits:
    per_chat: int = 20
    chat_window: float = 60.0
    overall: int = 30
    overall_window: float = 1.0

    def scaled(self, time_scale: float) -> FloodLimits:
        """The same limits on a clock running ``time_scale`` times faster (sandbox, tests)."""
        return FloodLimits(self.per_chat, self.chat_window / time_scale, self.overall,
                           self.overall_window / time_scale)


class Slots:
    """Messages reserved by one ``acquire``: mark them answered with ``done()``."""

    def __init__(self, entries: list[list[float]], clock: Callable[[], float]) -> None:
        self._entries = entries
        self._clock = clock

    def done(self) -> None:
        now = self._clock()
        for entry in self._entries:
            entry[0] = now


class Pacer:
    """Waits until ``n`` more messages to a chat stay within the limits, then reserves them."""

    def __init__(self, limits: FloodLimits | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.limits = limits or FloodLimits()
        self._clock = clock
        self._sleep = sleep
        self._all: deque[list[float]] = deque()
        self._chats: dict[str, deque[list[float]]] = {}

    async def acquire(self, chat: str, count: int = 1, private: bool = False) -> Slots:
        """Reserve ``count`` messages to ``chat``; a private chat (a person) has no
        per-chat limit of its own, only the overall one (bots FAQ), less the share
        kept for posts."""
        limits = self.limits
        per_chat = deque() if private else self._chats.setdefault(chat, deque())
        overall = limits.overall - (RESERVED_FOR_POSTS if private else 0)
        while True:
            now = self._clock()
            wait = max(_wait(per_chat, count, limits.per_chat, limits.chat_window, now),
                       _wait(self._all, count, overall, limits.overall_window, now))
            if wait <= 0:
                entries = [[INFLIGHT] for _ in range(count)]
                per_chat.extend(entries)
                self._all.extend(entries)
                return Slots(entries, self._clock)
            await self._sleep(wait)


def _wait(entries: deque[list[float]], count: int, limit: int, window: float,
          now: float) -> float:
    """Seconds until ``count`` more fit in the window (0: now; in flight ones re-checked soon)."""
    # Answers come back in any order: drop every entry whose window has passed.
    if any(entry[0] <= now - window for entry in entries):
        kept = [entry for entry in entries if entry[0] > now - window]
        entries.clear()
        entries.extend(kept)
    over = len(entries) + min(count, limit) - limit
    if over <= 0:
        return 0.0
    times = sorted(entry[0] for entry in entries)
    oldest = times[over - 1]
    if oldest == INFLIGHT:
        return min(0.05, window)  # wait for an answer to come back
    return max(oldest + window - now, 1e-3)
