"""A store seeded with a year of a centre's activity (and the quarter before), for the report.

Stories with counts, publications on every kind of channel with engagement
snapshots (Telegram without views, the press without any figure), referral
codes of every kind, sign-ups from every source in every state, daily audience
samples, joins and figures entered by hand. Random but seeded: the same every run.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from outbox_support import add_campaign, add_publication
from stats_support import code, snap

from outreach.db import Store, open_store
from outreach.db.models import AudienceJoin, AudienceSnapshot, Result, SignUp, Story, utcnow

PLACES = ("Миасс", "Златоуст", "Копейск", "Сатка", "Касли", "Чебаркуль")
CHANNELS = ("vk", "telegram", "ok", "press", "vk-miass")
LOCAL = {"vk-miass": "Миасс"}  # a channel with a municipality in config.toml
CONFIG = """\
database_url = "{url}"
time_zone = "Asia/Yekaterinburg"
municipalities = ["Миасс", "Златоуст", "Копейск", "Сатка", "Касли", "Чебаркуль"]

[centre]
name = "Центр серебряного волонтёрства"

[channels.vk]
plugin = "vk"
enabled = false

[channels.telegram]
plugin = "telegram"
enabled = false

[channels.ok]
plugin = "ok"
enabled = false

[channels.press]
plugin = "local-media"
enabled = false

[channels.vk-miass]
plugin = "vk"
enabled = false
municipality = "Миасс"
"""
START = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
DAYS = 457  # to the end of 2026


def seed_year(store: Store, seed: int = 14) -> None:
    rnd = random.Random(seed)

    def moment() -> dt.datetime:
        return START + dt.timedelta(minutes=rnd.randrange(DAYS * 24 * 60))

    with store.session() as s:
        campaigns = [add_campaign(s, "mentoring"), add_campaign(s, "walking")]
        stories = []
        for number in range(48):
            when = moment()
            story = Story(kind=rnd.choice(("photo-report", "story")),
                          title=f"Событие №{number + 1}", body="Текст",
                          municipality=rnd.choice((*PLACES, None)),
                          event_date=when.date() if number % 12 else None,
                          participants=rnd.choice((None, rnd.randrange(5, 60))),
                          beneficiaries=rnd.choice((None, 0, rnd.randrange(10, 200))),
                          source_folder=f"media/{number}", content_hash="0" * 64,
                          created_at=utcnow(), updated_at=utcnow(), tags=[], status="approved")
            s.add(story)
            s.flush()
            stories.append((story.id, when))
        publications = []
        for story, when in stories:
            for channel in rnd.sample(CHANNELS, rnd.randrange(1, 4)):
                published = when + dt.timedelta(hours=rnd.randrange(1, 200))
                status = rnd.choice(("published",) * 8 + ("failed", "planned"))
                campaign = rnd.choice((*campaigns, None))
                pid = add_publication(s, story, campaign, channel, published, status,
                                      attempts=1, published_at=published
                                      if status == "published" else None)
                publications.append((pid, channel, published, campaign))
                if channel == "press" or rnd.random() < 0.1:
                    continue  # the press reports nothing; some posts not collected yet
                for step in range(rnd.randrange(1, 4)):
                    figures: dict[str, int | None] = {
                        "views": rnd.randrange(50, 3000), "likes": rnd.randrange(0, 90),
                        "shares": rnd.randrange(0, 20), "comments": rnd.randrange(0, 15)}
                    if channel == "telegram":
                        figures = {"reactions": rnd.randrange(0, 40)}
                    snap(s, pid, published + dt.timedelta(days=step + 1), **figures)
        codes: list[tuple[int | None, str]] = []
        for pid, channel, _published, campaign in publications:
            codes.append((code(s, f"p{pid}", publication_id=pid, channel=channel,
                               campaign_id=campaign), "post"))
        for number, place in enumerate(PLACES[:3]):
            codes.append((code(s, f"poster{number}", kind="placement", channel="press",
                               campaign_id=campaigns[1],
                               placement=f"Пенсионный фонд, {place}"), "placement"))
        codes.append((code(s, "outlet1", kind="outlet", channel="press",
                           placement="Газета «Миасский рабочий»"), "outlet"))
        codes += [(None, "offline"), (None, "bot")]
        for _number in range(260):
            when = moment()
            referral, kind = rnd.choice(codes)
            status = rnd.choice(("completed",) * 10 + ("started", "merged", "forgotten"))
            s.add(SignUp(created_at=when, source="offline" if kind == "offline" else "vk",
                         referral_code_id=referral, municipality=rnd.choice((*PLACES, None)),
                         consent_at=when, status=status,
                         completed_at=when if status != "started" and rnd.random() < 0.8
                         else None))
        for channel in ("vk", "telegram", "ok", "vk-miass"):
            members = rnd.randrange(100, 1500)
            for day in range(DAYS):
                taken = START + dt.timedelta(days=day, hours=rnd.choice((3, 20)))
                members += rnd.randrange(-3, 8)
                s.add(AudienceSnapshot(channel=channel, taken_at=taken,
                                       members=None if day % 40 == 7 else members))
        for _number in range(300):
            pid, channel, published, _campaign = rnd.choice(publications)
            credited = rnd.random() < 0.6 and channel != "press"
            s.add(AudienceJoin(channel="vk" if channel == "press" else channel,
                               joined_at=moment(),
                               publication_id=pid if credited else None))
        for period, first, last, indicator, value, note in (
                ("2026-Q4", "2026-10-01", "2026-12-31", "seminars", 6, "Школа волонтёра"),
                ("2026-Q1", "2026-01-01", "2026-03-31", "seminars", 2, None),
                ("2025-Q4", "2025-10-01", "2025-12-31", "seminars", 3, None),
                ("2026", "2026-01-01", "2026-12-31", "agreements", 47, "Соглашения"),
                ("2026-11", "2026-11-01", "2026-11-30", "beneficiaries", 12, "Акция «Тепло»")):
            s.add(Result(period=period, starts_on=dt.date.fromisoformat(first),
                         ends_on=dt.date.fromisoformat(last), indicator=indicator, value=value,
                         note=note, created_at=utcnow()))


def seeded_year(folder: Path, store_url: str) -> Path:
    (folder / "config.toml").write_text(CONFIG.format(url=store_url), encoding="utf-8")
    store = open_store(store_url)
    try:
        seed_year(store)
    finally:
        store.dispose()
    return folder
