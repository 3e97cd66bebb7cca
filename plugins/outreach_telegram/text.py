"""Text for Telegram: escaping for the parse mode, lengths as Telegram counts, post URLs."""

from __future__ import annotations

import datetime as dt
import html
import re

from outreach.channels import _

# Bot API, "MarkdownV2 style": these must be escaped with a preceding backslash.
_MARKDOWN_V2_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")
_QUIET = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def escape(text: str, parse_mode: str) -> str:
    """Plain ``text`` made safe to send in ``parse_mode`` (shown exactly as written)."""
    if parse_mode == "HTML":
        return html.escape(text, quote=False)
    if parse_mode == "MarkdownV2":
        return _MARKDOWN_V2_SPECIAL.sub(r"\\\1", text)
    return text


def telegram_length(text: str) -> int:
    """Length for Telegram's limits: UTF-16 code units (an emoji may count as two).

    A decision, with its source: the Bot API gives the limits as "1-4096 characters
    after entities parsing" (sendMessage) and "0-1024 characters" (captions) without
    saying what a character is; the one unit it does name for text is "UTF-16 code
    units" (MessageEntity offset and length). Counting UTF-16 is never longer than
    Telegram's count under either reading, so a text we pass is not refused for its
    length. The fake refuses by the same count (fake/BEHAVIOURS.md).
    """
    return len(text.encode("utf-16-le")) // 2


def post_url(chat_id: str, username: str | None, message_id: int) -> str | None:
    """The public link of a message: t.me/<name>/<id>, or t.me/c/<id>/<id> for a private one."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    if chat_id.startswith("@"):
        return f"https://t.me/{chat_id[1:]}/{message_id}"
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return None


def check_quiet_hours(value: str) -> str | None:
    if value and not _QUIET.match(value):
        return _("must look like 22:00-08:00 (from-to, 24-hour clock), or be empty")
    return None


def in_quiet_hours(value: str, now: dt.datetime) -> bool:
    """Whether local time ``now`` falls in ``value`` ("22:00-08:00" may span midnight)."""
    match = _QUIET.match(value or "")
    if not match:
        return False
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    minute = now.hour * 60 + now.minute
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def check_chat_id(value: object) -> str | None:
    text = str(value)
    if re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", text) or re.fullmatch(r"-?\d+", text):
        return None
    return _("must be the channel's @username (e.g. @silver_volunteers) or its numeric id "
             "(e.g. -1001234567890)")
