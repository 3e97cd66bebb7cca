"""Shared fixtures: a store on SQLite and on PostgreSQL, a CLI runner, a config folder.

PostgreSQL tests use the server at OUTREACH_TEST_PG_URL (default: 127.0.0.1:5432,
database ``test``, trust auth), each test in a schema of its own that is
dropped afterwards. They fail, not skip, when the server is unreachable: set
OUTREACH_SKIP_PG=1 to leave them out knowingly.
"""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

# The test plugin (``outreach_testing``, plugin name "test") is installed for the
# tests only: importable, and its entry point found, here and in every process a
# test starts.
INSTALLED = str(Path(__file__).resolve().parent / "installed")
if INSTALLED not in sys.path:
    sys.path.insert(0, INSTALLED)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [INSTALLED, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                  if p and p != INSTALLED]])

# The tests read the CLI's English: a developer's Russian locale, or the
# language = "ru" of config.example.toml, must not change what they see.
# Tests of the Russian text set the language themselves (tests/test_cli_i18n.py).
os.environ["OUTREACH_LANG"] = "en"

PG_URL = os.environ.get("OUTREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outreach.db'}"
        return
    if os.environ.get("OUTREACH_SKIP_PG") == "1":
        pytest.skip("OUTREACH_SKIP_PG=1: PostgreSQL store tests left out on purpose")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    from outreach.db import open_store

    opened = open_store(store_url)
    yield opened
    opened.dispose()


@pytest.fixture(autouse=True)
def _english() -> None:
    """Each test starts in English, whatever language the one before it spoke."""
    from outreach.i18n import activate

    activate("en")


@pytest.fixture(autouse=True)
def _no_hung_call_left_running() -> Iterator[None]:
    """A test ends the hung plugin calls it started (close the registry, stop the
    dispatcher): left running, a call's late result is logged into whichever test
    runs next, against that test's store."""
    before = set(threading.enumerate())
    yield
    left = [t for t in threading.enumerate()
            if t not in before and t.name.startswith("call-")]
    for thread in left:
        thread.join(timeout=2)
    running = [t.name for t in left if t.is_alive()]
    assert not running, f"calls still running after the test: {running}"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the working directory, as a user's project folder would be."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OUTREACH_CONFIG", raising=False)
    return tmp_path
