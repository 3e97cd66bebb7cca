"""A thin typed client of the MAX Bot API on ``requests``, with MAX's errors in plain words.

MAX is plain REST with JSON (schema, info.description): the token goes in the
``Authorization`` header of every request (schema, securitySchemes; a token in
the query is no longer accepted, dev.max.ru/docs-api), an error is an HTTP
status with ``{"code", "message"}``. Every request a process makes with one
token goes through one ``Pacer``, so publishing, collecting views and the
sign-up bot together stay under MAX's 30 requests a second.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from outreach.channels import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
    _,
)
from outreach_max import limits

TIMEOUT = (10, 60)  # connect, read seconds: a silent network must not hang a worker

Json = dict[str, Any]


class Pacer:
    """At most ``rate`` requests in any ``window`` seconds, spread evenly: each caller gets
    the next free slot, ``window / rate`` seconds after the one before."""

    def __init__(self, rate: int, window: float) -> None:
        self.rate = rate
        self.window = window
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.window / self.rate
        if slot > now:
            time.sleep(slot - now)


_pacers: dict[tuple[str, float], Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(token: str, window: float = limits.PACE_WINDOW) -> Pacer:
    """The process-wide pacer of ``token`` (named by a hash, never held)."""
    key = (hashlib.sha256(token.encode()).hexdigest()[:16], window)
    with _pacers_lock:
        return _pacers.setdefault(key, Pacer(limits.PACE_RATE, window))


class NotReady(ChannelError):
    """MAX has not processed an uploaded file yet (400 ``attachment.not.ready``)."""


@dataclass(frozen=True)
class Who:
    """Whose token a call uses, for messages: never the token itself."""

    channel: str
    variable: str  # the environment variable holding it


class MaxClient:
    """One bot token's calls to MAX at ``base_url``, each failing with a channel error."""

    def __init__(self, base_url: str, token: str, who: Who, *,
                 session: requests.Session | None = None, pacer: Pacer | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.who = who
        self.session = session or requests.Session()
        self.pacer = pacer or pacer_for(token)
        self.sleep = sleep
        self.too_many = 0  # 429 answers met, for benchmarks and logs

    def __repr__(self) -> str:  # never show the token
        return f"MaxClient(channel={self.who.channel!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self.session.close()

    # --- the methods the plugin uses (schema paths) ---

    def me(self) -> Json:
        return self.call("GET", "/me")

    def chat(self, chat_id: int) -> Json:
        return self.call("GET", f"/chats/{chat_id}")

    def membership(self, chat_id: int) -> Json:
        return self.call("GET", f"/chats/{chat_id}/members/me")

    def upload_url(self, kind: str = "image") -> str:
        return str(self.call("POST", "/uploads", params={"type": kind})["url"])

    def send(self, body: Json, *, chat_id: int | None = None,
             user_id: int | None = None) -> Json:
        """The sent ``Message`` (SendMessageResult.message)."""
        params = {"chat_id": chat_id} if chat_id is not None else {"user_id": user_id}
        return self.call("POST", "/messages", params=params, body=body)["message"]

    def messages(self, chat_id: int, *, message_ids: Sequence[str] = (),
                 count: int | None = None) -> list[Json]:
        params: dict[str, Any] = {"chat_id": chat_id}
        if message_ids:
            params["message_ids"] = ",".join(message_ids)
        if count is not None:
            params["count"] = count
        return list(self.call("GET", "/messages", params=params)["messages"])

    def updates(self, marker: int | None, timeout: int, limit: int,
                types: Sequence[str]) -> Json:
        params: dict[str, Any] = {"timeout": timeout, "limit": limit, "types": ",".join(types)}
        if marker is not None:
            params["marker"] = marker
        return self.call("GET", "/updates", params=params,
                         read_timeout=timeout + TIMEOUT[1])

    def subscribe(self, url: str, secret: str, types: Sequence[str]) -> Json:
        return self.call("POST", "/subscriptions",
                         body={"url": url, "secret": secret, "update_types": list(types)})

    def subscriptions(self) -> list[Json]:
        return list(self.call("GET", "/subscriptions")["subscriptions"])

    def answer(self, callback_id: str, body: Json) -> Json:
        return self.call("POST", "/answers", params={"callback_id": callback_id}, body=body)

    # --- requests ---

    def call(self, verb: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Json | None = None, read_timeout: float | None = None) -> Json:
        """MAX's JSON answer; 429 retried a few times, every failure a channel error."""
        what = f"{verb} {path}"
        for attempt in range(limits.MAX_TOO_MANY_RETRIES + 1):
            self.pacer.wait()
            try:
                reply = self.session.request(
                    verb, self.base_url + path, params=params, json=body,
                    headers={"Authorization": self._token},
                    timeout=(TIMEOUT[0], read_timeout or TIMEOUT[1]))
            except requests.RequestException as exc:
                raise self._network(exc, what) from None
            if reply.status_code == 429:
                self.too_many += 1
                wait = _retry_after(reply)
                if attempt < limits.MAX_TOO_MANY_RETRIES:
                    self.sleep(wait if wait is not None else
                               self.pacer.window * (attempt + 1))
                    continue
            if reply.status_code == 200:
                try:
                    answer = reply.json()
                except ValueError:
                    answer = None
                if isinstance(answer, dict):
                    return answer
                raise TransientError(_(
                    "channel {channel}: MAX gave an unreadable answer to {what}; Outreach "
                    "will try again later").format(channel=self.who.channel, what=what))
            raise self.error(reply, what)
        raise AssertionError("unreachable")  # pragma: no cover

    def upload(self, url: str, path: Path) -> Json:
        """Send the file at ``path`` to an upload ``url`` (multipart, field ``data``: the
        schema's example for POST /uploads); MAX's JSON answer, to attach as it is."""
        try:
            with path.open("rb") as file:
                reply = self.session.post(url, files={"data": (path.name, file)},
                                          timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise self._network(exc, "upload") from None
        except OSError as exc:
            raise PermanentError(_("channel {channel}: photo {path} cannot be read: "
                                   "{reason}").format(channel=self.who.channel, path=path,
                                                      reason=exc.strerror or exc)) from None
        if reply.status_code != 200:
            raise self.error(reply, "upload")
        try:
            answer = reply.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not (answer.get("token") or answer.get("photos")):
            raise TransientError(_(
                "channel {channel}: MAX's upload server gave an unreadable answer for photo "
                "{name}; Outreach will try again later").format(channel=self.who.channel,
                                                                name=path.name))
        return answer

    # --- errors ---

    def _network(self, exc: requests.RequestException, what: str) -> TransientError:
        if isinstance(exc, requests.Timeout):
            message = _("channel {channel}: MAX did not answer in time ({what}); check the "
                        "internet connection. Outreach will try again later")
        else:
            message = _("channel {channel}: MAX could not be reached ({what}); check the "
                        "internet connection. Outreach will try again later")
        return TransientError(message.format(channel=self.who.channel, what=what))

    def error(self, reply: requests.Response, what: str) -> ChannelError:
        """An HTTP error from MAX as a channel error in plain words."""
        return to_channel_error(reply.status_code, _error_body(reply), self.who, what,
                                _retry_after(reply))


def _error_body(reply: requests.Response) -> Json:
    try:
        body = reply.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(reply: requests.Response) -> float | None:
    try:
        return max(0.0, float(reply.headers.get("Retry-After", "")))
    except ValueError:
        return None


def to_channel_error(status: int, body: Json, who: Who, what: str,
                     retry_after: float | None = None) -> ChannelError:
    """MAX's answer ``status`` with error ``body`` (schema, Error) as a channel error."""
    code, text = str(body.get("code") or ""), str(body.get("message") or "")
    said = f"(HTTP {status}: {code} {text})".replace("  ", " ").replace(" )", ")")
    values = {"channel": who.channel, "variable": who.variable, "what": what, "said": said}
    if status == 401:
        return AuthError(_(
            "channel {channel}: MAX refused the bot's token in {variable} {said}: it was "
            "revoked, replaced or mistyped. Copy the token again from the bot's page on "
            "MAX's partner platform (business.max.ru) into {variable} "
            "(see docs/max.md)").format(**values))
    if status == 403:
        return AuthError(_(
            "channel {channel}: MAX denied {what} {said}: the bot is not an administrator "
            "of the channel any more, or lost the right to post there. Make it an "
            "administrator with the right to write posts, then run outreach channels "
            "check").format(**values))
    if status == 404:
        return PermanentError(_(
            "channel {channel}: MAX does not know what {what} asked for {said}: the channel "
            "was deleted, or chat_id is wrong. Check chat_id with outreach channels "
            "check").format(**values))
    if status == 429:
        wait = retry_after if retry_after is not None else limits.TOO_MANY_RETRY_AFTER
        return RateLimitedError(_(
            "channel {channel}: MAX still says too many requests {said}; Outreach will try "
            "again shortly").format(**values), retry_after=wait)
    if status == 405 and what == "GET /updates":
        return PermanentError(_(
            "channel {channel}: MAX does not give updates by long polling {said} while the "
            "bot has a webhook subscription: set webhook_url, or remove the subscription "
            "(see docs/max.md)").format(**values))
    if status == 400 and code == limits.NOT_READY_CODE:
        return NotReady(_("channel {channel}: MAX has not finished processing the uploaded "
                          "photos {said}").format(**values))
    if status >= 500:
        return TransientError(_(
            "channel {channel}: MAX is not answering properly {said} on {what}; Outreach "
            "will try again later").format(**values))
    return PermanentError(_("channel {channel}: MAX refused {what} {said}").format(**values))
