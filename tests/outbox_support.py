"""Rows in the store for tests: stories, campaigns, publications and their attempts, and an
outbox seeded with one publication in each state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from outreach.db import Store
from outreach.db.models import (
    Campaign,
    EngagementSnapshot,
    Publication,
    PublicationAttempt,
    ReferralCode,
    Story,
    utcnow,
)

T0 = dt.datetime(2026, 10, 14, 5, 0, tzinfo=dt.UTC)  # 10:00 in Yekaterinburg


def add_story(session: Any, title: str = "Серебряные волонтёры в школе №5",
              municipality: str | None = "Миасс", folder: str | None = None) -> int:
    now = utcnow()
    story = Story(kind="photo-report", title=title, body="Текст", municipality=municipality,
                  source_folder=folder or f"media/{title}", content_hash="0" * 64,
                  created_at=now, updated_at=now, tags=[], status="approved")
    session.add(story)
    session.flush()
    return story.id


def add_campaign(session: Any, slug: str = "mentoring") -> int:
    campaign = Campaign(slug=slug, name=slug, definition_hash="0" * 64, updated_at=utcnow())
    session.add(campaign)
    session.flush()
    return campaign.id


def add_publication(session: Any, story_id: int, campaign_id: int | None, channel: str = "vk",
                    slot: dt.datetime = T0, status: str = "planned", **values: Any) -> int:
    publication = Publication(story_id=story_id, campaign_id=campaign_id, channel=channel,
                              slot=slot, status=status, created_at=utcnow(), **values)
    session.add(publication)
    session.flush()
    return publication.id


def add_attempt(session: Any, publication_id: int, number: int, outcome: str,
                error: str | None = None) -> None:
    started = T0 + dt.timedelta(minutes=number)
    session.add(PublicationAttempt(publication_id=publication_id, number=number,
                                   started_at=started, finished_at=started, outcome=outcome,
                                   error=error, worker="worker-1"))


def seed(store: Store) -> dict[str, int]:
    """Two stories in one campaign, published to several channels, one in each state."""
    with store.session() as s:
        story = add_story(s)
        other = add_story(s, title="Скандинавская ходьба в Златоусте", municipality="Златоуст")
        campaign = add_campaign(s)
        ids = {
            "planned": add_publication(s, story, campaign, "vk", T0 + dt.timedelta(days=2)),
            "failed": add_publication(s, story, campaign, "telegram", T0, "failed", attempts=3,
                                      last_error="the bot was removed from the channel"),
            "uncertain": add_publication(s, story, campaign, "vk", T0, "uncertain", attempts=1,
                                         last_error="no answer from VK after 30 s"),
            "sending": add_publication(s, other, campaign, "vk", T0, "sending", attempts=1,
                                       lease_owner="worker-1",
                                       lease_until=T0 + dt.timedelta(minutes=5)),
            "published": add_publication(
                s, other, campaign, "telegram", T0 - dt.timedelta(days=1), "published",
                attempts=1, url="https://t.me/silver_ekb/42", external_id="42",
                published_at=T0 - dt.timedelta(days=1), referral_code="tg-42"),
            "cancelled": add_publication(s, other, None, "press", T0 - dt.timedelta(days=3),
                                         "cancelled"),
        }
        for number, outcome, error in ((1, "transient", "VK answered 500"),
                                       (2, "transient", "timed out"),
                                       (3, "auth", "the bot was removed from the channel")):
            add_attempt(s, ids["failed"], number, outcome, error)
        add_attempt(s, ids["uncertain"], 1, "uncertain", "no answer from VK after 30 s")
        s.add(ReferralCode(code="tg-42", campaign_id=campaign, channel="telegram",
                           publication_id=ids["published"], short_code="MIA-7",
                           created_at=utcnow()))
        for hours, views, likes in ((1, None, 3), (5, None, 9)):
            s.add(EngagementSnapshot(publication_id=ids["published"],
                                     taken_at=T0 + dt.timedelta(hours=hours), views=views,
                                     likes=likes, reactions=4))
    return ids
