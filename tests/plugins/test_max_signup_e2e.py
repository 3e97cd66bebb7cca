"""End to end: a MAX post, a person following its deep link, the store's desk, ``stats``.

The real client talks to the fake MAX; the fake's scripted person reads the
bot's messages and answers them (buttons, the "share my phone" button); the
core's StoreDesk runs the dialog over a real store (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from max_support import FastMax, running_fake, wait_for
from outbox_support import add_campaign, add_publication, add_story
from sqlmodel import select

from outreach.channels import Post
from outreach.cli import cli
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import Publication, ReferralCode, SignUp, utcnow
from outreach.signups.desk import StoreDesk
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax
from outreach_max.intake import incoming_from
from outreach_testing import make_registry, make_test_config

MUNICIPALITIES = ["Миасс", "Златоуст", "Копейск"]
CODE = "Mx7mPq2ZxR4a"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeMax]:
    yield from running_fake(tmp_path, speed=500.0)


def centre_config(folder: Path, fake: FakeMax, store_url: str) -> Config:
    described = fake.describe()
    section = {"plugin": "max", "token_env": "MAX_BOT_TOKEN", "api_url": fake.url,
               "chat_id": int(described["chat_id"]), "bot_name": described["bot_name"]}
    signups = {"policy_url": "https://example.org/policy", "policy_version": "2026-1",
               "coordinators": {"channel": "max-region",
                                "chat": described["coordinators_chat"]}}
    return make_test_config(folder, {"max-region": section},
                            top={"database_url": store_url, "municipalities": MUNICIPALITIES},
                            sections={"signups": signups})


@pytest.fixture
def centre(workdir: Path, fake: FakeMax, store: Store,
           store_url: str) -> Iterator[tuple[MaxChannel, StoreDesk]]:
    config = centre_config(workdir, fake, store_url)
    registry = make_registry(config, [FastMax], env={"MAX_BOT_TOKEN": fake.token()})
    channel = registry.get("max-region")
    assert isinstance(channel, MaxChannel)
    desk = StoreDesk(store, config, registry)
    channel.start_intake(desk)
    try:
        yield channel, desk
    finally:
        channel.close()


def publish_with_code(store: Store, channel: MaxChannel) -> int:
    """A campaign's post published to the fake MAX with its deep link, as the engine does."""
    with store.session() as s:
        story = add_story(s, "Серебряные волонтёры в школе №5")
        campaign = add_campaign(s, "mentoring")
        publication = add_publication(s, story, campaign, "max-region", status="sending",
                                      referral_code=CODE)
        s.add(ReferralCode(code=CODE, campaign_id=campaign, channel="max-region",
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


def coordinators_notes(fake: FakeMax) -> list[str]:
    chat = fake.describe()["coordinators_chat"]
    return [m["body"]["text"] for m in fake.api.messages({"chat_id": chat})["messages"]]


def test_a_person_following_a_max_post_signs_up_and_stats_shows_it(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax, store: Store) -> None:
    channel, _desk = centre
    publish_with_code(store, channel)
    [message] = fake.channel_messages()
    [code] = re.findall(r"max\.ru/outreach_sandbox_bot\?start=([A-Za-z0-9_-]+)",
                        message["body"]["text"])
    person = fake.simulate_person(code)
    assert wait_for(lambda: coordinators_notes(fake), 30), fake.person(person).transcript
    with store.session() as s:
        [signup] = s.exec(select(SignUp)).all()
        code_row = s.get(ReferralCode, signup.referral_code_id)
    assert signup.status == "completed" and signup.source == "max"
    assert signup.person == f"max:{person}"
    assert signup.name == fake.person(person).name
    assert signup.phone == "+" + fake.person(person).phone  # shared with the button
    assert signup.municipality in MUNICIPALITIES and signup.consent_at is not None
    assert code_row.code == CODE
    [note] = coordinators_notes(fake)
    assert fake.person(person).name in note
    buttons = [b["type"] for body in fake.sent_to(person)
               for a in body.get("attachments") or [] for row in a["payload"]["buttons"]
               for b in row]
    assert "request_contact" in buttons and "callback" in buttons
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    funnel = result.output.split("Sign-up funnel", 1)[1]
    row = next(line.split() for line in funnel.splitlines()
               if line.strip().startswith("mentoring"))
    assert row[:2] == ["mentoring", "max-region"] and "1" in row[2:]


def test_a_person_who_refuses_consent_leaves_no_sign_up(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax, store: Store) -> None:
    channel, _desk = centre
    publish_with_code(store, channel)
    person = fake.simulate_person(CODE, "refuse")
    assert wait_for(lambda: fake.person(person).finished, 30)
    wait_for(lambda: False, 0.5)  # the bot's last answer
    with store.session() as s:
        signups = s.exec(select(SignUp)).all()
    assert all(s.status != "completed" for s in signups)
    assert all(s.consent_at is None for s in signups)
    assert coordinators_notes(fake) == []


def test_someone_elses_contact_card_does_not_count_as_the_persons_phone(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax, store: Store) -> None:
    other = {"user_id": 999, "first_name": "Чужой", "is_bot": False}
    message = {"update_type": "message_created", "timestamp": 1,
               "message": {"sender": {"user_id": 5, "first_name": "Нина", "is_bot": False},
                           "recipient": {"chat_type": "dialog", "chat_id": 1},
                           "timestamp": 1, "body": {"mid": "mid.1", "seq": 1, "attachments": [
                               {"type": "contact", "payload": {
                                   "vcf_info": "BEGIN:VCARD\r\nTEL:+79120000000\r\nEND:VCARD",
                                   "max_info": other}}]}}}
    incoming = incoming_from(message)
    assert incoming is not None and incoming.person == "5"
    assert incoming.contact_phone == "+79120000000" and incoming.contact_person == "999"


def test_a_deep_link_payload_arrives_as_the_start_code_and_a_too_long_one_is_dropped(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax) -> None:
    long_code = "x" * 129  # "Longer strings will be omitted" (schema, Deep linking)
    person = fake.simulate_person(long_code, "abandon")
    started = [u for u in fake.updates.log if u["update_type"] == "bot_started"
               and u["user"]["user_id"] == person]
    assert "payload" not in started[0]
    assert incoming_from(started[0]).start_code is None  # type: ignore[union-attr]
    assert wait_for(lambda: fake.sent_to(person), 10)  # greeted all the same


def test_a_revoked_token_stops_the_bot_with_a_plain_reason(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax) -> None:
    channel, _desk = centre
    fake.revoke("bot")
    intake = channel.intake
    assert intake is not None
    assert wait_for(lambda: intake.failure is not None, 10)
    assert "MAX_BOT_TOKEN" in intake.failure and "has stopped" in intake.failure


def test_a_max_posts_views_are_collected_on_schedule_and_shown_by_stats(
        centre: tuple[MaxChannel, StoreDesk], fake: FakeMax, store: Store,
        workdir: Path, store_url: str) -> None:
    import datetime as dt

    from outreach.db.models import EngagementSnapshot
    from outreach.engine.collectors import collect_engagement

    channel, _desk = centre
    publication = publish_with_code(store, channel)
    fake.clock.advance(86_400)  # a day of views on the fake's clock
    registry = make_registry(centre_config(workdir, fake, store_url), [FastMax],
                             env={"MAX_BOT_TOKEN": fake.token()})
    report = collect_engagement(store, registry, dt.datetime.now(dt.UTC) +
                                dt.timedelta(days=1))
    assert report.snapshots == 1 and not report.errors
    with store.session() as s:
        [snapshot] = s.exec(select(EngagementSnapshot)).all()
    [message] = fake.channel_messages()
    assert snapshot.publication_id == publication
    assert snapshot.views == message["stat"]["views"] > 0
    assert snapshot.likes is None  # MAX does not tell bots; shown as "—"
    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert str(message["stat"]["views"]) in result.output
    registry.close()
