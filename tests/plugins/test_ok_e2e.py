"""End to end through the engine: a story with three photos goes to an OK group on schedule,
its engagement and the group's audience are collected, a person who follows the post's
sign-up link is attributed to it, and ``outreach stats`` shows the OK channel.

The plugin's client talks to the fake OK over loopback; the store is real (SQLite and
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from ok_support import FastOK, environment, running_fake, section
from PIL import Image
from signup_support import ChatChannel, complete
from sqlmodel import select

from outreach.campaigns.spec import load_campaigns
from outreach.cli import cli
from outreach.db import Store
from outreach.db.models import Publication, SignUp
from outreach.engine.collectors import collect_audience, collect_engagement
from outreach.engine.dispatcher import Dispatcher
from outreach.engine.planner import plan_due, sync_campaigns
from outreach.library.importer import import_paths
from outreach.library.stories import approve_story
from outreach.signups.desk import StoreDesk
from outreach_ok.fake import FakeOK
from outreach_testing import RecordingChannel, make_registry, make_test_config

T0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Yekaterinburg
CAMPAIGN = """\
name = "Наставничество"
time_zone = "Asia/Yekaterinburg"

[schedule]
cron = "0 10 * * TUE,THU"

[content]
per_run = 1

[post]
template = "{title}\\n\\n{body}\\n\\nЗаписаться: {signup_link}"

[channels]
names = ["ok-region"]
"""
STORY = """\
+++
title = "Урок финансовой грамотности"
kind = "photo-report"
municipality = "Миасс"
[consent]
recorded_by = "Ирина Петрова"
recorded_at = 2026-11-14
{photos}
+++
Серебряные волонтёры рассказали школьникам, как беречь деньги.
"""


def jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120 + seed, 90), (seed * 60 % 256, 120, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeOK]:
    yield from running_fake(tmp_path)


def test_a_photo_report_reaches_ok_on_schedule_and_brings_a_volunteer(
        workdir: Path, fake: FakeOK, store: Store, store_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    story = workdir / "library" / "lesson"
    story.mkdir(parents=True)
    listed = []
    for number in range(1, 4):
        (story / f"0{number}.jpg").write_bytes(jpeg(number))
        listed += ["[[photos]]", f'file = "0{number}.jpg"', f'caption = "Фото {number}"']
    (story / "story.md").write_text(STORY.format(photos="\n".join(listed)), encoding="utf-8")
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "mentoring.toml").write_text(CAMPAIGN, encoding="utf-8")
    signups = {"policy_url": "https://example.org/policy", "policy_version": "2026-1",
               "coordinators": {"channel": "team", "chat": "@coordinators"}}
    config = make_test_config(workdir, {
        "ok-region": section(fake, signup_url="https://t.me/outreach_sandbox_bot?start={code}"),
        "tg": {"plugin": "test", "log": "tg.jsonl"},
        "team": {"plugin": "chat", "log": "team.jsonl"}},
        top={"database_url": store_url, "municipalities": ["Миасс", "Златоуст"]},
        sections={"signups": signups})
    for name, value in environment(fake).items():
        monkeypatch.setenv(name, value)
    registry = make_registry(config, (FastOK, RecordingChannel, ChatChannel),
                             env=environment(fake))
    [story_id] = import_paths(store, [workdir / "library"]).story_ids.values()
    approve_story(store, story_id)

    specs, problems = load_campaigns(config)
    assert not problems, problems
    ids = sync_campaigns(store, specs)
    [spec] = specs
    plan_due(store, config, spec, ids[spec.slug], T0)
    dispatcher = Dispatcher(store, config, registry, lambda: {ids[spec.slug]: spec}, "w1",
                            clock=lambda: T0)
    dispatcher.tick()
    assert dispatcher.wait_idle(30)
    dispatcher.stop()  # published: its thread ends here, not in a later test

    with store.session() as s:
        [row] = s.exec(select(Publication)).all()
    assert row.status == "published", row.last_error
    [topic] = fake.topics()
    assert row.external_id == topic["id"]
    assert row.url == f"https://ok.ru/group/{fake.store.world.group_id}/topic/{topic['id']}"
    assert topic["text"].startswith("Урок финансовой грамотности")
    assert f"https://t.me/outreach_sandbox_bot?start={row.referral_code}" in topic["text"]
    assert len(topic["photos"]) == 3 and {p["format"] for p in topic["photos"]} == {"JPEG"}

    fake.clock.advance(2 * 24 * 3600)
    later = T0 + dt.timedelta(hours=2)
    assert collect_engagement(store, registry, later).snapshots == 1
    assert collect_audience(store, registry, later).errors == []

    ChatChannel.sent = []
    desk = StoreDesk(store, config, registry)
    complete(desk, code=row.referral_code, channel="tg")
    with store.session() as s:
        [signup] = s.exec(select(SignUp)).all()
    assert signup.referral_code_id is not None

    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    [ok_row] = [r for r in report["rows"] if r["channel"] == "ok-region"]
    assert ok_row["publications"] == 1 and ok_row["signups"] == 1
    assert ok_row["likes"] > 0 and ok_row["comments"] is not None
    assert ok_row["views"] is None  # OK does not give a topic's views: unknown, never 0
    [members] = [a for a in report["audience"] if a["channel"] == "ok-region"]
    assert members["last"] == fake.methods.members()
