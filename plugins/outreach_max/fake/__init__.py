"""A fake MAX on 127.0.0.1, for ``outreach sandbox`` rehearsals and the plugin's tests.

It serves every path the plugin uses as MAX's OpenAPI schema shapes it
(``/me``, ``/chats/{id}``, ``/chats/{id}/members/me``, ``/uploads`` and an
upload host, ``/messages``, ``/updates``, ``/answers``) and enforces what MAX
documents: the token in the ``Authorization`` header only (401 otherwise),
30 requests a second per token (429), the text and button limits, the bot's
rights in the channel (403), unknown chats (404), and uploads that become
ready a moment after they arrive (400 ``attachment.not.ready`` before).
Channel messages gain views as the fake's clock runs (``speed``). Simulated
people follow deep links (``bot_started`` with the payload) and answer the
bot; with ``crowd`` seeded people follow the links of new posts. For photo
reports, people send photos, files and videos as attachments whose ``url``
the fake serves (fake.media), press callback buttons of a card in a group
chat (``message_callback`` carrying the card), and an answer's ``message``
changes that card (POST /answers, CallbackAnswer); ``rehearse_report`` plays
the sandbox's reporter and coordinator (fake.reporters).

Faults for rehearsals: ``set_fault("outage" | "server_error" | "too_many", True
or a number of times)``, ``set_fault("slow", seconds)``, ``set_rights("admin" |
"no_write" | "member" | "removed")``, ``revoke("bot")``; over HTTP,
``POST /_sandbox/faults`` with a JSON object, ``/_sandbox/revoke {"token":
NAME}``, ``/_sandbox/rights {"rights": ...}``, ``/_sandbox/clock {"advance":
SECONDS}``, ``/_sandbox/person {"code": CODE, "behaviour": ...}``,
``GET /_sandbox/state``. Assumptions where MAX's docs are silent are marked
in fake/api.py and listed in docs/max.md.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform
from outreach.fakes import ArrivalLimit, Serving
from outreach_max import limits
from outreach_max.fake.api import Api, bad, callback_buttons, not_found
from outreach_max.fake.media import Media
from outreach_max.fake.people import FIRST_PERSON_ID, Crowd, Person, Timeline, make_person
from outreach_max.fake.server import Handler, MaxError, Server
from outreach_max.fake.state import (
    CHANNEL_ID,
    COORDINATORS_CHAT_ID,
    RIGHTS,
    Clock,
    Store,
    token_value,
)
from outreach_max.fake.updates import Updates
from outreach_max.fake.webhooks import Webhooks

FAULTS = ("outage", "slow", "server_error", "too_many")
THINK = (5.0, 40.0)  # fake seconds a person takes to read a message and answer
CHAT_PATH = re.compile(r"^/chats/(-?\d+)(/members/me)?$")


class FakeMax(FakePlatform):
    """The fake MAX. ``speed`` runs its clock faster; ``rate_window`` scales its rate limit."""

    def __init__(self, data_dir: Path | None = None, *, seed: str = "sandbox",
                 speed: float = 1.0, rate_window: float = 1.0, port: int = 0,
                 crowd: bool = False, log_size: int = 100_000) -> None:
        self.clock = Clock(speed)
        self.store = Store(seed, data_dir)
        self.api = Api(self.store, self.clock, lambda: self.url)
        self.media = Media(lambda: self.url)
        self.updates = Updates(self.clock, self.store.world.updates_given)
        self.webhooks = Webhooks(self.clock)
        self.updates.push = self._push
        self.timeline = Timeline(self.clock)
        self.people: dict[int, Person] = {}
        self.api.deliver = self._deliver
        self.api.knows = lambda user: user in self.people
        if crowd:
            self.api.on_post = Crowd(self.simulate_person, self.timeline,
                                     self.store.world.bot_name, seed).on_post
        self.limiter = ArrivalLimit(rate_window)
        self.faults: dict[str, Any] = {}
        self.port = port
        self.url = ""
        #: (operation, status, body) of every answer sent, newest last, for checking shapes.
        self.responses: deque[tuple[str, int, Any]] = deque(maxlen=log_size)
        self.too_many = 0  # how many 429 answers were sent
        self._serving: Serving | None = None
        self._lock = threading.Lock()

    # --- FakePlatform ---

    def start(self) -> str:
        self._serving = Serving(Server, Handler, self, self.port)
        self.url = self._serving.url
        return self.url

    def stop(self) -> None:
        self.updates.close()
        self.webhooks.stop()
        self.timeline.stop()
        if self._serving is not None:
            self._serving.stop()
            with self.store.lock:
                self.store.world.updates_given = self.updates.given
            self.store.save()
        self._serving = None

    def describe(self) -> Mapping[str, str]:
        return {"api_url": self.url, "token": self.token("bot"), "chat_id": str(CHANNEL_ID),
                "bot_name": self.store.world.bot_name,
                "coordinators_chat": str(COORDINATORS_CHAT_ID),
                "admin_path": f"{self.url}/_sandbox/state"}

    def __enter__(self) -> FakeMax:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests and rehearsals ---

    def token(self, name: str = "bot") -> str:
        """A ready-made token: ``bot`` (administers the channel) or ``stranger``."""
        return token_value(self.store.world.seed, name)

    def set_fault(self, name: str, value: Any) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; faults: {', '.join(FAULTS)}")
        with self._lock:
            if value in (None, False, 0):
                self.faults.pop(name, None)
            else:
                self.faults[name] = value

    def fault(self, name: str) -> Any:
        """The fault's value; a counted one is used up by one."""
        with self._lock:
            value = self.faults.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and name != "slow":
                if value <= 1:
                    self.faults.pop(name, None)
                else:
                    self.faults[name] = value - 1
            return value

    def set_rights(self, rights: str) -> None:
        if rights not in RIGHTS:
            raise ValueError(f"rights are one of {', '.join(RIGHTS)}")
        with self.store.lock:
            self.store.world.rights = rights
        self.store.save()

    def revoke(self, name: str) -> None:
        with self.store.lock:
            if name not in self.store.world.revoked:
                self.store.world.revoked.append(name)
        self.store.save()

    def channel_messages(self) -> list[dict[str, Any]]:
        """The channel's messages as GET /messages shows them, newest first."""
        found: list[dict[str, Any]] = self.api.messages(
            {"chat_id": str(CHANNEL_ID), "count": "100"})["messages"]
        return found

    def add_posts(self, count: int, text: str = "Запись из песочницы") -> list[str]:
        """Put ``count`` posts straight into the channel; their message ids (``mid``)."""
        made = []
        with self.store.lock:
            world, now = self.store.world, self.clock.ms()
            for number in range(count):
                seq = world.new_id()
                mid = f"mid.{seq:016x}"
                world.messages[mid] = {
                    "recipient": {"chat_id": CHANNEL_ID, "chat_type": "channel"},
                    "timestamp": now, "url": f"https://max.ru/c/{-CHANNEL_ID}/{mid}",
                    "body": {"mid": mid, "seq": seq, "text": f"{text} {number + 1}",
                             "attachments": []}}
                made.append(mid)
        self.store.save()
        return made

    def simulate_person(self, code: str | None, behaviour: str = "complete",
                        user_id: int | None = None) -> int:
        """A person follows ``max.ru/<bot>?start=code`` and answers the bot; their user id.

        Behaviours: complete, abandon, refuse, photo, quiet (see fake.people).
        """
        if user_id is None:
            with self.store.lock:
                user_id = FIRST_PERSON_ID + self.store.world.people_made
                self.store.world.people_made += 1
        person = make_person(user_id, code, behaviour, self.store.world.seed)
        self.people[person.id] = person
        person.transcript.append(("person", "/start"))
        update: dict[str, Any] = {"update_type": "bot_started", "timestamp": self.clock.ms(),
                                  "chat_id": person.id + 10**12, "user": person.user(),
                                  "user_locale": "ru"}
        if code and len(code) <= limits.START_PAYLOAD_MAX:  # longer: "omitted" (schema)
            update["payload"] = code
        self.updates.add(update)
        return person.id

    def person(self, user_id: int) -> Person:
        return self.people[user_id]

    def sent_to(self, user_id: int) -> list[dict[str, Any]]:
        """The bodies the bot sent to ``user_id``, oldest first."""
        return [body for user, body in self.updates.sent if user == user_id]

    def write(self, user_id: int, text: str | None = None,
              attachments: list[dict[str, Any]] | None = None) -> None:
        """``user_id`` writes to the bot in their dialog: a message_created update."""
        person = self.people.get(user_id) or make_person(user_id, None, "quiet",
                                                         self.store.world.seed)
        self.people.setdefault(user_id, person)
        person.transcript.append(("person", text or "[" + ", ".join(
            a["type"] for a in attachments or []) + "]"))
        self.updates.add(self.updates.message_created(person.user(), text, attachments))

    # --- photo reports: what people send, and presses in the coordinators' chat ---

    def send_photos(self, user_id: int, photos: list[bytes], text: str | None = None) -> None:
        """``user_id`` sends one message with ``photos`` attached (``image`` attachments),
        with ``text`` as its caption."""
        self.write(user_id, text, [self.media.image(data) for data in photos])

    def send_file(self, user_id: int, data: bytes, filename: str,
                  text: str | None = None) -> None:
        """``user_id`` sends ``data`` as a file called ``filename`` (a ``file`` attachment)."""
        self.write(user_id, text, [self.media.file(data, filename)])

    def send_video(self, user_id: int, text: str | None = None) -> None:
        """``user_id`` sends a short video (a ``video`` attachment)."""
        self.write(user_id, text, [self.media.video(b"\x00\x00\x00\x18ftypmp42")])

    def download(self, key: str) -> bytes | None:
        """The bytes behind an attachment's ``url`` (``/_files/<key>``), or None."""
        return self.media.read(key)

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages of a group chat or the channel as MAX keeps them, oldest first."""
        with self.store.lock:
            found = [m for m in self.store.world.messages.values()
                     if m["recipient"]["chat_id"] == chat_id]
        return sorted(found, key=lambda m: m["body"]["seq"])

    def press(self, user_id: int, mid: str, label_starts: str) -> str:
        """``user_id`` presses the callback button whose text begins with ``label_starts``
        on the chat message ``mid``: a ``message_callback`` carrying that message
        (MessageCallbackUpdate); its ``callback_id``."""
        with self.store.lock:
            message = self.store.world.messages[mid]
            view = self.api.message_view(message, False)
        chosen = next((b for b in callback_buttons(view["body"])
                       if b["text"].startswith(label_starts)), None)
        if chosen is None:
            raise KeyError(f"no callback button {label_starts!r} on message {mid}")
        person = self.people.get(user_id) or make_person(user_id, None, "quiet",
                                                         self.store.world.seed)
        self.people.setdefault(user_id, person)
        update = self.updates.callback(person.user(), chosen["payload"], view)
        self.api.pressed[update["callback"]["callback_id"]] = mid
        self.updates.add(update)
        return str(update["callback"]["callback_id"])

    def tap(self, user_id: int, label_starts: str) -> str:
        """``user_id`` presses the button whose text begins with ``label_starts`` on the
        last message with buttons the bot sent them (in their dialog); its ``callback_id``."""
        for body in reversed(self.sent_to(user_id)):
            buttons = callback_buttons(body)
            if not buttons:
                continue
            chosen = next((b for b in buttons if b["text"].startswith(label_starts)), None)
            if chosen is None:
                raise KeyError(f"no button {label_starts!r}: {[b['text'] for b in buttons]}")
            person = self.people[user_id]
            person.transcript.append(("person", f"[{chosen['text']}]"))
            update = self.updates.callback(person.user(), chosen["payload"], None)
            self.updates.add(update)
            return str(update["callback"]["callback_id"])
        raise KeyError(f"the bot showed {user_id} no buttons")

    def answer_to(self, callback_id: str) -> dict[str, Any] | None:
        """The CallbackAnswer POST /answers gave to ``callback_id``, or None (not yet)."""
        return self.api.answers.get(callback_id)

    def rehearse_report(self, reporter_code: str, coordinator_code: str | None,
                        photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                        start_after: float = 60.0, approve_after: float = 180.0) -> bool:
        from outreach_max.fake.reporters import Rehearsal

        Rehearsal(self, reporter_code, coordinator_code, photos, caption, coordinators_chat,
                  start_after, approve_after).start()
        return True

    def _push(self, update: dict[str, Any]) -> None:
        if self.webhooks.active:
            self.webhooks.push(update)

    # --- the people's side ---

    def _deliver(self, user_id: int, body: dict[str, Any]) -> None:
        self.updates.record_sent(user_id, body)
        person = self.people.get(user_id)
        if person is None:
            return
        action = person.answer(body)
        if action is None:
            return
        delay = person.rng.uniform(*THINK)
        self.timeline.later(delay, lambda: self.updates.add(
            self.updates.person_acts(person, action)))

    # --- answering ---

    def answer(self, verb: str, path: str, query: dict[str, str], token: str | None,
               body: Any) -> tuple[int, Any]:
        operation = f"{verb} {CHAT_PATH.sub(lambda m: '/chats/{chatId}' + (m[2] or ''), path)}"
        try:
            status, answer = 200, self._answer(verb, path, query, token, body)
        except MaxError as exc:
            status, answer = exc.status, exc.body
            if exc.status == 429:
                with self._lock:
                    self.too_many += 1
        self.responses.append((operation, status, answer))
        return status, answer

    def _answer(self, verb: str, path: str, query: dict[str, str], token: str | None,
                body: Any) -> Any:
        # The token in the Authorization header only (schema, securitySchemes; "passing the
        # token in query parameters is no longer supported", dev.max.ru/docs-api).
        name = self.store.world.tokens().get(token or "")
        if name is None or name in self.store.world.revoked:
            # ASSUMPTION: the code of a refused token ("verify.token"); 401 is the schema's.
            raise MaxError(401, "verify.token", "Invalid access_token")
        with self._lock:
            allowed = self.limiter.allow(token or "", limits.RPS)
        if not allowed or self.fault("too_many"):
            # ASSUMPTION: the 429's code; MAX documents the status and 30 rps only.
            raise MaxError(429, "too.many.requests", "Too many requests")
        if self.fault("server_error"):
            raise MaxError(500, "internal.error", "Internal error")
        if name == "stranger" and path.startswith(("/chats/", "/messages")) and \
                "user_id" not in query:
            raise MaxError(403, "chat.denied", "Bot is not a member of this chat")
        found = CHAT_PATH.match(path)
        if verb == "GET" and path == "/me":
            return {**self.api.bot_user(), "description": None, "commands": None}
        if verb == "GET" and found:
            chat_id = int(found[1])
            return self.api.membership(chat_id) if found[2] else self.api.chat(chat_id)
        if verb == "POST" and path == "/uploads":
            return self.api.upload_url(query)
        if verb == "POST" and path == "/messages":
            return self.api.send(query, body)
        if verb == "GET" and path == "/messages":
            return self.api.messages(query)
        if verb == "GET" and path == "/updates":
            if self.webhooks.active:
                # "Both methods cannot be used simultaneously" (schema, info.description);
                # ASSUMPTION: refused with the 405 GET /updates lists.
                raise MaxError(405, "method.not.allowed",
                               "Long polling is not available while webhook subscriptions exist")
            return self.updates.poll(query)
        if path == "/subscriptions":
            if verb == "POST":
                return self.webhooks.subscribe(body)
            if verb == "DELETE":
                return self.webhooks.unsubscribe(query)
            return self.webhooks.listed()
        if verb == "POST" and path == "/answers":
            return self.api.answer_callback(query, body)
        raise not_found(f"{verb} {path}")

    def upload(self, key: str, files: list[tuple[str, str, bytes]]) -> tuple[int, Any]:
        try:
            if len(files) != 1:
                raise bad("exactly one file per upload")  # "Only one mediafile per request"
            status, answer = 200, self.api.upload(key, files[0][2])
        except MaxError as exc:
            status, answer = exc.status, exc.body
        self.responses.append(("upload", status, answer))
        return status, answer

    def admin(self, action: str, data: dict[str, Any]) -> Any:
        if action == "faults":
            for name, value in data.items():
                self.set_fault(name, value)
            return dict(self.faults)
        if action == "revoke":
            self.revoke(data["token"])
            return {"revoked": list(self.store.world.revoked)}
        if action == "rights":
            self.set_rights(data["rights"])
            return {"rights": self.store.world.rights}
        if action == "clock":
            self.clock.advance(float(data.get("advance", 0)))
            return {"now": self.clock.now()}
        if action == "person":
            return {"user_id": self.simulate_person(data.get("code"),
                                                    data.get("behaviour", "complete"))}
        if action == "state":
            world = self.store.world
            return {"chat_id": CHANNEL_ID, "bot_name": world.bot_name,
                    "messages": len(world.messages), "rights": world.rights,
                    "revoked": world.revoked, "faults": dict(self.faults),
                    "members": world.members, "people": len(self.people),
                    "now": self.clock.now()}
        raise KeyError(action)
