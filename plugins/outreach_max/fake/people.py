"""Simulated people for the fake MAX: they follow a deep link and answer the bot.

A person opens ``https://max.ru/<bot>?start=CODE`` (a ``bot_started`` update
with the payload, schema "Deep linking"), then reads each message the bot
sends them and answers it as a person would: a name when asked for a name,
the "share my phone" (``request_contact``) button when shown one, a button
when shown buttons (a town, an interest, "agree" to the consent question).
They recognise questions by words in Russian or English ("зовут", "имя",
"телефон", "город", "помогать", "name", "phone", "town", "help"): a centre
that rewrites its dialog texts should rehearse with people it scripts itself.
Behaviours: ``complete``, ``abandon`` (answers the first question, then goes
quiet), ``refuse`` (says no to consent), ``photo`` (sends a photo when asked
for a phone, then shares the contact), ``quiet`` (reads and never answers by
itself: a test or a rehearsal's script speaks for them, see fake.reporters).

``Crowd`` watches the channel: for each new post with a ``max.ru/<bot>?start=``
link it sends a few seeded people after it on the fake's clock.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach_max.fake.state import Clock

BEHAVIOURS = ("complete", "abandon", "refuse", "photo", "quiet")
NAMES = (
    (("Галина", "Валентина", "Людмила", "Тамара", "Нина"),
     ("Соколова", "Морозова", "Попова", "Новикова", "Волкова")),
    (("Николай", "Владимир", "Сергей", "Виктор", "Анатолий"),
     ("Кузнецов", "Лебедев", "Фёдоров", "Егоров", "Смирнов")),
)
YES = re.compile(r"^(соглас|да\b|yes|agree|i agree)", re.IGNORECASE)
FIRST_PERSON_ID = 4_000_001
MAX_ANSWERS = 20  # a person gives up on a bot that keeps asking

#: What a person does next: ("text", text) | ("press", payload) | ("contact", None) |
#: ("photo", None); None: they stay quiet.
Action = tuple[str, str | None] | None


@dataclass
class Person:
    """One simulated person and everything said between them and the bot."""

    id: int
    code: str | None
    behaviour: str
    rng: random.Random
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    answers: int = 0
    photo_sent: bool = False
    finished: bool = False
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (who, text)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def user(self) -> dict[str, Any]:
        """The person as MAX shows them (schema, User)."""
        return {"user_id": self.id, "first_name": self.first_name,
                "last_name": self.last_name, "username": None, "is_bot": False,
                "last_activity_time": int(time.time() * 1000)}

    def answer(self, body: dict[str, Any]) -> Action:
        """What this person does after the bot sent them ``body`` (NewMessageBody)."""
        text = body.get("text") or ""
        self.transcript.append(("bot", text))
        if self.finished or self.answers >= MAX_ANSWERS or self.behaviour == "quiet":
            return None
        if self.behaviour == "abandon" and self.answers >= 1:
            self.finished = True
            return None
        buttons = [button for attachment in body.get("attachments") or []
                   if attachment.get("type") == "inline_keyboard"
                   for row in attachment["payload"]["buttons"] for button in row]
        lowered = text.lower()
        if any(b["type"] == "request_contact" for b in buttons):
            if self.behaviour == "photo" and not self.photo_sent:
                self.photo_sent = True
                return self._did("photo", None, "[фото]")
            return self._did("contact", None, self.phone)
        callbacks = [b for b in buttons if b["type"] == "callback"]
        if callbacks:
            return self._press(callbacks)
        if any(word in lowered for word in ("телефон", "номер", "phone")):
            return self._did("text", self.phone, self.phone)
        if any(word in lowered for word in ("зовут", "имя", "name")):
            return self._did("text", self.name, self.name)
        if any(word in lowered for word in ("город", "район", "town")):
            return self._did("text", "Кыштым", "Кыштым")
        if any(word in lowered for word in ("помогать", "help")):
            said = "Могу печь пироги для праздников"
            return self._did("text", said, said)
        if any(word in lowered for word in ("записаны", "signed up")):
            self.finished = True
        return None

    def _press(self, buttons: list[dict[str, Any]]) -> Action:
        yes = [b for b in buttons if YES.match(b["text"])]
        if yes:
            chosen = yes[0] if self.behaviour != "refuse" else \
                next((b for b in buttons if b not in yes), yes[0])
            self.finished = self.behaviour == "refuse" or self.finished
        else:  # a town or an interest; the last button is usually "other"
            chosen = self.rng.choice(buttons[:-1] if len(buttons) > 1 else buttons)
        return self._did("press", chosen["payload"], chosen["text"])

    def _did(self, kind: str, value: str | None, shown: str) -> Action:
        self.answers += 1
        self.transcript.append(("person", shown))
        return kind, value


def make_person(person_id: int, code: str | None, behaviour: str, seed: str) -> Person:
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
    rng = random.Random(f"{seed}:max-person:{person_id}")
    first_names, surnames = rng.choice(NAMES)
    return Person(person_id, code, behaviour, rng, first_name=rng.choice(first_names),
                  last_name=rng.choice(surnames), phone=f"7{9_000_000_000 + rng.randrange(10**9)}")


class Timeline:
    """Runs callbacks after a delay on the fake's clock, on one thread of its own."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, Callable[[], object]]] = []
        self._count = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def later(self, fake_seconds: float, job: Callable[[], object]) -> None:
        due = time.monotonic() + max(fake_seconds, 0) / max(self.clock.speed, 1e-9)
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._count), job))
            self._cond.notify()
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="fake-max-people",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or
                                             self._heap[0][0] > time.monotonic()):
                    self._cond.wait(self._heap[0][0] - time.monotonic() if self._heap
                                    else None)
                if self._stopped:
                    return
                _, _, job = heapq.heappop(self._heap)
            job()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)


class Crowd:
    """Seeded people who follow the deep links of new channel posts, for rehearsals."""

    def __init__(self, arrive: Callable[[str, str], object], timeline: Timeline,
                 bot_name: str, seed: str) -> None:
        self.arrive = arrive
        self.timeline = timeline
        self.link = re.compile(rf"max\.ru/{re.escape(bot_name)}\?start=([A-Za-z0-9_-]{{1,128}})")
        self.seed = seed

    def on_post(self, mid: str, text: str) -> None:
        found = self.link.search(text)
        if not found:
            return
        rng = random.Random(f"{self.seed}:max-crowd:{mid}")
        for _ in range(rng.randint(1, 4)):
            behaviour = rng.choices(BEHAVIOURS[:3], weights=(7, 2, 1))[0]
            self.timeline.later(rng.uniform(60, 3600), functools.partial(
                self.arrive, found.group(1), behaviour))
