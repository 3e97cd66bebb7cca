"""``outreach channels check`` for Telegram: the token, can the bot post, read reactions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.channels import ChannelError, CheckResult

if TYPE_CHECKING:
    from outreach_telegram.calls import BotCalls

ADD_AS_ADMIN = ("in Telegram open the channel, Administrators, Add administrator, find the "
                "bot by its @username and allow it to post messages")


def check_bot(calls: BotCalls, bot_username: str) -> list[CheckResult]:
    """getMe, then getChatMember for the bot in ``calls.chat``, said in plain words;
    ``bot_username`` as configured ("" for none)."""
    chat = calls.chat
    try:
        me = calls.run(lambda bot: bot.get_me())
    except ChannelError as exc:
        return [CheckResult(ok=False, message=str(exc),
                            fix="check the token with @BotFather (/mybots, API Token)")]
    results = [CheckResult(ok=True, message=f"the token works: it belongs to the bot "
                                            f"@{me.username}")]
    try:
        found = calls.run(lambda bot: bot.get_chat(chat))
        member = calls.run(lambda bot: bot.get_chat_member(chat, me.id))
    except ChannelError as exc:
        return [*results, CheckResult(ok=False, message=str(exc), fix=ADD_AS_ADMIN)]
    status = member.status
    if status in ("left", "kicked"):
        word = "was removed from" if status == "kicked" else "is not in"
        return [*results, CheckResult(
            ok=False, message=f"the bot {word} {chat}: it cannot post there",
            fix=ADD_AS_ADMIN)]
    admin = status in ("administrator", "creator")
    in_channel = found.type == "channel"
    # In a channel only administrators allowed to post may; in a group any member may.
    can_post = (status == "creator"
                or (admin and (not in_channel or bool(getattr(member, "can_post_messages",
                                                              False))))
                or (status in ("member", "restricted") and not in_channel))
    if can_post:
        results.append(CheckResult(ok=True, message=f"the bot can post to {chat}"))
    else:
        results.append(CheckResult(
            ok=False, message=f"the bot is in {chat} but may not post messages there",
            fix="make the bot an administrator with the right to post messages"))
    if admin:
        results.append(CheckResult(ok=True, message="the bot can read reactions to posts "
                                                     "(it is an administrator)"))
    else:
        results.append(CheckResult(
            ok=False, message="the bot cannot read reactions: only administrators get them",
            fix="make the bot an administrator of the channel"))
    if not bot_username:
        results.append(CheckResult(
            ok=True, message=f"sign-up links will use the bot's name @{me.username} "
                             f"(set bot_username = \"{me.username}\" to make it explicit)"))
    elif bot_username.lstrip("@").lower() != (me.username or "").lower():
        results.append(CheckResult(
            ok=False, message=f"bot_username is {bot_username!r} but the "
                              f"token belongs to @{me.username}: sign-up links would go to "
                              "another bot", fix=f"set bot_username = \"{me.username}\""))
    return results
