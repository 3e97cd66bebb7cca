"""Scripted people for the fake Bot API: they follow a deep link and answer the sign-up bot.

A person sends ``/start CODE`` in a private chat with the bot, then reads what
the bot writes and answers as a person would, a moment after the bot's last
message: types a name, presses the button of their municipality (or "Другой" /
"Other" and types it), shares their phone with the "share my phone" button,
types what they would like to help with, and presses the consent button whose
label starts with "Согласен" / "I agree". A behaviour makes them stop or stray
on the way.

The person reads the bot's questions by their words and buttons, in either
language the dialog speaks (Russian, English), so the dialog's texts may
change: what they look for is in ``_ASK_*`` and ``_LABEL_*``.

With ``followers`` on (the sandbox), the fake watches the posts in its
channels for ``t.me/<bot>?start=CODE`` links and, seeded by the code, sends a
few people after each one over the following fake hour: most complete the
dialog, some abandon it.
"""

from __future__ import annotations

import heapq
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from outreach_telegram.fake.state import BOT_USERNAME, FakeChat, FakeState

BEHAVIOURS = ("complete", "abandon_at_start", "abandon_at_name", "abandon_at_phone",
              "refuse_consent", "photo_instead_of_phone", "typed_phone",
              "someone_elses_contact", "cancel_at_phone")
#: The sandbox's followers: how many complete and how many stop where.
FOLLOWER_MIX = (("complete", 70), ("abandon_at_phone", 10), ("abandon_at_start", 8),
                ("photo_instead_of_phone", 6), ("refuse_consent", 3), ("typed_phone", 3))
# (first names, surnames) by gender, so a simulated person reads as a real one.
NAMES = (
    (("Галина", "Валентина", "Людмила", "Татьяна", "Надежда", "Зинаида", "Раиса"),
     ("Иванова", "Петрова", "Кузнецова", "Попова", "Новикова")),
    (("Николай", "Владимир", "Анатолий", "Михаил", "Геннадий"),
     ("Смирнов", "Соколов", "Лебедев", "Иванов", "Петров")),
)
INTERESTS = ("Наставничество школьников", "Помощь в библиотеке", "Фотосъёмка мероприятий",
             "Финансовая грамотность", "Экологические акции")
PHONE_STYLES = ("+7 {a} {b}-{c}-{d}", "8 ({a}) {b}-{c}-{d}", "8{a}{b}{c}{d}", "+7{a}{b}{c}{d}")
LINK = re.compile(rf"t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]{{1,64}})", re.IGNORECASE)
FIRST_USER_ID = 500_000_001

_ASK_NAME = ("зовут", "имя", "имени", "фамили", "обращаться", "name", "surname")
_ASK_PLACE = ("муниципал", "город", "район", "населён", "населен", "живёте", "живете",
              "откуда", "округ", "town", "district", "municipality", "live in")
_ASK_HELP = ("помога", "помочь", "интерес", "заняться", "хотели бы", "направлен", "help",
             "interest")
_ASK_PHONE = ("телефон", "номер", "phone", "number")
# How buttons' labels begin: consent, refusal, "another place".
_LABEL_YES = ("согла", "i agree", "agree", "yes")
_LABEL_NO = ("не ", "нет", "отказ", "no", "decline")
_LABEL_OTHER = ("друг", "other", "something else")


@dataclass
class Person:
    user_id: int
    code: str | None
    behaviour: str
    name: str
    municipality: str | None  # None: a button picked at random (sandbox followers)
    phone: str
    interests: str | None  # None: a button picked at random
    # waiting | talking | consented (pressed the button) | done (the bot answered it)
    # | refused | abandoned | cancelled
    status: str = "waiting"
    answered: set[str] = field(default_factory=set)
    strayed: bool = False  # the behaviour's wrong answer is given once
    typing: str | None = None  # pressed "Другой": "place" or "help" is typed next
    seen: int = 0  # the bot's last message id this person reacted to
    sent_at: float | None = None  # when their last message reached the fake (monotonic)
    latencies: list[float] = field(default_factory=list)

    @property
    def user(self) -> dict[str, Any]:
        first, _, last = self.name.partition(" ")
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": first,
                                "language_code": "ru"}
        if last:
            user["last_name"] = last
        return user

    def describe(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "code": self.code, "behaviour": self.behaviour,
                "status": self.status, "replies": len(self.latencies)}


