"""The VK sign-up bot: Bots Long Poll in, ``messages.send`` out, the dialog left to the desk.

vk_api's ``VkBotLongPoll`` reads the community's events with the community
token (``groups.getLongPollServer`` through the paced client, then
``{server}?act=a_check&key=&ts=&wait=``; ``failed`` 1, 2 and 3 are handled as
VK documents). Each ``message_new`` becomes an ``Incoming`` for the core's
desk, each ``group_join`` a ``desk.joined``; each person's messages go to the
desk in order on a lane of their own, while different people are served at
once.

Every worker polling the same server gets the same events, so among several
workers only the holder of the community's lease reads them. Its position
(the ``ts`` before the oldest event not yet handled) is saved with the lease
in the store: the worker that takes over, on any machine, reads on from there,
and so does a restart (for as long as VK keeps the events). Events handled but
read again that way are recognised by their ``event_id`` ("if it passed twice
or more - you should ignore it", VK's callback schema, ``callback_base``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    text_pieces,
)
from outreach_vk import limits

if TYPE_CHECKING:
    from vk_api.bot_longpoll import VkBotLongPoll

    from outreach.channels import Records
    from outreach_vk.client import Client

#: What a person types to open the bot without a link; VK's own "Start" button sends
#: ``payload {"command": "start"}`` (dev.vk.com, "Bot keyboards").
START_WORDS = frozenset({"начать", "старт", "start", "/start"})


# --- translating VK's events ---


def incoming_from(message: Mapping[str, Any]) -> tuple[int, Incoming] | None:
    """(peer to answer, what the person sent) for a message_new's ``message``; None to ignore.

    Only private messages from people are taken: a conversation (peer id
    2000000000+) or another community is not someone signing up.
    """
    peer, sender = int(message.get("peer_id") or 0), int(message.get("from_id") or 0)
    if sender <= 0 or peer != sender or peer >= limits.CHAT_PEER_BASE:
        return None
    text = message.get("text") or ""
    payload = _payload(message.get("payload"))
    ref = message.get("ref") or None
    choice = payload.get("choice") if isinstance(payload.get("choice"), str) else None
    started = bool(ref) or payload.get("command") == "start" or \
        (choice is None and text.strip().lower() in START_WORDS)
    from outreach_vk.reports import message_files

    return peer, Incoming(person=str(sender), text=text or None, started=started,
                          start_code=str(ref) if ref else None, choice=choice,
                          attachment=bool(message.get("attachments")),
                          files=message_files(message))


def _payload(raw: object) -> dict[str, Any]:
    if not raw or not isinstance(raw, str):
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def keyboard_for(choices: Sequence[tuple[str, str]]) -> str:
    """A one-time VK keyboard of text buttons whose payload carries ``{"choice": value}``.

    VK takes at most 40 buttons in 10 rows of up to 5; a longer list keeps its
    first 39 choices and its last (usually "other"), so a person can still type.
    Labels longer than 40 characters are cut; the payload still carries the value.
    """
    items = list(choices)
    if len(items) > limits.KEYBOARD_MAX_BUTTONS:
        items = items[:limits.KEYBOARD_MAX_BUTTONS - 1] + items[-1:]
    # One button a row while they fit (easy to read and to tap); more share rows.
    columns = 1 if len(items) <= 5 else max(2, -(-len(items) // limits.KEYBOARD_MAX_ROWS))
    rows: list[list[dict[str, Any]]] = []
    for index, (label, value) in enumerate(items):
        if index % columns == 0:
            rows.append([])
        payload = json.dumps({"choice": value}, ensure_ascii=False)
        if len(payload) > limits.KEYBOARD_PAYLOAD_MAX:
            payload = json.dumps({"choice": value[:200]}, ensure_ascii=False)
        rows[-1].append({"action": {"type": "text", "label": _label(label),
                                    "payload": payload}, "color": "default"})
    return json.dumps({"one_time": True, "buttons": rows}, ensure_ascii=False)


EMPTY_KEYBOARD = json.dumps({"one_time": True, "buttons": []})


def _label(text: str) -> str:
    text = " ".join(text.split()) or "—"
    if len(text) <= limits.KEYBOARD_LABEL_MAX:
        return text
    return text[:limits.KEYBOARD_LABEL_MAX - 1].rstrip() + "…"


def parts_of(text: str, size: int = limits.MESSAGE_MAX_TEXT) -> list[str]:
    """``text`` in pieces VK takes, cut at line ends or spaces where it can."""
    return text_pieces(text, size)


def random_id(*parts: object) -> int:
    """A stable ``random_id`` for one reply: a repeat of the same send is not a second one."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


