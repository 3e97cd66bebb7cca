"""The pacer VK and OK share: at most so many requests in any window, per token."""

from __future__ import annotations

import threading
import time

import outreach.channels as api
from outreach.pacing import WindowPacer, token_pacer


def test_no_more_than_the_rate_in_any_window() -> None:
    pacer = WindowPacer(rate=2, window=0.3)
    answered: list[float] = []
    started = time.monotonic()
    for _ in range(5):
        with pacer.turn():
            answered.append(time.monotonic())
    # 5 requests at 2 a window: the 3rd waits one window, the 5th two.
    assert answered[-1] - started >= 0.6 - 0.01
    for index in range(2, len(answered)):
        assert answered[index] - answered[index - 2] >= 0.3 - 0.01


def test_a_request_in_flight_holds_its_place_until_it_is_answered() -> None:
    pacer = WindowPacer(rate=1, window=0.1)
    inside = threading.Event()
    release = threading.Event()
    moments: list[float] = []

    def slow() -> None:
        with pacer.turn():
            inside.set()
            release.wait(5)

    def next_one() -> None:
        with pacer.turn():
            moments.append(time.monotonic())

    worker = threading.Thread(target=slow)
    worker.start()
    assert inside.wait(5)
    waiter = threading.Thread(target=next_one)
    waiter.start()
    time.sleep(0.2)  # longer than the window: still held, the answer has not come back
    assert moments == []
    answered = time.monotonic()
    release.set()
    worker.join(5)
    waiter.join(5)
    assert moments and moments[0] - answered >= 0.1 - 0.01


def test_one_pacer_per_token_and_rate_never_holding_the_token() -> None:
    first = token_pacer("secret-token", 3, 1.0)
    assert token_pacer("secret-token", 3, 1.0) is first
    assert token_pacer("other-token", 3, 1.0) is not first
    assert token_pacer("secret-token", 20, 1.0) is not first
    assert api.token_pacer is token_pacer and api.WindowPacer is WindowPacer
    from outreach import pacing

    assert all("secret-token" not in key[0] for key in pacing._pacers)
