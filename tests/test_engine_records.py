"""Channels' durable notes in the store: what one worker writes, another reads."""

from __future__ import annotations

from outreach.db import Store
from outreach.engine.records import StoreRecords


def test_a_note_is_kept_replaced_and_seen_by_another_worker(store: Store) -> None:
    mine, other = StoreRecords(store, "press"), StoreRecords(store, "press")
    assert mine.get("mail:outreach-1-abc") is None
    mine.put("mail:outreach-1-abc", {"outlets": {"Миасский рабочий": {"state": "sending"}}})
    assert other.get("mail:outreach-1-abc") == {
        "outlets": {"Миасский рабочий": {"state": "sending"}}}
    other.put("mail:outreach-1-abc", {"outlets": {"Миасский рабочий": {"state": "sent"}}})
    assert mine.get("mail:outreach-1-abc") == {"outlets": {"Миасский рабочий": {"state": "sent"}}}
    # Each channel has its own notes.
    assert StoreRecords(store, "radio").get("mail:outreach-1-abc") is None
