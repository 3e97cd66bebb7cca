"""A local fake of the Telegram Bot API, for ``outreach sandbox`` and the tests.

It enforces what Telegram enforces (tokens, membership, lengths, albums,
markup, flood limits), simulates an audience (members join, reactions come
as ``message_reaction_count`` updates) and can play faults. Every
behaviour it models, its source, the cautious choices where Telegram's docs
are silent and what it knowingly does not model: fake/BEHAVIOURS.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform
from outreach_telegram.fake.people import BEHAVIOURS, People, Person
from outreach_telegram.fake.state import (
    BOT_TOKEN,
    BOT_USERNAME,
    COORDINATORS,
    FakeChat,
    FakeState,
    Limits,
)

__all__ = ["BEHAVIOURS", "FakeTelegram", "Limits", "Person"]


class FakeTelegram(FakePlatform):
    """The fake Bot API: ``start()`` returns the URL to set as ``api_url``."""

    def __init__(self, data_dir: Path | None = None, time_scale: float = 1.0, seed: int = 1,
                 limits: Limits | None = None, port: int = 0, followers: bool = False,
                 think: float = 2.0) -> None:
        """``followers``: people follow the sign-up links of posts (the sandbox's demo);
        ``think``: fake seconds a scripted person takes to answer the bot."""
        self.port = port
        self.state = FakeState(data_dir, time_scale=time_scale, seed=seed, limits=limits)
        self.people = People(self.state, think=think, followers=followers)
        self.server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""
        #: (method, result) of every successful answer, for checking them against the spec.
        self.responses: list[tuple[str, Any]] = []
        #: (arrived, answered) monotonic times of every getUpdates call.
        self.poll_log: list[tuple[float, float]] = []

    def start(self) -> str:
        from outreach_telegram.fake.server import serve

        self.state.stopping = False
        self.server, self._thread = serve(self.state, self.responses, self.poll_log, self.port)
        self.server.people = self.people
        self.people.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self.server is None:
            return
        with self.state.lock:
            self.state.stopping = True
            self.state.lock.notify_all()
            self.state.save()
        self.server.shutdown()
        self.server.server_close()
        self.server = None
        if self.state.file_store is not None:
            self.state.file_store.close()
            self.state.file_store = None

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def describe(self) -> Mapping[str, str]:
        return {"api_url": self.url, "token": BOT_TOKEN, "bot_username": BOT_USERNAME,
                "chat_id": "@sandbox_channel", "coordinators_chat": f"@{COORDINATORS}"}

    # --- for rehearsals and tests ---

    @property
    def token(self) -> str:
        return self.state.token

    def add_channel(self, username: str | None = None, title: str = "Test channel",
                    bot_status: str = "administrator", members: int = 120,
                    joins_per_day: float = 3.0) -> FakeChat:
        with self.state.lock:
            return self.state.add_channel(username, title, bot_status, members, joins_per_day)

    def messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        with self.state.lock:
            return list(self.state.find_chat(chat_id).messages)

    def set_faults(self, outage: bool | None = None, slow: float | None = None) -> None:
        with self.state.lock:
            if outage is not None:
                self.state.outage = outage
            if slow is not None:
                self.state.slow = slow

    def remove_bot(self, chat_id: int | str) -> None:
        with self.state.lock:
            self.state.find_chat(chat_id).bot_status = "kicked"

    def script_start(self, user_id: int, code: str | None, first_name: str = "Гость") -> None:
        """A person follows the bot's deep link: ``/start <code>`` arrives as an update."""
        with self.state.lock:
            self.state.script_start(user_id, first_name, code)

    def simulate_person(self, code: str | None, behaviour: str = "complete",
                        answers: dict[str, str] | None = None, after: float = 0.0,
                        user_id: int | None = None) -> Person:
        """A scripted person who follows ``code``'s deep link ``after`` fake seconds from now.

        ``behaviour``: one of ``BEHAVIOURS`` ("complete", "abandon_at_phone",
        "refuse_consent", "photo_instead_of_phone", ...); ``answers`` may give
        ``name``, ``municipality``, ``phone``, ``interests`` (made up when absent);
        ``user_id`` of an earlier simulated person makes that person come back.
        """
        with self.state.lock:
            return self.people.add(code, behaviour, answers, after, user_id=user_id)

    def person(self, user_id: int) -> Person:
        with self.state.lock:
            return self.people.persons[user_id]

    def wait_for(self, done: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait (real seconds) until ``done()`` holds; checked under the fake's lock."""
        deadline = time.monotonic() + timeout
        with self.state.lock:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.state.lock.wait(min(left, 0.05))
        return True

    # --- people sending photo reports (outreach_telegram.fake.files) ---

    def send_text(self, user_id: int, text: str, first_name: str = "Гость") -> dict[str, Any]:
        """A person types ``text`` to the bot."""
        with self.state.lock:
            return self.state.user_message(self._user(user_id, first_name), {"text": text})

    def send_photos(self, user_id: int, photos: Sequence[bytes | Path],
                    caption: str | None = None, album: bool = True,
                    first_name: str = "Гость") -> list[dict[str, Any]]:
        """A person sends photos: several as one album (one message per photo sharing a
        ``media_group_id``, the caption on the first) or one by one."""
        from outreach_telegram.fake.files import photo_sizes

        with self.state.lock:
            user = self._user(user_id, first_name)
            group = f"1{self.state.next_update_id:017d}" if album and len(photos) > 1 else None
            sent = []
            for index, photo in enumerate(photos):
                content: dict[str, Any] = {"photo": photo_sizes(self.state, photo)}
                if caption and index == 0:
                    content["caption"] = caption
                if group:
                    content["media_group_id"] = group
                sent.append(self.state.user_message(user, content))
            return sent

    def send_document(self, user_id: int, data: bytes | Path, name: str, mime: str,
                      caption: str | None = None, first_name: str = "Гость") -> dict[str, Any]:
        """A person sends a file as is (a photo "as a file" keeps its original)."""
        from outreach_telegram.fake.files import document

        with self.state.lock:
            content: dict[str, Any] = {"document": document(self.state, data, name, mime)}
            if caption:
                content["caption"] = caption
            return self.state.user_message(self._user(user_id, first_name), content)

    def send_video(self, user_id: int, data: bytes, first_name: str = "Гость") -> dict[str, Any]:
        from outreach_telegram.fake.files import video

        with self.state.lock:
            return self.state.user_message(self._user(user_id, first_name),
                                           {"video": video(self.state, data)})

    def press(self, user_id: int, message_id: int, data: str, chat_id: int | str | None = None,
              first_name: str = "Гость") -> str:
        """A person presses a button of the bot's message (in a group: ``chat_id``);
        the callback query's id."""
        with self.state.lock:
            chat = None if chat_id is None else self.state.find_chat(chat_id).id
            return self.state.press_button(self._user(user_id, first_name), message_id, data,
                                           chat)

    def query_answer(self, query_id: str) -> str | None:
        """What the bot answered to a button press (None: not answered yet)."""
        with self.state.lock:
            if not self.state.queries.get(query_id):
                return None
            return self.state.query_answers.get(query_id, "")

    def rehearse_report(self, reporter_code: str, coordinator_code: str | None,
                        photos: Sequence[Path], caption: str, coordinators_chat: str | None,
                        start_after: float = 60.0, approve_after: float = 180.0) -> bool:
        """Play a reporter who sends a photo report ``start_after`` fake seconds from now,
        and a coordinator who approves it ``approve_after`` fake seconds after its card
        arrives (``outreach_telegram.fake.reporters``)."""
        from outreach_telegram.fake.reporters import Rehearsal

        Rehearsal(self.state, reporter_code, coordinator_code, photos, caption,
                  coordinators_chat, start_after, approve_after).start()
        return True

    def _user(self, user_id: int, first_name: str) -> dict[str, Any]:
        known = self.state.users.get(user_id)
        return known or {"id": user_id, "is_bot": False, "first_name": first_name,
                         "language_code": "ru"}

    @property
    def count_429(self) -> int:
        return self.state.counters["429"]
