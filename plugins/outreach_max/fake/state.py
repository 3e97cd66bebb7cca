"""The fake MAX's world: a bot, its channel, messages, uploads, a clock, and saving it all.

Views grow by a seeded curve of each channel message's age on the fake's
clock, so the same seed and the same moment give the same figures, and a
clock running at ``speed`` shows a day's views in minutes.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from outreach.channels import write_private

STATE_FILE = "max-sandbox.json"
GROWTH_TAU = 6 * 3600  # a post gets most of its views in its first day
BOT_ID = 590_000_001
CHANNEL_ID = -72_000_000_000_001
COORDINATORS_CHAT_ID = -72_000_000_000_002
#: Bot rights in the channel a rehearsal can set (schema, ChatMember, ChatAdminPermission).
RIGHTS = ("admin", "no_write", "member", "removed")


class Clock:
    """The fake's time: real time times ``speed``, and movable forward by tests."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._base = time.time()
        self._t0 = time.monotonic()

    def now(self) -> float:
        return self._base + (time.monotonic() - self._t0) * self.speed

    def ms(self) -> int:
        """Now in milliseconds: MAX's times are "milliseconds since 1970" (schema)."""
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        self._base += seconds


def token_value(seed: str, name: str) -> str:
    return "max.sandbox." + hashlib.sha256(f"{seed}:max:{name}".encode()).hexdigest()[:40]


@dataclass
class World:
    """Everything the fake remembers; saved as JSON when it has a data folder."""

    seed: str
    bot_name: str = "outreach_sandbox_bot"
    bot_title: str = "Серебряные волонтёры (песочница)"
    channel_title: str = "Серебряные волонтёры (песочница)"
    members: int = 800
    rights: str = "admin"  # one of RIGHTS
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # mid -> message
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # photo token -> upload
    revoked: list[str] = field(default_factory=list)  # token names
    updates_given: int = 0  # updates numbered so far (GET /updates' markers go on from here)
    next_id: int = 1
    #: Simulated people made so far: a new person's id is never an earlier run's, whom the
    #: service remembers (its bot would greet a stranger "again" and overwrite a sign-up).
    people_made: int = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def tokens(self) -> dict[str, str]:
        """Token value -> name: ``bot`` (the channel's), ``stranger`` (a bot elsewhere)."""
        return {token_value(self.seed, name): name for name in ("bot", "stranger")}

    def views(self, message: dict[str, Any], now: float) -> int:
        age = max(0.0, now - message["timestamp"] / 1000)
        share = random.Random(f"{self.seed}:views:{message['body']['mid']}").uniform(0.3, 0.8)
        return int(self.members * share * (1 - math.exp(-age / GROWTH_TAU)))


class Store:
    """The world, its lock, and where it is saved (``data_dir``/max-sandbox.json)."""

    def __init__(self, seed: str, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self.world = World(seed)
        path = self.path
        if path is not None and path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.world = World(**{k: v for k, v in saved.items()
                                  if k in World.__dataclass_fields__})

    @property
    def path(self) -> Path | None:
        return self.data_dir / STATE_FILE if self.data_dir is not None else None

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            data = json.dumps(asdict(self.world), ensure_ascii=False)
        write_private(self.path, data)
