"""Sign-ups: 1,000 people signing up at once through the fake Bot API while a campaign publishes.

The real python-telegram-bot client, the plugin's sign-up bot and the core's
StoreDesk on a SQLite store (or ``--url``): every scripted person follows one
of the campaign's posts' links and completes the dialog, while the channel
keeps publishing. Checks that every person is recorded once, completed and
attributed to the post's campaign and channel; prints the dialog reply
latency (a person's message reaching the fake → the bot's reply reaching the
fake), median and p99, against the same for one person alone (the baseline),
and sign-ups per second.

The fake runs its clock ``--scale`` times faster (flood windows and people's
thinking time shrink alike), so the run takes seconds, not Telegram's real
30 messages a second.

    .venv/bin/python benchmarks/bench_signups.py [--people 1000] [--posts 20] [--scale 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from pathlib import Path

from common import seed_stories, verdict
from sqlmodel import select

from outreach.channels import Post
from outreach.db import open_store
from outreach.db.models import Campaign, Publication, ReferralCode, SignUp
from outreach.signups.desk import StoreDesk
from outreach_telegram import TelegramChannel
from outreach_telegram.fake import FakeTelegram
from outreach_telegram.pacing import FloodLimits
from outreach_testing import make_registry, make_test_config

MUNICIPALITIES = ["Миасс", "Златоуст", "Чебаркуль", "Касли"]


def setup(folder: Path, url: str | None, fake: FakeTelegram, scale: float):
    section = {"plugin": "telegram", "token_env": "TG_TOKEN", "chat_id": "@sandbox_channel",
               "api_url": fake.url, "bot_username": "outreach_sandbox_bot",
               "intake_workers": 8, "poll_timeout": 5}
    config = make_test_config(folder, {"tg": section}, top={
        "database_url": url or f"sqlite:///{folder / 'outreach.db'}",
        "municipalities": MUNICIPALITIES,
        "signups": {"policy_url": "https://example.org/policy",
                    "policy_version": "1"}})
    store = open_store(config.database_url)
    registry = make_registry(config, [TelegramChannel], env={"TG_TOKEN": fake.token})
    channel = registry.get("tg")
    channel.bot.pacer.limits = FloodLimits().scaled(scale)
    return config, store, registry, channel


def make_codes(store, posts: int) -> list[tuple[int, str]]:
    """A campaign with ``posts`` publications, each with its referral code."""
    from outreach.signups.referrals import new_code

    now = dt.datetime.now(dt.UTC)
    made = []
    seed_stories(store, posts)
    with store.session() as session:
        campaign = Campaign(slug="bench", name="Bench", definition_hash="x", active=True,
                            updated_at=now)
        session.add(campaign)
        session.flush()
        for number in range(posts):
            code = new_code()
            publication = Publication(campaign_id=campaign.id, story_id=number + 1,
                                      channel="tg", slot=now + dt.timedelta(minutes=number),
                                      next_attempt_at=now, created_at=now,
                                      referral_code=code)
            session.add(publication)
            session.flush()
            session.add(ReferralCode(code=code, campaign_id=campaign.id, channel="tg",
                                     publication_id=publication.id, kind="publication",
                                     created_at=now))
            made.append((publication.id, code))
        session.commit()
    return made


def people_run(fake: FakeTelegram, codes: list[str], count: int, timeout: float,
               first: int = 0) -> tuple:
    """``count`` people at once; numbers from ``first`` keep names and phones distinct."""
    start = len(fake.people.latencies)
    began = time.monotonic()
    people = [fake.simulate_person(codes[i % len(codes)], answers={
        "name": f"Доброволец Номер{i}", "municipality": MUNICIPALITIES[i % 4],
        "phone": f"+7 9{i:09d}"}) for i in range(first, first + count)]
    done = fake.wait_for(lambda: all(p.status == "done" for p in people), timeout)
    elapsed = time.monotonic() - began
    with fake.state.lock:
        latencies = list(fake.people.latencies[start:])
    return people, done, elapsed, latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--scale", type=float, default=50.0,
                        help="the fake's clock speed (flood windows, thinking time)")
    parser.add_argument("--url", default=None, help="database URL (default: a SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, \
            FakeTelegram(time_scale=args.scale, think=2.0) as fake:
        config, store, registry, channel = setup(Path(folder), args.url, fake, args.scale)
        codes = make_codes(store, args.posts)
        desk = StoreDesk(store, config, registry)
        channel.start_intake(desk)
        try:
            _, alone_done, _, alone = people_run(fake, [codes[0][1]], 1, 30)
            assert alone_done, "the baseline person did not finish"
            published: list[float] = []

            def publish() -> None:  # the campaign goes on meanwhile
                for number, (_, code) in enumerate(codes[1:], start=2):
                    began = time.monotonic()
                    channel.publish(Post(
                        publication_id=number, idempotency_key=f"k{number}", title="t",
                        text=f"Фотоотчёт №{number}. Запишитесь: "
                             f"https://t.me/outreach_sandbox_bot?start={code}"))
                    published.append(time.monotonic() - began)

            publisher = threading.Thread(target=publish)
            publisher.start()
            people, done, elapsed, latencies = people_run(
                fake, [code for _, code in codes], args.people, 900, first=1)
            publisher.join()
        finally:
            channel.stop_intake()
        with store.session() as session:
            rows = list(session.exec(select(SignUp)))
        persons = [r.person for r in rows]
        completed = [r for r in rows if r.status == "completed"]
        attributed = [r for r in completed if r.referral_code_id is not None]
        registry.close()
        store.dispose()
    total = args.people + 1
    print(f"people: {args.people} at once (+1 alone first), {args.posts - 1} posts published "
          f"meanwhile, fake clock x{args.scale:g}")
    print(f"  all finished the dialog: {done} in {elapsed:.1f} s "
          f"({args.people / elapsed:.0f} sign-ups/s)")
    print(f"  recorded: {len(rows)} rows, {len(set(persons))} people, completed "
          f"{len(completed)}, attributed {len(attributed)}  "
          f"(target {total}, no duplicates): "
          f"{verdict(len(rows) == len(set(persons)) == len(attributed) == total)}")
    med, tail = statistics.median(latencies), p99(latencies)
    base = statistics.median(alone)
    print(f"  reply latency over {len(latencies)} replies: median {med * 1000:.0f} ms, "
          f"p99 {tail * 1000:.0f} ms; one person alone: median {base * 1000:.0f} ms "
          f"(ratio {med / base:.1f}x)")
    print(f"  publishing meanwhile: {len(published)} posts, slowest {max(published):.2f} s")


if __name__ == "__main__":
    main()
