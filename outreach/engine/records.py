"""Channels' durable notes in the store (``outreach.channels.Records``), one row a note.

A note is written in its own transaction, committed before ``put`` returns, so a
plugin that records "sending" before it calls a platform finds the record after
a crash, from any worker of the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from outreach.channels import Records
from outreach.db.models import ChannelRecord, utcnow
from outreach.db.upsert import insert_for

if TYPE_CHECKING:
    from outreach.db import Store

RECORD = ChannelRecord.__table__


class StoreRecords(Records):
    """The notes of channel ``channel`` in ``store``."""

    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel

    def get(self, key: str) -> dict[str, Any] | None:
        with self.store.engine.connect() as connection:
            value = connection.execute(sa.select(RECORD.c.value).where(
                RECORD.c.channel == self.channel, RECORD.c.key == key)).scalar_one_or_none()
        return dict(value) if isinstance(value, dict) else None

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        row = {"channel": self.channel, "key": key, "value": dict(value), "updated_at": utcnow()}
        statement = insert_for(self.store.engine.dialect.name)(RECORD).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[RECORD.c.channel, RECORD.c.key],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})
        with self.store.engine.begin() as connection:
            connection.execute(statement)
