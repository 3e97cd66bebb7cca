"""A year of a busy federation's activity in a store, for the stats and report benchmarks.

``seeded_store()`` builds it once (Core executemany inserts, about a minute for
100,000 publications and 1,000,000 snapshots on SQLite) and keeps the SQLite
file under the system's temporary folder (``OUTREACH_BENCH_CACHE`` to choose
another), named after DATA_VERSION and the sizes, so later runs start at once.
``seed(url, ...)`` fills any empty store (PostgreSQL too).

What is in it, all in 2025 (UTC), the same every time (a fixed random seed):
stories in 47 municipalities; 20 campaigns publishing to vk, telegram and press
every 5 minutes; ``per`` engagement snapshots each (Telegram's without views:
NULL); sign-ups from every source — post codes, poster placements, press
outlets, offline without a code, bots without a code — living in those
municipalities, most completed, some started or forgotten; daily audience
counts and joins per channel; campaign slots, some empty.

    from seed import seeded_store
    path = seeded_store()            # Path of the SQLite file
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from pathlib import Path
from typing import Any

DATA_VERSION = "1"
CHANNELS = ("vk", "telegram", "press")
CAMPAIGNS = 20
START = dt.datetime(2025, 1, 1, 5, tzinfo=dt.UTC)
NAMED = ("Миасс", "Златоуст", "Копейск", "Челябинск", "Магнитогорск", "Троицк", "Сатка",
         "Аша", "Касли", "Кыштым", "Чебаркуль", "Верхний Уфалей")
MUNICIPALITIES = (*NAMED, *(f"Муниципалитет {i}" for i in range(len(NAMED) + 1, 48)))
PLACEMENTS = 40
OUTLETS = ("Миасский рабочий", "Златоустовский рабочий", "Радио Южный Урал",
           "Копейский рабочий", "Вечерний Челябинск")


def cache_folder() -> Path:
    folder = Path(os.environ.get("OUTREACH_BENCH_CACHE")
                  or Path(tempfile.gettempdir()) / "outreach-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def seeded_store(publications: int = 100_000, per: int = 10, signups: int = 10_000) -> Path:
    """The SQLite file of a seeded store, built on first use (see the module's docstring)."""
    path = cache_folder() / f"seed-v{DATA_VERSION}-{publications}x{per}-{signups}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seed(f"sqlite:///{partial}", publications, per, signups)
        partial.rename(path)
    return path


def seed(url: str, publications: int = 100_000, per: int = 10, signups: int = 10_000) -> None:
    """Fill the empty store at ``url``: ``publications`` published posts with ``per``
    snapshots each, and ``signups`` sign-ups."""
    import sqlalchemy as sa

    from outreach.db import open_store
    from outreach.db.models import (
        AudienceJoin,
        AudienceSnapshot,
        Campaign,
        CampaignSlot,
        EngagementLatest,
        EngagementSnapshot,
        Publication,
        ReferralCode,
        SignUp,
        Story,
    )

    rng = random.Random(7)
    store = open_store(url)
    stories = max(1, publications // 20)
    minutes = max(1, 365 * 24 * 60 // max(publications, 1))  # a year of publications
    with store.engine.begin() as c:
        c.execute(sa.insert(Campaign.__table__), [
            {"id": i + 1, "slug": f"campaign-{i + 1}", "name": f"Кампания {i + 1}",
             "definition_hash": "0" * 64, "active": True, "updated_at": START}
            for i in range(CAMPAIGNS)])
        c.execute(sa.insert(Story.__table__), [
            {"id": i + 1, "kind": "photo-report" if i % 2 else "story",
             "title": f"История {i + 1}", "body": "",
             "municipality": MUNICIPALITIES[i % len(MUNICIPALITIES)], "tags": [],
             "status": "approved", "event_date": (START + dt.timedelta(
                 days=i * 365 // stories)).date(),
             "source_folder": f"media/story-{i + 1}", "content_hash": "0" * 64,
             "created_at": START, "updated_at": START} for i in range(stories)])
        rows: list[dict[str, Any]] = []
        snaps: list[dict[str, Any]] = []
        latest: list[dict[str, Any]] = []
        number = 0
        for i in range(publications):
            channel = CHANNELS[i % 3]
            slot = START + dt.timedelta(minutes=minutes * i)
            rows.append({"id": i + 1, "campaign_id": i % CAMPAIGNS + 1,
                         "story_id": (i // 3) % stories + 1, "channel": channel, "slot": slot,
                         "status": "published", "attempts": 1, "created_at": slot,
                         "published_at": slot, "external_id": str(i),
                         "referral_code": f"code-{i + 1}" if i % 50 == 0 else None})
            for k in range(per):
                number += 1
                telegram = channel == "telegram"
                snaps.append({"id": number, "publication_id": i + 1,
                              "taken_at": slot + dt.timedelta(hours=6 * (k + 1)),
                              "views": None if telegram else 100 + k * 10,
                              "likes": None if telegram else k,
                              "shares": None if telegram else k // 2,
                              "comments": None if telegram else k // 3,
                              "reactions": k if telegram else None})
            if per:
                newest = dict(snaps[-1])
                del newest["id"]
                latest.append(newest)
            if len(snaps) >= 200_000 or len(rows) >= 50_000:
                _flush(c, [(Publication, rows), (EngagementSnapshot, snaps),
                           (EngagementLatest, latest)])
                rows, snaps, latest = [], [], []
        _flush(c, [(Publication, rows), (EngagementSnapshot, snaps), (EngagementLatest, latest)])
        codes = [{"id": i + 1, "code": f"code-{i * 50 + 1}", "publication_id": i * 50 + 1,
                  "kind": "publication", "created_at": START}
                 for i in range((publications + 49) // 50)]
        first = len(codes) + 1
        codes += [{"id": first + i, "code": f"poster-{i + 1}", "kind": "placement",
                   "campaign_id": i % CAMPAIGNS + 1, "channel": "press",
                   "placement": f"Пенсионный фонд, {MUNICIPALITIES[i % len(MUNICIPALITIES)]}",
                   "short_code": f"P{i + 1}", "created_at": START} for i in range(PLACEMENTS)]
        first = len(codes) + 1
        codes += [{"id": first + i, "code": f"outlet-{i + 1}", "kind": "outlet",
                   "channel": "press", "placement": name, "short_code": f"O{i + 1}",
                   "created_at": START} for i, name in enumerate(OUTLETS)]
        blank = dict.fromkeys(("campaign_id", "channel", "publication_id", "placement",
                               "short_code"))
        c.execute(sa.insert(ReferralCode.__table__), [{**blank, **code} for code in codes])
        people = []
        for _ in range(signups):
            created = START + dt.timedelta(seconds=rng.randrange(365 * 24 * 3600))
            draw = rng.random()
            if draw < 0.6:  # a post's code
                code, source = rng.randrange(len(codes) - PLACEMENTS - len(OUTLETS)) + 1, "vk"
            elif draw < 0.8:  # a poster
                code, source = len(codes) - len(OUTLETS) - rng.randrange(PLACEMENTS), "offline"
            elif draw < 0.9:  # a newspaper
                code, source = len(codes) - rng.randrange(len(OUTLETS)), "telegram"
            else:  # no code: on the phone, or a bot found without a link
                code, source = None, rng.choice(("offline", "csv", "vk", "telegram"))
            status = rng.choices(("completed", "started", "forgotten"), (90, 7, 3))[0]
            people.append({"created_at": created, "source": source, "referral_code_id": code,
                           "municipality": rng.choice(MUNICIPALITIES) if rng.random() < 0.95
                           else None,
                           "status": status, "consent_at": created,
                           "completed_at": created if status == "completed" else None})
        c.execute(sa.insert(SignUp.__table__), people)
        c.execute(sa.insert(AudienceSnapshot.__table__), [
            {"channel": channel, "taken_at": START + dt.timedelta(days=day),
             "members": 1000 * (n + 1) + 3 * day}
            for n, channel in enumerate(CHANNELS) for day in range(365)])
        c.execute(sa.insert(AudienceJoin.__table__), [
            {"channel": CHANNELS[k % 2], "person": f"bench:{k}",
             "joined_at": START + dt.timedelta(hours=k * 7),
             "publication_id": min(k * 7 * 60 // minutes + 1, publications) if k % 3
             else None}
            for k in range(min(publications, 365 * 24 // 7))])
        c.execute(sa.insert(CampaignSlot.__table__), [
            {"campaign_id": k % CAMPAIGNS + 1, "slot": START + dt.timedelta(hours=k),
             "outcome": "empty" if k % 97 == 0 else "planned", "publications": 0,
             "recorded_at": START} for k in range(5000)])
    store.dispose()


def _flush(connection: Any, batches: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    import sqlalchemy as sa

    for table, rows in batches:
        if rows:
            connection.execute(sa.insert(table.__table__), rows)
