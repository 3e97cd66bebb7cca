"""Outreach plugin for local media: press kits for newspapers, radio and notice boards."""

from __future__ import annotations

from outreach_local_media.channel import LocalMediaChannel

__all__ = ["LocalMediaChannel"]
