"""The migrations: they build exactly the tables of models.py, and upgrade in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from outreach.db import Store, models, open_store

UTC = dt.UTC
# As a database made by Outreach at revision 0001 holds them: naive UTC.
T0 = dt.datetime(2024, 7, 1, 5, 30)
T1 = dt.datetime(2024, 7, 2, 6, 0)


def _differences(store: Store, metadata: sa.MetaData | None = None) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata or SQLModel.metadata)


def test_migrations_build_exactly_the_models(store: Store) -> None:
    # A model change without a matching revision fails here, on SQLite and PostgreSQL.
    assert store.status().up_to_date
    assert _differences(store) == []


def test_a_model_change_without_migration_is_noticed(store: Store) -> None:
    # Guard the guard: a column the migrations never made must show up as a difference.
    from sqlmodel import SQLModel

    changed = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["story"].append_column(sa.Column("not_migrated", sa.Integer()))
    found = _differences(store, changed)
    assert [d[0] for d in found] == ["add_column"]
    assert found[0][3].name == "not_migrated"


def _fill_revision_0001(store: Store) -> None:
    """One row in every table, written as the 0001 schema stood (plain SQL, no models)."""
    meta = sa.MetaData()
    meta.reflect(bind=store.engine)
    t = meta.tables
    with store.engine.begin() as c:
        c.execute(t["story"].insert(), [{
            "id": 1, "kind": "photo-report", "title": "Серебряные волонтёры в Миассе",
            "body": "Наставники провели «Урок доброты» для школьников.\nВторая строка.",
            "summary": None, "event_date": dt.date(2024, 6, 30), "municipality": "Миасс",
            "tags": ["наставничество", "школа"], "status": "approved",
            "consent_by": "Иванова А. П.", "consent_at": T0, "source_folder": "2024/miass-urok",
            "content_hash": "a" * 64, "created_at": T0, "updated_at": T1, "approved_at": T1,
        }])
        c.execute(t["photo"].insert(), [{
            "id": 1, "story_id": 1, "file": "01.jpg", "sha256": "b" * 64, "width": 4000,
            "height": 3000, "caption": "Валентина Петровна и ученики", "alt": None,
            "credit": "Фото: Сергей К.", "position": 0,
        }])
        c.execute(t["campaign"].insert(), [{
            "id": 1, "slug": "mentoring", "name": "Наставничество", "definition_hash": "c" * 64,
            "last_planned_slot": T1, "active": True, "updated_at": T0,
        }])
        c.execute(t["publication"].insert(), [{
            "id": 1, "campaign_id": 1, "story_id": 1, "channel": "vk", "slot": T1,
            "status": "published", "attempts": 1, "next_attempt_at": None,
            "lease_owner": None, "lease_until": None, "external_id": "-123_456",
            "url": "https://vk.com/wall-123_456", "last_error": None, "referral_code": "M1",
            "created_at": T0, "published_at": T1,
        }])
        c.execute(t["engagementsnapshot"].insert(), [{
            "id": 1, "publication_id": 1, "taken_at": T1, "views": 250, "likes": 31,
            "shares": 4, "comments": 2, "reactions": None,
        }])
        c.execute(t["audiencesnapshot"].insert(), [{
            "id": 1, "channel": "vk", "taken_at": T1, "members": 1480,
        }])
        c.execute(t["referralcode"].insert(), [{
            "id": 1, "code": "M1", "campaign_id": 1, "channel": "press", "publication_id": 1,
            "placement": "Пенсионный фонд, Миасс, ул. Ленина, 5", "created_at": T0,
        }])
        c.execute(t["signup"].insert(), [{
            "id": 1, "created_at": T1, "name": "Пётр Сидоров", "contact": "+7 900 000-00-00",
            "municipality": "Миасс", "source": "poster", "referral_code_id": 1,
            "consent_at": T1, "status": "new",
        }])


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=UTC)


def test_upgrade_from_0001_keeps_every_row(store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    try:
        store.upgrade("0001")
        assert store.status().pending == ["0002", "0003", "0004", "0005", "0006", "0007", "0008",
                                         "0009", "0010", "0011", "0012"]
        _fill_revision_0001(store)

        store.upgrade()

        assert store.status().up_to_date
        with store.session() as s:
            story = s.exec(select(models.Story)).one()
            assert story.title == "Серебряные волонтёры в Миассе"
            assert story.body.endswith("«Урок доброты» для школьников.\nВторая строка.")
            assert story.tags == ["наставничество", "школа"]
            assert story.event_date == dt.date(2024, 6, 30)
            assert story.consent_at == _aware(T0) and story.consent_at.tzinfo == UTC
            assert story.approved_at == _aware(T1)
            assert story.consent_recorded
            photo = s.exec(select(models.Photo)).one()
            assert (photo.story_id, photo.width, photo.credit) == (1, 4000, "Фото: Сергей К.")
            campaign = s.exec(select(models.Campaign)).one()
            assert campaign.active is True and campaign.last_planned_slot == _aware(T1)
            publication = s.exec(select(models.Publication)).one()
            assert publication.slot == _aware(T1) and publication.slot.tzinfo == UTC
            assert (publication.status, publication.url) == (
                "published", "https://vk.com/wall-123_456")
            engagement = s.exec(select(models.EngagementSnapshot)).one()
            assert (engagement.views, engagement.likes, engagement.reactions) == (250, 31, None)
            # 0004: the latest figures of each publication, filled from its snapshots.
            latest = s.exec(select(models.EngagementLatest)).one()
            assert (latest.publication_id, latest.views, latest.likes, latest.taken_at) == (
                engagement.publication_id, 250, 31, engagement.taken_at)
            audience = s.exec(select(models.AudienceSnapshot)).one()
            assert (audience.members, audience.taken_at) == (1480, _aware(T1))
            code = s.exec(select(models.ReferralCode)).one()
            assert code.placement == "Пенсионный фонд, Миасс, ул. Ленина, 5"
            # 0003: codes made before kinds existed were all publication codes.
            assert (code.kind, code.short_code) == ("publication", None)
            signup = s.exec(select(models.SignUp)).one()
            assert (signup.name, signup.referral_code_id) == ("Пётр Сидоров", 1)
            # 0005: the columns the sign-up bots fill are there, empty for old rows.
            assert (signup.phone, signup.person, signup.dialog) == (None, None, None)
            assert signup.consent_at == _aware(T1)
            # 0006: a phone is not unique any more; an old row is not merged nor confirmed.
            assert (signup.merged_into, signup.phone_confirmed) == (None, None)
            signup.phone = "+79123456789"
            s.add(models.SignUp(id=2, created_at=_aware(T1), source="offline",
                                status="completed", phone="+79123456789"))

            # The new table works alongside the old rows.
            s.add(models.PublicationAttempt(
                publication_id=1, number=1, started_at=_aware(T1), outcome="transient",
                error="VK: сервер не ответил за 30 с", worker="host-1:42"))
            s.add(models.CampaignSlot(campaign_id=1, slot=_aware(T1), outcome="empty",
                                      detail="no approved story left", recorded_at=_aware(T1)))
            code.short_code = "MIA-7"
        with store.session() as s:
            attempt = s.exec(select(models.PublicationAttempt)).one()
            assert attempt.error == "VK: сервер не ответил за 30 с"
            assert attempt.started_at == _aware(T1) and attempt.finished_at is None
            assert s.exec(select(models.CampaignSlot)).one().outcome == "empty"
            assert s.exec(select(models.ReferralCode)).one().short_code == "MIA-7"
    finally:
        store.dispose()


def test_downgrade_to_0001_drops_only_the_attempt_log(store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    try:
        store.upgrade("0001")
        _fill_revision_0001(store)
        store.upgrade()
        with store.session() as s:
            s.add(models.PublicationAttempt(publication_id=1, number=1, started_at=_aware(T1),
                                            outcome="published"))

        store.downgrade("0001")

        assert store.current_revision() == "0001"
        names = set(sa.inspect(store.engine).get_table_names())
        assert "publicationattempt" not in names
        with store.engine.connect() as c:
            for table in ("story", "photo", "campaign", "publication", "engagementsnapshot",
                          "audiencesnapshot", "referralcode", "signup"):
                assert c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
            title = c.execute(sa.text("SELECT title FROM story")).scalar()
        assert title == "Серебряные волонтёры в Миассе"
        # And forward again: the same database, current once more.
        store.upgrade()
        assert store.status().up_to_date
    finally:
        store.dispose()


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004", "0005", "0006", "0007",
                                      "0008", "0009", "0010", "0011", "0012"])
def test_every_revision_says_what_it_does(tmp_path: Any, revision: str) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}", migrate=False)
    try:
        status = store.status()
    finally:
        store.dispose()
    assert status.current is None
    assert revision in status.pending
    assert status.messages[revision]  # shown by `outreach db status`


def test_revision_files_are_numbered_as_their_ids() -> None:
    """Opening a current database skips Alembic by trusting this naming (newest_revision_file)."""
    import re

    from outreach.db import MIGRATIONS, head_revision, newest_revision_file

    files = sorted((MIGRATIONS / "versions").glob("*.py"))
    for path in files:
        revision = re.search(r"^revision = '(\w+)'", path.read_text(), re.M).group(1)
        assert path.name.startswith(f"{revision}_"), path.name
    assert newest_revision_file() == head_revision()


def test_0006_turns_erased_dialogs_into_sql_null_and_frees_the_phone(store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    try:
        store.upgrade("0005")
        signup = sa.table("signup", sa.column("id"), sa.column("created_at"),
                          sa.column("source"), sa.column("status"), sa.column("phone"),
                          sa.column("dialog", sa.JSON()))
        with store.engine.begin() as c:  # as 0005's models wrote an erased dialog: JSON null
            c.execute(signup.insert(), [
                {"id": 1, "created_at": T0, "source": "telegram", "status": "completed",
                 "phone": "+79123456789", "dialog": None},
                {"id": 2, "created_at": T0, "source": "telegram", "status": "started",
                 "phone": None, "dialog": {"step": "phone", "data": {}}}])
        store.upgrade()
        with store.session() as s:
            waiting = s.exec(select(models.SignUp.id).where(
                models.SignUp.dialog.is_not(None))).all()
            assert waiting == [2]
            s.add(models.SignUp(id=3, created_at=_aware(T1), source="offline",
                                status="completed", phone="+79123456789"))
    finally:
        store.dispose()
