"""``outreach db status|upgrade`` as a volunteer runs them."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner, Result

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
    assert "Revision: none (empty database)" in result.output
    assert f"Latest:   {head_revision()}" in result.output
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
        {"revision": "0006", "message": "sign-ups: a phone is no longer unique; duplicates "
                                        "are merged by a coordinator"},
        {"revision": "0007", "message": "leader leases for the bots' update readers; "
                                        "incoming events handled once"},
        {"revision": "0008", "message": "lease holder's host, PID and process instance"},
        {"revision": "0009", "message": "heartbeat of running services"},
        {"revision": "0010", "message": "figures entered by hand, and a story's participants "
                                        "and people helped"},
        {"revision": "0011", "message": "people, invitations, audit log and photo reports "
                                        "from the field"},
        {"revision": "0012", "message": "channel records: a plugin's durable notes"},
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
    assert f"Database: sqlite:///{workdir / 'outreach.db'}" in result.output
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
        # Its own exit code: systemd does not restart a service that exits with it.
        assert result.exit_code == 3, result.output
        assert result.output.strip() == (
            "Error: the database was made by a newer version of Outreach (revision ffff); "
            "install that version again, or restore the backup made before it was installed "
            "(docs/deploy.md)")
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


# --- a damaged database, backups and restoring ------------------------------------------

SECRET_TITLE = "Рассказ Валентины Сергеевны"


def _centre_with_stories(workdir: Path) -> Path:
    """A SQLite store with 300 stories, whose pages are nearly all story text."""
    path = workdir / "outreach.db"
    _config(workdir, f"sqlite:///{path}")
    store = open_store(f"sqlite:///{path}")
    with store.engine.begin() as c:
        c.execute(sa.text(
            "INSERT INTO story (kind, title, body, status, tags, source_folder, content_hash, "
            "created_at, updated_at) VALUES ('story', :title, :body, 'draft', '[]', :folder, "
            "'0', '2026-10-14 05:00:00', '2026-10-14 05:00:00')"),
            [{"title": f"{SECRET_TITLE} {n}", "body": "Наставники провели урок. " * 100,
              "folder": f"/media/{n}"} for n in range(300)])
    store.dispose()  # the last connection closed moves everything into the file
    return path


def _overwrite_8k(path: Path) -> None:
    """8 KB of the file overwritten in its middle, as a failing disk or a bad copy leaves it."""
    import random

    offset = (path.stat().st_size // 2) // 4096 * 4096
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(random.Random(8).randbytes(8192))


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "SELECT" not in result.output
    assert "[parameters" not in result.output and SECRET_TITLE not in result.output
    return lines[0]


def test_a_damaged_database_is_one_line_everywhere_and_is_never_upgraded(
        runner: CliRunner, workdir: Path) -> None:
    path = _centre_with_stories(workdir)
    assert runner.invoke(cli, ["content", "list"]).exit_code == 0
    _overwrite_8k(path)
    listed = _one_line_error(runner.invoke(cli, ["content", "list"]))
    # What SQLite meets first depends on where the bytes landed: a page it cannot
    # read, or story text that is no longer text.
    assert listed.startswith(f"Error: the database file {path} is damaged (")
    assert listed.endswith('): restore it from a backup as "Backups" in the README says')
    status = _one_line_error(runner.invoke(cli, ["db", "status"]))
    assert status.startswith(f"Error: the database file {path} is damaged")
    assert "restore it from a backup" in status
    assert _one_line_error(runner.invoke(cli, ["db", "upgrade"])).startswith(
        f"Error: the database file {path} is damaged")
    backup = _one_line_error(runner.invoke(cli, ["db", "backup", "copy.db"]))
    assert "the database itself is likely damaged" in backup
    assert not (workdir / "copy.db").exists()


def test_status_checks_a_sound_database(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    open_store(store_url).dispose()
    _config(workdir, store_url)
    result = runner.invoke(cli, ["db", "status"])
    assert result.exit_code == 0, result.output
    checked = ("pages and indexes, tables and columns" if store_url.startswith("sqlite")
               else "tables and columns")
    assert f"Checked:  {checked}: sound" in result.output
    assert "The schema is up to date." in result.output


def test_status_finds_a_table_the_schema_lacks(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    open_store(store_url).dispose()
    engine = sa.create_engine(store_url)
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE audiencejoin"))
    engine.dispose()
    _config(workdir, store_url)
    line = _one_line_error(runner.invoke(cli, ["db", "status"]))
    assert line.startswith("Error: the database ")
    assert (f"lacks what its revision {head_revision()} should hold: table audiencejoin; "
            "restore it from a backup") in line


def test_an_empty_file_stays_empty_whatever_is_run(runner: CliRunner, workdir: Path) -> None:
    path = workdir / "outreach.db"
    path.touch()
    for command in (["content", "list"], ["db", "status"], ["db", "upgrade"]):
        line = _one_line_error(runner.invoke(cli, command))
        assert line.startswith(f"Error: the database file {path} is empty (0 bytes)")
        assert path.stat().st_size == 0


def test_backup_and_restore_as_the_readme_says(runner: CliRunner, workdir: Path) -> None:
    path = _centre_with_stories(workdir)
    result = runner.invoke(cli, ["db", "backup", "monday.db"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up sqlite:///{path} to monday.db (")
    assert "the copy passed SQLite's check" in result.output
    assert (workdir / "monday.db").stat().st_mode & 0o777 == 0o600

    again = runner.invoke(cli, ["db", "backup", "monday.db"])
    assert _one_line_error(again) == (f"Error: {workdir / 'monday.db'} already exists; name "
                                      "another file, or add --force to replace it")
    assert runner.invoke(cli, ["db", "backup", "--force", "monday.db"]).exit_code == 0

    # The laptop died mid-write: the file is damaged, its -wal left beside it.
    _overwrite_8k(path)
    Path(f"{path}-wal").write_bytes(b"frames of the damaged file")
    # Restore: the service stopped, the damaged file's -wal and -shm removed, the backup
    # copied over, then `outreach db status`.
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    (workdir / "monday.db").replace(path)
    status = runner.invoke(cli, ["db", "status"])
    assert status.exit_code == 0, status.output
    assert "sound" in status.output
    listed = runner.invoke(cli, ["content", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.output)) == 300


def test_backup_of_postgresql_names_the_pg_dump_command(
        runner: CliRunner, workdir: Path) -> None:
    _config(workdir, "postgresql+psycopg://centre:s3cret@db.example.org/outreach")
    line = _one_line_error(runner.invoke(cli, ["db", "backup", "outreach.dump"]))
    assert line == ("Error: outreach db backup copies SQLite files; back up this PostgreSQL "
                    "database with: pg_dump --format=custom --file=outreach.dump "
                    "postgresql://centre@db.example.org/outreach")
    assert "s3cret" not in line
