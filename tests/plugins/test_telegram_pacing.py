"""Pacing under Telegram's flood limits, and the text rules, on a virtual clock."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram_support import VirtualClock

from outreach_telegram.pacing import FloodLimits, Pacer
from outreach_telegram.text import escape, in_quiet_hours, post_url, telegram_length


def send_times(plan: list[tuple[str, int]], limits: FloodLimits | None = None,
               latency: float = 0.0) -> list[float]:
    clock = VirtualClock()
    pacer = Pacer(limits, clock=clock, sleep=clock.sleep)

    async def run() -> list[float]:
        times = []
        for chat, count in plan:
            slots = await pacer.acquire(chat, count)
            times.append(clock.now)
            clock.now += latency
            slots.done()
        return times

    return asyncio.run(run())


def test_the_twenty_first_message_to_a_chat_waits_for_the_minute() -> None:
    times = send_times([("@a", 1)] * 21)
    assert times[19] < 1 and times[20] >= 60


def test_other_chats_go_on_while_one_waits_but_not_faster_than_thirty_a_second() -> None:
    plan = [(f"@c{n % 10}", 1) for n in range(200)]  # 20 to each of 10 channels
    times = send_times(plan)
    for index in range(30, len(times)):
        assert times[index] - times[index - 30] >= 1.0  # never 31 in one second
    assert times[-1] < 200 / 30 + 0.5  # and close to what the limit allows


def test_an_album_counts_as_its_number_of_messages() -> None:
    times = send_times([("@a", 10), ("@a", 10), ("@a", 1)])
    assert times[1] < 1 and times[2] >= 60


def test_a_message_counts_from_when_its_answer_came() -> None:
    # With 0.5 s answers the window is measured from the answer, as Telegram counts on arrival.
    times = send_times([("@a", 1)] * 21, latency=0.5)
    assert times[20] >= times[0] + 0.5 + 60


def test_escaping_for_each_parse_mode() -> None:
    assert escape("a < b & c > d", "HTML") == "a &lt; b &amp; c &gt; d"
    assert escape("5+3=8. (ok) x_y", "MarkdownV2") == r"5\+3\=8\. \(ok\) x\_y"
    assert escape("as is <b>", "") == "as is <b>"


def test_lengths_as_telegram_counts_them() -> None:
    assert telegram_length("😀") == 2 and telegram_length("я") == 1


def test_post_urls_public_and_private() -> None:
    assert post_url("@silver", None, 7) == "https://t.me/silver/7"
    assert post_url("-1001234567890", None, 7) == "https://t.me/c/1234567890/7"
    assert post_url("-1001234567890", "named", 7) == "https://t.me/named/7"


def test_quiet_hours_span_midnight() -> None:
    at = dt.datetime(2026, 1, 1, 23, 0)
    assert in_quiet_hours("22:00-08:00", at)
    assert in_quiet_hours("22:00-08:00", at.replace(hour=7, minute=59))
    assert not in_quiet_hours("22:00-08:00", at.replace(hour=8))
    assert in_quiet_hours("13:00-14:00", at.replace(hour=13, minute=30))
    assert not in_quiet_hours("", at)


def test_a_post_is_not_held_up_by_a_crowd_of_people_talking_to_the_bot() -> None:
    import time

    pacer = Pacer(FloodLimits().scaled(20))  # a 50 ms window: 300 replies take ~0.55 s
    start = time.monotonic()
    delays: list[float] = []
    replied: list[float] = []

    async def reply() -> None:
        (await pacer.acquire("person", private=True)).done()
        replied.append(time.monotonic() - start)

    async def post(arrives: float) -> None:
        await asyncio.sleep(arrives)  # the crowd is already waiting when the post comes
        (await pacer.acquire("@channel")).done()
        delays.append(time.monotonic() - start - arrives)

    async def run() -> None:
        posts = [post(arrives) for arrives in (0.02, 0.1, 0.18, 0.26, 0.34)]
        await asyncio.gather(*(reply() for _ in range(300)), *posts)

    asyncio.run(run())
    assert max(replied) > 0.45  # the crowd really was paced
    assert max(delays) < 0.15  # each post went within a few 50 ms windows, not after the crowd
