"""Talking to VK through vk_api: one paced client per token, and VK's errors in plain words.

Every request a process makes with one token goes through its one pacer
(``outreach.channels.token_pacer``), whichever channel or thread makes it,
so publishing, collecting and checks together stay under VK's per-token
limit instead of bouncing off it. A ``Client`` is what the
channel hands to its helpers (the checks, the sign-up bot): one token's
calls, failing with the channel's errors.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
from requests.adapters import HTTPAdapter

from outreach.channels import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimitedError,
    TransientError,
    WindowPacer,
    _,
    token_pacer,
)
from outreach_vk import limits

if TYPE_CHECKING:
    import vk_api

VK_HOSTS = ("https://api.vk.ru", "https://api.vk.com")
TIMEOUT = (10, 60)  # connect, read seconds: a silent network must not hang a worker


def pacer_for(token: str, rate: int, window: float = limits.PACE_WINDOW) -> WindowPacer:
    """The process-wide pacer of ``token``."""
    return token_pacer(token, rate, window)


class _TimeoutAdapter(HTTPAdapter):
    """Gives every request a timeout (vk_api sets none)."""

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        return super().send(request, stream=stream,
                            timeout=TIMEOUT if timeout is None else timeout,
                            verify=verify, cert=cert, proxies=proxies)


class _ForwardingAdapter(_TimeoutAdapter):
    """Sends requests for VK's API host to ``base`` (the fake VK): vk_api's host is fixed."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: dict[str, str] | None = None) -> requests.Response:
        parts = urlsplit(request.url or "")
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                            proxies=proxies)


def make_session(api_url: str) -> requests.Session:
    """A Session whose API calls go to ``api_url``, with timeouts on everything."""
    session = requests.Session()
    session.mount("http://", _TimeoutAdapter())
    session.mount("https://", _TimeoutAdapter())
    if api_url.rstrip("/") not in VK_HOSTS:
        for host in VK_HOSTS:
            session.mount(host + "/", _ForwardingAdapter(api_url))
    return session


def make_api(token: str, session: requests.Session, pacer: WindowPacer) -> vk_api.VkApi:
    """A vk_api client for ``token`` that paces through ``pacer`` and writes no files."""
    import jconfig
    import vk_api
    from vk_api.exceptions import TOO_MANY_RPS_CODE

    class PacedVkApi(vk_api.VkApi):  # type: ignore[misc]  # vk_api ships no type information
        RPS_DELAY = 0.0  # the shared pacer does it, across clients and threads

        def method(self, method: str, values: Mapping[str, Any] | None = None,
                   **kwargs: Any) -> Any:
            with pacer.turn():
                return super().method(method, values, **kwargs)

    api = PacedVkApi(token=token, session=session, api_version=limits.API_VERSION,
                     config=jconfig.MemoryConfig)
    # vk_api retries error 6 for ever; call() retries it a bounded number of times.
    api.error_handlers.pop(TOO_MANY_RPS_CODE, None)
    return api


class ResponseTooBig(TransientError):
    """VK's error 13 "response size is too big": ask for less in one request."""


def until_vk_tomorrow(now: float | None = None) -> int:
    """Seconds until VK's next day begins (limits.VK_TIME_ZONE), with a margin."""
    zone = ZoneInfo(limits.VK_TIME_ZONE)
    moment = dt.datetime.fromtimestamp(time.time() if now is None else now, zone)
    midnight = dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(), zone)
    return int((midnight - moment).total_seconds()) + limits.DAILY_RETRY_MARGIN


@dataclass(frozen=True)
class Who:
    """Whose token a call uses, for messages: never the token itself."""

    channel: str
    role: str  # "user" or "community"
    variable: str  # the environment variable holding it
    group_id: int


class Client:
    """One token's paced vk_api client as a channel uses it (``who``: whose token)."""

    def __init__(self, api: vk_api.VkApi, session: requests.Session, pacer: WindowPacer,
                 who: Who) -> None:
        self.api = api
        self.session = session  # timeouts, and the sandbox's address (the long poll uses it)
        self.pacer = pacer
        self.who = who

    def __repr__(self) -> str:  # never show the token
        return f"Client(channel={self.who.channel!r}, role={self.who.role!r})"

    def call(self, method: str, values: Mapping[str, Any] | None = None) -> Any:
        """VK's answer to ``method`` (JSON), error 6 retried a few times, every failure
        a channel error."""
        from vk_api.exceptions import ApiError

        for attempt in range(limits.MAX_TOO_MANY_RETRIES + 1):
            try:
                return self.api.method(method, dict(values or {}))
            except ApiError as exc:
                if exc.code == 6 and attempt < limits.MAX_TOO_MANY_RETRIES:
                    time.sleep(self.pacer.window * (attempt + 1))
                    continue
                raise self.error(exc, method) from None
            except Exception as exc:
                raise self.error(exc, method) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def error(self, exc: BaseException, method: str) -> ChannelError:
        """``exc`` from ``method`` as a channel error in plain words."""
        return to_channel_error(exc, self.who, method)


