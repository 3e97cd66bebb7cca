"""Stories as channels receive them outside any publication: a poster's story, a stand's
latest reports of its municipality (``StoreLibrary``, the channels' ``Library``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from outreach.channels import Library, Post, PostPhoto

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

    from outreach.channels import MediaLimits
    from outreach.config import Config
    from outreach.db import Store
    from outreach.db.models import Story


def story_post(session: Session, config: Config, story: Story, limits: MediaLimits, *,
               idempotency_key: str, referral_code: str | None = None,
               signup_link: str | None = None) -> Post:
    """``story`` as a ``Post`` outside any campaign: its text, title, summary
    (``extra["summary"]``), date (``extra["event_date"]``, a date or None) and photos
    fitted to ``limits``."""
    from outreach.library.stories import photo_path, photos_of
    from outreach.media.renditions import RenditionCache

    assert story.id is not None
    cache = RenditionCache(config.cache_dir)
    photos = [PostPhoto(path=cache.get(photo_path(story, p), p.sha256, limits).path,
                        caption=p.caption, alt=p.alt, credit=p.credit)
              for p in photos_of(session, story.id)]
    return Post(publication_id=0, idempotency_key=idempotency_key, text=story.body,
                title=story.title, photos=photos, story_id=story.id,
                municipality=story.municipality, referral_code=referral_code,
                signup_link=signup_link,
                extra={"summary": story.summary or "", "event_date": story.event_date})


def recent_stories(session: Session, municipality: str | None, limit: int) -> list[Story]:
    """The ``limit`` latest stories of ``municipality`` (every one when None) that may be
    shown: approved, with consent recorded where they have photos; newest event first."""
    from outreach.db.models import StoryStatus
    from outreach.library.stories import list_stories, photos_of

    stories = list_stories(session, status=StoryStatus.approved.value,
                           municipality=municipality)
    stories.sort(key=lambda s: (s.event_date is not None, s.event_date, s.id), reverse=True)
    # Newest first, so the photos are looked up only until ``limit`` are found.
    shown = (story for story in stories
             if story.consent_recorded or not photos_of(session, story.id or 0))
    return list(itertools.islice(shown, limit))


class StoreLibrary(Library):
    """The stories of the store ``store()`` opens (opened only when first asked)."""

    def __init__(self, config: Config, store: Callable[[], Store]) -> None:
        self.config = config
        self.store = store

    @property
    def media_dir(self) -> Path:
        return self.config.media_dir

    def recent_reports(self, municipality: str | None, limit: int,
                       limits: MediaLimits) -> list[Post]:
        with self.store().session() as session:
            return [story_post(session, self.config, story, limits,
                               idempotency_key=f"story-{story.id}")
                    for story in recent_stories(session, municipality, limit)]
