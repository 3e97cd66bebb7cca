"""``outreach backups``: one archive of the centre, restored into a fresh folder whole."""

from __future__ import annotations

import gzip
import shutil
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from outbox_support import seed

from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import SignUp, utcnow

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "vk1.a.backup-must-not-hold-this"


@pytest.fixture
def centre(workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the samples imported, publications and a sign-up."""
    monkeypatch.setenv("VK_USER_TOKEN", TOKEN)
    (workdir / "config.toml").write_text(
        'database_url = "sqlite:///outreach.db"\ntime_zone = "Asia/Yekaterinburg"\n'
        '[channels.vk]\nplugin = "vk"\ngroup_id = 218375169\nuser_token_env = "VK_USER_TOKEN"\n',
        encoding="utf-8")
    shutil.copytree(ROOT / "media" / "samples", workdir / "media" / "samples")
    shutil.copytree(ROOT / "campaigns", workdir / "campaigns")
    result = runner.invoke(cli, ["content", "import", "media/samples"])
    assert result.exit_code == 0, result.output
    store = open_store("sqlite:///outreach.db")
    seed(store)
    with store.session() as session:
        session.add(SignUp(created_at=utcnow(), name="Валентина Петровна", phone="+79001234567",
                           source="offline", status="completed"))
    store.dispose()
    return workdir


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
