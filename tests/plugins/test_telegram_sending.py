"""The sender on its own: a pacer, scripted Telegram answers and a virtual clock."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import error
from telegram_support import VirtualClock

from outreach_telegram.pacing import Pacer
from outreach_telegram.sending import POSTS, REPLIES, Retry, Sender


class Script:
    """A send that fails or answers as scripted, one answer an attempt, on a virtual clock."""

    def __init__(self, *answers: BaseException | str) -> None:
        self.answers = list(answers)
        self.clock = VirtualClock()
        self.tried: list[float] = []  # when each attempt was made

    async def send(self) -> str:
        self.tried.append(self.clock.now)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def run(self, retry: Retry = POSTS, private: bool = False) -> str:
        sender = Sender(Pacer(clock=self.clock, sleep=self.clock.sleep), who="channel tg",
                        log=logging.getLogger("test"), sleep=self.clock.sleep)
        return asyncio.run(sender.send("@channel", 1, self.send, retry=retry,
                                       private=private))


def test_a_post_waits_out_a_short_429_and_sends_again() -> None:
    script = Script(error.RetryAfter(5), "sent")
    assert script.run() == "sent"
    assert script.tried == [0.0, 5.0]


def test_a_post_hands_a_long_429_back_to_the_engine_at_once() -> None:
    script = Script(error.RetryAfter(45), "sent")
    with pytest.raises(error.RetryAfter):
        script.run()
    assert script.tried == [0.0]


def test_a_post_is_never_sent_again_after_a_network_failure() -> None:
    # The message may have arrived though its answer did not: the engine decides.
    script = Script(error.TimedOut(), "sent")
    with pytest.raises(error.TimedOut):
        script.run()
    assert len(script.tried) == 1


def test_a_reply_to_a_person_waits_out_any_429_and_a_network_blip() -> None:
    script = Script(error.RetryAfter(45), error.NetworkError("reset"), "sent")
    assert script.run(REPLIES, private=True) == "sent"
    assert script.tried == [0.0, 45.0, 47.0]  # the second attempt waits 2 s after a blip


def test_a_refused_message_is_not_tried_again() -> None:
    script = Script(error.BadRequest("Message is too long"), "sent")
    with pytest.raises(error.BadRequest):
        script.run(REPLIES, private=True)
    assert len(script.tried) == 1


def test_after_four_attempts_the_last_429_is_raised() -> None:
    script = Script(*[error.RetryAfter(1)] * 5)
    with pytest.raises(error.RetryAfter):
        script.run(REPLIES, private=True)
    assert len(script.tried) == REPLIES.attempts == 4
