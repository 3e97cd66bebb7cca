"""The fake VK's community messages: Bots Long Poll events and ``messages.send``.

Events have the shape of VK 5.199's callback schema (``message_new`` carries
``{"message": ..., "client_info": ...}``; ``group_join`` ``{"user_id",
"join_type"}``) inside ``{"group_id", "type", "event_id", "v", "object"}``.
The long poll server answers ``{"ts": "N", "updates": [...]}`` or
``{"failed": 1, "ts": "N"}`` (history lost: go on from ts), ``{"failed": 2}``
(key expired: ask for a new key) or ``{"failed": 3}`` (information lost: new key
and ts), as VK documents.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from outreach_vk import limits
from outreach_vk.fake.methods import VKError, _int
from outreach_vk.fake.state import ADMIN_ID

#: What a VK client says it can show (callback_info_for_bots).
CLIENT_INFO = {"button_actions": ["text", "vkpay", "open_app", "location", "open_link",
                                  "callback", "intent_subscribe", "intent_unsubscribe"],
               "keyboard": True, "inline_keyboard": True, "carousel": True, "lang_id": 0}
#: The coordinators' conversation the sandbox community is a member of.
COORDINATORS_PEER = limits.CHAT_PEER_BASE + 1
#: Events kept for a ts that fell behind; older ones are "history lost" (failed 1).
HISTORY = 10_000


@dataclass
class Sent:
    """A message the community sent, as the fake keeps it."""

    id: int
    peer_id: int
    text: str
    keyboard: dict[str, Any] | None
    date: float
    cmid: int = 0  # conversation_message_id: its number in the peer's conversation
    attachment: str = ""  # "photo<owner>_<id>,..." as messages.send took it
    edited: int = 0  # how many times messages.edit changed it


@dataclass
class Inbox:
    """The community's messages and events, in memory (a restart starts them afresh)."""

    group_id: int
    events: list[dict[str, Any]] = field(default_factory=list)
    first: int = 0  # the number of events[0]
    keys: set[str] = field(default_factory=set)
    lost: bool = False  # the next check answers failed 3
    allowed: set[int] = field(default_factory=set)  # people who wrote to the community
    sent: list[Sent] = field(default_factory=list)
    random_ids: dict[tuple[int, int, int], tuple[Sent, float]] = field(default_factory=dict)
    bot_features: bool = True  # Manage → Messages → Bot settings
    cond: threading.Condition = field(default_factory=threading.Condition)
    closing: bool = False
    next_message: int = 1
    per_peer: dict[int, int] = field(default_factory=dict)
    #: message_event ids -> (when pressed, the answer's event_data or None until answered).
    presses: dict[str, tuple[float, str | None]] = field(default_factory=dict)

    @property
    def ts(self) -> int:
        return self.first + len(self.events)

    def push(self, kind: str, obj: dict[str, Any], event_id: str | None = None) -> None:
        with self.cond:
            self.events.append({"group_id": self.group_id, "type": kind,
                                "event_id": event_id or secrets.token_hex(20),
                                "v": limits.API_VERSION, "object": obj})
            if len(self.events) > HISTORY:
                drop = len(self.events) - HISTORY
                del self.events[:drop]
                self.first += drop
            self.cond.notify_all()

    def new_key(self) -> str:
        with self.cond:
            key = secrets.token_hex(20)
            self.keys.add(key)
            return key

    def check(self, key: str, ts: str, wait: float) -> dict[str, Any]:
        """One ``a_check``: events after ``ts``, waiting up to ``wait`` real seconds."""
        deadline = time.monotonic() + wait
        try:
            since = int(ts)
        except ValueError:
            since = -1  # before any event: answered as history lost, with the ts to ask from
        with self.cond:
            failed = self._failed(key, since)
            if failed is not None:
                return failed
            while (self.ts <= since and not self.closing and not self.lost
                   and key in self.keys and since >= self.first):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            # What happened while the request waited answers it, as it would at VK.
            failed = self._failed(key, since)
            if failed is not None:
                return failed
            found = self.events[max(since - self.first, 0):]
            return {"ts": str(self.ts), "updates": [dict(e) for e in found]}

    def _failed(self, key: str, since: int) -> dict[str, Any] | None:
        """The ``failed`` answer a check from ``since`` with ``key`` gets now, if any."""
        if self.lost:
            self.lost = False
            self.keys.clear()
            return {"failed": 3}
        if key not in self.keys:
            return {"failed": 2}
        if since < self.first:
            return {"failed": 1, "ts": str(self.ts)}
        return None

    def close(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()


def validate_keyboard(raw: str) -> dict[str, Any]:
    """The keyboard a bot sent, or VKError 911 saying what VK would refuse in it."""
    try:
        board = json.loads(raw)
    except ValueError:
        raise VKError(911, "keyboard is not JSON") from None
    if not isinstance(board, dict) or not isinstance(board.get("buttons"), list):
        raise VKError(911, "buttons is required")
    rows = board["buttons"]
    inline = bool(board.get("inline"))
    if not inline and not isinstance(board.get("one_time", False), bool):
        raise VKError(911, "one_time must be a boolean")
    # An inline keyboard (inside the message) holds at most 5 × 6, 10 buttons in all
    # (dev.vk.com, "Bot keyboards": inline display).
    most_rows = limits.INLINE_MAX_ROWS if inline else limits.KEYBOARD_MAX_ROWS
    most_buttons = limits.INLINE_MAX_BUTTONS if inline else limits.KEYBOARD_MAX_BUTTONS
    if len(rows) > most_rows:
        raise VKError(911, f"at most {most_rows} rows")
    total = 0
    for row in rows:
        if not isinstance(row, list) or len(row) > limits.KEYBOARD_MAX_COLUMNS:
            raise VKError(911, f"a row holds at most {limits.KEYBOARD_MAX_COLUMNS} buttons")
        for button in row:
            total += 1
            action = button.get("action") if isinstance(button, dict) else None
            # "callback" buttons send a message_event, not a message (dev.vk.com, "Bot
            # keyboards"); the schema's messages_keyboard_button_action_callback.
            if not isinstance(action, dict) or action.get("type") not in ("text", "callback"):
                raise VKError(911, "the sandbox takes buttons of type text and callback only")
            label = action.get("label")
            if not isinstance(label, str) or not label:
                raise VKError(911, "a button needs a label")
            if len(label) > limits.KEYBOARD_LABEL_MAX:
                raise VKError(911, f"label longer than {limits.KEYBOARD_LABEL_MAX} characters")
            payload = action.get("payload")
            if payload is not None and (not isinstance(payload, str) or
                                        len(payload) > limits.KEYBOARD_PAYLOAD_MAX):
                raise VKError(911, f"payload longer than {limits.KEYBOARD_PAYLOAD_MAX} "
                                   "characters")
            if button.get("color", "default") not in ("default", "positive", "negative",
                                                       "primary"):
                raise VKError(911, "color is invalid")
    if total > most_buttons:
        raise VKError(911, f"at most {most_buttons} buttons")
    return board


def _sent_answer(message: Sent, many: str | None) -> Any:
    if many is None:
        return message.id
    return [{"peer_id": message.peer_id, "message_id": message.id,
             "conversation_message_id": message.cmid}]

#: group_join types after which the person is a member (schema: callback group_join).
MEMBER_JOIN_TYPES = ("join", "accepted", "approved")


class Messenger:
    """``messages.send`` and ``groups.getLongPollServer`` over an Inbox."""

    def __init__(self, inbox: Inbox, now: Callable[[], float], base_url: Callable[[], str],
                 deliver: Callable[[Sent], None]) -> None:
        self.inbox = inbox
        self.now = now
        self.base_url = base_url
        self.deliver = deliver  # hands a message to a simulated person
        #: Whether "photo<owner>_<id>" was saved (photos.saveMessagesPhoto); None: not checked.
        self.photo_exists: Callable[[str], bool] | None = None
        #: Called when a person becomes a member (the community's member count grows).
        self.member_joined: Callable[[], None] | None = None

    def edit(self, token: Any, params: Mapping[str, str]) -> Any:
        """messages.edit: a message the community sent, by ``message_id`` or ``cmid`` (its
        conversation_message_id) in ``peer_id``; answers 1 (schema base_bool_response)."""
        peer = _int(params, "peer_id")
        if peer is None:
            raise VKError(100, "peer_id is undefined")
        by_id, by_cmid = _int(params, "message_id"), _int(params, "cmid")
        if by_id is None and by_cmid is None:
            raise VKError(100, "message_id or cmid is required")
        keyboard = validate_keyboard(params["keyboard"]) if params.get("keyboard") else None
        text = params.get("message")
        if text is not None and len(text) > limits.SCHEMA_MESSAGE_MAX:
            raise VKError(914)
        with self.inbox.cond:
            found = next((m for m in self.inbox.sent if m.peer_id == peer and (
                m.id == by_id if by_id is not None else m.cmid == by_cmid)), None)
            if found is None:  # a person's message, or none: only one's own can be edited
                raise VKError(920)
            # dev.vk.com messages.edit: a message older than 24 hours cannot be edited (909).
            if self.now() - found.date > limits.EDIT_MAX_AGE:
                raise VKError(909)
            if text is not None:
                found.text = text
            # The keyboard is replaced by the one sent; none sent leaves no keyboard.
            found.keyboard = keyboard
            if "attachment" in params:
                found.attachment = params["attachment"]
            found.edited += 1
        return 1

    def answer_event(self, token: Any, params: Mapping[str, str]) -> Any:
        """messages.sendMessageEventAnswer: the answer to a callback button's press, once,
        within a minute (event_id "active for a minute", dev.vk.com message_event)."""
        event = params.get("event_id", "")
        data = params.get("event_data")
        if data is not None:
            if len(data) > limits.EVENT_DATA_MAX:
                raise VKError(100, "event_data is too long")
            try:
                parsed = json.loads(data)
            except ValueError:
                raise VKError(100, "event_data is not JSON") from None
            if not isinstance(parsed, dict) or parsed.get("type") not in (
                    "show_snackbar", "open_link", "open_app"):
                raise VKError(100, "event_data.type is invalid")
            if parsed["type"] == "show_snackbar" and not (
                    isinstance(parsed.get("text"), str)
                    and 0 < len(parsed["text"]) <= limits.SNACKBAR_MAX):
                raise VKError(100, "event_data.text is invalid")
        with self.inbox.cond:
            pressed = self.inbox.presses.get(event)
            # The minute is a real one: the fake's faster clock runs the audience, not people.
            if pressed is None or pressed[1] is not None \
                    or time.monotonic() - pressed[0] > limits.EVENT_TTL:
                raise VKError(100, "event_id is invalid")
            self.inbox.presses[event] = (pressed[0], data or "")
        return 1

    def message_event(self, user_id: int, peer_id: int, cmid: int, payload: str) -> str:
        """``user_id`` presses a callback button of message ``cmid`` in ``peer_id``: a
        message_event in the long poll (schema callback_message_event); its event_id."""
        event = secrets.token_hex(20)
        with self.inbox.cond:
            self.inbox.presses[event] = (time.monotonic(), None)
        self.inbox.push("message_event", {"user_id": user_id, "peer_id": peer_id,
                                          "event_id": event, "payload": payload,
                                          "conversation_message_id": cmid}, event_id=event)
        return event

    def get_long_poll_server(self, token: Any, params: Mapping[str, str]) -> Any:
        if params.get("group_id") != str(self.inbox.group_id):
            raise VKError(100, "group_id is invalid")
        if token.kind == "user" and token.owner != ADMIN_ID:
            raise VKError(15, "the user is not an administrator of the community")
        return {"key": self.inbox.new_key(), "server": f"{self.base_url()}/lp/"
                f"{self.inbox.group_id}", "ts": str(self.inbox.ts)}

    def send(self, token: Any, params: Mapping[str, str]) -> Any:
        if token.kind == "group" and not token.scopes & limits.COMMUNITY_SCOPE_BITS["messages"]:
            raise VKError(15, "no access to call this method: messages right is missing")
        random = _int(params, "random_id")
        if random is None:  # required since API 5.90
            raise VKError(100, "random_id is undefined")
        # peer_ids (one peer here) answers [{peer_id, message_id, conversation_message_id}]
        # (schema messages_send_user_ids_response) instead of the bare message id.
        many = params.get("peer_ids")
        peer = _int(params, "peer_id") or _int(params, "user_id") or _int(params, "peer_ids")
        if peer is None:
            raise VKError(100, "peer_id is undefined")
        text = params.get("message", "")
        attachment = params.get("attachment", "")
        if not text and not attachment:
            raise VKError(100, "message is empty or invalid")
        if attachment and self.photo_exists is not None:
            for item in attachment.split(","):
                if not self.photo_exists(item.strip()):
                    raise VKError(100, f"attachment {item.strip()} is invalid")
        if len(text) > limits.SCHEMA_MESSAGE_MAX:
            raise VKError(914)
        keyboard = None
        if params.get("keyboard"):
            if not self.inbox.bot_features:
                raise VKError(912)
            keyboard = validate_keyboard(params["keyboard"])
        if peer != COORDINATORS_PEER and peer not in self.inbox.allowed:
            raise VKError(901)
        now = self.now()
        seen = (token.owner, peer, random)
        with self.inbox.cond:
            if random and seen in self.inbox.random_ids:
                first, at = self.inbox.random_ids[seen]
                if now - at < limits.RANDOM_ID_TTL:
                    return _sent_answer(first, many)
            cmid = self.inbox.per_peer.get(peer, 0) + 1
            self.inbox.per_peer[peer] = cmid
            message = Sent(self.inbox.next_message, peer, text, keyboard, now, cmid,
                           attachment)
            self.inbox.next_message += 1
            self.inbox.sent.append(message)
            if random:
                self.inbox.random_ids[seen] = (message, now)
        self.deliver(message)
        return _sent_answer(message, many)

    def message_new(self, user_id: int, text: str, *, ref: str | None = None,
                    ref_source: str | None = None, payload: str | None = None,
                    attachments: list[dict[str, Any]] | None = None) -> None:
        """A person writes to the community: a message_new event in the long poll."""
        with self.inbox.cond:
            self.inbox.allowed.add(user_id)
            number = self.inbox.per_peer.get(user_id, 0) + 1
            self.inbox.per_peer[user_id] = number
            message_id = self.inbox.next_message
            self.inbox.next_message += 1
        message: dict[str, Any] = {
            "date": int(self.now()), "from_id": user_id, "id": message_id, "out": 0,
            "version": message_id, "attachments": attachments or [],
            "conversation_message_id": number, "fwd_messages": [], "important": False,
            "is_hidden": False, "peer_id": user_id, "random_id": 0, "text": text}
        if ref:
            message["ref"] = ref
        if ref_source:
            message["ref_source"] = ref_source
        if payload:
            message["payload"] = payload
        self.inbox.push("message_new", {"message": message, "client_info": CLIENT_INFO})

    def group_join(self, user_id: int, join_type: str = "join") -> None:
        """A person joins: the group_join event, and a member more for the join types that
        make one (VK's group_join object: "join", "accepted" an invitation, "approved"
        request; "unsure" and "request" are not members yet)."""
        if join_type in MEMBER_JOIN_TYPES and self.member_joined is not None:
            self.member_joined()
        self.inbox.push("group_join", {"user_id": user_id, "join_type": join_type})
