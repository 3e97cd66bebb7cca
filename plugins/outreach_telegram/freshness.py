"""Whether the reaction counts a bot holds are current, after a time nobody read its updates.

Bot API, "Getting updates": incoming updates "will not be kept longer than 24
hours". Reactions come only as ``message_reaction_count`` updates, each with a
message's whole count, sent when it changes. When nobody read the bot's updates
for more than 24 hours (the service was stopped, the bot had a webhook), changes
in that time may be gone: a post's count is stale until a new count of it comes.

``BotState`` keeps when updates were last read (``read_at``), the latest such
gap (``gap``: from, to), and when each message's count came (``counted_at``)
or the post was published (``posted_at``), as seconds since the epoch.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

#: "will not be kept longer than 24 hours" (Bot API, Getting updates).
KEPT_FOR = 24 * 3600.0
#: How often a reader writes down that it read (the gap is measured this much longer).
NOTE_EVERY = 600.0


def now() -> float:
    return time.time()


def gap(last_read: float, at: float) -> list[float] | None:
    """The gap (from, to) when updates read at ``at`` were last read at ``last_read``
    longer ago than Telegram keeps them (0: never read before); None otherwise."""
    return [last_read, at] if last_read and at - last_read > KEPT_FOR else None


def stale(latest_gap: list[float], seen: Iterable[float | None]) -> bool:
    """Whether a post's count may miss reactions lost in ``latest_gap`` (empty: none):
    ``seen``, when each of its messages was last counted or posted, is all before its end."""
    return bool(latest_gap) and not any(at is not None and at >= latest_gap[1]
                                        for at in seen)
