"""What the fake Bot API holds: its bot, channels, messages, audience and update queue.

Time is scaled: with ``time_scale = 60`` one real second is a minute of the
fake's clock, so audiences grow, reactions arrive and rate windows pass
quickly in tests and rehearsals. ``retry_after`` is given in real seconds.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from outreach.channels import write_private

BOT_ID = 7000000001
BOT_TOKEN = f"{BOT_ID}:AAsandbox-token-for-rehearsals-only"
BOT_USERNAME = "outreach_sandbox_bot"
COORDINATORS = "sandbox_coordinators"  # a group the sandbox bot may write to (notify)
EMOJI = ("👍", "❤", "🔥", "👏", "🙏")


class ApiError(Exception):
    """An answer of ``ok: false``: HTTP status, Telegram's description, retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass
class FakeChat:
    id: int
    title: str
    username: str | None = None
    type: str = "channel"
    bot_status: str = "administrator"  # administrator | member | left | kicked
    members: int = 120  # at creation
    joins_per_day: float = 3.0
    created: float = 0.0  # fake clock
    next_message_id: int = 1
    messages: list[dict[str, Any]] = field(default_factory=list)
    keyboard: dict[str, Any] | None = None  # a private chat's reply keyboard on screen

    def short(self) -> dict[str, Any]:
        if self.type == "private":  # a person: the chat is named by their first name
            return {"id": self.id, "type": "private", "first_name": self.title}
        chat: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class Limits:
    """Telegram's flood limits (bots FAQ): 20 a minute to one chat, about 30 a second overall."""

    per_chat: int = 20
    chat_window: float = 60.0
    overall: int = 30
    overall_window: float = 1.0


