"""The MAX channel: publish to a channel with photos, read views and audience, run the bot.

One bot token does everything (MAX has one kind of token): the channel holds
one ``MaxClient`` for it and hands it to its helpers, the checks and the
sign-up bot, which know nothing of the channel.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from outreach.channels import (
    AuthError,
    Capabilities,
    Card,
    Channel,
    ChannelContext,
    ChannelError,
    CheckResult,
    Engagement,
    FakePlatform,
    Field,
    IncomingFile,
    MediaLimits,
    PermanentError,
    Post,
    Published,
    Reconciled,
    SignupDesk,
    TextLimits,
    TransientError,
    _,
    download_file,
)
from outreach_max import limits
from outreach_max.client import Json, MaxClient, NotReady, Who, pacer_for
from outreach_max.text import parts_of

if TYPE_CHECKING:
    from outreach_max.intake import Intake, Webhook

USER_PREFIX = "user:"
#: What MAX takes as a webhook secret (schema, SubscriptionRequestBody.secret).
SECRET = re.compile(r"^[\w-]{5,256}$")


def _chat_id(value: int) -> str | None:
    return None if value != 0 else _("must be the channel's chat id, e.g. -72000000000001")


def _bot_name(value: str) -> str | None:
    if value and (value.startswith(("@", "http")) or "/" in value):
        return _("the bot's name alone, as in max.ru/<name>, e.g. outreach_sandbox_bot")
    return None


def _https(value: str) -> str | None:
    if value and not value.startswith("https://"):
        return _("must start with https:// (MAX sends webhooks over HTTPS only)")
    return None


def _address(value: str) -> str | None:
    host, _colon, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return _("must be host:port, e.g. 127.0.0.1:8443")
    return None


class MaxChannel(Channel):
    """A MAX channel the bot administers: it posts there and answers people in dialogs."""

    plugin_name = "max"
    sandbox_port = 8703  # the example config's api_url; `outreach sandbox` without one
    settings_schema = {
        "token_env": Field(str, required=True, env=True,
                           help="Environment variable with the bot's token (from MAX's "
                                "partner platform, business.max.ru)"),
        "chat_id": Field(int, required=True, check=_chat_id,
                         help="The channel's chat id (outreach channels check shows it)"),
        "bot_name": Field(str, default="", check=_bot_name,
                          help="The bot's name, as in https://max.ru/<name>, for sign-up "
                               "links"),
        "api_url": Field(str, default=limits.API_URL,
                         help="MAX's API address; the sandbox's address to rehearse"),
        "webhook_url": Field(str, default="", check=_https,
                             help="The public HTTPS address MAX sends the bot's updates to "
                                  "(the centre's reverse proxy); empty: long polling"),
        "webhook_listen": Field(str, default="127.0.0.1:8443", check=_address,
                                help="Where Outreach listens for the reverse proxy's "
                                     "requests, host:port"),
        "webhook_secret_env": Field(str, env=True, default=None,
                                    help="Environment variable with the webhook's secret "
                                         "(5-256 characters: letters, digits, _ and -)"),
    }
    text_limits = TextLimits(max_text=limits.MAX_TEXT)  # photos share the message's text
    media_limits = MediaLimits(max_side=2560, max_bytes=10 * 1024 * 1024,
                               formats=limits.PHOTO_FORMATS, max_photos=limits.MAX_PHOTOS,
                               quality=90)
    capabilities = Capabilities(engagement=True, audience=True, reconcile=True)
    max_concurrency = limits.CONCURRENCY
    #: Seconds per pacing window; tests against a time-scaled fake shorten it.
    pace_window: ClassVar[float] = limits.PACE_WINDOW
    #: First wait for a photo MAX has not processed yet; tests shorten it.
    not_ready_wait: ClassVar[float] = limits.NOT_READY_WAIT
    #: The sign-up bot's long-poll wait and first backoff (seconds); tests shorten them.
    intake_wait: ClassVar[int] = limits.LONG_POLL_WAIT
    intake_backoff: ClassVar[float] = limits.LONG_POLL_BACKOFF

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        self.chat_id: int = int(self.settings["chat_id"])
        self.api_url: str = self.settings.get("api_url") or limits.API_URL
        self.bot_name: str = self.settings.get("bot_name") or ""
        self._client: MaxClient | None = None
        self._lock = threading.Lock()
        self.intake: Intake | None = None
        if self.bot_name:
            # Deep links need the bot's name; the sign-up bot runs on the same token.
            self.capabilities = Capabilities(
                engagement=True, audience=True, reconcile=True, signups=True,
                contact_button=True)

    def client(self) -> MaxClient:
        """The bot token's client, made on first use."""
        token = self.secret("token_env")
        with self._lock:
            if self._client is None:
                self._client = MaxClient(self.api_url, token,
                                         Who(self.name, self.settings["token_env"]),
                                         pacer=pacer_for(token, self.pace_window))
            return self._client

    # --- publishing ---

    def publish(self, post: Post) -> Published:
        if len(post.photos) > limits.MAX_PHOTOS:
            raise PermanentError(_("channel {channel}: MAX takes at most {limit} photos in a "
                                   "post; this one has {count}").format(
                channel=self.name, limit=limits.MAX_PHOTOS, count=len(post.photos)))
        client = self.client()
        # Upload flow (schema, POST /messages "Attaching media"): a URL per file, the file
        # to it, then its answer as the payload of an ``image`` attachment.
        attachments = [{"type": "image",
                        "payload": client.upload(client.upload_url("image"), photo.path)}
                       for photo in post.photos]
        body: Json = {"text": post.text}
        if attachments:
            body["attachments"] = attachments
        return self._published(self._send_when_ready(client, body, self.chat_id))

    def _send_when_ready(self, client: MaxClient, body: Json, chat_id: int) -> Json:
        """Send ``body`` to ``chat_id``, waiting while MAX processes its photos (bounded)."""
        wait = self.not_ready_wait
        for attempt in range(limits.NOT_READY_RETRIES + 1):
            try:
                return client.send(body, chat_id=chat_id)
            except NotReady:
                # A 400 means nothing was posted: sending again cannot make a second post.
                if attempt == limits.NOT_READY_RETRIES:
                    break
                client.sleep(wait)
                wait *= 2
        raise TransientError(_("channel {channel}: MAX is still processing the photos; "
                               "Outreach will try again later").format(channel=self.name))

    def _published(self, message: Json) -> Published:
        return Published(external_id=str(message["body"]["mid"]), url=message.get("url"))

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        """Look for the post's text among the channel's recent messages.

        MAX has no idempotency key, so the history decides: found, it was posted;
        not found while the history reaches back past the attempt, it was not;
        otherwise (a busy channel) a person must look.
        """
        recent = self.client().messages(self.chat_id, count=limits.HISTORY_SCAN)
        for message in recent:
            if (message.get("body") or {}).get("text") == post.text:
                return Reconciled(exists=True, published=self._published(message))
        since = attempted_at.timestamp() * 1000 - 60_000  # a minute for clocks
        if len(recent) < limits.HISTORY_SCAN or \
                min(int(m.get("timestamp") or 0) for m in recent) < since:
            return Reconciled(exists=False)
        return Reconciled(exists=None)

    # --- reading ---

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        """Views of channel messages (``stat.views``: "available only for channels in
        getMessages method context", schema, Message), a hundred messages a request."""
        client, found = self.client(), []
        ids = list(dict.fromkeys(external_ids))
        for start in range(0, len(ids), limits.MESSAGES_PER_GET):
            batch = ids[start:start + limits.MESSAGES_PER_GET]
            # count too: its default (50) would cut a longer list of ids (schema, getMessages).
            for message in client.messages(self.chat_id, message_ids=batch, count=len(batch)):
                views = (message.get("stat") or {}).get("views")
                found.append(Engagement(external_id=str(message["body"]["mid"]),
                                        views=views if isinstance(views, int) else None))
        return found

    def audience(self) -> int | None:
        count = self.client().chat(self.chat_id).get("participants_count")
        return count if isinstance(count, int) else None

    def check(self) -> list[CheckResult]:
        from outreach_max.checks import check_bot

        if not self.context.env.get(self.settings["token_env"]):
            return []  # the registry already said the variable is unset
        try:
            return check_bot(self.client(), self.chat_id, self.bot_name,
                             self.settings.get("webhook_url") or "")
        except ChannelError as exc:
            return [CheckResult(ok=False, message=str(exc))]

    def signup_link(self, code: str) -> str | None:
        # Deep links: https://max.ru/<botName>?start=<payload> (schema, "Deep linking").
        return f"https://max.ru/{self.bot_name}?start={code}" if self.bot_name else None

    # --- the sign-up bot and the coordinators' chat ---

    def start_intake(self, desk: SignupDesk) -> None:
        from outreach_max.intake import Intake

        self.stop_intake()
        client = self.client()
        bot_id = client.me()["user_id"]  # a refused token stops here, said plainly
        intake = Intake(channel=self.name, client=client, desk=desk,
                        lease=self.context.leases.lease(f"max:bot{bot_id}"),
                        log=self.context.logger, wait=self.intake_wait,
                        backoff=self.intake_backoff, webhook=self._webhook())
        intake.start()
        self.intake = intake

    def _webhook(self) -> Webhook | None:
        from outreach_max.intake import Webhook

        url = self.settings.get("webhook_url")
        if not url:
            return None
        secret = self.secret("webhook_secret_env")  # AuthError naming it when unset
        if not SECRET.match(secret):
            raise AuthError(_("channel {channel}: the webhook secret in {variable} must be "
                              "5 to 256 characters: letters, digits, _ and -").format(
                channel=self.name, variable=self.settings["webhook_secret_env"]))
        host, _colon, port = self.settings["webhook_listen"].rpartition(":")
        return Webhook(url=url, host=host, port=int(port), secret=secret)

    def stop_intake(self) -> None:
        intake, self.intake = self.intake, None
        if intake is not None:
            intake.stop()

    def notify(self, chat: str, text: str) -> None:
        client = self.client()
        target = self._target(chat)
        for piece in parts_of(text):
            client.send({"text": piece}, **target)

    def private_chat(self, person: str) -> str:
        # A person's dialog is reached by user id (schema, POST /messages: user_id), not by
        # a chat id: "user:<id>" tells notify which one it is given.
        return f"{USER_PREFIX}{person}"

    def _target(self, chat: str) -> dict[str, int]:
        """POST /messages' recipient: ``chat_id`` for a chat, ``user_id`` for a person."""
        text = str(chat).strip()
        try:
            if text.startswith(USER_PREFIX):
                return {"user_id": int(text[len(USER_PREFIX):])}
            return {"chat_id": int(text)}
        except ValueError:
            raise PermanentError(_("channel {channel}: the coordinators' chat must be a MAX "
                                   "chat id (a number such as -72000000000002), not "
                                   "{chat!r}").format(channel=self.name, chat=chat)) from None

    # --- photo reports: files people send, cards for the coordinators ---

    #: What MAX takes as one image (schema, POST /uploads: "up to 50 MB"); ASSUMPTION: a
    #: photo or file a person sends the bot is downloaded up to the same size.
    download_limit = limits.DOWNLOAD_MAX

    def fetch_file(self, file: IncomingFile, target: Path) -> None:
        # The attachment's own URL (PhotoAttachmentPayload.url): a plain GET, no token.
        download_file(self.client().session, file.file_id, target,
                      limit=self.download_limit or limits.DOWNLOAD_MAX,
                      timeout=limits.DOWNLOAD_TIMEOUT, platform=_("MAX"))

    def send_card(self, chat: str, card: Card) -> None:
        """The card as one message: its photo (uploaded), text and callback buttons."""
        from outreach_max.reports import card_body

        client, target = self.client(), self._target(chat)
        photo = client.upload(client.upload_url("image"), card.photo) \
            if card.photo is not None else None
        pieces = parts_of(card.text)
        for piece in pieces[:-1]:  # a long text: its start first, the card with its end
            client.send({"text": piece}, **target)
        body = card_body(pieces[-1], photo, card.choices)
        if "chat_id" in target:
            self._send_when_ready(client, body, target["chat_id"])
        else:
            client.send(body, **target)

    def close(self) -> None:
        self.stop_intake()
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = None

    @classmethod
    def fake_platform(cls, data_dir: Path | None = None, port: int = 0,
                      speed: float = 1.0) -> FakePlatform | None:
        from outreach_max.fake import FakeMax

        return FakeMax(data_dir=data_dir, port=port, speed=speed, crowd=True)

    @classmethod
    def sandbox_environment(cls, settings: Mapping[str, Any],
                            described: Mapping[str, str]) -> dict[str, str]:
        variable = settings.get("token_env")
        return {variable: described["token"]} if variable else {}
