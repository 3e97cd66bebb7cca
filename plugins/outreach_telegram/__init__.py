"""Telegram channel plugin: publish to channels, read reactions and audience, and a fake Bot API."""

from __future__ import annotations

from outreach_telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
