"""Simulated people for the fake VK: they follow a sign-up link and answer the bot.

A person writes to the community with ``ref=CODE`` (as VK does for
``https://vk.me/club<id>?ref=CODE``), then reads each message the bot sends
them and answers it the way a person would: a name when asked for a name, a
button when shown buttons (a town, an interest, "agree" to the consent
question), a phone number typed in one of the many ways people type them.
They recognise questions by words in Russian or English, the two languages
the dialog speaks ("зовут", "имя", "телефон", "номер", "город", "помогать",
"name", "phone", "number", "town", "help"):
a centre that rewrites its dialog texts in other words should rehearse with
people it scripts itself. Behaviours: ``complete``, ``abandon`` (answers the
first question, then goes quiet), ``refuse`` (says no to consent), ``photo``
(sends a photo when asked for a phone, then the phone).

``Crowd`` watches the wall: for each new post with a ``vk.me/club<id>?ref=``
link it sends a few seeded people after it, on the fake's clock (most
complete, some abandon or refuse), and a few who only join the community.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach_vk.fake.state import World

if TYPE_CHECKING:
    from outreach_vk.fake.bot import Messenger, Sent
    from outreach_vk.fake.state import Clock

BEHAVIOURS = ("complete", "abandon", "refuse", "photo")
# (first name, surname) pairs by gender, so a simulated person reads as a real one.
NAMES = (
    (("Галина", "Валентина", "Людмила", "Тамара", "Нина", "Зинаида"),
     ("Соколова", "Морозова", "Попова", "Новикова", "Волкова", "Павлова")),
    (("Николай", "Владимир", "Сергей", "Виктор", "Анатолий"),
     ("Кузнецов", "Лебедев", "Фёдоров", "Егоров", "Смирнов")),
)
PHONE_STYLES = ("+7 {a} {b}-{c}-{d}", "8{a}{b}{c}{d}", "8 ({a}) {b}-{c}-{d}",
                "+7{a}{b}{c}{d}", "8-{a}-{b}-{c}-{d}")
YES = re.compile(r"^(соглас|да\b|yes|agree|i agree)", re.IGNORECASE)
FIRST_PERSON_ID = 3_000_001
MAX_ANSWERS = 20  # a person gives up on a bot that keeps asking


@dataclass
class Person:
    """One simulated person and everything said between them and the community."""

    id: int
    code: str | None
    behaviour: str
    rng: random.Random
    name: str = ""
    phone: str = ""
    answers: int = 0
    photo_sent: bool = False
    finished: bool = False
    transcript: list[tuple[str, str]] = field(default_factory=list)  # (who, text)

    def answer(self, message: Sent) -> dict[str, Any] | None:
        """What this person sends back after ``message`` (None: they stay quiet)."""
        self.transcript.append(("bot", message.text))
        if self.finished or self.answers >= MAX_ANSWERS:
            return None
        if self.behaviour == "abandon" and self.answers >= 1:
            self.finished = True
            return None
        buttons = [b for row in (message.keyboard or {}).get("buttons", []) for b in row]
        text = message.text.lower()
        if buttons:
            return self._press(buttons)
        if any(word in text for word in ("телефон", "номер", "phone", "number")):
            if self.behaviour == "photo" and not self.photo_sent:
                self.photo_sent = True
                return self._said("[фото]", attachments=[_photo(self.id)])
            return self._said(self.phone)
        # The town before the name: "write the name of your town" asks for a town.
        if any(word in text for word in ("город", "район", "town", "district")):
            return self._said("Кыштым")
        if any(word in text for word in ("зовут", "имя", "name")):
            return self._said(self.name)
        if any(word in text for word in ("помогать", "help")):
            return self._said("Могу печь пироги для праздников")
        if any(word in text for word in ("записаны", "signed up")):
            self.finished = True
        return None

    def _press(self, buttons: list[dict[str, Any]]) -> dict[str, Any]:
        labels = [b["action"]["label"] for b in buttons]
        yes = [b for b, label in zip(buttons, labels, strict=True) if YES.match(label)]
        if yes:
            chosen = yes[0] if self.behaviour != "refuse" else \
                next((b for b in buttons if b not in yes), yes[0])
            self.finished = True
        else:  # a town or an interest; the last button is usually "other"
            chosen = self.rng.choice(buttons[:-1] if len(buttons) > 1 else buttons)
        action = chosen["action"]
        return self._said(action["label"], payload=action.get("payload"))

    def _said(self, text: str, **extra: Any) -> dict[str, Any]:
        self.answers += 1
        self.transcript.append(("person", text))
        return {"text": "" if extra.get("attachments") else text, **extra}


def _photo(owner: int) -> dict[str, Any]:
    return {"type": "photo", "photo": {"id": 457_239_017, "album_id": -3, "owner_id": owner,
                                       "date": int(time.time()), "has_tags": False,
                                       "text": "", "sizes": []}}


def make_person(person_id: int, code: str | None, behaviour: str, seed: str) -> Person:
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; one of {', '.join(BEHAVIOURS)}")
    rng = random.Random(f"{seed}:person:{person_id}")
    digits = f"9{rng.randrange(10**9):09d}"
    phone = rng.choice(PHONE_STYLES).format(a=digits[:3], b=digits[3:6], c=digits[6:8],
                                            d=digits[8:])
    first_names, surnames = rng.choice(NAMES)
    return Person(person_id, code, behaviour, rng,
                  name=f"{rng.choice(first_names)} {rng.choice(surnames)}", phone=phone)


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
                self._thread = threading.Thread(target=self._run, name="fake-vk-people",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or
                                             self._heap[0][0] > time.monotonic()):
                    left = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(left)
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


class People:
    """The simulated people of one fake VK, answering the community's messages."""

    #: Fake seconds a person takes to read a message and answer.
    THINK = (5.0, 40.0)

    def __init__(self, messenger: Messenger, clock: Clock, seed: str,
                 world: World | None = None) -> None:
        """``world``: the fake's saved state, which counts the people made across runs."""
        self.messenger = messenger
        self.seed = seed
        self.timeline = Timeline(clock)
        self.people: dict[int, Person] = {}
        self._world = world if world is not None else World(seed=seed, group_id=0)
        self._lock = threading.Lock()

    def new_id(self) -> int:
        with self._lock:
            self._world.people_made += 1
            return FIRST_PERSON_ID + self._world.people_made - 1

    def arrive(self, code: str | None, behaviour: str = "complete",
               user_id: int | None = None, ref_source: str | None = None) -> int:
        """A person writes to the community through ``vk.me/club<id>?ref=code``."""
        person = make_person(user_id or self.new_id(), code, behaviour, self.seed)
        with self._lock:
            self.people[person.id] = person
        person.transcript.append(("person", "Начать"))
        self.messenger.message_new(person.id, "Начать", ref=code, ref_source=ref_source,
                                   payload=json.dumps({"command": "start"}))
        return person.id

    def hear(self, message: Sent) -> None:
        """The community sent ``message``; its person answers after a while."""
        person = self.people.get(message.peer_id)
        if person is None:
            return
        with self._lock:
            said = person.answer(message)
        if said is None:
            return
        delay = person.rng.uniform(*self.THINK)
        self.timeline.later(delay, lambda: self.messenger.message_new(
            person.id, said["text"], payload=said.get("payload"),
            attachments=said.get("attachments")))

    def stop(self) -> None:
        self.timeline.stop()


class Crowd:
    """Seeded people who follow the sign-up links of new wall posts, for rehearsals."""

    def __init__(self, people: People, group_id: int, seed: str) -> None:
        self.people = people
        self.link = re.compile(rf"vk\.me/club{group_id}\?ref=([A-Za-z0-9_-]{{1,64}})")
        self.seed = seed

    def on_post(self, post_id: int, text: str) -> None:
        found = self.link.search(text)
        rng = random.Random(f"{self.seed}:crowd:{post_id}")
        if found:
            code = found.group(1)
            for _ in range(rng.randint(1, 4)):
                behaviour = rng.choices(BEHAVIOURS[:3], weights=(7, 2, 1))[0]
                self.people.timeline.later(rng.uniform(60, 3600), functools.partial(
                    self.people.arrive, code, behaviour))
        for _ in range(rng.randint(0, 3)):
            self.people.timeline.later(rng.uniform(60, 3 * 3600), lambda: self.people
                                       .messenger.group_join(self.people.new_id()))
