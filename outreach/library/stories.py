"""A story's life in the store: listing, looking up, approving and archiving.

Consent before reach: a story whose photos show people is approved only
when consent is recorded in its front matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from outreach.db.models import Photo, Publication, PublicationStatus, Story, StoryStatus, utcnow
from outreach.errors import ContentError, NotFoundError, StateError
from outreach.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.db import Store


def list_stories(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    municipality: str | None = None,
    tag: str | None = None,
) -> list[Story]:
    """Stories matching every filter given, oldest import first."""
    from sqlmodel import col, select

    query = select(Story)
    if status is not None:
        query = query.where(Story.status == status)
    if kind is not None:
        query = query.where(Story.kind == kind)
    if municipality is not None:
        query = query.where(Story.municipality == municipality)
    stories = list(session.exec(query.order_by(col(Story.id))))
    if tag is not None:
        # Tags are a JSON list; comparing in Python works the same on SQLite and PostgreSQL.
        stories = [s for s in stories if tag in (s.tags or [])]
    return stories


def get_story(session: Session, story_id: int) -> Story:
    story = session.get(Story, story_id)
    if story is None:
        raise NotFoundError(_("no story with id {id} (see 'outreach content list')").format(
            id=story_id))
    return story


def photos_of(session: Session, story_id: int) -> list[Photo]:
    """A story's photos in the order they are shown."""
    from sqlmodel import col, select

    query = (select(Photo).where(Photo.story_id == story_id)
             .order_by(col(Photo.position), col(Photo.id)))
    return list(session.exec(query))


def photo_counts(session: Session) -> dict[int, int]:
    """Number of photos per story id, in one query (for listings)."""
    import sqlalchemy as sa
    from sqlmodel import col, select

    query = select(Photo.story_id, sa.func.count()).group_by(col(Photo.story_id))
    return {story_id: count for story_id, count in session.exec(query)}


def photo_path(story: Story, photo: Photo) -> Path:
    """The photo's file; ContentError when it became a link out of the story's folder
    after the import (nothing outside the folder is ever published)."""
    from outreach.library.frontmatter import STORY_FILE, inside

    folder = Path(story.source_folder)
    if not inside(folder, photo.file):
        raise ContentError(_("{path}: photo {file!r} is now a link that leads out of the "
                             "story's folder; put the photo itself in the folder and import "
                             "the story again").format(path=folder / STORY_FILE,
                                                       file=photo.file))
    return folder / photo.file


def consent_missing(session: Session, story: Story) -> bool:
    """True when the story has photos and no recorded consent for the people in them."""
    return not story.consent_recorded and bool(photos_of(session, _id(story)))


def approve_story(store: Store, story_id: int, *, unarchive: bool = False) -> Story:
    """Mark a story approved for publishing. StateError when consent is missing.

    An archived story is approved only with ``unarchive``, so that one typed
    id never brings back a story someone took out on purpose.
    """
    with store.session() as session:
        story = get_story(session, story_id)
        if story.status == StoryStatus.archived.value and not unarchive:
            raise StateError(_(
                "story {id} is archived; to bring it back and approve it, run: "
                "outreach content approve {id} --unarchive").format(id=story_id))
        if consent_missing(session, story):
            raise StateError(_(
                "story {id} cannot be approved: no consent is recorded for the people in its "
                "photos. When they have agreed (a signed form), record it with: outreach "
                "content consent {id} --form \"form no. 12 of 1 December\"").format(
                    id=story_id))
        if story.status != StoryStatus.approved.value:
            now = utcnow()
            story.status = StoryStatus.approved.value
            story.approved_at = now
            story.updated_at = now
            session.add(story)
        return story


def planned_publications(session: Session, story_id: int) -> list[Publication]:
    """Publications of the story not yet sent (planned)."""
    from sqlmodel import select

    query = select(Publication).where(
        Publication.story_id == story_id,
        Publication.status == PublicationStatus.planned.value,
    )
    return list(session.exec(query))


def archive_story(store: Store, story_id: int) -> Story:
    """Take a story out of campaigns; its planned publications are cancelled.

    Archiving an archived story changes nothing. Published posts stay as
    they are, with their engagement history.
    """
    with store.session() as session:
        story = get_story(session, story_id)
        if story.status == StoryStatus.archived.value:
            return story
        for publication in planned_publications(session, story_id):
            publication.status = PublicationStatus.cancelled.value
            publication.last_error = _("the story was archived")
            session.add(publication)
        story.status = StoryStatus.archived.value
        story.approved_at = None
        story.updated_at = utcnow()
        session.add(story)
        return story


def _id(story: Story) -> int:
    assert story.id is not None
    return story.id
