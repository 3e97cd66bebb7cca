"""``outreach backups``: one archive of the centre, restored into a fresh folder whole."""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import PG_URL
from outbox_support import seed
from sqlalchemy.engine import make_url

from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import SignUp, utcnow

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "vk1.a.backup-must-not-hold-this"


def _fill(workdir: Path, runner: CliRunner, url: str) -> Path:
    """A working folder with the samples imported, publications and a sign-up."""
    (workdir / "config.toml").write_text(
        f'database_url = "{url}"\ntime_zone = "Asia/Yekaterinburg"\n'
        '[channels.vk]\nplugin = "vk"\ngroup_id = 218375169\nuser_token_env = "VK_USER_TOKEN"\n',
        encoding="utf-8")
    shutil.copytree(ROOT / "media" / "samples", workdir / "media" / "samples")
    shutil.copytree(ROOT / "campaigns", workdir / "campaigns")
    result = runner.invoke(cli, ["content", "import", "media/samples"])
    assert result.exit_code == 0, result.output
    store = open_store(url)
    seed(store)
    with store.session() as session:
        session.add(SignUp(created_at=utcnow(), name="Валентина Петровна", phone="+79001234567",
                           source="offline", status="completed"))
    store.dispose()
    return workdir


@pytest.fixture
def centre(workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VK_USER_TOKEN", TOKEN)
    return _fill(workdir, runner, "sqlite:///outreach.db")


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        counts = {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("story", "publication", "signup")}
    engine.dispose()
    return counts


def test_a_backup_restored_into_a_fresh_folder_has_everything(centre: Path,
                                                              runner: CliRunner) -> None:
    before = _counts(f"sqlite:///{centre / 'outreach.db'}")
    assert before["story"] >= 5 and before["publication"] == 6 and before["signup"] == 1

    result = runner.invoke(cli, ["backups", "create", "--into", "backups"])
    assert result.exit_code == 0, result.output
    (archive,) = (centre / "backups").glob("outreach-*.tar.gz")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert TOKEN.encode() not in gzip.decompress(archive.read_bytes())

    fresh = centre.parent / "restored"
    result = runner.invoke(cli, ["backups", "restore", str(archive), str(fresh)])
    assert result.exit_code == 0, result.output
    assert _counts(f"sqlite:///{fresh / 'outreach.db'}") == before
    for story in (centre / "media" / "samples").rglob("*"):
        if story.is_file():
            copy = fresh / story.relative_to(centre)
            assert copy.read_bytes() == story.read_bytes(), copy
    assert (fresh / "campaigns" / "sample-demo.toml").is_file()
    assert (fresh / "config.toml").read_text() == (centre / "config.toml").read_text()

    # The restored folder works: the database opens at the current revision.
    result = runner.invoke(cli, ["--config", str(fresh / "config.toml"), "db", "status"])
    assert result.exit_code == 0, result.output


def test_only_the_newest_backups_are_kept(centre: Path, runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import outreach.db.models as models

    start = utcnow()
    for day in range(4):
        monkeypatch.setattr(models, "utcnow", lambda day=day: start + dt.timedelta(days=day))
        result = runner.invoke(cli, ["backups", "create", "--into", "backups", "--keep", "2"])
        assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in (centre / "backups").iterdir())
    assert kept == [f"outreach-{start + dt.timedelta(days=d):%Y-%m-%d_%H%M%S}.tar.gz"
                    for d in (2, 3)]


def test_restore_never_writes_over_a_folder_in_use(centre: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["backups", "create", "--into", "backups"]).exit_code == 0
    (archive,) = (centre / "backups").glob("outreach-*.tar.gz")
    result = runner.invoke(cli, ["backups", "restore", str(archive), str(centre)])
    assert result.exit_code == 1
    assert f"Error: {centre} is not empty; restore into a new folder" in result.output


def test_before_an_upgrade_and_only_then_a_backup_is_made(workdir: Path,
                                                          runner: CliRunner) -> None:
    (workdir / "config.toml").write_text('database_url = "sqlite:///outreach.db"\n',
                                         encoding="utf-8")
    old = open_store("sqlite:///outreach.db", migrate=False)
    old.upgrade("0008")  # the previous release's database
    old.dispose()

    result = runner.invoke(cli, ["backups", "create", "--before-upgrade", "--into", "b"])
    assert result.exit_code == 0, result.output
    (archive,) = (workdir / "b").iterdir()
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as unpacked:
        tar.extract("database.sqlite", unpacked, filter="data")
        kept = open_store(f"sqlite:///{unpacked}/database.sqlite", migrate=False)
        assert kept.status().current == "0008"  # as it was before the upgrade
        kept.dispose()

    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(cli, ["backups", "create", "--before-upgrade", "--into", "b"])
    assert result.exit_code == 0, result.output
    assert result.output == "The database needs no upgrade; no backup made.\n"
    assert list((workdir / "b").iterdir()) == [archive]


# --- PostgreSQL: pg_dump and pg_restore, each test with databases of its own ---------------


@pytest.fixture
def databases() -> Iterator[Callable[[], str]]:
    """Makes throwaway databases beside the test database (``<name>_backup_<random>``) on
    its server; drops them afterwards."""
    if os.environ.get("OUTREACH_SKIP_PG") == "1":
        pytest.skip("OUTREACH_SKIP_PG=1: PostgreSQL store tests left out on purpose")
    base = make_url(PG_URL)
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"{base.database}_backup_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = {table: [tuple(row) for row in connection.execute(
                    sa.text(f"SELECT * FROM {table} ORDER BY id"))]
                for table in ("story", "publication", "signup")}
    engine.dispose()
    return rows