class People:
    """Every scripted person of one fake, and the thread that makes them act."""

    def __init__(self, state: FakeState, think: float = 2.0, followers: bool = False) -> None:
        self.state = state
        self.think = think  # fake seconds a person takes to answer
        self.followers = followers
        self.persons: dict[int, Person] = {}
        self.latencies: list[float] = []  # seconds from a person's message to the bot's reply
        self._due: list[tuple[float, int, int, str]] = []  # (when, seq, user id, action)
        self._seq = 0
        self._followed: set[str] = set()
        self._rng = random.Random(state.seed)
        self._thread: threading.Thread | None = None
        state.on_bot_message.append(self._bot_wrote)
        state.on_channel_post.append(self._post_seen)

    # --- under the state's lock ---

    def add(self, code: str | None, behaviour: str = "complete",
            answers: dict[str, str] | None = None, after: float = 0.0,
            rng: random.Random | None = None, user_id: int | None = None) -> Person:
        """A person who follows ``code``'s link ``after`` fake seconds from now.

        ``user_id`` of an earlier person: the same Telegram user comes back.
        """
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}")
        rng = rng or self._rng
        answers = dict(answers or {})
        if not user_id:
            user_id = FIRST_USER_ID + self.state.people_made
            self.state.people_made += 1
        digits = f"9{rng.randrange(10 ** 9):09d}"
        phone = rng.choice(PHONE_STYLES).format(a=digits[:3], b=digits[3:6], c=digits[6:8],
                                                d=digits[8:])
        person = Person(
            user_id=user_id, code=code, behaviour=behaviour,
            name=answers.get("name") or _name(rng),
            municipality=answers.get("municipality"), phone=answers.get("phone") or phone,
            interests=answers.get("interests"))
        self.persons[user_id] = person
        self._schedule(person, after, "start")
        return person

    def _schedule(self, person: Person, after: float, action: str) -> None:
        self._seq += 1
        when = time.monotonic() + max(after, 0.0) / self.state.time_scale
        heapq.heappush(self._due, (when, self._seq, person.user_id, action))
        self.state.lock.notify_all()

    def _bot_wrote(self, chat: FakeChat, message: dict[str, Any]) -> None:
        person = self.persons.get(chat.id)
        if person is None:
            return
        if person.sent_at is not None:
            latency = time.monotonic() - person.sent_at
            person.latencies.append(latency)
            self.latencies.append(latency)
            person.sent_at = None
        if person.status == "talking":
            self._schedule(person, self.think, "read")
        elif person.status == "consented":
            person.status = "done"  # the bot answered their consent: the dialog is over

    def _post_seen(self, chat: FakeChat, message: dict[str, Any]) -> None:
        if not self.followers:
            return
        text = message.get("text") or message.get("caption") or ""
        for code in LINK.findall(text):
            if code in self._followed:
                continue
            self._followed.add(code)
            rng = random.Random(f"{self.state.seed}:{code}")
            behaviours, weights = zip(*FOLLOWER_MIX, strict=True)
            for _ in range(rng.choices((0, 1, 2, 3), (2, 4, 3, 1))[0]):
                self.add(code, rng.choices(behaviours, weights)[0], after=rng.uniform(120, 3600),
                         rng=rng)

    # --- acting ---

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="telegram-fake-people",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        state = self.state
        with state.lock:
            while not state.stopping:
                now = time.monotonic()
                if self._due and self._due[0][0] <= now:
                    _, _, user_id, action = heapq.heappop(self._due)
                    self._act(self.persons[user_id], action)
                    continue
                state.lock.wait(min(self._due[0][0] - now, 0.5) if self._due else 0.5)

    def _act(self, person: Person, action: str) -> None:
        if action == "start":
            person.status = "talking"
            self._send(person, {"text": f"/start {person.code}" if person.code else "/start",
                                "entities": [{"type": "bot_command", "offset": 0,
                                              "length": 6}]})
            if person.behaviour == "abandon_at_start":
                person.status = "abandoned"
            return
        chat = self.state.private.get(person.user_id)
        bot_messages = [m for m in (chat.messages if chat else [])
                        if m["from"].get("is_bot")]
        if not bot_messages or bot_messages[-1]["message_id"] <= person.seen:
            return
        if person.status != "talking":
            return
        last = bot_messages[-1]
        person.seen = last["message_id"]
        self._answer(person, last)

    def _answer(self, person: Person, message: dict[str, Any]) -> None:
        text = (message.get("text") or "").lower()
        inline = [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                  for b in row]
        if inline:
            self._press(person, message, inline, text)
            return
        shown = message.get("_keyboard") or {}
        asks_contact = any(isinstance(b, dict) and b.get("request_contact")
                           for row in shown.get("keyboard", []) for b in row)
        if asks_contact or (_asks(text, _ASK_PHONE) and "phone" not in person.answered):
            self._give_phone(person, typed=not asks_contact)
            return
        if person.typing == "help":
            person.typing = None
            self._send(person, {"text": person.interests or "Помогать чем смогу"})
        elif person.typing == "place" or (_asks(text, _ASK_PLACE)
                                          and "place" not in person.answered):
            person.typing = None
            person.answered.add("place")
            self._send(person, {"text": person.municipality or "Чебаркуль"})
        elif (_asks(text, _ASK_NAME) or "?" in text) and "name" not in person.answered:
            if person.behaviour == "abandon_at_name":
                person.status = "abandoned"
                return
            person.answered.add("name")
            self._send(person, {"text": person.name})
        elif (_asks(text, _ASK_HELP) or "?" in text) and "help" not in person.answered:
            person.answered.add("help")
            self._send(person, {"text": person.interests or self._rng.choice(INTERESTS)})

    def _give_phone(self, person: Person, typed: bool) -> None:
        behaviour = person.behaviour
        if behaviour == "abandon_at_phone":
            person.status = "abandoned"
            return
        if behaviour == "cancel_at_phone":
            person.status = "cancelled"
            self._send(person, {"text": "/cancel", "entities": [
                {"type": "bot_command", "offset": 0, "length": 7}]})
            return
        if not person.strayed and behaviour == "photo_instead_of_phone":
            person.strayed = True
            key = f"{person.user_id}-{len(person.latencies)}"
            self._send(person, {"photo": [{"file_id": f"AgADp{key}", "file_unique_id": key,
                                           "width": 640, "height": 480}]})
            return
        if not person.strayed and behaviour == "someone_elses_contact":
            person.strayed = True
            self._send(person, {"contact": {"phone_number": "+79990000000",
                                            "first_name": "Сосед",
                                            "user_id": person.user_id + 10 ** 8}})
            return
        person.answered.add("phone")
        if typed or behaviour == "typed_phone":
            self._send(person, {"text": person.phone})
        else:
            first = person.user["first_name"]
            self._send(person, {"contact": {"phone_number": person.phone.replace(" ", ""),
                                            "first_name": first, "user_id": person.user_id}})

    def _press(self, person: Person, message: dict[str, Any], buttons: list[dict[str, Any]],
               text: str) -> None:
        labels = [str(b["text"]) for b in buttons]

        def press(index: int) -> None:
            person.sent_at = time.monotonic()
            self.state.press_button(person.user, message["message_id"],
                                    buttons[index]["callback_data"])

        consent = next((i for i, label in enumerate(labels)
                        if label.lower().startswith(_LABEL_YES)), None)
        if consent is not None:
            if person.behaviour == "refuse_consent":
                person.status = "refused"
                refuse = next((i for i, label in enumerate(labels) if i != consent
                               and label.lower().startswith(_LABEL_NO)), None)
                if refuse is None:
                    self._send(person, {"text": "/cancel", "entities": [
                        {"type": "bot_command", "offset": 0, "length": 7}]})
                else:
                    press(refuse)
                return
            person.status = "consented"
            press(consent)
            return
        if _asks(text, _ASK_NAME) and "name" not in person.answered:
            if person.behaviour == "abandon_at_name":
                person.status = "abandoned"
                return
            person.answered.add("name")  # the bot offers their Telegram name as a button
            if person.name in labels:
                press(labels.index(person.name))
            else:
                self._send(person, {"text": person.name})
            return
        other = next((i for i, label in enumerate(labels)
                      if label.lower().startswith(_LABEL_OTHER)), None)
        asks_place = _asks(text, _ASK_PLACE) and not _asks(text, _ASK_HELP)
        field_name = "municipality" if asks_place else "interests"
        wanted = (getattr(person, field_name) or "").lower()
        person.answered.add("place" if asks_place else "help")
        match = next((i for i, label in enumerate(labels)
                      if wanted and (label.lower() == wanted or (
                          not asks_place and wanted in label.lower()))), None)
        if match is not None:
            press(match)
        elif not wanted:  # no answer of their own: any of the offered ones
            choices = [i for i in range(len(labels)) if i != other] or [0]
            pick = self._rng.choice(choices)
            setattr(person, field_name, labels[pick])
            press(pick)
        elif other is not None:
            person.typing = "place" if asks_place else "help"
            press(other)
        else:
            press(0)

    def _send(self, person: Person, content: dict[str, Any]) -> None:
        person.sent_at = time.monotonic()
        self.state.user_message(person.user, content)


def _asks(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _name(rng: random.Random) -> str:
    first_names, surnames = rng.choice(NAMES)
    return f"{rng.choice(first_names)} {rng.choice(surnames)}"
