from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from outreach.campaigns.selection import pick_for_slot
from outreach.campaigns.spec import CampaignSpec, ChannelRule, load_campaign
from outreach.config import Config
from outreach.db.models import Photo, Publication, Story, utcnow
from outreach_testing import make_test_config

SLOT = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    config = make_test_config(
        tmp_path,
        {
            "vk": {"plugin": "test", "tags": ["social"]},
            "tg": {"plugin": "test", "tags": ["social"]},
            "vk-miass": {"plugin": "test", "municipality": "Миасс"},
        },
        top={"municipalities": ["Миасс", "Златоуст"]},
    )
    config.campaigns_dir.mkdir()
    return config


def spec_for(config: Config, content: str, channels: str = 'names = ["vk"]') -> CampaignSpec:
    (config.campaigns_dir / "c.toml").write_text(
        f'name = "C"\n[schedule]\nevery = "1d"\n[content]\n{content}\n'
        f"[channels]\n{channels}\n", encoding="utf-8")
    return load_campaign(config, "c")


def add_story(store: Any, title: str, day: int | None, **fields: Any) -> int:
    values: dict[str, Any] = {
        "kind": "photo-report", "status": "approved", "tags": ["mentoring"],
        "consent_by": "Иванова А.", "consent_at": utcnow(), "municipality": "Миасс",
    }
    values.update(fields)
    now = utcnow()
    story = Story(title=title, body="…", event_date=dt.date(2026, 10, day) if day else None,
                  source_folder=f"/media/{title}", content_hash="0" * 64,
                  created_at=now, updated_at=now, **values)
    with store.session() as session:
        session.add(story)
        session.flush()
        assert story.id is not None
        return story.id


def publish(store: Any, story_id: int, channel: str, slot: dt.datetime,
            status: str = "published") -> None:
    with store.session() as session:
        session.add(Publication(story_id=story_id, channel=channel, slot=slot, status=status,
                                created_at=utcnow()))


def titles(store: Any, config: Config, spec: CampaignSpec, channel: str = "vk",
           count: int = 10, slot: dt.datetime = SLOT,
           exclude: frozenset[int] = frozenset()) -> list[str]:
    """The stories ``spec`` would take at ``slot`` were it to send ``count`` to ``channel``."""
    one_channel = dataclasses.replace(
        spec, content=dataclasses.replace(spec.content, per_run=count),
        channels=ChannelRule(names=(channel,), tags=(), by_municipality=False))
    with store.session() as session:
        return [s.title for s, _ in pick_for_slot(session, one_channel, config, slot, exclude)]


def test_only_approved_stories_with_consent_that_match(store: Any, config: Config) -> None:
    spec = spec_for(config, 'kinds = ["photo-report"]\ntags = ["mentoring"]\n'
                            'municipalities = ["Миасс"]')
    add_story(store, "ok", 3)
    add_story(store, "draft", 1, status="draft")
    add_story(store, "archived", 1, status="archived")
    add_photo(store, add_story(store, "no consent", 1, consent_by=None, consent_at=None))
    add_story(store, "other kind", 1, kind="story")
    add_story(store, "other tag", 1, tags=["sport"])
    add_story(store, "other place", 1, municipality="Златоуст")
    add_story(store, "two tags", 4, tags=["sport", "mentoring"])
    assert titles(store, config, spec) == ["ok", "two tags"]


def test_a_story_without_photos_needs_no_consent(store: Any, config: Config) -> None:
    spec = spec_for(config, "")
    add_story(store, "text only", 1, kind="story", consent_by=None, consent_at=None)
    add_photo(store, add_story(store, "people shown", 2, consent_by=None, consent_at=None))
    assert titles(store, config, spec) == ["text only"]


def add_photo(store: Any, story_id: int) -> None:
    with store.session() as session:
        session.add(Photo(story_id=story_id, file="1.jpg", sha256="a" * 64, width=10,
                          height=10))


def test_oldest_unpublished_first_then_least_recently_used(store: Any, config: Config) -> None:
    spec = spec_for(config, "reuse_after_days = 30")
    old = add_story(store, "old", 1)
    add_story(store, "newer", 9)
    add_story(store, "undated", None)
    add_story(store, "middle", 5)
    recent = add_story(store, "recent use", 2)
    publish(store, old, "vk", SLOT - dt.timedelta(days=200))
    publish(store, recent, "vk", SLOT - dt.timedelta(days=100))
    assert titles(store, config, spec) == ["middle", "newer", "undated", "old", "recent use"]
    # Use on another channel does not count for this one.
    assert titles(store, config, spec, channel="tg")[:2] == ["old", "recent use"]


def test_reuse_window_and_never_reuse(store: Any, config: Config) -> None:
    spec = spec_for(config, "reuse_after_days = 30")
    fresh = add_story(store, "used 10 days ago", 1)
    stale = add_story(store, "used 40 days ago", 2)
    failed = add_story(store, "failed 1 day ago", 3)
    planned = add_story(store, "planned later", 4)
    publish(store, fresh, "vk", SLOT - dt.timedelta(days=10))
    publish(store, stale, "vk", SLOT - dt.timedelta(days=40))
    publish(store, failed, "vk", SLOT - dt.timedelta(days=1), status="failed")
    publish(store, planned, "vk", SLOT + dt.timedelta(days=3), status="planned")
    assert titles(store, config, spec) == ["failed 1 day ago", "used 40 days ago"]
    never = spec_for(config, "")
    assert titles(store, config, never) == ["failed 1 day ago"]


def test_newest_and_excluded(store: Any, config: Config) -> None:
    spec = spec_for(config, 'order = "newest"')
    add_story(store, "a", 1)
    b = add_story(store, "b", 20)
    add_story(store, "c", 10)
    add_story(store, "undated", None)
    assert titles(store, config, spec) == ["b", "c", "a", "undated"]
    assert titles(store, config, spec, count=2, exclude=frozenset({b})) == ["c", "a"]


def test_random_is_repeatable_for_a_slot_and_varies_between_slots(store: Any,
                                                                  config: Config) -> None:
    spec = spec_for(config, 'order = "random"\nseed = 42')
    for n in range(12):
        add_story(store, f"s{n}", n + 1)
    first = titles(store, config, spec, count=12)
    assert first == titles(store, config, spec, count=12)
    assert sorted(first) == sorted(f"s{n}" for n in range(12))
    others = {tuple(titles(store, config, spec, count=12, slot=SLOT + dt.timedelta(days=d)))
              for d in range(1, 4)}
    assert any(order != tuple(first) for order in others)


def test_a_slot_picks_per_run_stories_each_with_its_channels(store: Any, config: Config) -> None:
    spec = spec_for(config, "per_run = 2", 'tags = ["social"]\nby_municipality = true')
    miass = add_story(store, "Миасс", 1)
    add_story(store, "Златоуст", 2, municipality="Златоуст")
    add_story(store, "third", 3)
    publish(store, miass, "vk", SLOT - dt.timedelta(days=1))
    with store.session() as session:
        picked = pick_for_slot(session, spec, config, SLOT)
    # Миасс is used on vk, so it goes only where it is not; it still sorts after fresh ones.
    assert [(s.title, channels) for s, channels in picked] == [
        ("Златоуст", ["vk", "tg"]), ("third", ["vk", "tg", "vk-miass"])]
    with store.session() as session:
        later = pick_for_slot(session, spec, config, SLOT,
                              exclude={s.id for s, _ in picked if s.id})
    assert [(s.title, channels) for s, channels in later] == [("Миасс", ["tg", "vk-miass"])]