@pytest.mark.slow
def test_a_postgresql_backup_restored_into_a_fresh_database_has_everything(
        workdir: Path, runner: CliRunner, databases: Callable[[], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VK_USER_TOKEN", TOKEN)
    source, fresh_db = databases(), databases()
    centre = _fill(workdir, runner, source)
    before = _rows(source)
    assert len(before["story"]) >= 5 and len(before["publication"]) == 6
    assert len(before["signup"]) == 1

    result = runner.invoke(cli, ["backups", "create", "--into", "backups"])
    assert result.exit_code == 0, result.output
    (archive,) = (centre / "backups").glob("outreach-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert "database.pgdump" in tar.getnames()

    fresh = centre / "restored"
    result = runner.invoke(cli, ["backups", "restore", str(archive), str(fresh),
                                 "--database", fresh_db])
    assert result.exit_code == 0, result.output
    assert _rows(fresh_db) == before  # every story, publication and sign-up, as they were
    assert f'database_url = "{fresh_db}"' in (fresh / "config.toml").read_text()
    result = runner.invoke(cli, ["--config", str(fresh / "config.toml"), "db", "status"])
    assert result.exit_code == 0, result.output
    assert _rows(source) == before  # the original was only read


def _fake_client(folder: Path, program: str, version: str, monkeypatch: pytest.MonkeyPatch
                 ) -> None:
    """``program`` of another PostgreSQL release, first on PATH; it says what the real one
    says to a server or an archive it cannot handle (pg_backup_db.c, pg_backup_archiver.c)."""
    folder.mkdir(exist_ok=True)
    script = folder / program
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "{program} (PostgreSQL) {version}"; exit 0; fi\n'
        f'echo "{program}: error: aborting because of server version mismatch" >&2\n'
        "exit 1\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.slow
def test_postgresql_clients_older_than_the_server_or_the_backup_are_named_in_russian(
        workdir: Path, runner: CliRunner, databases: Callable[[], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = databases()
    centre = _fill(workdir, runner, source)
    assert runner.invoke(cli, ["backups", "create", "--into", "backups"]).exit_code == 0
    (archive,) = (centre / "backups").glob("outreach-*.tar.gz")
    server = _server_major(source)

    _fake_client(workdir / "old", "pg_dump", "9.6.24", monkeypatch)
    result = runner.invoke(cli, ["backups", "create", "--into", "backups"],
                           env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"Ошибка: pg_dump из PostgreSQL 9 не может копировать базу данных более новой "
        f"PostgreSQL {server}; установите её клиент: "
        f"sudo apt install postgresql-client-{server}")

    _fake_client(workdir / "old", "pg_restore", "9.6.24", monkeypatch)
    result = runner.invoke(cli, ["backups", "restore", str(archive), str(workdir / "r"),
                                 "--database", databases()], env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 1, result.output
    assert "pg_restore из PostgreSQL 9 не может её прочитать" in result.output
    assert "Traceback" not in result.output

    # A client that passes the version check and is refused all the same says why too.
    _fake_client(workdir / "old", "pg_dump", f"{server}.0", monkeypatch)
    result = runner.invoke(cli, ["backups", "create", "--into", "backups"],
                           env={"OUTREACH_LANG": "ru"})
    assert result.exit_code == 1, result.output
    assert "pg_dump не подходит к версии этого PostgreSQL" in result.output
    assert "Traceback" not in result.output


def _server_major(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        major = connection.dialect.server_version_info[0]
    engine.dispose()
    return int(major)
