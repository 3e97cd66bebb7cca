"""A small typed client of OK's REST API on requests: signed calls, uploads, pacing.

Every request one process makes with one token goes through its one pacer
(``outreach.channels.token_pacer``), so publishing, collecting and checks
together stay under the rate instead of bouncing off it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from outreach.channels import PermanentError, TransientError, WindowPacer, _, token_pacer
from outreach_ok import limits, signing
from outreach_ok.errors import FLOOD_BLOCKED, Who, error_for


def pacer_for(token: str, window: float = limits.PACE_WINDOW) -> WindowPacer:
    """The process-wide pacer of ``token``."""
    return token_pacer(token, limits.RPS, window)


@dataclass(frozen=True)
class Credentials:
    application_key: str
    access_token: str
    application_secret_key: str


class Client:
    """Signed calls to OK's REST endpoint at ``api_url`` for one token."""

    def __init__(self, api_url: str, credentials: Credentials, who: Who,
                 session: requests.Session, pacer: WindowPacer) -> None:
        self.endpoint = api_url.rstrip("/") + limits.ENDPOINT
        self.credentials = credentials
        self.who = who
        self.session = session
        self.pacer = pacer

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """The method's result; OK's errors raised as the project's, FLOOD_BLOCKED waited out."""
        for attempt in range(limits.MAX_FLOOD_RETRIES + 1):
            body = self._send(method, params or {})
            if not (isinstance(body, dict) and "error_code" in body):
                return body
            code = int(body["error_code"])
            if code == FLOOD_BLOCKED and attempt < limits.MAX_FLOOD_RETRIES:
                time.sleep(self.pacer.window)
                continue
            raise error_for(code, str(body.get("error_msg") or ""), self.who, method)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _send(self, method: str, params: Mapping[str, Any]) -> Any:
        values = {key: _text(value) for key, value in params.items() if value is not None}
        values.update(method=method, application_key=self.credentials.application_key,
                      format="json")
        data = signing.signed(values, self.credentials.access_token,
                              self.credentials.application_secret_key)
        try:
            with self.pacer.turn():
                reply = self.session.post(self.endpoint, data=data, timeout=limits.TIMEOUT)
        except requests.RequestException as exc:
            raise TransientError(_(
                "channel {channel}: OK did not answer {method} ({error}); Outreach will try "
                "again later").format(channel=self.who.channel, method=method,
                                      error=type(exc).__name__)) from None
        return self._json(reply, method)

    def _json(self, reply: requests.Response, what: str) -> Any:
        if reply.status_code >= 500:
            raise TransientError(_(
                "channel {channel}: OK answered {what} with HTTP {status}; Outreach will "
                "try again later").format(channel=self.who.channel, what=what,
                                          status=reply.status_code))
        try:
            return reply.json()
        except ValueError:
            raise TransientError(_(
                "channel {channel}: OK gave an unreadable answer to {what}; Outreach will "
                "try again later").format(channel=self.who.channel, what=what)) from None

    def upload(self, upload_url: str, photos: Sequence[Path]) -> dict[str, Any]:
        """POST ``photos`` as pic1, pic2... to ``upload_url`` (apiok.ru/dev/examples/
        photo_upload); the answer's ``photos`` maps each photo id to its ``token``."""
        opened = []
        try:
            for path in photos:
                try:
                    opened.append(path.open("rb"))
                except OSError as exc:
                    raise PermanentError(_(
                        "channel {channel}: photo {path} cannot be read: {reason}").format(
                            channel=self.who.channel, path=path,
                            reason=exc.strerror or exc)) from None
            files = {f"pic{number}": (path.name, file) for number, (path, file)
                     in enumerate(zip(photos, opened, strict=True), start=1)}
            try:
                with self.pacer.turn():
                    reply = self.session.post(upload_url, files=files,
                                              timeout=limits.TIMEOUT)
            except requests.RequestException as exc:
                raise TransientError(_(
                    "channel {channel}: uploading photos to OK failed ({error}); Outreach "
                    "will try again later").format(channel=self.who.channel,
                                                   error=type(exc).__name__)) from None
        finally:
            for file in opened:
                file.close()
        body = self._json(reply, "upload")
        if isinstance(body, dict) and "error_code" in body:
            raise PermanentError(_(
                "channel {channel}: OK did not accept the story's photos ({reason}); replace "
                "the photos or remove them from the story").format(
                    channel=self.who.channel, reason=body.get("error_msg") or "?"))
        if not isinstance(body, dict) or not isinstance(body.get("photos"), dict):
            raise TransientError(_(
                "channel {channel}: OK's upload server gave an unexpected answer; Outreach "
                "will try again later").format(channel=self.who.channel))
        return body


def _text(value: Any) -> str:
    """A parameter as OK reads it: JSON for structures, lower-case booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)