# --- serving people ---


class Lanes:
    """Runs jobs on a pool, one lane per key: a key's jobs in order, keys side by side."""

    def __init__(self, workers: int, log: logging.Logger) -> None:
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="vk-intake")
        self.log = log
        self._queues: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def submit(self, key: str, job: Callable[[], None]) -> None:
        with self._lock:
            queue = self._queues.get(key)
            if queue is not None:
                queue.append(job)
                return
            self._queues[key] = deque([job])
        self.pool.submit(self._drain, key)

    def _drain(self, key: str) -> None:
        while True:
            with self._lock:
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    return
                job = queue.popleft()
            try:
                job()
            except Exception as exc:  # one person's trouble must not stop the others
                self.log.error(_("sign-up bot: a message could not be handled: {error}")
                               .format(error=type(exc).__name__))

    def idle(self) -> bool:
        with self._lock:
            return not self._queues

    def close(self, wait: bool) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=False)


@dataclasses.dataclass
class Batch:
    """Events read from the long poll between two positions (``ts``)."""

    before: str
    after: str
    open: int  # events not handled yet


class Progress:
    """Where the long poll may resume without losing an event: before the oldest batch
    of events that is not handled yet, or after the last batch read."""

    def __init__(self) -> None:
        self._batches: deque[Batch] = deque()
        self._last: str | None = None
        self._lock = threading.Lock()

    def read(self, before: str | int, after: str | int, count: int) -> Batch:
        """A batch of ``count`` events was read from ``before`` to ``after``."""
        batch = Batch(str(before), str(after), count)
        with self._lock:
            self._batches.append(batch)
        return batch

    def done(self, batch: Batch) -> None:
        with self._lock:
            batch.open -= 1

    def safe(self) -> str | None:
        with self._lock:
            while self._batches and self._batches[0].open <= 0:
                self._last = self._batches.popleft().after
            return self._batches[0].before if self._batches else self._last


