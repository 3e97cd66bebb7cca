"""The VK sign-up bot: Bots Long Poll in, ``messages.send`` out, the dialog left to the desk.

vk_api's ``VkBotLongPoll`` reads the community's events with the community
token (``groups.getLongPollServer`` through the paced client, then
``{server}?act=a_check&key=&ts=&wait=``; ``failed`` 1, 2 and 3 are handled as
VK documents). Each ``message_new`` becomes an ``Incoming`` for the core's
desk, each ``group_join`` a ``desk.joined``; each person's messages go to the
desk in order on a lane of their own, while different people are served at
once. The last handled ``ts`` is kept in the channel's data folder, so events
that arrive while the service is stopped are read after a restart (for as long
as VK keeps them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from outreach.channels import (
    AuthError,
    ChannelError,
    Incoming,
    PermanentError,
    RateLimitedError,
    Reply,
    SignupDesk,
    TransientError,
)
from outreach_vk import limits

#: What a person types to open the bot without a link; VK's own "Start" button sends
#: ``payload {"command": "start"}`` (dev.vk.com, "Bot keyboards").
START_WORDS = frozenset({"начать", "старт", "start", "/start"})
TS_FILE = "intake-ts.json"


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
    return peer, Incoming(person=str(sender), text=text or None, started=started,
                          start_code=str(ref) if ref else None, choice=choice,
                          attachment=bool(message.get("attachments")))


def _payload(raw: Any) -> dict[str, Any]:
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
    pieces: list[str] = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces


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
                self.log.error("sign-up bot: a message could not be handled: %s",
                               type(exc).__name__)

    def idle(self) -> bool:
        with self._lock:
            return not self._queues

    def close(self, wait: bool) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=False)


class Intake:
    """The running bot of one VK channel: a long-poll thread and lanes of people."""

    def __init__(self, *, channel: str, group_id: int, desk: SignupDesk, api: Any,
                 send: Callable[[dict[str, Any]], Any], map_error: Callable[[Exception, str],
                                                                          Exception],
                 session: Any, data_dir: Path | None, log: logging.Logger,
                 wait: int = limits.LONG_POLL_WAIT,
                 backoff: float = limits.LONG_POLL_BACKOFF) -> None:
        self.channel = channel
        self.group_id = group_id
        self.desk = desk
        self.api = api
        self.send = send
        self.map_error = map_error
        self.session = session
        self.data_dir = data_dir
        self.log = log
        self.wait = wait
        self.backoff = backoff
        #: Why the bot stopped by itself (a revoked token...), in plain words; None while fine.
        self.failure: str | None = None
        self.handled = 0  # events handed over, for tests and the sandbox's summary
        self._count_lock = threading.Lock()
        self.max_backoff = backoff * limits.LONG_POLL_MAX_BACKOFF / limits.LONG_POLL_BACKOFF
        self._stop = threading.Event()
        self._lanes = Lanes(limits.INTAKE_WORKERS, log)
        self._keyboard_shown: set[int] = set()
        self._poll: Any = None
        self._thread = threading.Thread(target=self._run, name=f"vk-intake-{channel}",
                                        daemon=True)

    def start(self) -> None:
        """Reach the long poll server, then listen on a thread.

        A token that VK refuses raises AuthError here, so the service can say
        so at once; a network failure is only logged and retried.
        """
        try:
            self._poll = self._connect()
        except (AuthError, PermanentError):
            self._lanes.close(wait=False)
            raise
        except Exception as exc:  # noqa: BLE001  (VK unreachable: the thread retries)
            error = exc if isinstance(exc, ChannelError) else \
                self.map_error(exc, "groups.getLongPollServer")
            self.log.warning("%s; the sign-up bot keeps trying", error)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._lanes.close(wait=True)

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
                if poll is None:
                    poll = self._connect()
                events = poll.check()
                if self._stop.is_set():
                    return  # not handled and ts not saved: read again after a restart
                for event in events:
                    self._dispatch(event.raw)
                self._save_ts(poll.ts)
                delay = self.backoff
            except AuthError as exc:
                self._fail(str(exc))
                return
            except Exception as exc:  # noqa: BLE001  (mapped: network, VK's 5xx, garbage)
                error = exc if isinstance(exc, ChannelError) else \
                    self.map_error(exc, "the long poll server")
                if isinstance(error, AuthError):
                    self._fail(str(error))
                    return
                if isinstance(error, PermanentError):
                    self._fail(str(error))
                    return
                wait = error.retry_after if isinstance(error, RateLimitedError) and \
                    error.retry_after else delay
                self.log.warning("%s; the sign-up bot tries again in %.0f s", error, wait)
                if self._stop.wait(wait):
                    return
                delay = min(delay * 2, self.max_backoff)
                if isinstance(exc, ValueError | OSError):
                    poll = None  # a broken answer or connection: ask for a new server

    def _connect(self) -> Any:
        from vk_api.bot_longpoll import VkBotLongPoll
        from vk_api.exceptions import ApiError

        try:
            poll = VkBotLongPoll(self.api, self.group_id, wait=self.wait)
        except ApiError as exc:
            raise self.map_error(exc, "groups.getLongPollServer") from None
        poll.session = self.session  # timeouts, and the sandbox's address
        saved = self._load_ts()
        if saved is not None:
            poll.ts = saved
        return poll

    def _fail(self, message: str) -> None:
        self.failure = (f"{message}. The sign-up bot of channel {self.channel} has stopped; "
                        "people who write to the community are not answered until it is "
                        "fixed and Outreach is restarted")
        self.log.error("%s", self.failure)

    def _ts_path(self) -> Path | None:
        return self.data_dir / TS_FILE if self.data_dir is not None else None

    def _load_ts(self) -> str | None:
        path = self._ts_path()
        if path is None or not path.exists():
            return None
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return str(saved["ts"]) if saved.get("group_id") == self.group_id else None

    def _save_ts(self, ts: Any) -> None:
        path = self._ts_path()
        if path is None:
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps({"group_id": self.group_id, "ts": str(ts)}),
                                 encoding="utf-8")
            temporary.replace(path)

    # --- events ---

    def _dispatch(self, raw: Mapping[str, Any]) -> None:
        kind, obj = raw.get("type"), raw.get("object") or {}
        if kind == "message_new":
            found = incoming_from(obj.get("message") or {})
            if found is None:
                return
            peer, incoming = found
            message_id = (obj.get("message") or {}).get("id") or \
                (obj.get("message") or {}).get("conversation_message_id") or raw.get("event_id")
            self._lanes.submit(incoming.person,
                               lambda: self._serve(peer, incoming, message_id))
        elif kind == "group_join" and isinstance(obj.get("user_id"), int):
            person, at = str(obj["user_id"]), dt.datetime.now(dt.UTC)
            self._lanes.submit(person, lambda: self._joined(person, at))

    def _count(self) -> None:
        with self._count_lock:
            self.handled += 1

    def _joined(self, person: str, at: dt.datetime) -> None:
        self.desk.joined(self.channel, person, at)
        self._count()

    def _serve(self, peer: int, incoming: Incoming, message_id: Any) -> None:
        replies = self.desk.handle(self.channel, incoming)
        self._count()
        for index, reply in enumerate(replies):
            self._reply(peer, reply, (peer, message_id, index))

    def _reply(self, peer: int, reply: Reply, key: tuple[Any, ...]) -> None:
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
            deliver(self.send, values, self.backoff, self._stop)
            return True
        except AuthError as exc:
            self._fail(str(exc))
            self._stop.set()
        except ChannelError as exc:
            self.log.error("%s; a reply to a person was not delivered", exc)
        return False


def deliver(send: Callable[[dict[str, Any]], Any], values: dict[str, Any], backoff: float,
            stop: threading.Event | None = None) -> Any:
    """``send(values)``, retrying transient failures a few times with a growing pause.

    The same ``random_id`` goes with every attempt, so a retry after a lost
    answer is not a second message. Raises the last ChannelError.
    """
    stop = stop or threading.Event()
    delay = backoff
    for attempt in range(limits.SEND_RETRIES + 1):
        try:
            return send(values)
        except TransientError as exc:
            if attempt == limits.SEND_RETRIES or stop.is_set():
                raise
            wait = exc.retry_after if isinstance(exc, RateLimitedError) and \
                exc.retry_after else delay
            stop.wait(min(wait, backoff * limits.LONG_POLL_MAX_BACKOFF))
            delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover
