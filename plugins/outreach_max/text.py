"""Message text as MAX takes it: at most 4000 characters a message (schema, NewMessageBody)."""

from __future__ import annotations

from outreach_max import limits


def parts_of(text: str, size: int = limits.MAX_TEXT) -> list[str]:
    """``text`` in messages MAX takes, cut at line ends or spaces where it can."""
    pieces: list[str] = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces
