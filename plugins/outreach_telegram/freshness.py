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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outreach_telegram.updates import StateData

#: "will not be kept longer than 24 hours" (Bot API, Getting updates).
KEPT_FOR = 24 * 3600.0
#: How often a reader writes down that it read (the gap is measured this much longer).
NOTE_EVERY = 600.0


def now() -> float:
    return time.time()


def note_read(data: StateData, at: float) -> None:
    """Updates were read at ``at``: a gap longer than Telegram keeps them is remembered."""
    last = data["read_at"]
    if last and at - last > KEPT_FOR:
        data["gap"] = [last, at]
    data["read_at"] = max(last, at)


def stale(data: StateData, keys: Iterable[str]) -> bool:
    """Whether the count of a post (the reactions_key of each of its messages) may miss
    reactions lost in the latest gap: none of its messages was counted or posted since."""
    gap = data["gap"]
    if not gap:
        return False
    seen = [data["counted_at"].get(k) or data["posted_at"].get(k) for k in keys]
    return not any(at is not None and at >= gap[1] for at in seen)
