"""The planner lock on PostgreSQL: one per store, and stores in schemas of one database
do not wait for each other (an advisory lock belongs to the whole database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from conftest import PG_URL, _pg_schema_url

from outreach.db import Store, open_store
from outreach.engine.locks import PlannerLock


@pytest.fixture
def two_schemas() -> Iterator[tuple[str, str]]:
    """Two empty stores' URLs in schemas of the same PostgreSQL database."""
    if os.environ.get("OUTREACH_SKIP_PG") == "1":
        pytest.skip("OUTREACH_SKIP_PG=1: PostgreSQL store tests left out on purpose")
    schemas = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for schema in schemas:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schemas[0]), _pg_schema_url(schemas[1])
    finally:
        with admin.connect() as connection:
            for schema in schemas:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_one_planner_per_store_and_schemas_of_one_database_plan_side_by_side(
        two_schemas: tuple[str, str]) -> None:
    stores: list[Store] = [open_store(url) for url in (*two_schemas, two_schemas[0])]
    first, other, second_worker = (PlannerLock(store) for store in stores)
    try:
        assert first.acquire()
        assert other.acquire(), "a store in another schema must not wait for this one"
        assert not second_worker.acquire(), "two workers of one store planned at once"
        first.release()
        assert second_worker.acquire(), "the lock was not given back"
    finally:
        for lock in (first, other, second_worker):
            lock.release()
        for store in stores:
            store.dispose()
