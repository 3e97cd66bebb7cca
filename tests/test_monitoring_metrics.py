"""The figures of a scrape when the database cannot be read: said, not a failed scrape."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from outreach.db import open_store
from outreach.db.models import utcnow
from outreach.monitoring.metrics import collect


def test_a_database_that_cannot_be_read_is_a_zero_not_an_error(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'outreach.db'}")
    try:
        assert [f.samples for f in collect(store, utcnow())[:2]] == [[({}, 1)], [({}, 1)]]
        with store.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE publication"))
        families = collect(store, utcnow())
    finally:
        store.dispose()
    assert [(f.name, f.samples) for f in families] == [("outreach_up", [({}, 1)]),
                                                       ("outreach_database_up", [({}, 0)])]
