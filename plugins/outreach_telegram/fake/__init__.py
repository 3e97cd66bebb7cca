"""A local fake of the Telegram Bot API, for ``outreach sandbox`` and the tests.

It enforces what Telegram enforces (tokens, membership, lengths, albums,
markup, flood limits), simulates an audience (members join, reactions come
as ``message_reaction_count`` updates) and can play faults. Assumptions
where Telegram's docs are silent are listed in docs/telegram.md.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform
from outreach_telegram.fake.state import (
    BOT_TOKEN,
    BOT_USERNAME,
    FakeChat,
    FakeState,
    Limits,
)

__all__ = ["FakeTelegram", "Limits"]


class FakeTelegram(FakePlatform):
    """The fake Bot API: ``start()`` returns the URL to set as ``api_url``."""

    def __init__(self, data_dir: Path | None = None, time_scale: float = 1.0, seed: int = 1,
                 limits: Limits | None = None, port: int = 0) -> None:
        self.port = port
        self.state = FakeState(data_dir, time_scale=time_scale, seed=seed, limits=limits)
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
                "chat_id": "@sandbox_channel"}

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

    @property
    def count_429(self) -> int:
        return self.state.counters["429"]
