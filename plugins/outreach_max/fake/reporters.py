"""A scripted reporter and coordinator for the sandbox's MAX (``ReportRehearsal``).

The reporter opens their invitation link (``max.ru/<bot>?start=CODE``: a
``bot_started`` with the payload, schema "Deep linking"), sends the photos in
one message with the caption (``image`` attachments, PhotoAttachment) and
presses the first callback button of each question (Done, the suggested title,
Today, their own town, Photo report, Yes). The coordinator opens their link
and presses Approve on the report's card in the coordinators' chat (a
``message_callback`` carrying the card, MessageCallbackUpdate).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.fakes import ReportRehearsal
from outreach_max.fake.api import callback_buttons

if TYPE_CHECKING:
    from outreach_max.fake import FakeMax

REPORTER_ID, COORDINATOR_ID = 4_900_001, 4_900_002
APPROVE = "c:approve:"  # the desk's value of an Approve button (outreach.fieldreports)
ANSWERS = 6  # Done, title, date, town, kind, consent


class Rehearsal(ReportRehearsal):
    def __init__(self, fake: FakeMax, reporter_code: str, coordinator_code: str | None,
                 photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                 start_after: float, approve_after: float) -> None:
        super().__init__(fake.clock.now, reporter_code, coordinator_code, photos, caption,
                         coordinators_chat, start_after, approve_after)
        self.fake = fake
        self.tapped = 0  # questions answered so far
        self._asked: tuple[int, float] | None = None  # (messages the bot had sent, when)
        self._card_seen: dict[str, float] = {}

    def closing(self) -> bool:
        return self.fake.updates.closed

    def open_links(self) -> None:
        if self.chat is not None:  # cards of an earlier rehearsal are not this one's
            self._card_seen = {m["body"]["mid"]: float("inf")
                               for m in self.fake.chat_messages(self.chat)}
        if self.coordinator_code:
            self.fake.simulate_person(self.coordinator_code, "quiet", COORDINATOR_ID)
        self.fake.simulate_person(self.reporter_code, "quiet", REPORTER_ID)

    def greeted(self) -> bool:
        return bool(self.fake.sent_to(REPORTER_ID))

    def send_report(self) -> None:
        self.fake.send_photos(REPORTER_ID, [p.read_bytes() for p in self.photos],
                              self.caption)

    def answer(self, now: float) -> bool:
        said = self.fake.sent_to(REPORTER_ID)
        buttons = callback_buttons(said[-1]) if said else []
        if buttons:
            if self._asked is None or self._asked[0] != len(said):
                self._asked = (len(said), now)  # a new question: read it first
            elif now - self._asked[1] >= self.think:
                self.fake.tap(REPORTER_ID, buttons[0]["text"])
                self.tapped += 1
                self._asked = (len(said), float("inf"))  # answered: wait for the next
        return self.tapped >= ANSWERS

    def approve(self, now: float) -> bool:
        assert self.chat is not None
        for message in self.fake.chat_messages(self.chat):
            approve = [b for b in callback_buttons(message["body"])
                       if str(b.get("payload") or "").startswith(APPROVE)]
            if not approve:
                continue
            seen = self._card_seen.setdefault(message["body"]["mid"], now)
            if now - seen >= self.approve_after:
                self.fake.press(COORDINATOR_ID, message["body"]["mid"], approve[0]["text"])
                return True
        return False

