"""A webhook set on the bot: Telegram then refuses ``getUpdates`` (409 Conflict).

Bot API, "Getting updates": ``getUpdates`` and webhooks are "two mutually
exclusive ways of receiving updates"; while a webhook is set, every
``getUpdates`` is answered "Conflict: can't use getUpdates method while webhook
is active; use deleteWebhook to delete the webhook first". Outreach reads
updates with ``getUpdates`` (sign-ups, photo reports, reactions), so a webhook
someone set on the bot (another program, a bot constructor) stops all of that.

Outreach removes the webhook only when the channel's settings say the bot is
Outreach's alone (``manage_webhook = true``): otherwise removing it would break
the other program. Then it says what is wrong and what to do.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from outreach.channels import _

if TYPE_CHECKING:
    import telegram

log = logging.getLogger("outreach.telegram")


class WebhookActive(Exception):
    """The bot has a webhook, so its updates cannot be read; ``url`` is where they go."""

    def __init__(self, url: str = "") -> None:
        super().__init__(problem(url))
        self.url = url


def is_webhook_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is Telegram's 409 for getUpdates while a webhook is set."""
    from telegram import error

    return isinstance(exc, error.Conflict) and "webhook" in exc.message.lower()


def _where(url: str) -> str:
    # Only the host: the path of a webhook URL often holds a secret.
    return urlsplit(url).hostname or ""


def problem(url: str = "") -> str:
    """What is wrong, in plain words."""
    where = _where(url)
    if where:
        return _("a webhook is set on this bot: Telegram sends its messages to {where}, so "
                 "Outreach cannot read people's messages, photo reports or reactions").format(
            where=where)
    return _("a webhook is set on this bot, so Outreach cannot read people's messages, photo "
             "reports or reactions")


def fix() -> str:
    """What a person should do about it."""
    return _("if this bot serves only Outreach, add manage_webhook = true to the channel's "
             "settings in config.toml and Outreach will remove the webhook itself; if another "
             "program uses the bot, give Outreach a bot of its own (@BotFather, /newbot)")


async def clear(bot: telegram.Bot, manage: bool) -> str | None:
    """Remove the bot's webhook when ``manage`` allows; the URL it had, if one was set.

    Raises ``WebhookActive`` when one is set and may not be removed. Pending
    updates are kept (``drop_pending_updates`` not passed): they are people's.
    """
    info = await bot.get_webhook_info()
    if not info.url:
        return None
    if not manage:
        raise WebhookActive(info.url)
    await bot.delete_webhook(drop_pending_updates=False)
    log.warning(_("removed the webhook of the bot (it sent updates to {where}): "
                  "manage_webhook = true says the bot is Outreach's alone").format(
        where=_where(info.url) or "?"))
    return info.url
