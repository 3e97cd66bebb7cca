"""Opening the store: file safety, schema revisions and databases that cannot be used."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from outreach.db import Store, head_revision, models, open_store, redact_url
from outreach.errors import StoreError

UNREACHABLE = "postgresql+psycopg://volunteer:s3cret-pw@127.0.0.1:1/outreach"


def test_sqlite_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "outreach.db"  # the file does not exist yet: it is made on first use
    store = open_store(f"sqlite:///{path}")
    try:
        # Sign-ups hold personal data: nobody but the owner may read the file.
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with store.engine.connect() as c:
            assert c.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert c.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        wal = path.with_name(path.name + "-wal")
        if wal.exists():  # SQLite gives its side files the database file's mode
            assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        store.dispose()


def test_open_store_brings_an_empty_database_to_the_latest_revision(store_url: str) -> None:
    store = open_store(store_url)
    try:
        status = store.status()
        assert (status.current, status.head, status.pending) == (head_revision(),) * 2 + ([],)
        store.upgrade()  # running it again changes nothing
        assert store.status().current == head_revision()
    finally:
        store.dispose()


def test_without_migrate_nothing_is_applied(store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    try:
        status = store.status()
        assert status.current is None
        assert status.pending[0] == "0001" and status.pending[-1] == head_revision()
        assert status.messages["0001"] == "initial schema"
        assert sa.inspect(store.engine).get_table_names() == []
    finally:
        store.dispose()


def _stamp_newer(store: Store) -> None:
    with store.session() as s:
        s.add(models.AudienceSnapshot(channel="vk", taken_at=models.utcnow(), members=12))
    with store.engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))


NEWER = ("the database was made by a newer version of Outreach (revision ffff); "
         "install that version again, or restore the backup made before it was installed "
         "(docs/deploy.md)")


def test_a_database_from_a_newer_version_is_refused_and_kept(store: Store) -> None:
    _stamp_newer(store)

    for action in (store.status, store.upgrade, lambda: open_store(store.url)):
        with pytest.raises(StoreError) as caught:
            action()
        assert str(caught.value) == NEWER

    # Nothing was touched: the newer version's data and revision are still there.
    assert store.current_revision() == "ffff"
    with store.session() as s:
        assert s.exec(select(models.AudienceSnapshot.members)).all() == [12]


def test_unreachable_server_is_one_line_without_the_password() -> None:
    store = open_store(UNREACHABLE, migrate=False)  # nothing is contacted yet
    try:
        with pytest.raises(StoreError) as caught:
            store.status()
    finally:
        store.dispose()
    message = str(caught.value)
    assert message.startswith(
        "cannot open the database postgresql+psycopg://volunteer:***@127.0.0.1:1/outreach: ")
    assert "refused" in message.lower()
    assert "\n" not in message and "s3cret-pw" not in message
    with pytest.raises(StoreError, match="cannot open the database .*refused"):
        open_store(UNREACHABLE)


def test_a_missing_driver_is_named() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("mysql://centre:pw@localhost/outreach")
    assert str(caught.value) == (
        "cannot open the database mysql://centre:***@localhost/outreach: "
        "its driver is not installed (MySQLdb); pip install it")


def test_an_sqlite_file_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match=r"^cannot open the database sqlite:///.*not-a-folder"):
        open_store(f"sqlite:///{blocker / 'outreach.db'}")
    assert blocker.read_text() == "a file where a folder should be"


def test_redact_url() -> None:
    assert redact_url(UNREACHABLE) == "postgresql+psycopg://volunteer:***@127.0.0.1:1/outreach"
    assert redact_url("sqlite:///outreach.db") == "sqlite:///outreach.db"
    assert redact_url("no url at all") == "(not a database URL)"


def test_workers_starting_together_migrate_once(store_url: str) -> None:
    """Several `outreach run` workers may open a new database at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from outreach.db import head_revision, open_store

    def start(_: int) -> str | None:
        opened = open_store(store_url)
        try:
            return opened.current_revision()
        finally:
            opened.dispose()

    with ThreadPoolExecutor(max_workers=4) as pool:
        revisions = list(pool.map(start, range(4)))
    assert revisions == [head_revision()] * 4


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    """Every CLI command opens the store; when nothing is pending Alembic stays unloaded."""
    import subprocess
    import sys

    from outreach.db import open_store

    url = f"sqlite:///{tmp_path / 'outreach.db'}"
    open_store(url).dispose()  # creates and migrates
    code = (f"import sys; from outreach.db import open_store; open_store({url!r}).dispose(); "
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
