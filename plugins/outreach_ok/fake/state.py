"""The fake OK's world: the application, tokens, a group, topics, a clock, and saving it.

Counts grow by a seeded curve of each topic's age on the fake's clock, so the
same seed and the same moment give the same figures, and a clock running at
``speed`` shows a day's engagement in minutes.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outreach.channels import write_private
from outreach_ok import limits

STATE_FILE = "ok-sandbox.json"
GROWTH_TAU = 6 * 3600  # a topic gets most of its likes in its first day
APPLICATION_ID = 512_000_000_001
ADMIN_ID, STRANGER_ID = "575000000001", "575000000002"
USERS = {ADMIN_ID: "Анна Петрова", STRANGER_ID: "Пётр Иванов"}
ALL = limits.PERMISSIONS_NEEDED


@dataclass(frozen=True)
class Token:
    """A ready-made sandbox token: whose it is and which permissions its application has."""

    name: str
    uid: str
    permissions: tuple[str, ...]


#: Tokens by name: the administrator's, and ones that show each refusal.
TOKENS = (
    Token("admin", ADMIN_ID, ALL),
    Token("no_group_content", ADMIN_ID, tuple(p for p in ALL if p != limits.GROUP_CONTENT)),
    Token("no_photo_content", ADMIN_ID, tuple(p for p in ALL if p != limits.PHOTO_CONTENT)),
    Token("stranger", STRANGER_ID, ALL),
)


class Clock:
    """The fake's time: real time times ``speed``, and movable forward by tests."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._base = time.time()
        self._t0 = time.monotonic()

    def now(self) -> float:
        return self._base + (time.monotonic() - self._t0) * self.speed

    def advance(self, seconds: float) -> None:
        self._base += seconds

    def resume(self, at: float) -> None:
        self._base, self._t0 = at, time.monotonic()


def _derived(seed: str, what: str, size: int = 32) -> str:
    return hashlib.sha256(f"{seed}:{what}".encode()).hexdigest()[:size]


@dataclass
class World:
    """Everything the fake remembers; saved as JSON when it has a data folder."""

    seed: str
    group_id: str
    group_name: str = "Серебряные волонтёры (песочница)"
    members: int = 850
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)  # topic id -> topic
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # photo id -> upload
    expired: list[str] = field(default_factory=list)  # token names whose session expired
    next_id: int = 70_102_413_183_001
    now: float | None = None  # the fake clock when saved

    @property
    def application_key(self) -> str:
        return "C" + _derived(self.seed, "application-key", 16).upper() + "A"

    @property
    def secret_key(self) -> str:
        return _derived(self.seed, "application-secret").upper()

    def tokens(self) -> dict[str, Token]:
        """Token value -> Token, all derived from the seed."""
        return {"-s-" + _derived(self.seed, f"token:{t.name}", 40): t for t in TOKENS}

    def value_of(self, name: str) -> str:
        return next(v for v, t in self.tokens().items() if t.name == name)

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id - 1)


class Store:
    """The World behind a lock, loaded from and saved to ``data_dir`` (atomically)."""

    def __init__(self, seed: str, group_id: str, data_dir: Path | None, clock: Clock) -> None:
        self.lock = threading.RLock()
        self.data_dir = data_dir
        self.clock = clock
        self.world = World(seed=seed, group_id=group_id)
        path = self._path()
        if path is not None and path.exists():
            self.world = World(**json.loads(path.read_text(encoding="utf-8")))
            if self.world.now:
                clock.resume(self.world.now)  # the clock goes on where it stopped

    def _path(self) -> Path | None:
        return self.data_dir / STATE_FILE if self.data_dir is not None else None

    def save(self) -> None:
        path = self._path()
        if path is None:
            return
        with self.lock:
            self.world.now = self.clock.now()
            data = json.dumps(self.world.__dict__, ensure_ascii=False, indent=1)
        write_private(path, data, durable=True)


def counts(seed: str, topic_id: str, age: float) -> dict[str, int]:
    """Likes, reshares and comments of a topic ``age`` seconds old."""
    rnd = random.Random(f"{seed}:{topic_id}")
    reach = rnd.randint(200, 2500)
    like, share, comment = rnd.uniform(0.04, 0.12), rnd.uniform(0.005, 0.03), \
        rnd.uniform(0.003, 0.02)
    seen = reach * (1 - math.exp(-max(age, 0) / GROWTH_TAU))
    return {"likes": int(seen * like), "reshares": int(seen * share),
            "comments": int(seen * comment)}
