"""The fake VK's world: tokens, a community, posts and photos, a clock, and saving it all.

Counts grow by a seeded curve of each post's age on the fake's clock, so the
same seed and the same moment give the same figures, and a clock running at
``speed`` shows a day's engagement in minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from outreach.channels import write_private
from outreach_vk import limits

STATE_FILE = "vk-sandbox.json"
GROWTH_TAU = 6 * 3600  # a post gets most of its views in its first day
ADMIN_ID, STRANGER_ID = 1_000_001, 1_000_002
USERS = {ADMIN_ID: ("Анна", "Петрова"), STRANGER_ID: ("Пётр", "Иванов")}
ALL_USER_SCOPES = sum(limits.SCOPE_BITS.values())
ALL_COMMUNITY_SCOPES = sum(limits.COMMUNITY_SCOPE_BITS.values())


@dataclass(frozen=True)
class Token:
    """A ready-made sandbox token: its kind (user, group, service), owner and rights."""

    name: str
    kind: str
    owner: int  # a user's id, or the community's id for a group token
    scopes: int


class Clock:
    """The fake's time: real time times ``speed``, and movable forward by tests."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        self.speed = speed
        self._base = time.time() if start is None else start
        self._t0 = time.monotonic()

    def now(self) -> float:
        return self._base + (time.monotonic() - self._t0) * self.speed

    def set_speed(self, speed: float) -> None:
        """Run at ``speed`` from now on (0 stops the clock)."""
        self._base, self._t0, self.speed = self.now(), time.monotonic(), speed

    def advance(self, seconds: float) -> None:
        self._base += seconds

    def day(self) -> str:
        """VK's day now (an assumption: Moscow's calendar day, see limits.VK_TIME_ZONE)."""
        return dt.datetime.fromtimestamp(self.now(), ZoneInfo(limits.VK_TIME_ZONE)).date() \
            .isoformat()


def token_value(seed: str, name: str, kind: str) -> str:
    return f"vk1.sandbox.{kind}." + hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:40]


@dataclass
class World:
    """Everything the fake remembers; saved as JSON when it has a data folder."""

    seed: str
    group_id: int
    group_name: str = "Серебряные волонтёры (песочница)"
    members: int = 1200
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)  # "owner_id" -> post
    photos: dict[str, dict[str, Any]] = field(default_factory=dict)  # "owner_id" -> photo
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # upload key -> probe
    guids: dict[str, list[Any]] = field(default_factory=dict)  # "owner:guid" -> [id, t, post]
    #: Calls counted against VK's daily limits: {"day": "YYYY-MM-DD", "counts": {key: n}}.
    daily: dict[str, Any] = field(default_factory=dict)
    revoked: list[str] = field(default_factory=list)  # token names
    next_id: int = 1
    #: Simulated people made so far: a new person's id is never an earlier run's, whom the
    #: service remembers (its bot would greet a stranger "again" and overwrite a sign-up).
    people_made: int = 0
    now: float | None = None  # the fake clock when saved

    def tokens(self) -> dict[str, Token]:
        """Token value -> Token, all derived from the seed."""
        made = [
            Token("user", "user", ADMIN_ID, ALL_USER_SCOPES),
            Token("user_no_wall", "user", ADMIN_ID,
                  ALL_USER_SCOPES - limits.SCOPE_BITS["wall"]),
            Token("stranger", "user", STRANGER_ID, ALL_USER_SCOPES),
            Token("community", "group", self.group_id, ALL_COMMUNITY_SCOPES),
            Token("service", "service", 0, 0),
        ]
        kinds = {"user": "user", "group": "community", "service": "service"}
        return {token_value(self.seed, t.name, kinds[t.kind]): t for t in made}

    def value_of(self, name: str) -> str:
        return next(v for v, t in self.tokens().items() if t.name == name)

    def count_today(self, key: str, day: str) -> int:
        """One more of ``key`` on ``day`` (VK's day); how many there were before."""
        if self.daily.get("day") != day:
            self.daily = {"day": day, "counts": {}}
        counts = self.daily["counts"]
        before: int = counts.get(key, 0)
        counts[key] = before + 1
        return before

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class Store:
    """The World behind a lock, loaded from and saved to ``data_dir`` (atomically)."""

    def __init__(self, seed: str, group_id: int, data_dir: Path | None,
                 clock: Clock) -> None:
        self.lock = threading.RLock()
        self.data_dir = data_dir
        self.clock = clock
        self.world = World(seed=seed, group_id=group_id)
        path = self._path()
        if path is not None and path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.world = World(**saved)
            if self.world.now:
                self.clock._base = self.world.now  # the clock goes on where it stopped
                self.clock._t0 = time.monotonic()

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


def counts(seed: str, post_id: int, owner_id: int, age: float) -> dict[str, int]:
    """Views, likes, reposts and comments of a post ``age`` seconds old."""
    rnd = random.Random(f"{seed}:{owner_id}_{post_id}")
    reach = rnd.randint(300, 3000)
    like, share, comment = rnd.uniform(0.03, 0.1), rnd.uniform(0.002, 0.02), \
        rnd.uniform(0.002, 0.015)
    views = int(reach * (1 - math.exp(-max(age, 0) / GROWTH_TAU)))
    return {"views": views, "likes": int(views * like), "reposts": int(views * share),
            "comments": int(views * comment)}