class FakeState:
    """All state of one fake Bot API; every method is called under ``lock``."""

    def __init__(self, data_dir: Path | None = None, time_scale: float = 1.0,
                 seed: int = 1, limits: Limits | None = None) -> None:
        self.lock = threading.Condition()
        self.data_dir = data_dir
        self.time_scale = time_scale
        self.seed = seed
        self.limits = limits or Limits()
        self.token = BOT_TOKEN
        self._wall0, self._mono0 = time.time(), time.monotonic()
        self.chats: dict[int, FakeChat] = {}
        self.private: dict[int, FakeChat] = {}  # user id -> the person's chat with the bot
        self.users: dict[int, dict[str, Any]] = {}
        self.queries: dict[str, bool] = {}  # callback query id -> answered
        self.query_answers: dict[str, str] = {}  # callback query id -> the text shown
        self.file_store: Any = None  # files people sent (fake.files.FileStore), made on use
        self.next_query_id = 1
        #: Called (under ``lock``) with each message the bot sends to a private chat.
        self.on_bot_message: list[Any] = []
        #: Called (under ``lock``) with each channel post: the people may follow its links.
        self.on_channel_post: list[Any] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.update_times: dict[int, float] = {}  # update id -> when it came (fake clock)
        self.webhook: dict[str, Any] | None = None  # setWebhook's settings (fake.webhooks)
        self.clock_offset = 0.0  # fake seconds added by advance()
        self.next_update_id = 1
        #: Simulated people made so far, kept between runs: a new person's user id is never
        #: an earlier run's, whom the service remembers (its bot would greet them "again").
        self.people_made = 0
        self.allowed_updates: list[str] = []
        self.emitted: dict[tuple[int, int], list[int]] = {}
        self.sent_chat: dict[int, deque[float]] = {}
        self.sent_all: deque[float] = deque()
        self.outage = False
        self.slow = 0.0
        self.poll_generation = 0
        self.stopping = False
        self.invite_links = 0
        self.counters = {"requests": 0, "429": 0}
        if not self._load():
            self.add_channel("sandbox_channel", "Серебряные волонтёры (песочница)")
            self.add_channel(None, "Закрытый канал (песочница)")
        if not any(c.username == COORDINATORS for c in self.chats.values()):
            group = self.add_channel(COORDINATORS, "Координаторы (песочница)",
                                     bot_status="member", members=5, joins_per_day=0)
            group.type = "supergroup"

    # --- the clock ---

    def now(self) -> float:
        return (self._wall0 + (time.monotonic() - self._mono0) * self.time_scale
                + self.clock_offset)

    def advance(self, seconds: float) -> None:
        """Move the fake's clock ``seconds`` ahead (e.g. past the 24 hours updates are kept)."""
        self.clock_offset += seconds

    # --- chats ---

    def add_channel(self, username: str | None, title: str, bot_status: str = "administrator",
                    members: int = 120, joins_per_day: float = 3.0) -> FakeChat:
        chat_id = min(self.chats, default=-1001000000000) - 1
        chat = FakeChat(chat_id, title, username, bot_status=bot_status, members=members,
                        joins_per_day=joins_per_day, created=self.now())
        self.chats[chat_id] = chat
        return chat

    def private_chat(self, user: dict[str, Any]) -> FakeChat:
        """The person's chat with the bot, opened when they first write (its id is theirs)."""
        self.users[user["id"]] = user
        chat = self.private.get(user["id"])
        if chat is None:
            chat = self.private[user["id"]] = FakeChat(
                user["id"], user["first_name"], type="private", bot_status="member",
                members=1, joins_per_day=0, created=self.now())
        return chat

    def find_chat(self, chat_id: Any) -> FakeChat:
        if not isinstance(chat_id, str) or not chat_id.startswith("@"):
            try:
                person = self.private.get(int(chat_id))
            except (TypeError, ValueError):
                person = None
            if person is not None:
                return person
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == chat_id[1:].lower():
                    return chat
        else:
            try:
                numbered = self.chats.get(int(chat_id))
            except (TypeError, ValueError):
                numbered = None
            if numbered is not None:
                return numbered
        raise ApiError(400, "Bad Request: chat not found")

    def member_count(self, chat: FakeChat) -> int:
        days = max(0.0, self.now() - chat.created) / 86400
        return chat.members + int(days * chat.joins_per_day)

    # --- flood limits ---

    def take(self, chat: FakeChat, count: int) -> None:
        """Count ``count`` messages to ``chat``, or raise 429 when a limit would be passed."""
        now = self.now()
        # A private chat has no per-chat limit of its own (bots FAQ), only the overall one.
        per_chat = deque() if chat.type == "private" else self.sent_chat.setdefault(chat.id,
                                                                                   deque())
        waits = []
        for sent, limit, window in ((per_chat, self.limits.per_chat, self.limits.chat_window),
                                    (self.sent_all, self.limits.overall,
                                     self.limits.overall_window)):
            while sent and sent[0] <= now - window:
                sent.popleft()
            if len(sent) + count > limit:
                over = len(sent) + count - limit
                waits.append(sent[min(over, len(sent)) - 1] + window - now)
        if waits:
            self.counters["429"] += 1
            retry = max(1, math.ceil(max(waits) / self.time_scale))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        per_chat.extend([now] * count)
        self.sent_all.extend([now] * count)

    # --- updates ---

    def push_update(self, kind: str, payload: dict[str, Any], at: float | None = None) -> None:
        """Queue an update that came ``at`` (fake clock; now by default)."""
        self.updates.append({"update_id": self.next_update_id, kind: payload})
        self.update_times[self.next_update_id] = self.now() if at is None else at
        self.next_update_id += 1
        self.lock.notify_all()

    def _reactions(self, chat: FakeChat, message: dict[str, Any]) -> list[tuple[float, int]]:
        """(seconds after posting, emoji) of every reaction the audience puts on a message."""
        rng = random.Random(f"{self.seed}:{chat.id}:{message['message_id']}")
        return [(rng.uniform(60, 6 * 3600), rng.randrange(len(EMOJI)))
                for _ in range(rng.randint(2, 30))]

    def reactions_now(self, chat: FakeChat, message: dict[str, Any]) -> list[int]:
        """How many of each emoji the simulated audience has put on a message by now."""
        age = self.now() - message["date"]
        counts = [0] * len(EMOJI)
        for delay, emoji in self._reactions(chat, message):
            if delay <= age:
                counts[emoji] += 1
        return counts

    def last_reaction_at(self, chat: FakeChat, message: dict[str, Any]) -> float:
        """When the latest reaction put on the message by now came (fake clock)."""
        age = self.now() - message["date"]
        return float(message["date"]) + max((d for d, _ in self._reactions(chat, message)
                                      if d <= age), default=0.0)

    def refresh_reactions(self) -> None:
        """Queue a message_reaction_count update for each message whose reactions changed."""
        for chat in self.chats.values():
            if chat.bot_status != "administrator":
                continue  # only administrators receive reaction updates
            for message in chat.messages:
                counts = self.reactions_now(chat, message)
                key = (chat.id, message["message_id"])
                if counts != self.emitted.get(key, [0] * len(EMOJI)):
                    self.emitted[key] = counts
                    self.push_update("message_reaction_count", at=self.last_reaction_at(
                        chat, message), payload={
                        "chat": chat.short(), "message_id": message["message_id"],
                        "date": int(self.now()),
                        "reactions": [{"type": {"type": "emoji", "emoji": EMOJI[i]},
                                       "total_count": n} for i, n in enumerate(counts) if n],
                    })

    def script_start(self, user_id: int, first_name: str, code: str | None) -> None:
        """A person opens the bot through a deep link: a private /start message."""
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        text = f"/start {code}" if code else "/start"
        self.user_message(user, {"text": text, "entities": [
            {"type": "bot_command", "offset": 0, "length": 6}]})

    def user_message(self, user: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """A person writes to the bot: the message joins their chat and the update queue."""
        chat = self.private_chat(user)
        message = {"message_id": chat.next_message_id, "date": int(self.now()), "from": user,
                   "chat": chat.short(), **content}
        chat.next_message_id += 1
        chat.messages.append(message)
        if chat.keyboard is not None and chat.keyboard.get("one_time_keyboard"):
            chat.keyboard = None  # a one-time keyboard hides once used
        self.push_update("message", message)
        return message

    def press_button(self, user: dict[str, Any], message_id: int, data: str,
                     chat_id: int | None = None) -> str:
        """A person presses an inline button of the bot's message: a callback_query update
        (in their chat with the bot, or in the group ``chat_id``)."""
        self.users[user["id"]] = user
        chat = self.private_chat(user) if chat_id is None else self.find_chat(chat_id)
        message = next((m for m in chat.messages if m["message_id"] == message_id), None)
        buttons = [b for row in ((message or {}).get("reply_markup") or {}).get(
            "inline_keyboard", []) for b in row]
        if message is None or not any(b.get("callback_data") == data for b in buttons):
            raise ValueError(f"message {message_id} has no button with data {data!r}")
        query_id = f"{BOT_ID % 100000}{self.next_query_id:08d}"
        self.next_query_id += 1
        self.queries[query_id] = False
        self.push_update("callback_query", {
            "id": query_id, "from": user,
            "message": {k: v for k, v in message.items() if not k.startswith("_")},
            "chat_instance": str(abs(hash((BOT_ID, user["id"]))) % 10 ** 12), "data": data})
        return query_id

    # --- persistence ---

    def save(self) -> None:
        if self.data_dir is None:
            return
        data = {"chats": [asdict(c) for c in self.chats.values()],
                "next_update_id": self.next_update_id, "people_made": self.people_made,
                "emitted":
                [[k[0], k[1], v] for k, v in self.emitted.items()]}
        # The simulated people's chats, with their names and phones: the owner's alone.
        write_private(self.data_dir / "telegram-fake.json", json.dumps(data, ensure_ascii=False))

    def _load(self) -> bool:
        path = self.data_dir / "telegram-fake.json" if self.data_dir else None
        if path is None or not path.exists():
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
        for chat in data["chats"]:
            self.chats[chat["id"]] = FakeChat(**chat)
        self.next_update_id = data["next_update_id"]
        self.people_made = data.get("people_made", 0)  # files of older versions lack it
        self.emitted = {(a, b): v for a, b, v in data["emitted"]}
        return True
