"""``outreach channels check`` for MAX: does the token work, may the bot post, what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.channels import AuthError, CheckResult, PermanentError, _

if TYPE_CHECKING:
    from outreach_max.client import MaxClient

#: The admin right that lets a bot post in a channel (schema, ChatAdminPermission).
WRITE = "write"


def check_bot(client: MaxClient, chat_id: int, bot_name: str,
              webhook_url: str = "") -> list[CheckResult]:
    """Whose token ``client`` holds and what the bot may do in chat ``chat_id``."""
    variable = client.who.variable
    try:
        me = client.me()
    except AuthError:
        return [CheckResult(
            ok=False, message=_("MAX does not accept the token in {variable}").format(
                variable=variable),
            fix=_("copy the token again from the bot's page on MAX's partner platform "
                  "(business.max.ru) into {variable}. A bot exists only once the "
                  "organisation's profile is verified and the bot passed moderation "
                  "(see docs/max.md)").format(variable=variable))]
    name, username = me.get("first_name") or "", me.get("username") or ""
    results = [CheckResult(ok=True, message=_("the token in {variable} works: it is bot "
                                              "{name} ({username})").format(
        variable=variable, name=name, username=username or "—"))]
    if bot_name and username and bot_name.lower() != username.lower():
        results.append(CheckResult(
            ok=False, message=_("bot_name is {bot_name}, but the token belongs to bot "
                                "{username}: sign-up links would open another bot").format(
                bot_name=bot_name, username=username),
            fix=_("write bot_name = \"{username}\"").format(username=username)))
    if bot_name:
        results.extend(_updates(client, webhook_url))
    results.extend(_channel(client, chat_id))
    return results


def _updates(client: MaxClient, webhook_url: str) -> list[CheckResult]:
    """How the sign-up bot gets updates: MAX allows webhooks or long polling, not both."""
    urls = [s.get("url") for s in client.subscriptions()]
    if webhook_url:
        if webhook_url in urls:
            return [CheckResult(ok=True, message=_("MAX sends the bot's updates to {url}")
                                .format(url=webhook_url))]
        return [CheckResult(ok=True, message=_(
            "the bot subscribes {url} for its updates when Outreach starts").format(
            url=webhook_url))]
    if urls:
        return [CheckResult(
            ok=False, message=_("the bot has a webhook subscription ({urls}), so MAX will "
                                "not give its updates by long polling").format(
                urls=", ".join(map(str, urls))),
            fix=_("set webhook_url to that address, or remove the subscription "
                  "(see docs/max.md)"))]
    return [CheckResult(ok=True, message=_("the sign-up bot reads its updates by long "
                                           "polling"))]


def _channel(client: MaxClient, chat_id: int) -> list[CheckResult]:
    try:
        chat = client.chat(chat_id)
    except (AuthError, PermanentError):
        return [CheckResult(
            ok=False, message=_("the bot does not see chat {chat_id}: it is not a member, "
                                "or the chat id is wrong").format(chat_id=chat_id),
            fix=_("add the bot to the channel as an administrator (channel settings, "
                  "Administrators), then check chat_id"))]
    title = chat.get("title") or str(chat_id)
    results = []
    if chat.get("type") != "channel":
        results.append(CheckResult(
            ok=False, message=_("{title} ({chat_id}) is a {kind}, not a channel: posts go "
                                "there all the same, but views are counted only in "
                                "channels").format(title=title, chat_id=chat_id,
                                                   kind=chat.get("type")),
            fix=_("set chat_id to the channel's id if you meant the channel")))
    if chat.get("status") != "active":
        return [*results, CheckResult(
            ok=False, message=_("the bot is not in {title} any more (status: {status})")
            .format(title=title, status=chat.get("status")),
            fix=_("add the bot to the channel again as an administrator"))]
    try:
        member = client.membership(chat_id)
    except (AuthError, PermanentError):
        member = {}
    rights = member.get("permissions") or []
    if member.get("is_admin") and WRITE in rights:
        results.append(CheckResult(
            ok=True, message=_("the bot is an administrator of {title} ({chat_id}) and may "
                               "post there; {count} members").format(
                title=title, chat_id=chat_id, count=chat.get("participants_count", "—"))))
    elif member.get("is_admin"):
        results.append(CheckResult(
            ok=False, message=_("the bot administers {title} but lacks the right to write "
                                "posts").format(title=title),
            fix=_("in the channel's settings, Administrators, give the bot the right to "
                  "write posts")))
    else:
        results.append(CheckResult(
            ok=False, message=_("the bot is not an administrator of {title}: it cannot post "
                                "there").format(title=title),
            fix=_("make the bot an administrator of the channel with the right to write "
                  "posts (channel settings, Administrators)")))
    return results
