"""``outreach db status|upgrade`` as a volunteer runs them."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from outreach.cli import cli
from outreach.db import head_revision, open_store


def _config(workdir: Path, url: str) -> None:
    (workdir / "config.toml").write_text(f'database_url = "{url}"\n', encoding="utf-8")


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_status_lists_pending_revisions_and_applies_nothing(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    open_store(store_url, migrate=False).dispose()  # an empty database
    _config(workdir, store_url)

    result = runner.invoke(cli, ["db", "status"])

    assert result.exit_code == 0, result.output
    assert "Revision:  none (empty database)" in result.output
    assert f"Latest:    {head_revision()}" in result.output
    assert "run `outreach db upgrade`" in result.output
    assert "  0001  initial schema" in result.output
    assert "  0002  publication attempt log" in result.output
    assert _tables(store_url) == set()


def test_upgrade_says_what_it_applied_and_keeps_rows(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    store.upgrade("0001")
    with store.engine.begin() as c:
        c.execute(sa.text("INSERT INTO audiencesnapshot (channel, taken_at, members) "
                          "VALUES ('vk', '2024-07-01 05:00:00', 1480)"))
    store.dispose()
    _config(workdir, store_url)

    status = runner.invoke(cli, ["db", "status", "--format", "json"])
    assert status.exit_code == 0, status.output
    shown = json.loads(status.output)
    assert shown["current"] == "0001" and shown["up_to_date"] is False
    assert shown["pending"] == [
        {"revision": "0002", "message": "publication attempt log"},
        {"revision": "0003",
         "message": "campaign slot log; referral code kind and short code"},
        {"revision": "0004", "message": "latest engagement per publication"},
        {"revision": "0005", "message": "sign-ups from bots and offline; audience joins"},
        {"revision": "0007", "message": "leader leases for the bots' update readers; "
                                        "incoming events handled once"},
    ]

    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Applied 0002: publication attempt log" in result.output
    assert "Applied 0003: campaign slot log; referral code kind and short code" in result.output
    assert "Applied 0001" not in result.output
    assert f"is now at revision {head_revision()}." in result.output
    assert "publicationattempt" in _tables(store_url)
    engine = sa.create_engine(store_url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT members FROM audiencesnapshot")).scalar() == 1480
    engine.dispose()

    again = runner.invoke(cli, ["db", "upgrade"])
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output
    status = runner.invoke(cli, ["db", "status"])
    assert "The schema is up to date." in status.output


def test_status_does_not_create_a_missing_sqlite_file(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["db", "status"])  # no config: the default SQLite file
    assert result.exit_code == 0, result.output
    assert f"Database:  sqlite:///{workdir / 'outreach.db'}" in result.output
    assert "does not exist yet" in result.output
    assert not (workdir / "outreach.db").exists()

    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Applied 0001: initial schema" in result.output
    assert (workdir / "outreach.db").exists()


def test_unreachable_database_is_one_line(runner: CliRunner, workdir: Path) -> None:
    _config(workdir, "postgresql+psycopg://volunteer:s3cret-pw@127.0.0.1:1/outreach")
    for command in (["db", "status"], ["db", "upgrade"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert lines[0].startswith("Error: cannot open the database "
                                   "postgresql+psycopg://volunteer:***@127.0.0.1:1/outreach: ")
        assert "refused" in lines[0].lower()
        assert "s3cret-pw" not in result.output and "Traceback" not in result.output


def test_database_from_a_newer_version(runner: CliRunner, workdir: Path, store_url: str) -> None:
    store = open_store(store_url)
    with store.engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    store.dispose()
    _config(workdir, store_url)
    for command in (["db", "status"], ["db", "upgrade"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert result.output.strip() == (
            "Error: the database was made by a newer version of Outreach (revision ffff); "
            "upgrade Outreach")
    engine = sa.create_engine(store_url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "ffff"
    engine.dispose()


def test_bad_config_is_reported_before_any_database_work(
        runner: CliRunner, workdir: Path) -> None:
    (workdir / "config.toml").write_text('database_url = "not a url"\n', encoding="utf-8")
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1, result.output
    assert "config.toml:1: database_url: is not a database URL" in result.output
    assert list(workdir.iterdir()) == [workdir / "config.toml"]
