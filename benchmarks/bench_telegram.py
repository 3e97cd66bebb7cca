"""Telegram: publishing at Telegram's real flood limits, and polling while publishing.

1. 200 publications over 10 channels through the plugin (real
   python-telegram-bot client) to the fake Bot API at Telegram's limits
   (20 a minute per chat, 30 a second overall): messages per second achieved
   against what the limits allow (target >= 0.9 of it), and 429 answers
   (target 0).
2. The same process long-polls the bot's updates while it publishes: the
   longest gap between one getUpdates answer and the next request (target
   under 1 s), against the gap with no publishing (the baseline).

    .venv/bin/python benchmarks/bench_telegram.py [--posts 200] [--channels 10]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import tempfile
import time
from pathlib import Path

from common import verdict

from outreach.channels import Post
from outreach_telegram import TelegramChannel, loop
from outreach_telegram.fake import FakeTelegram
from outreach_testing import make_registry, make_test_config


def post(number: int) -> Post:
    return Post(publication_id=number, idempotency_key=f"k{number}",
                text=f"Фотоотчёт №{number}: серебряные волонтёры в школе", title="t")


def setup(folder: Path, fake: FakeTelegram, channels: int):
    sections = {}
    for number in range(channels):
        chat = fake.add_channel(f"bench_channel_{number}", f"Канал {number}")
        sections[f"tg{number}"] = {"plugin": "telegram", "token_env": "TG_TOKEN",
                                   "chat_id": f"@{chat.username}", "api_url": fake.url}
    registry = make_registry(make_test_config(folder, sections), [TelegramChannel],
                             env={"TG_TOKEN": fake.token})
    return registry, [registry.get(name) for name in sections]


def longest_gap(fake: FakeTelegram, since: float) -> float:
    log = [entry for entry in fake.poll_log if entry[0] >= since]
    gaps = [log[i + 1][0] - log[i][1] for i in range(len(log) - 1)]
    return max(gaps) if gaps else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--channels", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeTelegram() as fake:
        registry, channels = setup(Path(folder), fake, args.channels)
        hub = channels[0].bot.hub
        loop.run(channels[0].bot.ready(), timeout=30)
        loop.runner().loop.call_soon_threadsafe(hub.start, 0.5)
        time.sleep(2.0)
        baseline_gap = longest_gap(fake, 0)
        marker = time.monotonic()

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            jobs = [pool.submit(channels[n % len(channels)].publish, post(n))
                    for n in range(args.posts)]
            for job in jobs:
                job.result()
        took = time.perf_counter() - started
        busy_gap = longest_gap(fake, marker)
        loop.run(hub.stop(), timeout=10)
        registry.close()
        per_chat = args.posts / len(channels)
        # What the limits allow: 30 a second overall, and 20 a minute per chat.
        allowed_time = max(args.posts / 30, (max(per_chat - 20, 0) / 20) * 60)
        ratio = allowed_time / took
        print(f"published {args.posts} posts to {len(channels)} channels in {took:.2f} s: "
              f"{args.posts / took:.1f} messages/s; the limits allow "
              f"{args.posts / allowed_time:.1f}/s")
        print(f"achieved / allowed: {ratio:.2f} (target >= 0.9: {verdict(ratio >= 0.9)})")
        print(f"429 answers: {fake.count_429} (target 0: {verdict(fake.count_429 == 0)})")
        print(f"longest gap between polls: {busy_gap * 1000:.0f} ms while publishing, "
              f"{baseline_gap * 1000:.0f} ms idle (target < 1000 ms: "
              f"{verdict(busy_gap < 1.0)})")


if __name__ == "__main__":
    main()
