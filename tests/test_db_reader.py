"""The store read through its database's own driver: what ``outreach stats`` answers from.

``direct`` opens only a database that is ready (existing, at the newest
revision) and leaves everything else to ``open_store``; what it reads equals
what the store reads; moments and periods mean what they mean to SQLAlchemy;
and a fresh ``outreach stats`` process never loads SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_URL
from stats_support import seed_stats

from outreach.db import Store, open_store, tables
from outreach.db.models import SignUp, SignupStatus
from outreach.db.reader import Direct, direct
from outreach.db.states import counted_sql
from outreach.errors import StoreError
from outreach.stats import GROUPINGS, compute_stats

EKB = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


def opened(url: str) -> Direct:
    found = direct(url)
    assert found is not None
    return found


@pytest.mark.parametrize("by", GROUPINGS)
def test_the_database_read_directly_tells_what_the_store_tells(store: Store, by: str) -> None:
    seed_stats(store)
    reading = opened(store.url)
    try:
        for campaign in (None, "walking"):
            ours = compute_stats(reading, zone=EKB, by=by, campaign=campaign)
            theirs = compute_stats(store, zone=EKB, by=by, campaign=campaign)
            assert ours == theirs
            assert ours.rows and ours.total.publications > 0
    finally:
        reading.dispose()


def test_only_a_ready_database_is_opened_directly(tmp_path: Path) -> None:
    missing = tmp_path / "outreach.db"
    assert direct(f"sqlite:///{missing}") is None
    assert not missing.exists()  # made by open_store only, with its own care
    store = open_store(f"sqlite:///{missing}")
    store.dispose()
    opened(f"sqlite:///{missing}").dispose()
    with sa.create_engine(f"sqlite:///{missing}").begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    assert direct(f"sqlite:///{missing}") is None  # open_store migrates it first

    foreign = tmp_path / "notes.db"
    foreign.write_text("not a database", encoding="utf-8")
    assert direct(f"sqlite:///{foreign}") is None  # open_store says what is wrong
    for elsewhere in ("sqlite://", "mysql://h/d", "postgresql://h/d", "no url"):
        assert direct(elsewhere) is None


def test_a_direct_reading_never_writes(store: Store) -> None:
    reading = opened(store.url)
    try:
        with reading.reader() as reader, pytest.raises(Exception, match="(?i)read.?only"):
            reader.rows("DELETE FROM campaign")
    finally:
        reading.dispose()


def test_an_unreachable_server_is_said_once_in_words() -> None:
    url = PG_URL.rsplit("@", 1)[0] + "@127.0.0.1:1/outreach"
    with pytest.raises(StoreError, match="cannot open the database .*127.0.0.1:1/outreach"):
        direct(url)


def test_periods_are_half_open_to_the_microsecond(store: Store) -> None:
    moment = dt.datetime(2026, 10, 5, 6, 0, 0, 999_999, tzinfo=dt.UTC)
    with store.session() as s:
        s.add(SignUp(created_at=moment, source="test", status=SignupStatus.completed))
    reading = opened(store.url)
    try:
        for since, until, expected in (
                (moment, None, 1), (None, moment, 0),
                (moment + dt.timedelta(microseconds=1), None, 0),
                (None, moment + dt.timedelta(microseconds=1), 1),
                (moment.astimezone(EKB), moment.astimezone(EKB) + dt.timedelta(hours=1), 1)):
            report = compute_stats(reading, zone=EKB, since=since, until=until)
            assert report.unattributed_signups == expected, (since, until)
        with reading.reader() as reader, pytest.raises(ValueError, match="naive"):
            reader.rows("SELECT count(*) FROM signup WHERE created_at >= ?",
                        [moment.replace(tzinfo=None)])
    finally:
        reading.dispose()


def test_what_counts_as_a_sign_up_is_one_rule_in_sql_and_in_core(store: Store) -> None:
    when = dt.datetime(2026, 10, 5, tzinfo=dt.UTC)
    with store.session() as s:
        for status in SignupStatus:
            for completed in (None, when):
                s.add(SignUp(created_at=when, source="test", status=status,
                             completed_at=completed))
    signup = tables.signup.c
    with store.engine.connect() as connection:
        by_core = set(connection.execute(sa.select(signup.id).where(tables.counted(signup)))
                      .scalars())
    with store.reader() as reader:
        by_text = {i for (i,) in reader.rows(
            f"SELECT s.id FROM signup AS s WHERE {counted_sql('s')}")}
    assert by_core == by_text
    # finished (a completion recorded, or completed), never merged, never a mere start:
    # started and finished, completed with and without a time, forgotten after finishing
    assert len(by_core) == 4


def test_outreach_stats_answers_without_loading_sqlalchemy(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('database_url = "sqlite:///outreach.db"\n', encoding="utf-8")

    def stats() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "outreach", "--config", str(config),
             "stats", "--by", "week", "--format", "csv"],
            capture_output=True, text=True, timeout=120, check=True)

    first = stats()  # no database yet: the store makes it, SQLAlchemy and all
    assert (tmp_path / "outreach.db").exists()
    assert " sqlalchemy" in first.stderr
    again = stats()
    assert again.stdout == first.stdout
    assert again.stdout.startswith("week,publications,views")
    loaded = [line for line in again.stderr.splitlines() if "sqlalchemy" in line]
    assert loaded == []


def test_two_readers_at_once_read_on_two_connections(store: Store) -> None:
    reading = opened(store.url)
    try:
        with reading.reader() as first, reading.reader() as second:
            assert first.connection is not second.connection
            assert first.one("SELECT count(*) FROM campaign") == (0,)
            assert second.one("SELECT count(*) FROM campaign") == (0,)
        with reading.reader() as again:  # kept for the next reader
            assert again.connection in (first.connection, second.connection)
    finally:
        reading.dispose()


def test_an_in_memory_store_is_read_on_its_one_connection(tmp_path: Path) -> None:
    in_memory, on_file = open_store("sqlite://"), open_store(f"sqlite:///{tmp_path / 'o.db'}")
    try:
        assert not in_memory.concurrent_reads and on_file.concurrent_reads
        for store in (in_memory, on_file):
            seed_stats(store)
        for by in GROUPINGS:
            assert (compute_stats(in_memory, zone=EKB, by=by)
                    == compute_stats(on_file, zone=EKB, by=by))
    finally:
        in_memory.dispose()
        on_file.dispose()