def to_channel_error(exc: BaseException, who: Who, method: str) -> ChannelError:
    """VK's error (or a network failure) as an outreach channel error in plain words."""
    from vk_api.exceptions import ApiError, ApiHttpError, Captcha

    channel = who.channel
    if isinstance(exc, Captcha):
        return RateLimitedError(_(
            "channel {channel}: VK asks for a captcha (error 14) before it takes more posts. "
            "Outreach waits {minutes} minutes and tries again; if the post cannot wait, a "
            "person can publish it by hand in the community and mark it published "
            "(outreach publications resolve)").format(
            channel=channel, minutes=limits.CAPTCHA_RETRY_AFTER // 60),
            retry_after=limits.CAPTCHA_RETRY_AFTER)
    if isinstance(exc, ApiHttpError):
        status = exc.response.status_code
        if status >= 500 or status == 429:
            return TransientError(_(
                "channel {channel}: VK is not answering properly (HTTP {status} on "
                "{method}); Outreach will try again later").format(
                channel=channel, status=status, method=method))
        return PermanentError(_("channel {channel}: VK answered HTTP {status} on {method}")
                              .format(channel=channel, status=status, method=method))
    if isinstance(exc, requests.Timeout):
        return TransientError(_(
            "channel {channel}: VK did not answer in time ({method}); check the internet "
            "connection. Outreach will try again later").format(channel=channel,
                                                                 method=method))
    if isinstance(exc, requests.RequestException):
        return TransientError(_(
            "channel {channel}: VK could not be reached ({method}); check the internet "
            "connection. Outreach will try again later").format(channel=channel,
                                                                 method=method))
    if not isinstance(exc, ApiError):
        return TransientError(_("channel {channel}: unexpected answer from VK on {method}: "
                                "{error}").format(channel=channel, method=method,
                                                  error=type(exc).__name__))
    return _api_error(exc.code, str(exc.error.get("error_msg", "")), who, method)


def _api_error(code: int, text: str, who: Who, method: str) -> ChannelError:
    said = (_("(error {code}: {text})").format(code=code, text=text) if text
            else _("(error {code})").format(code=code))
    names = {"channel": who.channel, "said": said, "method": method,
             "variable": who.variable, "group": who.group_id}
    token = (_("the user token in {variable}") if who.role == "user"
             else _("the community token in {variable}")).format(variable=who.variable)
    if code == 5:
        return AuthError(_(
            "channel {channel}: VK refused {token} {said}: the token was revoked, has "
            "expired or is mistyped. Create a new token and put it in {variable} "
            "(see docs/vk.md)").format(token=token, **names))
    if code == 27:
        return AuthError(_(
            "channel {channel}: {method} needs a community administrator's user token, but "
            "{variable} holds a community token {said}. Put the user token in {variable} "
            "(see docs/vk.md)").format(**names))
    if code == 28:
        return AuthError(_(
            "channel {channel}: {method} does not work with an app's service token {said}. "
            "Put a user token in {variable} (see docs/vk.md)").format(**names))
    if code == 15 and who.role == "community":
        return AuthError(_(
            "channel {channel}: VK denied {method} to {token} {said}. It must hold a token "
            "made in the community's settings (Manage → API usage → access tokens) with "
            "the messages right").format(token=token, **names))
    if code == 15:
        return AuthError(_(
            "channel {channel}: VK denied {method} to {token} {said}. The token lacks a "
            "right (wall, photos, groups) or its user does not administer community "
            "{group}; run outreach channels check").format(token=token, **names))
    if code == 214 and limits.DAILY_POSTS_TEXT in text:
        return RateLimitedError(_(
            "channel {channel}: VK takes no more posts in community {group} today {said}. "
            "Outreach publishes it after midnight, Moscow time, when VK's new day begins")
            .format(**names), retry_after=until_vk_tomorrow())
    if code == 29:
        return RateLimitedError(_(
            "channel {channel}: VK's daily limit on {method} is used up {said}. Outreach "
            "tries again after midnight, Moscow time, when VK's new day begins")
            .format(**names), retry_after=until_vk_tomorrow())
    if code == 13 and "response size is too big" in text:
        return ResponseTooBig(_(
            "channel {channel}: VK's answer to {method} would be too big {said}; Outreach "
            "asks for less at a time").format(**names))
    if code == 13:
        return TransientError(_(
            "channel {channel}: VK could not run {method} {said}; Outreach will try again "
            "later").format(**names))
    if code == 214:
        return PermanentError(_(
            "channel {channel}: VK does not allow posting to community {group} {said}. "
            "Check that the community's wall is open and the token's user is an "
            "administrator or editor").format(**names))
    if code == 9:
        return RateLimitedError(_(
            "channel {channel}: VK's flood control stopped posting {said}; Outreach waits "
            "{minutes} minutes").format(minutes=limits.FLOOD_RETRY_AFTER // 60, **names),
            retry_after=limits.FLOOD_RETRY_AFTER)
    if code == 6:
        return RateLimitedError(_(
            "channel {channel}: VK still says too many requests per second {said}; "
            "Outreach will try again shortly").format(**names),
            retry_after=limits.TOO_MANY_RETRY_AFTER)
    if code in (900, 901, 902):
        return PermanentError(_(
            "channel {channel}: VK would not deliver a message to this person {said}: they "
            "have not allowed the community to write to them, or have blocked it")
            .format(**names))
    if code == 912:
        return AuthError(_(
            "channel {channel}: the community's bot features are turned off {said}. In the "
            "community: Manage → Messages → Bot settings → turn on bot features, so the "
            "sign-up bot can show buttons").format(**names))
    if code in (911, 914):
        return PermanentError(_("channel {channel}: VK refused the sign-up bot's message "
                                "{said}").format(**names))
    if code in (1, 10):
        return TransientError(_("channel {channel}: VK had an internal problem {said}; "
                                "Outreach will try again later").format(**names))
    return PermanentError(_("channel {channel}: VK refused {method} {said}").format(**names))
