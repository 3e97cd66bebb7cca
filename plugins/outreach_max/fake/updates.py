"""The fake MAX's updates: what people do, queued for ``GET /updates`` (long polling).

"Every update has its own sequence number. ``marker`` property in response
points to the next upcoming update. All previous updates are considered as
*committed* after passing ``marker`` parameter. If ``marker`` parameter is
**not passed**, your bot will get all updates happened after the last
commitment" (schema, GET /updates). The fake keeps every update of its run,
so a marker older than the last commitment reads from there again. Numbers
go on across runs of a sandbox that keeps its data (``first``): a bot's saved
marker stays valid after a restart, as MAX's do.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from outreach_max.fake.api import bad

if TYPE_CHECKING:
    from outreach_max.fake.people import Action, Person
    from outreach_max.fake.state import Clock


class Updates:
    """The bot's update log and the long poll over it."""

    def __init__(self, clock: Clock, first: int = 0) -> None:
        self.clock = clock
        self.before = first  # updates numbered by earlier runs of this sandbox
        self.log: list[dict[str, Any]] = []  # update number n is log[n - 1 - before]
        self.committed = first  # updates up to this number were committed
        self.sent: list[tuple[int, dict[str, Any]]] = []  # (user id, body) the bot sent
        self.cond = threading.Condition()
        # Each message_created is an update: past ``first`` no earlier run gave its mid.
        self._mids = itertools.count(first + 1)
        self._closed = False
        #: Set while the bot has a webhook subscription: updates go there, not to polls.
        self.push: Callable[[dict[str, Any]], object] | None = None

    def add(self, update: dict[str, Any]) -> None:
        with self.cond:
            self.log.append(update)
            self.cond.notify_all()
            push = self.push
        if push is not None:
            push(update)

    def record_sent(self, user_id: int, body: dict[str, Any]) -> None:
        with self.cond:
            self.sent.append((user_id, body))

    @property
    def given(self) -> int:
        """How many updates there have been, in this run and the earlier ones."""
        return self.before + len(self.log)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self.cond:
            self._closed = True
            self.cond.notify_all()

    def poll(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /updates: the updates from ``marker`` (or the last commitment) on (UpdateList)."""
        try:
            limit = int(query.get("limit") or 100)
            timeout = int(query.get("timeout") or 30)
            marker = int(query["marker"]) if query.get("marker") not in (None, "", "null") \
                else None
        except ValueError:
            raise bad("limit, timeout and marker must be numbers") from None
        if not 1 <= limit <= 1000 or not 0 <= timeout <= 90:
            raise bad("limit must be 1..1000 and timeout 0..90")
        types = set(filter(None, (query.get("types") or "").split(",")))
        with self.cond:
            start = self.committed if marker is None else max(marker - 1, self.before)
            self.committed = max(self.committed, start)
            self.cond.wait_for(lambda: self._closed or self.given > start,
                               timeout / max(self.clock.speed, 1.0) if timeout else 0)
            chosen = self.log[start - self.before:start - self.before + limit]
            after = start + len(chosen)
        found = [u for u in chosen if not types or u["update_type"] in types]
        return {"updates": found, "marker": after + 1}

    # --- what people do, as updates (schema, Update's kinds) ---

    def message_created(self, user: dict[str, Any], text: str | None,
                        attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        mid = f"mid.u{next(self._mids):015x}"
        body: dict[str, Any] = {"mid": mid, "seq": int(mid[5:], 16), "text": text}
        if attachments:
            body["attachments"] = attachments
        return {"update_type": "message_created", "timestamp": self.clock.ms(),
                "user_locale": "ru",
                "message": {"sender": user, "timestamp": self.clock.ms(), "body": body,
                            "recipient": {"chat_id": user["user_id"] + 10**12,
                                          "chat_type": "dialog", "user_id": None}}}

    def callback(self, user: dict[str, Any], payload: str,
                 message: dict[str, Any] | None) -> dict[str, Any]:
        """A button pressed (MessageCallbackUpdate): ``message`` is the message it is on
        ("Original message containing inline keyboard. Can be ``null``")."""
        update: dict[str, Any] = {
            "update_type": "message_callback", "timestamp": self.clock.ms(),
            "user_locale": "ru", "callback": {"timestamp": self.clock.ms(),
                                              "callback_id": secrets.token_hex(12),
                                              "payload": payload, "user": user}}
        if message is not None:
            update["message"] = message
        return update

    def person_acts(self, person: Person, action: Action) -> dict[str, Any]:
        """The update for what ``person`` did: typed, pressed, shared a contact, a photo."""
        assert action is not None
        kind, value = action
        user = person.user()
        if kind == "press":
            return self.callback(user, value or "", None)
        if kind == "contact":
            # request_contact: "client sends new message with attachment of current user
            # contact" (schema, RequestContactButton; ContactAttachmentPayload).
            vcf = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{person.name}\r\n"
                   f"TEL;TYPE=cell:{person.phone}\r\nEND:VCARD")
            return self.message_created(user, None, [{"type": "contact", "payload": {
                "vcf_info": vcf, "max_info": user}}])
        if kind == "photo":
            return self.message_created(user, None, [{"type": "image", "payload": {
                "photo_id": 77_000 + person.id, "token": secrets.token_urlsafe(16),
                "url": "https://i.max.ru/sandbox/person.jpg"}}])
        return self.message_created(user, value)
