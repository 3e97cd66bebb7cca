"""The tables' own rules: aware UTC times, and one publication per story, channel and slot."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import sqlalchemy as sa
from outbox_support import add_publication, add_story
from sqlmodel import select

from outreach.db import Store
from outreach.db.models import Publication, PublicationAttempt, Story, utcnow

YEKATERINBURG = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


def _story(**changes: object) -> Story:
    now = utcnow()
    values: dict[str, object] = dict(
        kind="story", title="Встреча в Златоусте", body="Текст", source_folder="zlatoust",
        content_hash="0" * 64, created_at=now, updated_at=now, tags=["встреча"],
    )
    values.update(changes)
    return Story(**values)


def test_naive_datetimes_are_refused_and_nothing_is_stored(store: Store) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime given to the store"):
        with store.session() as s:
            s.add(_story(created_at=dt.datetime(2024, 7, 1, 10, 0)))
    with store.session() as s:
        assert s.exec(select(Story)).all() == []


def test_aware_times_round_trip_as_utc(store: Store) -> None:
    local = dt.datetime(2024, 7, 2, 10, 0, tzinfo=YEKATERINBURG)  # UTC+5
    with store.session() as s:
        s.add(_story(consent_at=local, consent_by="Иванова А. П."))
    with store.session() as s:
        stored = s.exec(select(Story)).one()
    assert stored.consent_at == local
    assert stored.consent_at.tzinfo == dt.UTC
    assert stored.consent_at.hour == 5
    with store.engine.connect() as c:  # kept as naive UTC, whatever the server's zone
        raw = c.execute(sa.text("SELECT consent_at FROM story")).scalar()
    assert str(raw).startswith("2024-07-02 05:00:00")


def test_one_publication_per_story_channel_and_slot(store: Store) -> None:
    slot = dt.datetime(2024, 7, 2, 10, 0, tzinfo=YEKATERINBURG)
    with store.session() as s:
        story = _story()
        s.add(story)
        s.flush()
        story_id = story.id
        s.add(Publication(story_id=story_id, channel="vk", slot=slot, created_at=utcnow()))
    with pytest.raises(sa.exc.IntegrityError):
        with store.session() as s:
            s.add(Publication(story_id=story_id, channel="vk", slot=slot.astimezone(dt.UTC),
                              created_at=utcnow()))
    with store.session() as s:
        # Another channel, or another slot, is another publication.
        s.add(Publication(story_id=story_id, channel="telegram", slot=slot, created_at=utcnow()))
        s.add(Publication(story_id=story_id, channel="vk", slot=slot + dt.timedelta(days=1),
                          created_at=utcnow()))
    with store.session() as s:
        rows = s.exec(select(Publication.channel, Publication.slot)).all()
    assert sorted(c for c, _ in rows) == ["telegram", "vk", "vk"]


def test_attempt_numbers_are_unique_per_publication(store: Store) -> None:
    now = utcnow()
    with store.session() as s:
        story = _story()
        s.add(story)
        s.flush()
        publication = Publication(story_id=story.id, channel="vk", slot=now, created_at=now)
        s.add(publication)
        s.flush()
        publication_id = publication.id
        s.add(PublicationAttempt(publication_id=publication_id, number=1, started_at=now,
                                 finished_at=now, outcome="rate-limited",
                                 error="VK: слишком много запросов"))
    with pytest.raises(sa.exc.IntegrityError):
        with store.session() as s:
            s.add(PublicationAttempt(publication_id=publication_id, number=1, started_at=now,
                                     outcome="published"))
    with store.session() as s:
        attempts = s.exec(select(PublicationAttempt)).all()
    assert [(a.number, a.outcome, a.error) for a in attempts] == [
        (1, "rate-limited", "VK: слишком много запросов")]


def test_core_queries_on_the_tables_read_aware_utc_too(store: Store) -> None:
    # Stats and collectors query Publication.__table__ with SQLAlchemy Core, grouped and
    # aggregated: the columns' UTCDateTime still applies, so no caller re-adds the zone.
    local = dt.datetime(2024, 7, 2, 10, 0, tzinfo=YEKATERINBURG)
    with store.session() as s:
        add_publication(s, add_story(s), None, "vk", local, "published", published_at=local)
    table = Publication.__table__.c
    latest = (sa.select(table.channel, sa.func.max(table.published_at).label("at"))
              .group_by(table.channel).subquery())
    with store.engine.connect() as c:
        found = [
            *c.execute(sa.select(table.published_at, table.slot)).one(),
            c.execute(sa.select(sa.func.min(table.published_at))).scalar(),
            c.execute(sa.select(latest.c.at)).scalar(),
            c.execute(sa.select(table.published_at, sa.func.count(table.id))
                      .group_by(table.published_at)).one()[0],
        ]
    assert found == [local] * 5
    assert {value.tzinfo for value in found} == {dt.UTC}


def test_one_list_of_engagement_metrics_for_the_store_the_plugins_and_stats() -> None:
    from dataclasses import fields

    from outreach.channels import Engagement
    from outreach.db.models import METRICS, EngagementLatest, EngagementSnapshot

    assert METRICS == ("views", "likes", "shares", "comments", "reactions")
    assert [f.name for f in fields(Engagement)] == ["external_id", *METRICS]
    for table in (EngagementSnapshot, EngagementLatest):
        assert set(METRICS) <= set(table.__table__.c.keys())


def test_sign_up_states_are_the_words_stored_in_existing_databases() -> None:
    from outreach.db.models import SignUp
    from outreach.db.states import SignupStatus

    assert [s.value for s in SignupStatus] == ["started", "completed", "forgotten", "merged"]
    # A row made without a dialog (offline, CSV) is a finished sign-up.
    assert SignUp(source="offline").status == "completed"
