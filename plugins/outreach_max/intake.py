"""The MAX bot: updates in by long polling or webhook, the desk's replies out as messages.

The dialogs themselves (signing up, a reporter's photo report, the
coordinators' buttons) live in Outreach's core (``SignupDesk``); this module
only translates. ``GET /updates`` (schema) returns the bot's updates and a
``marker``; passing the marker back commits what came before it. A person
following ``https://max.ru/<bot>?start=<payload>`` arrives as ``bot_started``
with the payload; what they type, share or attach is ``message_created`` in
their dialog with the bot (a ``contact`` attachment from the
``request_contact`` button carries the phone and whose it is; photos and files
become ``Incoming.files``, see ``reports``); a button press is
``message_callback``, answered through ``POST /answers`` — for a card in the
coordinators' chat, once the desk has decided, with the card changed.

Updates arrive one of two ways (schema, info.description "Receiving
notifications"). Long polling: among several workers only the holder of the
bot's lease reads updates; the marker is saved with the lease only after a
batch is handled, so the worker that takes over reads on from there.
Webhooks (recommended by MAX for production): the bot subscribes an HTTPS
address (``POST /subscriptions``) that the centre's reverse proxy forwards to
``Webhook.listen``; each request must carry the subscription's secret in the
``X-Max-Bot-Api-Secret`` header, and is answered 200 only once its update was
handled (MAX retries anything else for up to 8 hours). Each person's updates
go to the desk in order; different people are served at once.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    AuthError,
    ChannelError,
    Incoming,
    Lease,
    PermanentError,
    RateLimitedError,
    Reply,
    SignupDesk,
    TransientError,
    _,
    os_reason,
)
from outreach_max import limits
from outreach_max.keyboards import keyboard_for
from outreach_max.reports import callback_place, message_files, press_answer
from outreach_max.text import parts_of

if TYPE_CHECKING:
    from outreach_max.client import Json, MaxClient

TEL = re.compile(r"^TEL[^:]*:(.+)$", re.MULTILINE | re.IGNORECASE)


# --- translating MAX's updates ---


def incoming_from(update: Mapping[str, Any]) -> Incoming | None:
    """What a person sent the bot, for the desk; None for anything else."""
    kind = update.get("update_type")
    if kind == "bot_started":
        user = update.get("user") or {}
        payload = update.get("payload") or None
        return Incoming(person=str(user.get("user_id")), started=True,
                        start_code=str(payload) if payload else None,
                        display_name=_name(user),
                        event=f"bot_started:{user.get('user_id')}:{update.get('timestamp')}")
    if kind == "message_callback":
        callback = update.get("callback") or {}
        user = callback.get("user") or {}
        chat, mid = callback_place(update)  # a card in the coordinators' chat
        return Incoming(person=str(user.get("user_id")), choice=callback.get("payload") or "",
                        display_name=_name(user), event=f"callback:{callback.get('callback_id')}",
                        chat=chat, message_id=mid)
    if kind != "message_created":
        return None
    message = update.get("message") or {}
    sender = message.get("sender") or {}
    if (message.get("recipient") or {}).get("chat_type") != "dialog" or \
            not sender or sender.get("is_bot"):
        return None  # only people writing to the bot in their own dialog
    body = message.get("body") or {}
    person, name = str(sender.get("user_id")), _name(sender)
    event = f"message:{body.get('mid')}"
    attachments = body.get("attachments") or []
    for attachment in attachments:
        if attachment.get("type") == "contact":
            payload = attachment.get("payload") or {}
            phone = TEL.search(payload.get("vcf_info") or "")
            # max_info: the MAX user the card is of; only the sender's own vouches for it.
            owner = (payload.get("max_info") or {}).get("user_id")
            return Incoming(person=person, display_name=name, event=event,
                            contact_phone=phone.group(1).strip() if phone else None,
                            contact_person=str(owner) if owner is not None else "")
    text = body.get("text") or ""
    command, _space, rest = text.strip().partition(" ")
    if command == "/start":
        return Incoming(person=person, display_name=name, started=True,
                        start_code=rest.strip() or None, event=event)
    # Photos with a caption or without: a reporter's report (outreach.fieldreports).
    return Incoming(person=person, text=text or None, display_name=name, event=event,
                    attachment=bool(attachments), files=message_files(body))


def _name(user: Mapping[str, Any]) -> str | None:
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p).strip()
    return name or None


# --- serving people ---


@dataclass(frozen=True)
class Webhook:
    """Where MAX sends updates (``url``, HTTPS) and where Outreach listens for them."""

    url: str
    host: str
    port: int
    secret: str

    def __repr__(self) -> str:  # never show the secret
        return f"Webhook(url={self.url!r}, listen={self.host}:{self.port})"


class Intake:
    """The running bot of one MAX channel: a long-poll thread handing people to the desk."""

    def __init__(self, *, channel: str, client: MaxClient, desk: SignupDesk, lease: Lease,
                 log: logging.Logger, wait: int = limits.LONG_POLL_WAIT,
                 backoff: float = limits.LONG_POLL_BACKOFF,
                 webhook: Webhook | None = None) -> None:
        self.channel = channel
        self.client = client
        self.desk = desk
        self.lease = lease
        self.log = log
        self.wait = wait
        self.backoff = backoff
        self.webhook = webhook
        self._server: ThreadingHTTPServer | None = None
        #: Why the bot stopped by itself (a revoked token...), in plain words; None while fine.
        self.failure: str | None = None
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(limits.INTAKE_WORKERS, thread_name_prefix="max-intake")
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"max-intake-{channel}",
                                        daemon=True)

    def start(self) -> None:
        if self.webhook is None:
            self._thread.start()
            return
        hook = self.webhook
        handler = type("BoundHook", (_HookHandler,), {"intake": self})
        try:
            self._server = ThreadingHTTPServer((hook.host, hook.port), handler)
        except OSError as exc:
            raise PermanentError(_(
                "channel {channel}: cannot listen for MAX's webhook on {host}:{port} "
                "({reason}); change webhook_listen").format(
                channel=self.channel, host=hook.host, port=hook.port,
                reason=os_reason(exc))) from None
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name=f"max-webhook-{self.channel}", daemon=True)
        self._thread.start()
        try:
            self.client.subscribe(hook.url, hook.secret, limits.UPDATE_TYPES)
        except ChannelError:
            self.stop()
            raise

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True)
        self.lease.release()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def hooked(self, secret: str | None, raw: bytes) -> int:
        """The HTTP status for one webhook request: 200 once its updates were handled."""
        assert self.webhook is not None
        if not secret or not hmac.compare_digest(secret.encode(), self.webhook.secret.encode()):
            return 403  # not from MAX: the subscription's secret is missing or wrong
        if self._stop.is_set():
            return 503  # MAX delivers it again later
        try:
            body = json.loads(raw)
        except ValueError:
            return 400
        updates = body.get("updates") if isinstance(body, dict) and "updates" in body \
            else [body]
        if not isinstance(updates, list) or not all(isinstance(u, dict) for u in updates):
            return 400
        self._handle_batch(updates)
        return 200

    def idle(self) -> bool:
        """No person's update is being handled."""
        with self._busy_lock:
            return self._busy == 0

    # --- the long-poll loop ---

    def _run(self) -> None:
        delay = self.backoff
        while not self._stop.is_set():
            try:
                if not self.lease.acquire():
                    if self._stop.wait(self.lease.retry_every):
                        return
                    continue
                saved = self.lease.position()
                answer = self.client.updates(int(saved) if saved else None, self.wait,
                                             limits.LONG_POLL_LIMIT, limits.UPDATE_TYPES)
                if self._stop.is_set() or not self.lease.held:
                    continue  # not handled: the next reader reads them again
                self._handle_batch(answer.get("updates") or [])
                if answer.get("marker") is not None:
                    self.lease.save_position(str(answer["marker"]))
                delay = self.backoff
                self._stop.wait(limits.MIN_POLL_INTERVAL * self.backoff)
            except (AuthError, PermanentError) as exc:
                self._fail(str(exc))
                return
            except ChannelError as exc:
                pause = exc.retry_after if isinstance(exc, RateLimitedError) and \
                    exc.retry_after else delay
                self.log.warning(_("{error}; the sign-up bot tries again in {seconds} s")
                                 .format(error=exc, seconds=round(pause)))
                if self._stop.wait(pause):
                    return
                delay = min(delay * 2, limits.LONG_POLL_MAX_BACKOFF)
            except Exception as exc:  # noqa: BLE001  (a broken answer must not end the bot)
                self.log.warning(_("the sign-up bot could not read MAX's updates ({kind}); "
                                   "it tries again in {seconds} s").format(
                    kind=type(exc).__name__, seconds=round(delay)))
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, limits.LONG_POLL_MAX_BACKOFF)

    def _fail(self, message: str) -> None:
        self.failure = _("{error}. The sign-up bot of channel {channel} has stopped; people "
                         "who write to the bot are not answered until it is fixed and "
                         "Outreach is restarted").format(error=message, channel=self.channel)
        self.log.error("%s", self.failure)

    def _handle_batch(self, updates: Sequence[Mapping[str, Any]]) -> None:
        """Hand the batch to the desk, each person's updates in order; wait until done."""
        lanes: dict[str, list[Callable[[], None]]] = {}
        for update in updates:
            incoming = incoming_from(update)
            if incoming is None:
                continue
            callback = (update.get("callback") or {}).get("callback_id")
            lanes.setdefault(incoming.person, []).append(
                functools.partial(self._serve, incoming, callback, update.get("message")))
        with self._busy_lock:
            self._busy += len(lanes)
        wait([self._pool.submit(self._lane, jobs) for jobs in lanes.values()])

    def _lane(self, jobs: list[Callable[[], None]]) -> None:
        try:
            for job in jobs:
                try:
                    job()
                except Exception as exc:  # noqa: BLE001  (one person must not stop the rest)
                    self.log.error(_("sign-up bot: a message could not be handled: {kind}")
                                   .format(kind=type(exc).__name__))
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _serve(self, incoming: Incoming, callback: str | None,
               pressed: Mapping[str, Any] | None = None) -> None:
        if callback and incoming.chat is not None:
            self._press(incoming, callback, pressed)
            return
        if callback:
            # The button's spinner stops once the press is answered (schema, POST /answers).
            self._deliver(lambda: self.client.answer(
                callback, {"notification": _("Got it")}))
        for reply in self.desk.handle(self.channel, incoming):
            self._say(reply, user_id=int(incoming.person))
        if not self._stop.is_set():  # stopped mid-way: the next reader sends what is owed
            self.desk.delivered(self.channel, incoming)

    def _press(self, incoming: Incoming, callback: str,
               card: Mapping[str, Any] | None) -> None:
        """A button of a card in the coordinators' chat: decided, then answered in one
        POST /answers (the presser's notification, the card's new buttons); the rest is
        said to the presser privately, and an edit's words in the chat."""
        replies = self.desk.handle(self.channel, incoming)
        answer = press_answer(incoming, replies, card, _("Got it"))
        self._deliver(lambda: self.client.answer(callback, answer))  # logged when it fails
        for reply in replies:
            if reply.toast:
                continue
            if reply.edit:
                if reply.text and incoming.chat is not None:
                    self._say(Reply(reply.text), chat_id=int(incoming.chat))
                continue
            self._say(reply, user_id=int(incoming.person))
        if not self._stop.is_set():
            self.desk.delivered(self.channel, incoming)

    def _say(self, reply: Reply, *, user_id: int | None = None,
             chat_id: int | None = None) -> None:
        """``reply`` as one message or more (a long text in pieces, its buttons on the last)."""
        pieces = parts_of(reply.text)
        for number, piece in enumerate(pieces):
            body: Json = {"text": piece}
            keyboard = keyboard_for(reply) if number == len(pieces) - 1 else None
            if keyboard is not None:
                body["attachments"] = [keyboard]
            self._deliver(functools.partial(self.client.send, body, chat_id=chat_id,
                                            user_id=user_id))

    def _deliver(self, send: Callable[[], object]) -> bool:
        """Make one call, retrying transient failures a few times; False when it failed."""
        pause = self.backoff
        for attempt in range(limits.SEND_RETRIES + 1):
            try:
                send()
                return True
            except AuthError as exc:
                self._fail(str(exc))
                self._stop.set()
                return False
            except TransientError as exc:
                if attempt == limits.SEND_RETRIES or self._stop.is_set():
                    self.log.error(_("{error}; a reply to a person was not delivered")
                                   .format(error=exc))
                    return False
                self._stop.wait(exc.retry_after if isinstance(exc, RateLimitedError) and
                                exc.retry_after else pause)
                pause *= 2
            except ChannelError as exc:
                self.log.error(_("{error}; a reply to a person was not delivered")
                               .format(error=exc))
                return False
        return False


class _HookHandler(BaseHTTPRequestHandler):
    """Updates MAX posts to the webhook (through the centre's reverse proxy)."""

    intake: Intake  # set on a subclass per listener
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib's name)
        pass  # requests carry people's messages: nothing of them goes to the log

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status = self.intake.hooked(self.headers.get(limits.SECRET_HEADER), raw)
        data = json.dumps({"ok": status == 200}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
