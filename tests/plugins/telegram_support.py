"""What the Telegram tests share: the fake Bot API, checked against the spec after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach_telegram.fake import FakeTelegram
from outreach_telegram.fake.spec import SpecChecker

API_JSON = Path(__file__).resolve().parents[1] / "specs" / "telegram-bot-api" / "api.json"
CHANNEL = "@sandbox_channel"


class VirtualClock:
    """A clock for the pacer and the sender that moves only when they sleep."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def spec_problems(fake: FakeTelegram) -> list[str]:
    """Every required field missing from any answer the fake gave (recorded as it answered)."""
    checker = SpecChecker(API_JSON)
    return [problem for method, result in fake.responses
            for problem in checker.problems(method, result)]


@pytest.fixture(name="fake")
def telegram_fake() -> Iterator[FakeTelegram]:
    """``fake``: a running fake on a fast clock; every answer it gave must match api.json."""
    with FakeTelegram(time_scale=3600) as running:
        yield running
    assert spec_problems(running) == []
