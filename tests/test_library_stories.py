from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from outreach.db.models import Publication, Story, utcnow
from outreach.errors import ContentError, NotFoundError, StateError
from outreach.library.importer import import_paths
from outreach.library.stories import (
    approve_story,
    archive_story,
    get_story,
    list_stories,
    photo_path,
    photos_of,
)

SAMPLES = Path(__file__).resolve().parent.parent / "media" / "samples"


@pytest.fixture
def library(store: Any, tmp_path: Path) -> dict[str, int]:
    """The sample stories, imported from a copy: folder name -> story id."""
    shutil.copytree(SAMPLES, tmp_path / "media")
    report = import_paths(store, [tmp_path / "media"], time_zone="Asia/Yekaterinburg")
    assert report.ok and len(report.imported) == 5, report
    return {folder.name: story_id for folder, story_id in report.story_ids.items()}


def titles(stories: list[Story]) -> list[str]:
    return [s.title.removeprefix("ОБРАЗЕЦ: ") for s in stories]


def test_list_filters_combine(store: Any, library: dict[str, int]) -> None:
    approve_story(store, library["2026-10-14-miass-school-5"])
    with store.session() as session:
        assert len(list_stories(session)) == 5
        assert titles(list_stories(session, municipality="Миасс")) == [
            "Как Валентина Сергеевна стала волонтёром", "Серебряные волонтёры в школе №5"]
        assert titles(list_stories(session, kind="story")) == [
            "Как Валентина Сергеевна стала волонтёром"]
        assert titles(list_stories(session, tag="mentoring")) == [
            "Серебряные волонтёры в школе №5", "Компьютерные курсы для соседей"]
        assert titles(list_stories(session, status="approved", tag="mentoring")) == [
            "Серебряные волонтёры в школе №5"]
        assert list_stories(session, tag="mentor") == []  # whole tags only, not substrings
        assert list_stories(session, municipality="Миас") == []


def test_get_story_photos_in_order_and_their_paths(store: Any, library: dict[str, int]) -> None:
    story_id = library["2026-10-14-miass-school-5"]
    with store.session() as session:
        story = get_story(session, story_id)
        photos = photos_of(session, story_id)
        with pytest.raises(NotFoundError, match=r"^no story with id 999 \(see 'outreach content"):
            get_story(session, 999)
    assert [p.file for p in photos] == ["01.jpg", "02.jpg", "03.jpg"]
    # 02.jpg is stored sideways with EXIF Orientation 6: recorded as shown, upright.
    assert [(p.width, p.height) for p in photos] == [(1600, 1200), (1200, 1600), (1600, 1200)]
    assert all(photo_path(story, p).is_file() for p in photos)
    assert photo_path(story, photos[0]) == Path(story.source_folder) / "01.jpg"


def test_approval_is_refused_without_consent_for_photos(
    store: Any, library: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "media" / "2026-11-07-zlatoust-nordic-walking"
    text = (folder / "story.md").read_text()
    start, end = text.index("[consent]"), text.index("[[photos]]")
    (folder / "story.md").write_text(text[:start] + text[end:])
    import_paths(store, [folder])
    story_id = library[folder.name]

    with pytest.raises(StateError) as caught:
        approve_story(store, story_id)
    assert str(caught.value) == (
        f"story {story_id} cannot be approved: no consent is recorded for the people in its "
        f"photos. When they have agreed (a signed form), record it with: outreach content "
        f'consent {story_id} --form "form no. 12 of 1 December"'
    )
    with store.session() as session:
        assert get_story(session, story_id).status == "draft"
    # A story without photos shows nobody: it needs no consent.
    plain = approve_story(store, library["2026-10-01-miass-valentina-story"])
    assert plain.status == "approved" and plain.approved_at is not None


def test_approving_twice_changes_nothing(store: Any, library: dict[str, int]) -> None:
    story_id = library["2026-09-26-chelyabinsk-park-cleanup"]
    first = approve_story(store, story_id)
    again = approve_story(store, story_id)
    assert again.status == "approved" and again.approved_at == first.approved_at


def test_archive_cancels_planned_publications_and_approve_needs_unarchive(
    store: Any, library: dict[str, int]
) -> None:
    story_id = library["2026-11-18-kopeysk-computer-class"]
    approve_story(store, story_id)
    with store.session() as session:
        for channel, status in (("vk", "planned"), ("telegram", "published")):
            session.add(Publication(story_id=story_id, channel=channel, slot=utcnow(),
                                    status=status, created_at=utcnow()))
    story = archive_story(store, story_id)
    assert story.status == "archived" and story.approved_at is None
    with store.session() as session:
        from sqlmodel import select

        statuses = {p.channel: p.status for p in session.exec(select(Publication))}
    assert statuses == {"vk": "cancelled", "telegram": "published"}

    again = archive_story(store, story_id)
    assert again.status == "archived" and again.updated_at == story.updated_at
    with pytest.raises(StateError) as caught:
        approve_story(store, story_id)
    assert str(caught.value) == (
        f"story {story_id} is archived; to bring it back and approve it, run: "
        f"outreach content approve {story_id} --unarchive"
    )
    assert approve_story(store, story_id, unarchive=True).status == "approved"


def test_a_photo_swapped_for_a_link_out_after_import_is_never_read(
        store: Any, library: dict[str, int], tmp_path: Path) -> None:
    story_id = library["2026-10-14-miass-school-5"]
    with store.session() as session:
        story = get_story(session, story_id)
        photos = photos_of(session, story_id)
    (tmp_path / "private.jpg").write_bytes(b"not for the press")
    swapped = Path(story.source_folder) / "02.jpg"
    swapped.unlink()
    swapped.symlink_to(tmp_path / "private.jpg")

    with pytest.raises(ContentError) as raised:
        photo_path(story, photos[1])

    assert str(raised.value) == (
        f"{Path(story.source_folder) / 'story.md'}: photo '02.jpg' is now a link that leads "
        "out of the story's folder; put the photo itself in the folder and import the story "
        "again")
    assert photo_path(story, photos[0]).is_file()  # the others are published as before
