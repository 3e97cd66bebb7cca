"""OK's error codes (apiok.ru/dev/errors) and what each means for a volunteer.

OK answers an error with HTTP 200 and ``{"error_code": N, "error_msg": "NAME : text",
"error_data": ...}``; the channel turns each into one of the project's error
classes with a sentence saying what happened and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach.channels import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
    _,
)
from outreach_ok import limits

#: Code -> name, as apiok.ru/dev/errors lists them (the ones the plugin meets).
NAMES = {
    1: "UNKNOWN", 2: "SERVICE", 3: "METHOD", 4: "REQUEST", 7: "ACTION_BLOCKED",
    8: "FLOOD_BLOCKED", 9: "IP_BLOCKED", 10: "PERMISSION_DENIED", 11: "LIMIT_REACHED",
    100: "PARAM", 101: "PARAM_API_KEY", 102: "PARAM_SESSION_EXPIRED",
    103: "PARAM_SESSION_KEY", 104: "PARAM_SIGNATURE", 200: "PARAM_PERMISSION",
    300: "NOT_FOUND", 5000: "MEDIA_TOPIC_BLOCK_LIMIT", 5001: "MEDIA_TOPIC_TEXT_LIMIT",
    9999: "SYSTEM",
}
FLOOD_BLOCKED = 8


@dataclass(frozen=True)
class Who:
    """Whose calls these are, for messages: never a token or a key, only where they live."""

    channel: str
    token_variable: str
    secret_variable: str
    group_id: str


def error_for(code: int, text: str, who: Who, method: str) -> ChannelError:
    """The project's error for OK's ``code`` on ``method``; ``text`` is OK's error_msg."""
    said = f"(error {code}: {text})" if text else f"(error {code} {NAMES.get(code, '')})"
    where = _("channel {channel}").format(channel=who.channel)
    if code == 102:
        return AuthError(_(
            "{where}: OK says the access token in {variable} has expired {said}. Get a new "
            "token in the application's settings on OK and put it in {variable}; ask for "
            "LONG_ACCESS_TOKEN so it lasts (see docs/ok.md)").format(
                where=where, variable=who.token_variable, said=said))
    if code == 103:
        return AuthError(_(
            "{where}: OK does not know the access token in {variable} {said}: it is "
            "mistyped or was revoked. Put a valid token in {variable} (see docs/ok.md)").format(
                where=where, variable=who.token_variable, said=said))
    if code == 104:
        return AuthError(_(
            "{where}: OK rejected the request's signature {said}: the application's secret "
            "key in {secret} does not belong to this application key, or the token in "
            "{variable} was made for another application. Check both (see docs/ok.md)").format(
                where=where, secret=who.secret_variable, variable=who.token_variable,
                said=said))
    if code == 101:
        return AuthError(_(
            "{where}: OK does not know the application key {said}. Copy the application's "
            "public key from OK's letter into application_key").format(where=where, said=said))
    if code in (10, 200):
        permission = limits.METHOD_PERMISSION.get(method)
        if permission:
            return AuthError(_(
                "{where}: OK refused {method} {said}: the application lacks the {permission} "
                "permission, or the token's user does not administer group {group}. Run "
                "outreach channels check; OK's support grants {permission} to an "
                "application on request (see docs/ok.md)").format(
                    where=where, method=method, said=said, permission=permission,
                    group=who.group_id))
        return AuthError(_(
            "{where}: OK refused {method} {said}: the token lacks a permission. Run "
            "outreach channels check (see docs/ok.md)").format(
                where=where, method=method, said=said))
    if code == FLOOD_BLOCKED:
        return RateLimitedError(_(
            "{where}: OK asks to slow down {said}; Outreach will try again in a minute").format(
                where=where, said=said), retry_after=limits.FLOOD_RETRY_AFTER)
    if code in (7, 11):
        return RateLimitedError(_(
            "{where}: OK has stopped {method} for now {said}: a limit on such actions was "
            "reached. Outreach will try again in an hour").format(
                where=where, method=method, said=said), retry_after=limits.LIMIT_RETRY_AFTER)
    if code in (1, 2, 9999):
        return TransientError(_(
            "{where}: OK had an internal problem {said}; Outreach will try again "
            "later").format(where=where, said=said))
    if code == 5001:
        return PermanentError(_(
            "{where}: OK says the post's text is too long {said}. Shorten the story's text "
            "or the campaign's template").format(where=where, said=said))
    if code == 5000:
        return PermanentError(_(
            "{where}: OK says the post has too many parts {said}. Remove some photos from "
            "the story").format(where=where, said=said))
    if code == 300:
        return PermanentError(_(
            "{where}: OK did not find what {method} asked for {said}: check group_id").format(
                where=where, method=method, said=said))
    if code == 100:
        return PermanentError(_(
            "{where}: OK refused a value sent with {method} {said}. Check group_id and the "
            "story's text and photos").format(where=where, method=method, said=said))
    return PermanentError(_("{where}: OK refused {method} {said}").format(
        where=where, method=method, said=said))
