"""The fake's webhook methods and the rules of the update queue.

Bot API, "Getting updates": there are "two mutually exclusive ways of receiving
updates": ``getUpdates`` and an outgoing webhook. "Incoming updates are stored on
the server until the bot receives them either way, but they will not be kept
longer than 24 hours." (core.telegram.org/bots/api#getting-updates).

The fake keeps a webhook's settings and answers ``getUpdates`` the way Telegram
does while one is set; it never sends anything to the webhook's URL (its updates
stay queued, as they would while the bot's server does not answer).
"""

from __future__ import annotations

import re
from typing import Any

from outreach_telegram.fake.state import ApiError, FakeState

#: Telegram's answer to getUpdates while a webhook is set: HTTP 409. Its wording is not in
#: the docs; it is quoted from Telegram's answers in github.com/reo7sp/tgbot-cpp/issues/158
#: and github.com/m1guelpf/chatgpt-telegram/issues/40.
WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")
#: "Incoming updates ... will not be kept longer than 24 hours" (Bot API, Getting updates).
KEPT_FOR = 24 * 3600.0
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", 1, "1")


def set_webhook(state: FakeState, params: dict[str, Any], files: dict[str, bytes]) -> Any:
    """Bot API setWebhook: ``url`` an HTTPS URL ("Use an empty string to remove webhook
    integration"), ``max_connections`` 1-100, ``secret_token`` 1-256 of A-Z a-z 0-9 _ -,
    ``drop_pending_updates``. Returns True."""
    url = str(params.get("url") or "")
    if "url" not in params:
        raise ApiError(400, "Bad Request: url is empty")  # a required parameter
    if url and not url.lower().startswith("https://"):
        # "HTTPS URL to send updates to"; Telegram's wording for a plain http URL is not
        # documented: the fake's is Telegram's for a URL it cannot use.
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for "
                            "webhook")
    connections = int(params.get("max_connections") or 40)
    if not 1 <= connections <= 100:
        raise ApiError(400, "Bad Request: bad webhook: max_connections must be in 1-100")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(str(secret)):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    if _truthy(params.get("drop_pending_updates")):
        state.updates.clear()
    allowed = params.get("allowed_updates")
    state.webhook = {"url": url, "max_connections": connections,
                     "allowed_updates": allowed} if url else None
    return True


def delete_webhook(state: FakeState, params: dict[str, Any], files: dict[str, bytes]) -> Any:
    """Bot API deleteWebhook: "remove webhook integration if you decide to switch back to
    getUpdates"; ``drop_pending_updates``. True also when none was set."""
    if _truthy(params.get("drop_pending_updates")):
        state.updates.clear()
    state.webhook = None
    return True


def get_webhook_info(state: FakeState, params: dict[str, Any],
                     files: dict[str, bytes]) -> Any:
    """Bot API getWebhookInfo: "If the bot is using getUpdates, will return an object with
    the url field empty"; ``pending_update_count`` counts the queue."""
    expire(state)
    info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                            "pending_update_count": len(state.updates)}
    hook = state.webhook
    if hook:
        info.update(url=hook["url"], max_connections=hook["max_connections"])
        if hook.get("allowed_updates"):
            info["allowed_updates"] = hook["allowed_updates"]
    return info


def refuse_while_webhook(state: FakeState) -> None:
    """getUpdates while a webhook is set: 409 Conflict (the two ways are exclusive)."""
    if state.webhook:
        raise ApiError(409, WEBHOOK_CONFLICT)


def expire(state: FakeState) -> None:
    """Forget updates kept longer than 24 hours by the fake's clock."""
    oldest = state.now() - KEPT_FOR
    old = {i for i, at in state.update_times.items() if at < oldest}
    if old:  # reaction counts are queued when asked for, so old ones may come last
        kept = [u for u in state.updates if u["update_id"] not in old]
        state.updates.clear()
        state.updates.extend(kept)
        for update_id in old:
            del state.update_times[update_id]


def confirm(state: FakeState, offset: int) -> None:
    """Bot API getUpdates ``offset``: a positive one confirms every update before it; "The
    negative offset can be specified to retrieve updates starting from -offset update from
    the end of the updates queue. All previous updates will be forgotten." """
    if offset > 0:
        while state.updates and state.updates[0]["update_id"] < offset:
            state.update_times.pop(state.updates.popleft()["update_id"], None)
    elif offset < 0:
        while len(state.updates) > -offset:
            state.update_times.pop(state.updates.popleft()["update_id"], None)
