"""Telegram channel plugin: publish to channels, read reactions and audience, and a fake Bot API."""
