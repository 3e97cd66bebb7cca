"""The sign-up desk's test setting: a config with [signups], a coordinators' chat that
keeps what it is sent, a desk on a fixed clock, and a person going through the dialog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from outbox_support import add_campaign, add_publication, add_story
from sqlmodel import select

from outreach.channels import Incoming, Reply
from outreach.config import Config
from outreach.db import Store
from outreach.db.models import Campaign, ReferralCode, SignUp, utcnow
from outreach.signups.desk import YES, StoreDesk
from outreach.signups.flood import Flood
from outreach_testing import RecordingChannel, make_registry, make_test_config

MUNICIPALITIES = ["Миасс", "Златоуст", "Копейск"]
T0 = dt.datetime(2026, 10, 5, 6, tzinfo=dt.UTC)


class ChatChannel(RecordingChannel):
    """A channel that keeps what it was asked to send to a chat."""

    plugin_name = "chat"
    sent: ClassVar[list[tuple[str, str]]] = []
    broken: ClassVar[bool] = False

    def notify(self, chat: str, text: str) -> None:
        if ChatChannel.broken:
            raise RuntimeError("chat is down")
        ChatChannel.sent.append((chat, text))


def signup_config(tmp_path: Path, top: dict[str, Any] | None = None, **signups: Any) -> Config:
    """Channels tg and vk (test plugin) and team (the coordinators' chat), the
    municipalities, and [signups] with ``signups`` over a policy and the team chat."""
    settings = {"policy_url": "https://example.org/policy", "policy_version": "2026-1",
                "coordinators": {"channel": "team", "chat": "@coordinators"}, **signups}
    return make_test_config(
        tmp_path, {"tg": {"plugin": "test", "log": "tg.jsonl"},
                   "vk": {"plugin": "test", "log": "vk.jsonl"},
                   "team": {"plugin": "chat", "log": "team.jsonl"}},
        top={"municipalities": MUNICIPALITIES, **(top or {})}, sections={"signups": settings})


def make_desk(store: Store, config: Config, clock: Any = lambda: T0,
              flood: Flood | None = None) -> StoreDesk:
    registry = make_registry(config, (RecordingChannel, ChatChannel))
    return StoreDesk(store, config, registry, clock=clock, flood=flood)


def fresh_config(tmp_path: Path) -> Config:
    """``signup_config`` with the coordinators' chat emptied and working."""
    ChatChannel.sent = []
    ChatChannel.broken = False
    return signup_config(tmp_path)


def published_code(store: Store, channel: str = "tg", code: str = "Ab3dEf7hJk2m",
                   campaign: str = "mentoring") -> int:
    """A published post with its referral code, as planning makes them."""
    with store.session() as s:
        story = add_story(s, f"История {code}")
        existing = s.exec(select(Campaign).where(Campaign.slug == campaign)).first()
        campaign_id = existing.id if existing else add_campaign(s, campaign)
        publication = add_publication(s, story, campaign_id, channel, T0, "published",
                                      published_at=T0, referral_code=code)
        row = ReferralCode(code=code, campaign_id=campaign_id, channel=channel,
                           publication_id=publication, kind="publication",
                           short_code=f"TGX-{publication}", created_at=utcnow())
        s.add(row)
        s.flush()
        return row.id


def poster(store: Store) -> int:
    """A poster's code at the pension fund in Миасс: MIA-7."""
    with store.session() as s:
        row = ReferralCode(code="PosterCode1234", kind="placement", channel="press",
                           placement="Пенсионный фонд, Миасс", short_code="MIA-7",
                           created_at=utcnow())
        s.add(row)
        s.flush()
        return row.id


def say(desk: StoreDesk, text: str | None = None, person: str = "1001", channel: str = "tg",
        **values: Any) -> list[Reply]:
    return desk.handle(channel, Incoming(person=person, text=text, **values))


def complete(desk: StoreDesk, person: str = "1001", code: str | None = "Ab3dEf7hJk2m",
             phone: str = "+7 912 345-67-89", name: str = "Анна Петрова",
             channel: str = "tg") -> list[Reply]:
    say(desk, person=person, channel=channel, started=True, start_code=code)
    say(desk, name, person=person, channel=channel)
    say(desk, person=person, channel=channel, choice="Миасс")
    say(desk, person=person, channel=channel, contact_phone=phone)
    say(desk, person=person, channel=channel, choice="Наставничество")
    return say(desk, person=person, channel=channel, choice=YES)


def rows(store: Store) -> list[SignUp]:
    with store.session() as s:
        return list(s.exec(select(SignUp).order_by(SignUp.id)))
