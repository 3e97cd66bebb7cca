"""Outreach plugin for local media: press kits for newspapers, radio and notice boards,
and posters (``outreach posters``).

The channel (and Pillow with it) is imported when first used: ``outreach --help``
imports this package for its commands only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outreach_local_media.channel import LocalMediaChannel

__all__ = ["LocalMediaChannel"]


def __getattr__(name: str) -> object:
    if name == "LocalMediaChannel":
        from outreach_local_media.channel import LocalMediaChannel

        return LocalMediaChannel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
