"""Message text as MAX takes it: at most 4000 characters a message (schema, NewMessageBody)."""

from __future__ import annotations

from outreach.channels import text_pieces
from outreach_max import limits


def parts_of(text: str, size: int = limits.MAX_TEXT) -> list[str]:
    """``text`` in messages MAX takes, cut at line ends or spaces where it can."""
    return text_pieces(text, size)
