"""A per-person limit on messages to the sign-up bots and on coordinators' notices.

One person sending hundreds of messages a minute must not fill the store
(each refusal of consent leaves an anonymous start behind, and a new dialog
begins a new row) nor the coordinators' chat (each finished sign-up is
announced). Past the limit the person is told once, politely, and further
messages in that window are not answered and not read into the store.

The counts live in memory, per process: the bots of one channel are read by
one worker at a time, and a restart forgiving a person is harmless.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MINUTE = 60.0
DAY = 24 * 3600.0
PER_MINUTE = 30  # a person answering quickly sends a few; a script sends hundreds
PER_DAY = 300  # a whole sign-up takes about eight messages
NOTICES_PER_DAY = 3  # announcements of one person's sign-ups to the coordinators
_PRUNE_AT = 10_000  # people remembered before the quiet ones are dropped


@dataclass
class _Count:
    started: float
    count: int = 0
    told: bool = False

    def add(self, now: float, length: float, limit: int) -> str | None:
        """Count one; None when within ``limit``, "told" the first time past it, else "quiet"."""
        if now - self.started >= length:
            self.started, self.count, self.told = now, 0, False
        self.count += 1
        if self.count <= limit:
            return None
        if self.told:
            return "quiet"
        self.told = True
        return "told"


@dataclass
class _Person:
    minute: _Count
    day: _Count
    notices: _Count


class Flood:
    """Decides whether a person's message is read, and whether a notice about them is sent."""

    def __init__(self, per_minute: int = PER_MINUTE, per_day: int = PER_DAY,
                 notices_per_day: int = NOTICES_PER_DAY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.per_day = per_day
        self.notices_per_day = notices_per_day
        self.clock = clock
        self._people: dict[str, _Person] = {}
        self._prune_at = _PRUNE_AT
        self._lock = threading.Lock()

    def check(self, person: str) -> str | None:
        """None: read the message. Otherwise the text key to answer with once ("too_fast",
        "too_many_today"), or "" to say nothing (already told)."""
        with self._lock:
            now = self.clock()
            counts = self._person(person, now)
            # Messages dropped for speed do not count for the day: only those read do.
            minute = counts.minute.add(now, MINUTE, self.per_minute)
            if minute is not None:
                return "too_fast" if minute == "told" else ""
            day = counts.day.add(now, DAY, self.per_day)
            if day is not None:
                return "too_many_today" if day == "told" else ""
            return None

    def notice(self, person: str) -> bool:
        """Whether the coordinators may be told about this person's sign-up once more today."""
        with self._lock:
            now = self.clock()
            return self._person(person, now).notices.add(now, DAY, self.notices_per_day) is None

    def _person(self, person: str, now: float) -> _Person:
        found = self._people.get(person)
        if found is None:
            if len(self._people) >= self._prune_at:
                self._people = {key: value for key, value in self._people.items()
                                if now - value.day.started < DAY}
                self._prune_at = max(_PRUNE_AT, 2 * len(self._people))
            found = self._people[person] = _Person(_Count(now), _Count(now), _Count(now))
        return found
