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
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outreach_vk.fake import FakeVK
    from outreach_vk.fake.bot import Sent

REPORTER_ID, COORDINATOR_ID = 3_900_001, 3_900_002
APPROVE = "c:approve:"  # the desk's value of an Approve button (outreach.fieldreports)


class Rehearsal:
    """The reporter's and the coordinator's scripts, on one thread of their own."""

    def __init__(self, fake: FakeVK, reporter_code: str, coordinator_code: str | None,
                 photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                 start_after: float, approve_after: float, think: float = 3.0) -> None:
        self.fake = fake
        self.reporter_code = reporter_code
        self.coordinator_code = coordinator_code
        self.photos = list(photos)
        self.caption = caption
        try:
            self.chat: int | None = int(str(coordinators_chat).strip())
        except ValueError:
            self.chat = None
        self.start_after = start_after  # fake seconds
        self.approve_after = approve_after
        self.think = think
        self.tapped: set[int] = set()  # messages whose button was tapped
        self.done = False
        self._started = fake.clock.now()
        self._card_seen: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, name="fake-vk-rehearsal",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        fake = self.fake
        stage = "waiting"
        while not self.done and not fake.inbox.closing:
            time.sleep(0.2)
            now = fake.clock.now()
            if stage == "waiting" and now - self._started >= self.start_after:
                if self.coordinator_code:
                    fake.write(COORDINATOR_ID, "Начать", ref=self.coordinator_code)
                fake.write(REPORTER_ID, "Начать", ref=self.reporter_code)
                stage = "greeted"
            elif stage == "greeted" and fake.sent_to(REPORTER_ID):
                fake.send_photos(REPORTER_ID, [p.read_bytes() for p in self.photos],
                                 self.caption)
                stage = "telling"
            elif stage == "telling":
                said = fake.sent_to(REPORTER_ID)
                self._tap_first(said[-1], now)
                if len(self.tapped) >= 6 and not said[-1].keyboard:  # thanked, no buttons
                    stage = "told"
            if stage in ("telling", "told"):
                if not (self.chat and self.coordinator_code):
                    self.done = stage == "told"
                elif self._approve(now):
                    self.done = True

    def _tap_first(self, last: Sent, now: float) -> None:
        buttons = [b["action"] for row in (last.keyboard or {}).get("buttons", [])
                   for b in row]
        if not buttons or last.id in self.tapped or now - last.date < self.think:
            return
        self.tapped.add(last.id)
        self.fake.write(REPORTER_ID, buttons[0]["label"], payload=buttons[0].get("payload"))

    def _approve(self, now: float) -> bool:
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
