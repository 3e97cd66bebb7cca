"""``outreach channels check`` for Telegram: the token, can the bot post, read reactions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outreach.channels import ChannelError, CheckResult, TransientError, _, ngettext
from outreach_telegram import webhook

if TYPE_CHECKING:
    import zoneinfo

    from outreach_telegram.calls import BotCalls
    from outreach_telegram.updates import StateData

def add_as_admin() -> str:
    """How to make the bot an administrator allowed to post, step by step."""
    return _("in Telegram open the channel, Administrators, Add administrator, find the bot "
             "by its @username and allow it to post messages")


def check_bot(calls: BotCalls, bot_username: str) -> list[CheckResult]:
    """getMe, then getChatMember for the bot in ``calls.chat``, said in plain words;
    ``bot_username`` as configured ("" for none)."""
    chat = calls.chat
    try:
        me = calls.run(lambda bot: bot.get_me())
    except TransientError as exc:  # the network or Telegram, not the token
        return [CheckResult(ok=False, message=str(exc),
                            fix=_("check the internet connection and api_url, then run the "
                                  "check again"))]
    except ChannelError as exc:
        return [CheckResult(ok=False, message=str(exc),
                            fix=_("check the token with @BotFather (/mybots, API Token)"))]
    results = [CheckResult(ok=True, message=_("the token works: it belongs to the bot "
                                              "@{bot}").format(bot=me.username))]
    try:
        found = calls.run(lambda bot: bot.get_chat(chat))
        member = calls.run(lambda bot: bot.get_chat_member(chat, me.id))
    except ChannelError as exc:
        return [*results, CheckResult(ok=False, message=str(exc), fix=add_as_admin())]
    status = member.status
    if status in ("left", "kicked"):
        message = (_("the bot was removed from {chat}: it cannot post there")
                   if status == "kicked" else _("the bot is not in {chat}: it cannot post there"))
        return [*results, CheckResult(ok=False, message=message.format(chat=chat),
                                      fix=add_as_admin())]
    admin = status in ("administrator", "creator")
    in_channel = found.type == "channel"
    # In a channel only administrators allowed to post may; in a group any member may.
    can_post = (status == "creator"
                or (admin and (not in_channel or bool(getattr(member, "can_post_messages",
                                                              False))))
                or (status in ("member", "restricted") and not in_channel))
    if can_post:
        results.append(CheckResult(ok=True, message=_("the bot can post to {chat}").format(
            chat=chat)))
    else:
        results.append(CheckResult(
            ok=False, message=_("the bot is in {chat} but may not post messages there").format(
                chat=chat),
            fix=_("make the bot an administrator with the right to post messages")))
    if admin:
        results.append(CheckResult(ok=True, message=_("the bot can read reactions to posts "
                                                      "(it is an administrator)")))
    else:
        results.append(CheckResult(
            ok=False, message=_("the bot cannot read reactions: only administrators get them"),
            fix=_("make the bot an administrator of the channel")))
    if not bot_username:
        results.append(CheckResult(
            ok=True, message=_("sign-up links will use the bot's name @{bot} (set "
                               "bot_username = \"{bot}\" to make it explicit)").format(
                bot=me.username)))
    elif bot_username.lstrip("@").lower() != (me.username or "").lower():
        results.append(CheckResult(
            ok=False, message=_("bot_username is {given!r} but the token belongs to @{bot}: "
                                "sign-up links would go to another bot").format(
                given=bot_username, bot=me.username),
            fix=_("set bot_username = \"{bot}\"").format(bot=me.username)))
    return results


def _when(seconds: float, zone: zoneinfo.ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(seconds, zone).strftime("%d.%m.%Y %H:%M")


def _gap(data: StateData, zone: zoneinfo.ZoneInfo) -> str:
    start, end = data["gap"]
    return _("the bot's updates were not read from {start} to {end}, longer than the 24 "
             "hours Telegram keeps them").format(start=_when(start, zone), end=_when(end, zone))


def freshness_note(data: StateData, count: int, channel: str, zone: zoneinfo.ZoneInfo) -> str:
    """Why ``count`` posts' reaction counts were not collected this time (a gap)."""
    return ngettext(
        "channel {channel}: {gap}, so reactions to {count} post may have been lost; its "
        "figures stay as last collected until its reactions change again",
        "channel {channel}: {gap}, so reactions to {count} posts may have been lost; their "
        "figures stay as last collected until their reactions change again", count).format(
        channel=channel, gap=_gap(data, zone), count=count)


def check_updates(calls: BotCalls, data: StateData, manage_webhook: bool,
                  zone: zoneinfo.ZoneInfo) -> list[CheckResult]:
    """Can the bot's updates be read (no webhook in the way), and were they read in time."""
    results = []
    try:
        info = calls.run(lambda bot: bot.get_webhook_info())
    except ChannelError as exc:
        return [CheckResult(ok=False, message=str(exc),
                            fix=_("check the internet connection and api_url, then run the "
                                  "check again"))]
    if info.url and manage_webhook:
        results.append(CheckResult(ok=True, message=_(
            "{problem}; the service removes it when it starts (manage_webhook = true)").format(
            problem=webhook.problem(info.url))))
    elif info.url:
        results.append(CheckResult(ok=False, message=webhook.problem(info.url),
                                   fix=webhook.fix()))
    else:
        results.append(CheckResult(ok=True, message=_(
            "no webhook is set: Outreach can read the bot's messages and reactions")))
    if data["gap"]:
        results.append(CheckResult(ok=True, message=_(
            "{gap}: reactions that changed then may be missing until they change again; keep "
            "the service running").format(gap=_gap(data, zone))))
    return results
