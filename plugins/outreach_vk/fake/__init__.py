"""A fake VK on 127.0.0.1, for ``outreach sandbox`` rehearsals and the plugin's tests.

It speaks VK's wire protocol (``/method/<name>``, ``{"response": ...}`` or
``{"error": {...}}``) for every method the plugin uses, runs the plugin's
``execute`` batches, takes photo uploads, and enforces what VK enforces: the
token kind of each method, per-token request rates, required parameters,
attachment limits, ``guid``, the API version, daily limits and the size of an
``execute`` answer; BEHAVIOURS.md lists each behaviour with its source, and
what the fake knowingly does not model. Posts gain views, likes,
reposts and comments as the fake's clock runs (``speed``). Faults for
rehearsals: ``set_fault("outage" | "captcha" | "flood" | "posting_denied" |
"server_error", True or a number of times)``, ``set_fault("slow", seconds)``,
``revoke(token_name)``; the sign-up bot's side (fake.bot, fake.people):
``groups.getLongPollServer``, the long poll server, ``messages.send``,
``simulate_person(code, behaviour)``, ``join(user_id)``, and with ``crowd``
seeded people who follow the sign-up links of new posts; over HTTP,
``POST /_sandbox/faults`` with a JSON object, ``POST /_sandbox/revoke {"token":
NAME}``, ``POST /_sandbox/clock {"advance": SECONDS}``,
``POST /_sandbox/person {"code": CODE, "behaviour": ...}``,
``POST /_sandbox/join {}``, ``GET /_sandbox/state``.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform, write_private
from outreach.fakes import ArrivalLimit, Serving
from outreach_vk import limits
from outreach_vk.fake import execute
from outreach_vk.fake.bot import COORDINATORS_PEER, Inbox, Messenger, Sent
from outreach_vk.fake.media import Media
from outreach_vk.fake.methods import BOT_METHODS, Methods, VKError, check_call, check_version
from outreach_vk.fake.people import Crowd, People, Person
from outreach_vk.fake.server import RATE, Handler, Server, error_body, probe
from outreach_vk.fake.state import Clock, Store

DEFAULT_GROUP_ID = 229_000_001
FAULTS = ("outage", "slow", "captcha", "flood", "posting_denied", "server_error")


class FakeVK(FakePlatform):
    """The fake VK. ``speed`` runs its clock faster; ``rate_window`` scales its rate limit."""

    def __init__(self, data_dir: Path | None = None, *, seed: str = "sandbox",
                 group_id: int = DEFAULT_GROUP_ID, speed: float = 1.0,
                 rate_window: float = 1.0, port: int = 0, log_size: int = 100_000,
                 crowd: bool = False) -> None:
        self.clock = Clock(speed)
        self.store = Store(seed, group_id, data_dir, self.clock)
        self.methods = Methods(self.store, lambda: self.url)
        self.inbox = Inbox(self.store.world.group_id)
        self.messenger = Messenger(self.inbox, self.clock.now, lambda: self.url, self._hear)
        self.messenger.photo_exists = self._photo_exists
        self.messenger.member_joined = self._member_joined
        self.media = Media()
        self.people = People(self.messenger, self.clock, seed, self.store.world)
        if crowd:
            self.methods.on_post = Crowd(self.people, self.store.world.group_id, seed).on_post
        self.limiter = ArrivalLimit(rate_window)
        self.port = port
        self.url = ""
        #: (method, body) of every answer sent, newest last, for checking shapes.
        self.responses: deque[tuple[str, Any]] = deque(maxlen=log_size)
        self.too_many = 0  # how many error-6 answers were sent
        self._serving: Serving | None = None
        self._lock = threading.Lock()

    # --- FakePlatform ---

    def start(self) -> str:
        self._serving = Serving(Server, Handler, self, self.port)
        self.url = self._serving.url
        return self.url

    def stop(self) -> None:
        self.inbox.close()
        self.people.stop()
        if self._serving is not None:
            self._serving.stop()
            self.store.save()
        self._serving = None

    def describe(self) -> Mapping[str, str]:
        world = self.store.world
        return {"api_url": self.url, "group_id": str(world.group_id),
                "user_token": self.token("user"), "community_token": self.token("community"),
                "user_token_without_wall": self.token("user_no_wall"),
                "coordinators_peer": str(COORDINATORS_PEER),
                "admin_path": f"{self.url}/_sandbox/state"}

    def rehearse_report(self, reporter_code: str, coordinator_code: str | None,
                        photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                        start_after: float = 60.0, approve_after: float = 180.0) -> bool:
        """Play a reporter who sends a photo report ``start_after`` fake seconds from now,
        and a coordinator who approves its card in ``coordinators_chat`` (a peer id)
        ``approve_after`` fake seconds after it arrives (``outreach_vk.fake.reporters``)."""
        from outreach_vk.fake.reporters import Rehearsal

        Rehearsal(self, reporter_code, coordinator_code, photos, caption, coordinators_chat,
                  start_after, approve_after).start()
        return True

    def __enter__(self) -> FakeVK:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests and rehearsals ---

    def token(self, name: str) -> str:
        """A ready-made token: user, user_no_wall, stranger, community or service."""
        return self.store.world.value_of(name)

    def set_fault(self, name: str, value: Any) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; faults: {', '.join(FAULTS)}")
        with self.store.lock:
            if value in (None, False, 0):
                self.methods.faults.pop(name, None)
            else:
                self.methods.faults[name] = value

    def revoke(self, name: str) -> None:
        with self.store.lock:
            if name not in self.store.world.revoked:
                self.store.world.revoked.append(name)
        self.store.save()

    def wall(self, owner_id: int | None = None) -> list[dict[str, Any]]:
        """The community's posts as wall.get shows them, newest first."""
        owner = -self.store.world.group_id if owner_id is None else owner_id
        with self.store.lock:
            posts = [p for p in self.store.world.posts.values() if p["owner_id"] == owner]
            return [self.methods.post_object(p)
                    for p in sorted(posts, key=lambda p: p["id"], reverse=True)]

    def add_posts(self, count: int, text: str = "Запись из песочницы",
                  photos: int = 0) -> list[str]:
        """Put ``count`` posts (with ``photos`` photos each) straight on the community's
        wall; their ids ("-group_post")."""
        made = []
        with self.store.lock:
            world, now = self.store.world, int(self.clock.now())
            for number in range(count):
                attached = []
                for _ in range(photos):
                    photo_id = world.new_id()
                    world.photos[f"{-world.group_id}_{photo_id}"] = {
                        "id": photo_id, "album_id": -14, "owner_id": -world.group_id,
                        "user_id": 100, "date": now, "has_tags": False, "text": "",
                        "width": 2560, "height": 1920, "access_key": f"{photo_id:018x}",
                        "sizes": [{"type": "w", "width": 2560, "height": 1920,
                                   "url": f"{self.url}/photos/{photo_id}.jpg"}]}
                    attached.append(f"photo{-world.group_id}_{photo_id}")
                post_id = world.new_id()
                world.posts[f"{-world.group_id}_{post_id}"] = {
                    "id": post_id, "owner_id": -world.group_id, "from_id": -world.group_id,
                    "date": now, "text": f"{text} {number + 1}", "attachments": attached,
                    "signed": False, "close_comments": False, "guid": None}
                made.append(f"{-world.group_id}_{post_id}")
        self.store.save()
        return made

    # --- the sign-up bot's side ---

    def simulate_person(self, code: str | None, behaviour: str = "complete",
                        user_id: int | None = None, ref_source: str | None = None) -> int:
        """A person follows ``vk.me/club<id>?ref=code`` and answers the bot; their user id.

        Behaviours: complete, abandon, refuse, photo (see fake.people).
        """
        return self.people.arrive(code, behaviour, user_id, ref_source)

    def person(self, user_id: int) -> Person:
        return self.people.people[user_id]

    def write(self, user_id: int, text: str, **extra: Any) -> None:
        """``user_id`` writes ``text`` to the community (``ref``, ``payload``, ``attachments``)."""
        self.messenger.message_new(user_id, text, **extra)

    def join(self, user_id: int | None = None, join_type: str = "join") -> int:
        """A person joins the community: a group_join event; their user id."""
        user_id = user_id or self.people.new_id()
        self.messenger.group_join(user_id, join_type)
        return user_id

    def send_photos(self, user_id: int, photos: list[bytes], text: str = "") -> None:
        """``user_id`` sends one message with ``photos`` (JPEG or PNG bytes) attached."""
        now = int(self.clock.now())
        attached = [self.media.photo(user_id, data, self.url, now) for data in photos]
        self.messenger.message_new(user_id, text, attachments=attached)

    def send_doc(self, user_id: int, data: bytes, title: str, text: str = "") -> None:
        """``user_id`` sends ``data`` as a file called ``title`` (a doc attachment)."""
        attached = [self.media.doc(user_id, data, title, self.url, int(self.clock.now()))]
        self.messenger.message_new(user_id, text, attachments=attached)

    def send_video(self, user_id: int, text: str = "") -> None:
        """``user_id`` sends a video (an attachment VK gives a bot no file of)."""
        self.messenger.message_new(user_id, text,
                                   attachments=[self.media.video(user_id, int(self.clock.now()))])

    def press(self, user_id: int, message: Sent, label_starts: str) -> str:
        """``user_id`` presses the callback button whose label begins with ``label_starts``
        on ``message`` (in its conversation): a message_event; its event_id."""
        buttons = [b["action"] for row in (message.keyboard or {}).get("buttons", [])
                   for b in row if b["action"].get("type") == "callback"]
        for action in buttons:
            if action["label"].startswith(label_starts):
                return self.messenger.message_event(user_id, message.peer_id, message.cmid,
                                                    action.get("payload") or "")
        raise KeyError(f"no callback button {label_starts!r} on message {message.id}")

    def event_answer(self, event_id: str) -> dict[str, Any] | None:
        """The answer sendMessageEventAnswer gave to ``event_id`` ({} for none), or None."""
        with self.inbox.cond:
            pressed = self.inbox.presses.get(event_id)
        if pressed is None or pressed[1] is None:
            return None
        return json.loads(pressed[1]) if pressed[1] else {}

    def sent_to(self, peer_id: int) -> list[Sent]:
        """The messages the community sent to ``peer_id``, oldest first."""
        with self.inbox.cond:
            return [m for m in self.inbox.sent if m.peer_id == peer_id]

    def events(self) -> list[dict[str, Any]]:
        """The long poll's events still kept, oldest first."""
        with self.inbox.cond:
            return [dict(e) for e in self.inbox.events]

    def long_poll_fault(self, failed: int) -> None:
        """Make the next a_check answer ``failed``: 1 history lost, 2 key expired, 3 both."""
        with self.inbox.cond:
            if failed == 1:
                self.inbox.first += len(self.inbox.events) + 1
                self.inbox.events.clear()
            elif failed == 2:
                self.inbox.keys.clear()
            elif failed == 3:
                self.inbox.lost = True
            else:
                raise ValueError("failed is 1, 2 or 3")
            self.inbox.cond.notify_all()

    def long_poll(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("act") != "a_check":
            body: dict[str, Any] = {"failed": 2}
        else:
            try:
                wait = min(float(query.get("wait") or 25), 90)
            except ValueError:
                wait = 25
            # The clock's speed shortens the wait; events still end it at once.
            body = self.inbox.check(query.get("key", ""), query.get("ts", ""),
                                    max(wait / self.clock.speed, min(wait, 0.25)))
        self.record("longpoll", body)
        return body

    def _hear(self, message: Sent) -> None:
        self.people.hear(message)

    def record(self, method: str, body: Any) -> None:
        self.responses.append((method, body))

    # --- answering ---

    def answer(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            body = self._answer(method, params)
        except VKError as exc:
            body = error_body(exc, method, params)
            if exc.code == 6:
                with self._lock:
                    self.too_many += 1
        self.record(method, body)
        return body

    def _answer(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        check_version(params.get("v"))
        value = params.get("access_token")
        if not value:
            raise VKError(5, "no access_token passed.")
        token = self.store.world.tokens().get(value)
        if token is None or token.name in self.store.world.revoked:
            raise VKError(5)
        with self._lock:
            allowed = self.limiter.allow(value, RATE[token.kind])
        if not allowed:
            raise VKError(6)
        if self.methods.take("server_error"):
            raise VKError(10)
        if method in BOT_METHODS:
            check_call(method, token, params, BOT_METHODS)
            handler = {"messages.send": self.messenger.send,
                       "messages.edit": self.messenger.edit,
                       "messages.sendMessageEventAnswer": self.messenger.answer_event,
                       "photos.getMessagesUploadServer": self._messages_upload_server,
                       "photos.saveMessagesPhoto": self._save_messages_photo,
                       }.get(method, self.messenger.get_long_poll_server)
            return {"response": handler(token, params)}
        if method == "execute":
            if token.kind not in ("user", "group"):
                raise VKError(28)
            answer = execute.run(self.methods, token, params, self.record)
            size = len(json.dumps(answer["response"], ensure_ascii=False).encode())
            if size > limits.EXECUTE_MAX_RESPONSE_BYTES:
                raise VKError(13, "response size is too big")
            return answer
        return {"response": self.methods.call(method, token, params)}

    # --- photos for messages (photos.getMessagesUploadServer, upload, saveMessagesPhoto) ---

    def _messages_upload_server(self, token: Any, params: dict[str, str]) -> Any:
        # Schema photos_photo_upload: album_id, upload_url and user_id are required.
        return {"album_id": -3, "user_id": 0 if token.kind == "group" else token.owner,
                "group_id": self.store.world.group_id,
                "upload_url": f"{self.url}/upload/messages?peer={params.get('peer_id', 0)}"}

    def _save_messages_photo(self, token: Any, params: dict[str, str]) -> Any:
        saved = self.methods.photos_saveWallPhoto(token, {
            **params, "group_id": str(self.store.world.group_id)})
        return [{**photo, "album_id": -3} for photo in saved]

    def _member_joined(self) -> None:
        with self.store.lock:
            self.store.world.members += 1
        self.store.save()

    def _photo_exists(self, attachment: str) -> bool:
        if not attachment.startswith("photo"):
            return True  # other kinds are not checked by the sandbox
        key = attachment[len("photo"):].split("_", 2)
        with self.store.lock:
            return "_".join(key[:2]) in self.store.world.photos

    def upload(self, query: dict[str, str], files: list[tuple[str, str, bytes]]) -> Any:
        server = 851_000 + int(query.get("gid") or 0) % 1000
        # dev.vk.com/ru/api/upload/wall-photo: the file goes in the field "photo".
        files = [f for f in files if f[0] == limits.UPLOAD_FIELD]
        if not files:
            return {"server": server, "photo": "[]", "hash": ""}
        _, filename, data = files[0]
        found = probe(data)
        if isinstance(found, str):
            return {"server": server, "photo": "[]", "hash": "", "error": found}
        key = secrets.token_hex(8)
        digest = secrets.token_hex(16)
        with self.store.lock:
            self.store.world.uploads[key] = {**found, "key": key, "hash": digest,
                                             "file": filename}
        if self.store.data_dir is not None:  # photos of people: the owner's alone
            write_private(self.store.data_dir / "photos" / f"{key}.{found['format'].lower()}",
                          data)
        answer = {"server": server, "hash": digest,
                  "photo": f'[{{"photo":"{key}","sizes":[],"kid":"{digest[:8]}"}}]'}
        self.record("upload", answer)
        return answer

    def admin(self, action: str, data: dict[str, Any]) -> Any:
        if action == "faults":
            for name, value in data.items():
                self.set_fault(name, value)
            return dict(self.methods.faults)
        if action == "revoke":
            self.revoke(data["token"])
            return {"revoked": list(self.store.world.revoked)}
        if action == "clock":
            self.clock.advance(float(data.get("advance", 0)))
            return {"now": self.clock.now()}
        if action == "person":
            return {"user_id": self.simulate_person(data.get("code"),
                                                    data.get("behaviour", "complete"))}
        if action == "join":
            return {"user_id": self.join()}
        if action == "state":
            world = self.store.world
            return {"group_id": world.group_id, "posts": len(world.posts),
                    "photos": len(world.photos), "revoked": world.revoked,
                    "faults": dict(self.methods.faults), "members": self.methods.members(),
                    "messages_sent": len(self.inbox.sent), "events": self.inbox.ts,
                    "now": self.clock.now()}
        raise KeyError(action)
