"""Telegram's errors, said in plain words as Outreach's channel errors."""

from __future__ import annotations

import datetime as dt

from outreach.channels import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
    _,
)
from outreach_telegram.webhook import WebhookActive
from outreach_telegram.webhook import fix as webhook_fix


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

    where = _("channel {channel} (Telegram {chat})").format(channel=channel, chat=chat)
    if isinstance(exc, error.RetryAfter):
        seconds = retry_after_seconds(exc)
        return RateLimitedError(_("{where}: Telegram asks to wait {seconds} s before posting "
                                  "again (too many messages)").format(
            where=where, seconds=f"{seconds:.0f}"), retry_after=seconds)
    if isinstance(exc, error.InvalidToken):
        return AuthError(_("{where}: Telegram does not accept the bot token; create a new one "
                           "with @BotFather (/token) and put it in the environment variable")
                         .format(where=where))
    if isinstance(exc, error.Forbidden):
        return PermanentError(_("{where}: the bot was removed from the channel or blocked: "
                                "add it back as an administrator ({said})").format(
            where=where, said=exc.message))
    if isinstance(exc, error.BadRequest):
        text = exc.message
        if "chat not found" in text.lower():
            return PermanentError(_("{where}: Telegram cannot find this chat; check chat_id "
                                    "(e.g. @channel_name) and that the bot was added to it")
                                  .format(where=where))
        if "need administrator rights" in text.lower():
            return PermanentError(_("{where}: the bot is not an administrator of the "
                                    "channel; make it an administrator allowed to post "
                                    "messages").format(where=where))
        return PermanentError(_("{where}: Telegram refused the post: {said}").format(
            where=where, said=text))
    if isinstance(exc, WebhookActive):
        return TransientError(_("{where}: {problem}; {fix}").format(
            where=where, problem=exc, fix=webhook_fix()))
    if isinstance(exc, error.Conflict):
        return TransientError(_("{where}: another program is reading this bot's updates "
                                "(only one may at a time); try again later").format(
            where=where))
    if isinstance(exc, error.TimedOut | TimeoutError):
        return TransientError(_("{where}: Telegram did not answer in time; will retry")
                              .format(where=where))
    if isinstance(exc, error.NetworkError):
        return TransientError(_("{where}: Telegram could not be reached or failed ({said}); "
                                "will retry").format(where=where, said=exc.message))
    if isinstance(exc, error.TelegramError):
        return TransientError(_("{where}: Telegram error: {said}").format(
            where=where, said=exc.message))
    raise exc
