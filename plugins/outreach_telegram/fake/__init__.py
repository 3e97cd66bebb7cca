"""A local fake of the Telegram Bot API, for ``outreach sandbox`` and the tests.

It enforces what Telegram enforces (tokens, membership, lengths, albums,
markup, flood limits), simulates an audience (members join, reactions come
as ``message_reaction_count`` updates) and can play faults. Assumptions
where Telegram's docs are silent are listed in docs/telegram.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
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

    @property
    def count_429(self) -> int:
        return self.state.counters["429"]
