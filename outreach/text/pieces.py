"""A long text cut into messages a platform takes, each at most so many characters."""

from __future__ import annotations


def text_pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut at a line end or a space in
    the second half of a piece where there is one (else mid-word); an empty text is one
    empty piece."""
    pieces: list[str] = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces
