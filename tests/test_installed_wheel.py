"""Outreach installed from its wheel, away from the source tree, makes a centre's folder work.

The wheel is built once per test session and installed into a new virtual
environment (its dependencies from the configured package index); the
commands then run in an empty folder, so everything they read (migrations,
catalogues, the sample library, fonts, the fakes) must come from the package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest
from test_platforms_sandbox import EXAMPLE_URLS, free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a new virtual environment with the built wheel installed.

    Built once per test run: pytest-xdist's workers of one run share it (the first
    builds it, the others wait), so ``make test`` builds the wheel once.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return _install(tmp_path_factory.mktemp("wheel"))
    where = tmp_path_factory.getbasetemp().parent / f"wheel-{run}"
    try:
        where.mkdir()
    except FileExistsError:  # another worker builds it
        deadline = time.monotonic() + 1800
        while not (where / "ready").exists():
            assert not (where / "failed").exists(), "building the wheel failed in another worker"
            assert time.monotonic() < deadline, "the other worker did not build the wheel"
            time.sleep(1)
        return where / "venv" / "bin"
    try:
        bin_dir = _install(where)
    except BaseException:
        (where / "failed").touch()
        raise
    (where / "ready").touch()
    return bin_dir


def _install(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                    "-w", str(where / "dist")], check=True, env=_clean_env(), timeout=900)
    (wheel,) = (where / "dist").glob("outreach-*.whl")
    venv.create(where / "venv", with_pip=True)
    bin_dir = where / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, env=_clean_env(), timeout=900)
    return bin_dir


def _clean_env() -> dict[str, str]:
    """This environment without what points at the checkout, the tests' plugin or a config."""
    drop = ("PYTHONPATH", "OUTREACH_CONFIG", "OUTREACH_LANG", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop}


def _outreach(bin_dir: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(bin_dir / "outreach"), *args], cwd=folder, env=_clean_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_installed_package_runs_a_centre_from_an_empty_folder(installed: Path,
                                                                  tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import outreach, outreach_vk.fake; "
         "print(outreach.__file__); print(outreach_vk.fake.__file__)"],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=True)
    assert str(ROOT) not in where.stdout
    assert all("site-packages" in line for line in where.stdout.splitlines())

    folder = tmp_path / "centre"
    folder.mkdir()
    _outreach(installed, folder, "init", "--samples")
    assert (folder / "config.toml").is_file()
    assert (folder / "media" / "brand" / "logo.png").is_file()
    assert list((folder / "media" / "samples").glob("*/story.md"))
    assert (folder / "campaigns" / "sample-demo.toml").is_file()
    # Other programs on this machine may hold the example's sandbox ports.
    config = folder / "config.toml"
    text = config.read_text(encoding="utf-8")
    for line in EXAMPLE_URLS.values():
        text = text.replace(line, f'api_url = "http://127.0.0.1:{free_port()}"')
    config.write_text(text, encoding="utf-8")

    run = _outreach(installed, folder, "run", "--once", "--sandbox")
    # Russian, as the config.toml made from the example says: the compiled catalogue is there.
    assert "Запланировано: 5 публикаций" in run.stdout
    rows = json.loads(_outreach(installed, folder, "publications", "list",
                                "--format", "json").stdout)
    assert {r["channel"] for r in rows if r["status"] == "published"} >= {
        "press", "vk-sandbox", "telegram-sandbox"}, rows

    _outreach(installed, folder, "stats", "--chart", "c.png")
    assert (folder / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    posters = _outreach(installed, folder, "posters", "render", "1")
    written = sorted((folder / "output" / "posters").iterdir())
    assert {p.suffix for p in written} >= {".pdf", ".png"}, posters.stdout


def test_the_new_wheel_upgrades_a_database_of_the_previous_release(installed: Path,
                                                                   tmp_path: Path) -> None:
    """A centre's database at the previous release's last revision (0008), with its stories,
    is upgraded once by the installed package and keeps every row."""
    import sqlalchemy as sa

    from outreach.db import open_store

    folder = tmp_path / "centre"
    _outreach(installed, tmp_path, "init", str(folder))
    database = folder / "outreach.db"
    database.unlink()
    url = f"sqlite:///{database}"
    old = open_store(url, migrate=False)
    old.upgrade("0008")
    old.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO story (kind, title, body, tags, status, "
            "source_folder, content_hash, created_at, updated_at) VALUES ('story', 'Старая', "
            "'Текст', '[]', 'approved', 'media/old', :hash, :now, :now)"),
            {"hash": "0" * 64, "now": "2026-11-01 10:00:00"})

    status = json.loads(_outreach(installed, folder, "db", "status", "--format", "json").stdout)
    assert status["current"] == "0008" and status["up_to_date"] is False
    _outreach(installed, folder, "db", "upgrade")
    status = json.loads(_outreach(installed, folder, "db", "status", "--format", "json").stdout)
    assert status["current"] == status["head"] == "0012"
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT title FROM story")).scalars().all() == [
            "Старая"]
    engine.dispose()
