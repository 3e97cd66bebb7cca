"""A store seeded with a month of publications, snapshots, codes, sign-ups, audience
counts and slots, whose figures the stats tests work out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from outbox_support import add_campaign, add_publication, add_story

from outreach.db import Store, open_store
from outreach.db.models import (
    METRICS,
    AudienceSnapshot,
    CampaignSlot,
    ReferralCode,
    SignUp,
    utcnow,
)
from outreach.engine.collectors import record_snapshots


def at(day: str, hour: int = 5) -> dt.datetime:
    """A UTC instant on a day of 2026 ('10-05' is 10:00 in Yekaterinburg at hour 5)."""
    month, date = (int(x) for x in day.split("-"))
    return dt.datetime(2026, month, date, hour, tzinfo=dt.UTC)


def snap(s: Any, publication_id: int, taken: dt.datetime, **figures: int | None) -> None:
    """A snapshot as the collector stores it (with the publication's latest figures)."""
    s.flush()
    row = {"publication_id": publication_id, "taken_at": taken, **dict.fromkeys(METRICS),
           **figures}
    record_snapshots(s.connection(), [row])


def signup(s: Any, created: dt.datetime, code_id: int | None,
           municipality: str | None = None) -> None:
    s.add(SignUp(created_at=created, source="test", referral_code_id=code_id,
                 municipality=municipality, consent_at=created))


def code(s: Any, text: str, **values: Any) -> int:
    row = ReferralCode(code=text, created_at=utcnow(), **values)
    s.add(row)
    s.flush()
    return row.id


def seed_stats(store: Store) -> dict[str, int]:
    """The data the expected figures below are computed from by hand (period: October 2026)."""
    with store.session() as s:
        miass = add_story(s, "Школа №5", "Миасс")
        zlatoust = add_story(s, "Скандинавская ходьба", "Златоуст")
        kopeysk = add_story(s, "Огород у дома", "Копейск")
        mentoring, walking = add_campaign(s, "mentoring"), add_campaign(s, "walking")

        def published(story: int, campaign: int, channel: str, day: str) -> int:
            return add_publication(s, story, campaign, channel, at(day), "published",
                                   attempts=1, published_at=at(day, 6))

        p1 = published(miass, mentoring, "vk", "10-05")
        snap(s, p1, at("10-06"), views=100, likes=5, shares=1, comments=0)
        snap(s, p1, at("10-08"), views=250, likes=12, shares=3, comments=2)  # the latest
        p2 = published(miass, mentoring, "telegram", "10-05")
        snap(s, p2, at("10-06"), reactions=3)
        snap(s, p2, at("10-07"), reactions=7)
        p3 = published(zlatoust, mentoring, "vk", "10-13")
        snap(s, p3, at("10-14"), views=40, likes=3, shares=0, comments=1)
        snap(s, p3, at("10-14"), views=50, likes=4, shares=0, comments=1)  # same time, stored later
        published(kopeysk, walking, "telegram", "10-14")  # no snapshot yet
        p5 = published(kopeysk, mentoring, "vk", "09-01")  # before the period
        snap(s, p5, at("09-02"), views=1000, likes=100)
        p6 = add_publication(s, zlatoust, mentoring, "vk", at("10-20"), "failed", attempts=5)
        snap(s, p6, at("10-21"), views=999)  # not published: never counted
        p7 = published(zlatoust, walking, "telegram", "10-20")
        snap(s, p7, at("10-21"), reactions=2)

        c1, c2 = code(s, "vk-1", publication_id=p1), code(s, "tg-2", publication_id=p2)
        poster = code(s, "poster-miass", kind="placement", campaign_id=walking, channel="press",
                      placement="Пенсионный фонд, Миасс, ул. Ленина 5")
        signup(s, at("10-06"), c1, "Челябинск")
        signup(s, at("10-06", 9), c1)
        signup(s, at("10-07"), c2)
        signup(s, at("10-15"), poster, "Миасс")
        signup(s, at("10-16"), None, "Миасс")  # no code: not attributed
        signup(s, at("09-20"), c1)  # before the period

        for day, channel, members in (("09-28", "vk", 900), ("10-02", "vk", 1000),
                                      ("10-10", "vk", None), ("10-20", "vk", 1040),
                                      ("10-03", "telegram", 300)):
            s.add(AudienceSnapshot(channel=channel, taken_at=at(day), members=members))

        for campaign, day, outcome, detail in (
                (mentoring, "10-09", "empty", "no approved story with tag mentoring left"),
                (walking, "10-11", "skipped", None),
                (mentoring, "10-05", "planned", None),
                (mentoring, "09-15", "empty", "no approved story left")):
            s.add(CampaignSlot(campaign_id=campaign, slot=at(day), outcome=outcome,
                               publications=0, detail=detail, recorded_at=at(day)))
    return {"miass": miass, "zlatoust": zlatoust, "kopeysk": kopeysk}


def seeded_project(folder: Path, store_url: str) -> Path:
    """``folder`` as a project whose config.toml names a store seeded by ``seed_stats``."""
    (folder / "config.toml").write_text(
        f'database_url = "{store_url}"\ntime_zone = "Asia/Yekaterinburg"\n', encoding="utf-8")
    store = open_store(store_url)
    try:
        seed_stats(store)
    finally:
        store.dispose()
    return folder
