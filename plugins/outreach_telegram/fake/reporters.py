"""A scripted reporter and coordinator for the sandbox: a photo report travels from a
phone to a published post while a newcomer watches.

The reporter opens their invitation link, sends an album with a caption and
then, a moment after each question, presses the first button the bot offers
(Done, the suggested title, Today, their own town, Photo report, Yes) — the
answers a person in a hurry gives. The coordinator opens their link and, a
while after a report's card arrives in the coordinators' chat, presses its
first button (Approve), unless a person has decided first.

They act through the fake's own updates, as people do: nothing here talks to
Outreach directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outreach_telegram.fake.state import FakeState

REPORTER_ID, COORDINATOR_ID = 555_000_001, 555_000_002


class Rehearsal:
    """The reporter's and the coordinator's scripts, on one thread of their own."""

    def __init__(self, state: FakeState, reporter_code: str, coordinator_code: str | None,
                 photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                 start_after: float, approve_after: float, think: float = 3.0,
                 reporter_id: int = REPORTER_ID, coordinator_id: int = COORDINATOR_ID) -> None:
        self.state = state
        self.reporter_id, self.coordinator_id = reporter_id, coordinator_id
        self.reporter_code = reporter_code
        self.coordinator_code = coordinator_code
        self.photos = list(photos)
        self.caption = caption
        self.chat = coordinators_chat
        self.start_after = start_after  # fake seconds
        self.approve_after = approve_after
        self.think = think
        self.pressed: set[tuple[int, int]] = set()  # (chat, message) already answered
        self.done = False
        self._started = state.now()
        self._card_seen: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, name="telegram-fake-rehearsal",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _user(self, user_id: int, first: str, last: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first, "last_name": last,
                "language_code": "ru"}

    def _run(self) -> None:
        from outreach_telegram.fake.files import photo_sizes

        reporter = self._user(self.reporter_id, "Галина", "Петрова")
        coordinator = self._user(self.coordinator_id, "Ольга", "Координатор")
        stage = "waiting"
        while not self.done and not self.state.stopping:
            time.sleep(0.2)
            with self.state.lock:
                now = self.state.now()
                if stage == "waiting" and now - self._started >= self.start_after:
                    if self.coordinator_code:
                        self.state.script_start(self.coordinator_id, "Ольга",
                                                self.coordinator_code)
                        self.state.users[self.coordinator_id] = coordinator
                    self.state.users[self.reporter_id] = reporter
                    self.state.user_message(reporter, {"text": f"/start {self.reporter_code}"})
                    stage = "greeted"
                    continue
                if stage == "greeted" and self._bot_wrote(self.reporter_id):
                    group = f"1{self.state.next_update_id:017d}"
                    for index, path in enumerate(self.photos):
                        content: dict[str, Any] = {"photo": photo_sizes(self.state, path)}
                        if index == 0:
                            content["caption"] = self.caption
                        if len(self.photos) > 1:
                            content["media_group_id"] = group
                        self.state.user_message(reporter, content)
                    stage = "telling"
                    continue
                if stage == "telling":
                    self._press_first(reporter, self.reporter_id, now)
                    if self._thanked():
                        stage = "told"
                        if not (self.chat and self.coordinator_code):
                            self.done = True
                if stage in ("telling", "told") and self.chat and self.coordinator_code:
                    if self._approve(coordinator, now):
                        self.done = True

    def _bot_wrote(self, user_id: int) -> bool:
        chat = self.state.private.get(user_id)
        return chat is not None and any(m.get("from", {}).get("is_bot") for m in chat.messages)

    def _thanked(self) -> bool:
        chat = self.state.private.get(self.reporter_id)
        last = chat.messages[-1] if chat and chat.messages else {}
        # Done, title, date, place, kind, consent: six presses, then thanks with no buttons.
        return len(self.pressed) >= 6 and bool(last.get("from", {}).get("is_bot")) \
            and "reply_markup" not in last

    def _press_first(self, user: dict[str, Any], user_id: int, now: float) -> None:
        chat = self.state.private.get(user_id)
        if chat is None or not chat.messages:
            return
        last = chat.messages[-1]
        if not last.get("from", {}).get("is_bot"):
            return
        buttons = [b for row in (last.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row if b.get("callback_data")]
        key = (chat.id, last["message_id"])
        if not buttons or key in self.pressed or now - last["date"] < self.think:
            return
        self.pressed.add(key)
        self.state.press_button(user, last["message_id"], buttons[0]["callback_data"])

    def _approve(self, coordinator: dict[str, Any], now: float) -> bool:
        try:
            group = self.state.find_chat(self.chat)
        except Exception:  # noqa: BLE001  (no such chat in this fake: nothing to press)
            return True
        for message in group.messages:
            buttons = [b for row in (message.get("reply_markup") or {}).get(
                "inline_keyboard", []) for b in row
                if str(b.get("callback_data", "")).startswith("c:approve:")]
            if not buttons:
                continue
            seen = self._card_seen.setdefault(message["message_id"], now)
            if now - seen >= self.approve_after:
                self.state.press_button(coordinator, message["message_id"],
                                        buttons[0]["callback_data"], chat_id=group.id)
                return True
        return False