class Intake:
    """The running bot of one VK channel: a long-poll thread and lanes of people."""

    def __init__(self, *, channel: str, group_id: int, desk: SignupDesk, client: Client,
                 lease: Lease, log: logging.Logger, records: Records,
                 wait: int = limits.LONG_POLL_WAIT,
                 backoff: float = limits.LONG_POLL_BACKOFF) -> None:
        self.channel = channel
        self.group_id = group_id
        self.desk = desk
        self.client = client  # the community token's
        self.records = records  # the cards sent, to edit them after a decision
        self.lease = lease
        self.log = log
        self.wait = wait
        self.backoff = backoff
        #: Why the bot stopped by itself (a revoked token...), in plain words; None while fine.
        self.failure: str | None = None
        self.max_backoff = backoff * limits.LONG_POLL_MAX_BACKOFF / limits.LONG_POLL_BACKOFF
        self._stop = threading.Event()
        self._lanes = Lanes(limits.INTAKE_WORKERS, log)
        self._keyboard_shown: set[int] = set()
        self._poll: VkBotLongPoll | None = None
        self._progress = Progress()
        self._saved: str | None = None
        self._thread = threading.Thread(target=self._run, name=f"vk-intake-{channel}",
                                        daemon=True)

    def start(self) -> None:
        """Reach the long poll server, then listen on a thread.

        A token that VK refuses raises AuthError here, so the service can say
        so at once (also on a worker that does not read the events: another does);
        a network failure is only logged and retried.
        """
        try:
            leading = self.lease.acquire()
            poll = self._connect()
            self._poll = poll if leading else None
        except (AuthError, PermanentError):
            self._lanes.close(wait=False)
            raise
        except Exception as exc:  # noqa: BLE001  (VK unreachable: the thread retries)
            error = exc if isinstance(exc, ChannelError) else \
                self.client.error(exc, "groups.getLongPollServer")
            self.log.warning(_("{error}; the sign-up bot keeps trying").format(error=error))
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._lanes.close(wait=True)
        self._save_position()
        self.lease.release()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def idle(self) -> bool:
        """No person's message is waiting or being handled."""
        return self._lanes.idle()

    # --- the long-poll loop ---

    def _run(self) -> None:
        delay = self.backoff
        poll, self._poll = self._poll, None
        while not self._stop.is_set():
            try:
                if not self.lease.acquire():
                    poll = None  # another worker reads; its position is in the store
                    if self._stop.wait(self.lease.retry_every):
                        return
                    continue
                if poll is None:
                    poll = self._connect()
                before = poll.ts
                events = poll.check()
                if self._stop.is_set() or not self.lease.held:
                    poll = None  # not handled: read again by the next reader
                    continue
                self._dispatch_batch(before, poll.ts, [event.raw for event in events])
                self._save_position()
                delay = self.backoff
            except AuthError as exc:
                self._fail(str(exc))
                return
            except Exception as exc:  # noqa: BLE001  (mapped: network, VK's 5xx, garbage)
                error = exc if isinstance(exc, ChannelError) else \
                    self.client.error(exc, _("the long poll server"))
                if isinstance(error, AuthError):
                    self._fail(str(error))
                    return
                if isinstance(error, PermanentError):
                    self._fail(str(error))
                    return
                wait = error.retry_after if isinstance(error, RateLimitedError) and \
                    error.retry_after else delay
                self.log.warning(_("{error}; the sign-up bot tries again in {seconds} s").format(
                    error=error, seconds=f"{wait:.0f}"))
                if self._stop.wait(wait):
                    return
                delay = min(delay * 2, self.max_backoff)
                if isinstance(exc, ValueError | OSError):
                    poll = None  # a broken answer or connection: ask for a new server

    def _connect(self) -> VkBotLongPoll:
        from vk_api.bot_longpoll import VkBotLongPoll
        from vk_api.exceptions import ApiError

        try:
            poll = VkBotLongPoll(self.client.api, self.group_id, wait=self.wait)
        except ApiError as exc:
            raise self.client.error(exc, "groups.getLongPollServer") from None
        poll.session = self.client.session  # timeouts, and the sandbox's address
        saved = self.lease.position() if self.lease.held else None
        if saved is not None:
            poll.ts = saved
        self._progress = Progress()
        self._saved = saved
        return poll

    def _fail(self, message: str) -> None:
        self.failure = _("{problem}. The sign-up bot of channel {channel} has stopped; people "
                         "who write to the community are not answered until it is fixed and "
                         "Outreach is restarted").format(problem=message, channel=self.channel)
        self.log.error("%s", self.failure)

    def _save_position(self) -> None:
        position = self._progress.safe()
        if position is not None and position != self._saved:
            try:
                if self.lease.save_position(position):
                    self._saved = position
            except Exception as exc:  # noqa: BLE001  (saved with the next batch instead)
                self.log.warning(_("the sign-up bot's position was not saved ({error})")
                                 .format(error=type(exc).__name__))

    # --- events ---

    def _dispatch_batch(self, before: str | int, after: str | int,
                        events: Sequence[Mapping[str, Any]]) -> None:
        jobs = [job for job in map(self._job, events) if job is not None]
        batch = self._progress.read(before, after, len(jobs))
        for person, job in jobs:
            self._lanes.submit(person, functools.partial(self._finish, job, batch))

    def _finish(self, job: Callable[[], None], batch: Batch) -> None:
        try:
            job()
        finally:
            self._progress.done(batch)

    def _job(self, raw: Mapping[str, Any]) -> tuple[str, Callable[[], None]] | None:
        """(whose lane, what to do) for one event; None to ignore it."""
        kind, obj = raw.get("type"), raw.get("object") or {}
        if kind == "message_new":
            found = incoming_from(obj.get("message") or {})
            if found is None:
                return None
            peer, incoming = found
            event = raw.get("event_id")
            incoming = dataclasses.replace(incoming, event=str(event) if event else None)
            message_id = (obj.get("message") or {}).get("id") or \
                (obj.get("message") or {}).get("conversation_message_id") or event
            return incoming.person, lambda: self._serve(peer, incoming, message_id)
        if kind == "message_event":  # a callback button pressed (a coordinators' card)
            from outreach_vk.reports import event_incoming

            pressed = event_incoming(obj)
            if pressed is None:
                return None
            return pressed.person, lambda: self._press(int(obj["peer_id"]), pressed)
        if kind == "group_join" and isinstance(obj.get("user_id"), int):
            # A join delivered twice is one join (record_join: the same person in the window).
            person, at = str(obj["user_id"]), dt.datetime.now(dt.UTC)
            return person, lambda: self.desk.joined(self.channel, person, at)
        return None

    def _serve(self, peer: int, incoming: Incoming, message_id: object) -> None:
        replies = self.desk.handle(self.channel, incoming)
        # The same random_id for a reply sent again after a takeover: VK sends it once.
        for index, reply in enumerate(replies):
            self._reply(peer, reply, (peer, message_id, index))
        if not self._stop.is_set():  # stopped mid-way: the next reader sends what is owed
            self.desk.delivered(self.channel, incoming)

    def _press(self, peer: int, incoming: Incoming) -> None:
        """A callback button's press: answered (a snackbar for the one who pressed), the
        card edited after a decision, other replies sent to the person privately."""
        from outreach_vk import reports

        replies = self.desk.handle(self.channel, incoming)
        toast = next((r.text for r in replies if r.toast), None)
        try:
            reports.answer_press(self.client, incoming, peer, toast)
        except ChannelError as exc:  # an answer after VK's minute: the press still counts
            self.log.info(_("a button press could not be acknowledged: {error}").format(
                error=exc))
        person = int(incoming.person)
        for index, reply in enumerate(r for r in replies if not r.toast):
            if reply.edit and incoming.message_id is not None:
                self._edit(peer, incoming.message_id, reply)
            else:
                self._reply(person, reply, (person, incoming.event, index))
        if not self._stop.is_set():
            self.desk.delivered(self.channel, incoming)

    def _edit(self, peer: int, cmid: str, reply: Reply) -> None:
        from outreach_vk import reports

        try:
            reports.edit_card(self.client, peer, cmid, reply.choices, self.records)
        except ChannelError as exc:
            self.log.warning(_("the buttons of a message could not be changed: {error}")
                             .format(error=exc))
        if reply.text:
            self._deliver({"peer_id": peer, "message": reply.text,
                           "random_id": random_id(peer, cmid, reply.text)})

    def _reply(self, peer: int, reply: Reply, key: tuple[object, ...]) -> None:
        pieces = parts_of(reply.text)
        for number, piece in enumerate(pieces):
            values: dict[str, Any] = {"peer_id": peer, "message": piece,
                                      "random_id": random_id(*key, number)}
            if number == len(pieces) - 1:
                if reply.choices:
                    values["keyboard"] = keyboard_for(reply.choices)
                elif peer in self._keyboard_shown:
                    values["keyboard"] = EMPTY_KEYBOARD  # a typed answer leaves it open
            if self._deliver(values) and "keyboard" in values:
                if reply.choices:
                    self._keyboard_shown.add(peer)
                else:
                    self._keyboard_shown.discard(peer)

    def _deliver(self, values: dict[str, Any]) -> bool:
        """Send one message; False (logged plainly) when it could not be delivered."""
        try:
            deliver(self.client, values, self.backoff, self._stop)
            return True
        except AuthError as exc:
            self._fail(str(exc))
            self._stop.set()
        except ChannelError as exc:
            self.log.error(_("{error}; a reply to a person was not delivered").format(error=exc))
        return False


def deliver(client: Client, values: dict[str, Any], backoff: float,
            stop: threading.Event | None = None) -> None:
    """``messages.send`` of ``values``, retrying transient failures a few times with a
    growing pause.

    The same ``random_id`` goes with every attempt, so a retry after a lost
    answer is not a second message. Raises the last ChannelError.
    """
    stop = stop or threading.Event()
    delay = backoff
    for attempt in range(limits.SEND_RETRIES + 1):
        try:
            client.call("messages.send", values)
            return
        except TransientError as exc:
            if attempt == limits.SEND_RETRIES or stop.is_set():
                raise
            wait = exc.retry_after if isinstance(exc, RateLimitedError) and \
                exc.retry_after else delay
            stop.wait(min(wait, backoff * limits.LONG_POLL_MAX_BACKOFF))
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover
