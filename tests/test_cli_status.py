"""``outreach status`` as a volunteer and a monitoring script read it: words and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from outbox_support import T0, seed

from outreach.cli import cli
from outreach.db import Store
from outreach.db.models import utcnow
from outreach.engine import heartbeat

ROOT = Path(__file__).resolve().parent.parent
JSON_KEYS = {"state", "exit_code", "checked_at", "service", "last_published_at",
             "publications", "channels", "next_slots"}


@pytest.fixture
def project(workdir: Path, store_url: str, store: Store) -> Store:
    (workdir / "config.toml").write_text(
        f'database_url = "{store_url}"\ntime_zone = "Asia/Yekaterinburg"\n'
        '[channels.vk]\nplugin = "vk"\ngroup_id = 218375169\n', encoding="utf-8")
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "daily.toml").write_text(
        'name = "Daily"\n[schedule]\nevery = "1d"\n[channels]\nnames = ["vk"]\n',
        encoding="utf-8")
    return store


def status(runner: CliRunner, *args: str, lang: str = "en") -> Result:
    return runner.invoke(cli, ["status", *args], env={"OUTREACH_LANG": lang})


def test_a_store_no_service_ever_used_is_down(runner: CliRunner, project: Store) -> None:
    result = status(runner)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0] == "The service has never run with this database."
    assert "Nothing has been published yet." in result.output
    assert result.output.splitlines()[-1] == "The service is not running."
    shown = json.loads(status(runner, "--format", "json").output)
    assert set(shown) == JSON_KEYS
    assert shown["state"] == "down" and shown["exit_code"] == 2
    assert shown["service"] == {"running": False, "workers": [], "last_beat_at": None,
                                "stopped_at": None}
    assert [c["name"] for c in shown["channels"]] == ["vk"]
    assert shown["channels"][0]["state"] == "ok"
    assert shown["next_slots"][0]["campaign"] == "daily"


def test_running_with_failed_and_uncertain_publications_is_degraded(
        runner: CliRunner, project: Store) -> None:
    seed(project)
    heartbeat.beat(project, "server:4242", utcnow(), starting=True)

    result = status(runner, "--format", "json")
    assert result.exit_code == 1, result.output
    shown = json.loads(result.output)
    assert shown["state"] == "degraded"
    assert shown["service"]["running"] is True
    assert [w["worker"] for w in shown["service"]["workers"]] == ["server:4242"]
    assert shown["publications"] == {"queued": 2, "failed": 1, "uncertain": 1}
    assert shown["last_published_at"] == (T0 - dt.timedelta(days=1)).isoformat()
    states = {c["name"]: c["state"] for c in shown["channels"]}
    # press has only a cancelled publication and is not in config.toml: turned off.
    assert states == {"vk": "uncertain", "telegram": "failing", "press": "disabled"}

    result = status(runner, lang="ru")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Служба работает (server:4242); последний признак жизни — ")
    assert "Публикации: ждут отправки — 2, не удались — 1, спорные — 1." in lines
    assert any(line.startswith("  telegram: публикации не удались; последняя публикация ")
               for line in lines)
    assert "  vk: публикации ждут решения человека; пока ничего не опубликовано" in lines
    assert lines[-1] == "Служба работает, но кое-что требует внимания человека (см. выше)."


def test_a_running_service_with_nothing_to_fix_is_healthy(runner: CliRunner,
                                                          project: Store) -> None:
    heartbeat.beat(project, "server:1", utcnow(), starting=True)
    result = status(runner)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "All is well."


def test_a_stopped_or_dead_service_is_down_and_says_which(runner: CliRunner,
                                                          project: Store) -> None:
    heartbeat.beat(project, "server:1", utcnow() - dt.timedelta(hours=1), starting=True)
    result = status(runner)
    assert result.exit_code == 2
    assert "did not stop cleanly (look at its log: journalctl -u outreach)" in result.output

    heartbeat.stopped(project, "server:1", utcnow())
    result = status(runner, "--format", "json")
    assert result.exit_code == 2
    shown = json.loads(result.output)
    assert shown["service"]["running"] is False
    assert shown["service"]["stopped_at"] is not None
    assert status(runner).output.startswith("The service is stopped: it stopped ")


def test_a_beat_after_a_stop_is_running_again(project: Store) -> None:
    start = utcnow()
    heartbeat.beat(project, "server:1", start, starting=True)
    heartbeat.stopped(project, "server:1", start + dt.timedelta(minutes=1))
    heartbeat.beat(project, "server:1", start + dt.timedelta(minutes=2), starting=True)
    (beat,) = heartbeat.beats(project)
    assert beat.stopped_at is None and beat.started_at == start + dt.timedelta(minutes=2)
    assert beat.alive(start + dt.timedelta(minutes=3))
    assert not beat.alive(start + dt.timedelta(minutes=2) + heartbeat.STALE * 2)


@pytest.mark.parametrize("page", ["docs/formats.md", "docs/en/formats.md"])
def test_the_json_is_the_same_in_both_languages_and_documented(
        runner: CliRunner, project: Store, page: str) -> None:
    from test_cli_formats import key_paths

    seed(project)
    heartbeat.beat(project, "server:1", utcnow(), starting=True)
    english = json.loads(status(runner, "--format", "json").output)
    russian = json.loads(status(runner, "--format", "json", lang="ru").output)
    del english["checked_at"], russian["checked_at"]
    assert russian["state"] == english["state"] == "degraded"
    assert [c["state"] for c in russian["channels"]] == [c["state"] for c in english["channels"]]
    keys = key_paths(english)
    assert keys == key_paths(russian)
    documented = set(re.findall(r"`([\w.\[\]]+)`", (ROOT / page).read_text(encoding="utf-8")))
    names = {path.rsplit(".", 1)[-1].removesuffix("[]") for path in keys}
    assert names <= documented, sorted(names - documented)


def test_a_database_behind_the_code_is_reported_and_left_as_it_is(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    from outreach.db import head_revision, open_store

    older = open_store(store_url, migrate=False)
    older.upgrade("0008")
    (workdir / "config.toml").write_text(f'database_url = "{store_url}"\n', encoding="utf-8")
    result = status(runner)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"The database is at revision 0008; this version of Outreach needs {head_revision()}. "
        "Starting the service upgrades it (after a backup), or run: outreach db upgrade",
        "The service is not running."]
    shown = json.loads(status(runner, "--format", "json").output)
    assert shown["state"] == "schema_behind" and shown["exit_code"] == 2
    assert shown["schema"] == {"current": "0008", "expected": head_revision()}
    # Only read: the upgrade is the service's, after its backup.
    assert older.current_revision() == "0008"
    older.dispose()


def test_a_database_behind_the_code_under_a_running_older_service_is_degraded(
        runner: CliRunner, workdir: Path, store_url: str) -> None:
    from outreach.db import head_revision, open_store

    older = open_store(store_url, migrate=False)
    older.upgrade("0009")  # the first revision with the heartbeat
    if head_revision() == "0009":
        pytest.fail("no revision after 0009 to be behind by")
    heartbeat.beat(older, "server:7", utcnow(), starting=True)
    (workdir / "config.toml").write_text(f'database_url = "{store_url}"\n', encoding="utf-8")
    result = status(runner)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        "An older version of the service still runs (server:7).")
    shown = json.loads(status(runner, "--format", "json").output)
    assert [w["worker"] for w in shown["service"]["workers"]] == ["server:7"]
    assert older.current_revision() == "0009"
    older.dispose()


def test_a_database_newer_than_the_code_has_its_own_exit_code(
        runner: CliRunner, project: Store) -> None:
    import sqlalchemy as sa

    with project.engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    result = status(runner, lang="ru")
    assert result.exit_code == 3, result.output
    assert "установите снова ту версию" in result.output
    assert "Traceback" not in result.output


def test_run_once_leaves_its_start_and_stop_for_status(runner: CliRunner,
                                                       project: Store) -> None:
    result = runner.invoke(cli, ["run", "--once"])
    assert result.exit_code == 0, result.output
    (beat,) = heartbeat.beats(project)
    assert beat.stopped_at is not None and beat.started_at <= beat.stopped_at
    shown = status(runner)
    assert shown.exit_code == 2
    assert shown.output.startswith("The service is stopped: it stopped ")
