"""Building blocks for engine tests: a centre folder with a campaign, stories and test channels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outreach.campaigns.spec import CampaignSpec, load_campaigns
from outreach.config import Config
from outreach.db import Store, open_store
from outreach.db.models import Publication, Story
from outreach.engine.planner import sync_campaigns
from outreach.platforms.registry import Registry
from outreach_testing import RecordingChannel, make_registry, make_test_config

T0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Yekaterinburg

CAMPAIGN = """\
name = "Test campaign"
time_zone = "Asia/Yekaterinburg"
grace = "{grace}"

[schedule]
{schedule}

[content]
per_run = {per_run}
reuse_after_days = {reuse}

[post]
template = "{{title}}\\n\\n{{body}}"

[channels]
names = {channels}
"""


@dataclass
class Centre:
    config: Config
    store: Store
    registry: Registry
    specs: dict[str, CampaignSpec]
    ids: dict[str, int]
    folder: Path

    def specs_by_id(self) -> dict[int, CampaignSpec]:
        return {self.ids[slug]: spec for slug, spec in self.specs.items()}


def make_centre(tmp_path: Path, store_url: str, channels: dict[str, dict[str, Any]], *,
                schedule: str = 'every = "1h"', grace: str = "1h", per_run: int = 1,
                reuse: int = 0, plugins: tuple[type, ...] = (RecordingChannel,)) -> Centre:
    (tmp_path / "campaigns").mkdir(parents=True, exist_ok=True)
    (tmp_path / "campaigns" / "test.toml").write_text(CAMPAIGN.format(
        grace=grace, schedule=schedule, per_run=per_run, reuse=reuse,
        channels="[" + ", ".join(f'"{c}"' for c in channels) + "]"), encoding="utf-8")
    config = make_test_config(tmp_path, channels, top={"database_url": store_url})
    store = open_store(config.database_url)
    registry = make_registry(config, plugins=plugins)
    specs, problems = load_campaigns(config)
    assert not problems, problems
    by_slug = {spec.slug: spec for spec in specs}
    return Centre(config, store, registry, by_slug, sync_campaigns(store, specs), tmp_path)


def add_stories(store: Store, count: int, *, status: str = "approved") -> list[int]:
    now = dt.datetime.now(dt.UTC)
    ids = []
    with store.session() as session:
        for number in range(count):
            story = Story(kind="story", title=f"Story {number + 1}", body=f"Body {number + 1}",
                          status=status, source_folder=f"/stories/{number + 1}",
                          content_hash=f"h{number}", created_at=now, updated_at=now,
                          event_date=dt.date(2026, 1, 1) + dt.timedelta(days=number))
            session.add(story)
            session.flush()
            ids.append(story.id)
    return ids


def add_publications(store: Store, campaign_id: int, story_ids: list[int], channel: str,
                     slot: dt.datetime = T0) -> list[int]:
    ids = []
    with store.session() as session:
        for story_id in story_ids:
            publication = Publication(campaign_id=campaign_id, story_id=story_id,
                                      channel=channel, slot=slot, next_attempt_at=slot,
                                      created_at=slot)
            session.add(publication)
            session.flush()
            ids.append(publication.id)
    return ids


def publication(store: Store, publication_id: int) -> Publication:
    with store.session() as session:
        row = session.get(Publication, publication_id)
        assert row is not None
        return row
