"""The stories a stand may show: approved, consent recorded for their photos, newest first."""

from __future__ import annotations

import datetime as dt

from outreach.db.models import Photo, Story, utcnow
from outreach.library.posts import recent_stories


def add(session, title: str, municipality: str, day: int, *, status: str = "approved",
        photo: bool = True, consent: bool = True) -> None:
    now = utcnow()
    story = Story(kind="photo-report", title=title, body=title, status=status,
                  municipality=municipality, source_folder=f"/media/{title}",
                  content_hash=title, created_at=now, updated_at=now,
                  event_date=dt.date(2026, 10, day),
                  consent_by="Ольга Смирнова" if consent else None,
                  consent_at=now if consent else None)
    session.add(story)
    session.flush()
    if photo:
        session.add(Photo(story_id=story.id, file="01.jpg", sha256=title, width=10, height=10))


def test_only_shown_stories_of_the_municipality_newest_first(store) -> None:
    with store.session() as session:
        add(session, "old", "Миасс", 1)
        add(session, "new", "Миасс", 20)
        add(session, "no-photo-no-consent", "Миасс", 10, photo=False, consent=False)
        add(session, "consent-withdrawn", "Миасс", 25, consent=False)
        add(session, "draft", "Миасс", 26, status="draft")
        add(session, "elsewhere", "Златоуст", 27)
        session.flush()
        titles = [s.title for s in recent_stories(session, "Миасс", 10)]
        assert titles == ["new", "no-photo-no-consent", "old"]
        assert [s.title for s in recent_stories(session, "Миасс", 2)] == [
            "new", "no-photo-no-consent"]
        assert "elsewhere" in [s.title for s in recent_stories(session, None, 10)]
