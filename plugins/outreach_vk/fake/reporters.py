"""A scripted reporter and coordinator for the sandbox's VK: a photo report travels from
a phone to a published post while a newcomer watches.

The reporter opens their invitation link (``vk.me/club<id>?ref=CODE``: a message
with ``ref``), sends the photos in one message with a caption and then, a
moment after each question, taps the first button the bot offers (Done, the
suggested title, Today, their own town, Photo report, Yes). The coordinator
opens their link and, a while after a report's card arrives in the
coordinators' conversation, presses its Approve callback button (a
``message_event``), unless a person has decided first.

They act through the fake's own events, as people do: nothing here talks to
Outreach directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.fakes import ReportRehearsal

if TYPE_CHECKING:
    from outreach_vk.fake import FakeVK
    from outreach_vk.fake.bot import Sent

REPORTER_ID, COORDINATOR_ID = 3_900_001, 3_900_002
APPROVE = "c:approve:"  # the desk's value of an Approve button (outreach.fieldreports)


class Rehearsal(ReportRehearsal):
    """The reporter's and the coordinator's scripts on VK (``ReportRehearsal``)."""

    def __init__(self, fake: FakeVK, reporter_code: str, coordinator_code: str | None,
                 photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                 start_after: float, approve_after: float) -> None:
        super().__init__(fake.clock.now, reporter_code, coordinator_code, photos, caption,
                         coordinators_chat, start_after, approve_after)
        self.fake = fake
        self.tapped: set[int] = set()  # messages whose button was tapped
        self._card_seen: dict[int, float] = {}

    def closing(self) -> bool:
        return self.fake.inbox.closing

    def open_links(self) -> None:
        if self.coordinator_code:
            self.fake.write(COORDINATOR_ID, "Начать", ref=self.coordinator_code)
        self.fake.write(REPORTER_ID, "Начать", ref=self.reporter_code)

    def greeted(self) -> bool:
        return bool(self.fake.sent_to(REPORTER_ID))

    def send_report(self) -> None:
        self.fake.send_photos(REPORTER_ID, [p.read_bytes() for p in self.photos], self.caption)

    def answer(self, now: float) -> bool:
        said = self.fake.sent_to(REPORTER_ID)
        self._tap_first(said[-1], now)
        return len(self.tapped) >= 6 and not said[-1].keyboard  # thanked, no buttons

    def _tap_first(self, last: Sent, now: float) -> None:
        buttons = [b["action"] for row in (last.keyboard or {}).get("buttons", [])
                   for b in row]
        if not buttons or last.id in self.tapped or now - last.date < self.think:
            return
        self.tapped.add(last.id)
        self.fake.write(REPORTER_ID, buttons[0]["label"], payload=buttons[0].get("payload"))

    def approve(self, now: float) -> bool:
        assert self.chat is not None
        for message in self.fake.sent_to(self.chat):
            for row in (message.keyboard or {}).get("buttons", []):
                for button in row:
                    payload = button["action"].get("payload") or ""
                    try:
                        choice = json.loads(payload).get("choice", "")
                    except (ValueError, AttributeError):
                        continue
                    if button["action"]["type"] != "callback" or \
                            not str(choice).startswith(APPROVE):
                        continue
                    seen = self._card_seen.setdefault(message.id, now)
                    if now - seen >= self.approve_after:
                        self.fake.messenger.message_event(COORDINATOR_ID, self.chat,
                                                          message.cmid, payload)
                        return True
        return False
