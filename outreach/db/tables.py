"""The columns that read-only commands (``stats --by home``, ``stats audience``,
``outreach report``) query, as SQLAlchemy Core tables.

``models`` declares the store's tables as SQLModel classes, whose import (pydantic
models of every table) costs a fresh process more than the queries themselves.
These tables describe the same columns without pydantic, on their own metadata,
and only those the queries read; a test holds each one to its model (name, type,
nullability, key). ``UTCDateTime`` lives here so both share it. (``outreach
stats`` itself reads through ``reader``, in plain SQL.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from outreach.db.states import METRICS, SignupStatus


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Stores naive UTC, returns aware UTC; refuses naive datetimes on the way in."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; times must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


metadata = sa.MetaData()


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _text(name: str, length: int, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _when(name: str, nullable: bool = True) -> sa.Column[dt.datetime]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _count(name: str, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, nullable=nullable)


campaign = sa.Table("campaign", metadata, _id(), _text("slug", 200, nullable=False))

campaignslot = sa.Table(
    "campaignslot", metadata, _id(), _count("campaign_id", nullable=False),
    _when("slot", nullable=False), _text("outcome", 20, nullable=False),
    sa.Column("detail", sa.Text))

story = sa.Table(
    "story", metadata, _id(), _text("title", 500, nullable=False),
    _text("municipality", 200))

publication = sa.Table(
    "publication", metadata, _id(), _count("campaign_id"),
    _count("story_id", nullable=False), _text("channel", 200, nullable=False),
    _text("status", 20, nullable=False), _when("published_at"))

engagementlatest = sa.Table(
    "engagementlatest", metadata,
    sa.Column("publication_id", sa.Integer, primary_key=True),
    *(_count(metric) for metric in METRICS))

referralcode = sa.Table(
    "referralcode", metadata, _id(), _count("campaign_id"), _text("channel", 200),
    _count("publication_id"), _text("placement", 500), _text("kind", 20, nullable=False))

signup = sa.Table(
    "signup", metadata, _id(), _when("created_at", nullable=False),
    _text("channel", 200), _text("municipality", 200), _text("source", 50, nullable=False),
    _count("referral_code_id"), _when("completed_at"), _text("status", 20, nullable=False))

audiencesnapshot = sa.Table(
    "audiencesnapshot", metadata, _id(), _text("channel", 200, nullable=False),
    _when("taken_at", nullable=False), _count("members"))

audiencejoin = sa.Table(
    "audiencejoin", metadata, _id(), _text("channel", 200, nullable=False),
    _when("joined_at", nullable=False), _count("publication_id"))


def counted(s: Any) -> sa.ColumnElement[bool]:
    """A sign-up that counts (``s``: a signup table's columns or model), as
    ``states.counted_sql`` says in SQL text; a test holds the two to one answer."""
    return sa.and_(s.status != SignupStatus.merged,
                   sa.or_(s.completed_at.is_not(None),
                          s.status.not_in((SignupStatus.started, SignupStatus.forgotten))))


def in_period(column: sa.ColumnElement[Any], since: dt.datetime | None,
              until: dt.datetime | None) -> list[sa.ColumnElement[bool]]:
    """``column`` in [since, until), either end open when None."""
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions
