"""Telegram's errors, said in plain words as Outreach's channel errors."""

from __future__ import annotations

import datetime as dt

from outreach.channels import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
)


def retry_after_seconds(exc: BaseException) -> float:
    """``retry_after`` of a RetryAfter error, in seconds (an int or a timedelta by version)."""
    # The private attribute spares the deprecation warning of the int-valued property.
    value: float | dt.timedelta | None = getattr(exc, "_retry_after", None)
    if value is None:
        value = getattr(exc, "retry_after", 1)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return 1.0 if value is None else float(value)


def translate(exc: BaseException, channel: str, chat: str) -> ChannelError:
    """The channel error for a python-telegram-bot error; never contains the token."""
    from telegram import error

    where = f"channel {channel} (Telegram {chat})"
    if isinstance(exc, error.RetryAfter):
        seconds = retry_after_seconds(exc)
        return RateLimitedError(f"{where}: Telegram asks to wait {seconds:.0f} s before "
                                "posting again (too many messages)", retry_after=seconds)
    if isinstance(exc, error.InvalidToken):
        return AuthError(f"{where}: Telegram does not accept the bot token; create a new one "
                         "with @BotFather (/token) and put it in the environment variable")
    if isinstance(exc, error.Forbidden):
        return PermanentError(f"{where}: the bot was removed from the channel or blocked: add "
                              f"it back as an administrator ({exc.message})")
    if isinstance(exc, error.BadRequest):
        text = exc.message
        if "chat not found" in text.lower():
            return PermanentError(f"{where}: Telegram cannot find this chat; check chat_id "
                                  "(e.g. @channel_name) and that the bot was added to it")
        if "need administrator rights" in text.lower():
            return PermanentError(f"{where}: the bot is not an administrator of the channel; "
                                  "make it an administrator allowed to post messages")
        return PermanentError(f"{where}: Telegram refused the post: {text}")
    if isinstance(exc, error.Conflict):
        return TransientError(f"{where}: another program is reading this bot's updates "
                              "(only one may at a time); try again later")
    if isinstance(exc, error.TimedOut):
        return TransientError(f"{where}: Telegram did not answer in time; will retry")
    if isinstance(exc, error.NetworkError):
        return TransientError(f"{where}: Telegram could not be reached or failed "
                              f"({exc.message}); will retry")
    if isinstance(exc, TimeoutError):
        return TransientError(f"{where}: Telegram did not answer in time; will retry")
    if isinstance(exc, error.TelegramError):
        return TransientError(f"{where}: Telegram error: {exc.message}")
    raise exc
