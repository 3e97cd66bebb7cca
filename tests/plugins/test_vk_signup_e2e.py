"""End to end: a VK post, a person following its link, the store's desk, ``outreach stats``.

The real vk_api client talks to the fake VK; the fake's scripted person reads
the bot's messages and answers them; the core's StoreDesk runs the dialog over
a real store (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from outbox_support import add_campaign, add_publication, add_story
from sqlmodel import select
from vk_support import BotVK, running_bot_fake, wait_for

from outreach.channels import Post
from outreach.cli import cli
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import AudienceJoin, Publication, ReferralCode, SignUp, utcnow
from outreach.i18n import language
from outreach.signups.desk import StoreDesk
from outreach_testing import make_registry, make_test_config
from outreach_vk import VKChannel
from outreach_vk.fake import FakeVK
from outreach_vk.fake.bot import COORDINATORS_PEER

MUNICIPALITIES = ["Миасс", "Златоуст", "Копейск"]
CODE = "Vk7mPq2ZxR4a"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_bot_fake(tmp_path)


def centre_config(folder: Path, fake: FakeVK, store_url: str) -> Config:
    section = {"plugin": "vk", "group_id": fake.store.world.group_id, "api_url": fake.url,
               "user_token_env": "VK_USER_TOKEN", "community_token_env": "VK_COMMUNITY_TOKEN"}
    signups = {"policy_url": "https://example.org/policy", "policy_version": "2026-1",
               "coordinators": {"channel": "vk-region", "chat": str(COORDINATORS_PEER)}}
    return make_test_config(folder, {"vk-region": section},
                            top={"database_url": store_url, "municipalities": MUNICIPALITIES},
                            sections={"signups": signups})


@pytest.fixture
def centre(workdir: Path, fake: FakeVK, store: Store,
           store_url: str) -> Iterator[tuple[VKChannel, StoreDesk]]:
    config = centre_config(workdir, fake, store_url)
    registry = make_registry(config, [BotVK], env={
        "VK_USER_TOKEN": fake.token("user"), "VK_COMMUNITY_TOKEN": fake.token("community")})
    channel = registry.get("vk-region")
    assert isinstance(channel, VKChannel)
    desk = StoreDesk(store, config, registry)
    channel.start_intake(desk)
    try:
        yield channel, desk
    finally:
        channel.close()


def publish_with_code(store: Store, channel: VKChannel) -> int:
    """A campaign's post published to the fake VK with its sign-up link, as the engine does."""
    with store.session() as s:
        story = add_story(s, "Серебряные волонтёры в школе №5")
        campaign = add_campaign(s, "mentoring")
        publication = add_publication(s, story, campaign, "vk-region", status="sending",
                                      referral_code=CODE)
        s.add(ReferralCode(code=CODE, campaign_id=campaign, channel="vk-region",
                           publication_id=publication, kind="publication",
                           short_code="MIA-1", created_at=utcnow()))
    link = channel.signup_link(CODE)
    sent = channel.publish(Post(publication_id=publication, idempotency_key=f"p{publication}",
                                text=f"Урок финансовой грамотности. Записаться: {link}",
                                title="Урок", referral_code=CODE, signup_link=link))
    with store.session() as s:
        row = s.get(Publication, publication)
        row.status, row.external_id, row.url = "published", sent.external_id, sent.url
        row.published_at = utcnow()
        s.add(row)
    return publication


def funnel_row(runner: CliRunner) -> list[str]:
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    funnel = result.output.split("Sign-up funnel", 1)[1]
    return next(line.split() for line in funnel.splitlines()
                if line.strip().startswith("mentoring"))


def test_a_person_following_a_vk_post_signs_up_and_stats_shows_it(
        centre: tuple[VKChannel, StoreDesk], fake: FakeVK, store: Store) -> None:
    channel, desk = centre
    publish_with_code(store, channel)
    [post] = fake.wall()
    [code] = re.findall(r"vk\.me/club\d+\?ref=([A-Za-z0-9_-]+)", post["text"])
    person = fake.simulate_person(code)
    wait_for(lambda: any(m.peer_id == COORDINATORS_PEER for m in fake.inbox.sent), 20)
    with store.session() as s:
        [signup] = s.exec(select(SignUp)).all()
        code_row = s.get(ReferralCode, signup.referral_code_id)
    assert signup.status == "completed" and signup.source == "vk"
    assert signup.person == f"vk:{person}"
    assert signup.name == fake.person(person).name
    assert signup.phone.startswith("+79") and len(signup.phone) == 12
    assert signup.municipality in MUNICIPALITIES and signup.consent_at is not None
    assert code_row.code == CODE
    [note] = [m for m in fake.inbox.sent if m.peer_id == COORDINATORS_PEER]
    assert fake.person(person).name in note.text
    row = funnel_row(CliRunner())
    assert row[:2] == ["mentoring", "vk-region"]
    assert "1" in row[2:]  # one start and one sign-up for this campaign and channel


def test_a_join_after_a_post_is_counted_apart_from_sign_ups(
        centre: tuple[VKChannel, StoreDesk], fake: FakeVK, store: Store) -> None:
    channel, desk = centre
    publication = publish_with_code(store, channel)
    fake.join(4242)
    joins = wait_for(lambda: _joins(store))
    assert [(j.person, j.publication_id) for j in joins] == [("vk:4242", publication)]
    with store.session() as s:
        assert s.exec(select(SignUp)).all() == []
    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"joins": 1' in result.output.replace("\n", " ") or '"joins":1' in result.output


def test_a_person_who_abandons_is_kept_as_started(
        centre: tuple[VKChannel, StoreDesk], fake: FakeVK, store: Store) -> None:
    channel, desk = centre
    publish_with_code(store, channel)
    person = fake.simulate_person(CODE, "abandon")
    wait_for(lambda: fake.person(person).finished, 20)
    with store.session() as s:
        [signup] = s.exec(select(SignUp)).all()
    assert signup.status == "started" and signup.completed_at is None


@pytest.mark.parametrize(("lang", "question"), [("ru", "Как вас зовут"),
                                                ("en", "What is your name")])
def test_the_sandboxs_people_answer_the_dialog_in_either_language(
        centre: tuple[VKChannel, StoreDesk], fake: FakeVK, store: Store, lang: str,
        question: str) -> None:
    channel, desk = centre
    with language(lang):
        publish_with_code(store, channel)
        sending_a_photo = fake.simulate_person(CODE, "photo")
        refusing = fake.simulate_person(CODE, "refuse")
        wait_for(lambda: fake.person(sending_a_photo).finished
                 and fake.person(refusing).finished, 20)
        wait_for(lambda: any(m.peer_id == COORDINATORS_PEER for m in fake.inbox.sent), 20)
    said = [text for who, text in fake.person(sending_a_photo).transcript if who == "bot"]
    assert any(question in text for text in said), said
    with store.session() as s:
        rows = sorted(s.exec(select(SignUp)).all(), key=lambda row: row.status)
    assert [row.status for row in rows] == ["completed", "started"]
    assert (rows[1].name, rows[1].phone) == (None, None)  # the refusal kept nothing of theirs


def _joins(store: Store) -> list[AudienceJoin]:
    with store.session() as s:
        return list(s.exec(select(AudienceJoin)).all())
