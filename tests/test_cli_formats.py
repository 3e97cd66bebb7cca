"""Machine formats are the same in every language: JSON keys, CSV columns, identifiers.

Scripts and spreadsheets read ``--format json`` and ``--format csv``; their
keys are stable identifiers, documented in docs/formats.md (and its English
twin), whatever language the reader's tables speak.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from language_support import english_words, root_context
from stats_support import at, seed_stats

from outreach.cli import cli
from outreach.db import open_store
from outreach.db.models import SignUp, utcnow
from outreach.db.states import (
    ChannelState,
    PersonRole,
    PersonStatus,
    PublicationStatus,
    SignupStatus,
    SlotOutcome,
    StoryKind,
    StoryStatus,
)
from outreach.people import roster
from outreach.people.audit import AuditAction
from outreach.report.results import INDICATORS

ROOT = Path(__file__).resolve().parent.parent
DOCS = {"ru": ROOT / "docs" / "formats.md", "en": ROOT / "docs" / "en" / "formats.md"}

CAMPAIGN = """\
name = "Наставничество"
time_zone = "Asia/Yekaterinburg"
schedule = {days = ["вт", "чт"], times = ["10:00"]}
post = {template = "{title}"}
channels = {names = ["press"]}
"""

# Every command with a machine format, as a script runs it.
JSON_COMMANDS = [
    ("stats",), ("stats", "--by", "week"), ("stats", "--by", "story"), ("stats", "--by", "home"),
    ("publications", "list"), ("content", "list"), ("signups", "list"),
    ("signups", "list", "--duplicates"), ("signups", "list", "--unfinished"),
    ("channels", "list"), ("campaigns", "list"), ("campaigns", "preview", "mentoring"),
    ("posters", "placements"), ("people", "list"), ("people", "log"),
    ("stats", "audience", "--since", "2026-09-01"), ("results", "list"),
]
CSV_COMMANDS = [command for command in JSON_COMMANDS if command[:2] != ("stats", "--by")]
OTHER_JSON = [("config", "show", "--format", "json"), ("db", "status", "--format", "json"),
              ("status", "--format", "json")]
# Values that are identifiers, by key: the same in every language, one of the known ones.
IDENTIFIERS: dict[str, set[str]] = {
    "status": {s.value for e in (PublicationStatus, StoryStatus, SignupStatus, PersonStatus)
               for s in e},
    "role": {r.value for r in PersonRole},
    "action": {a.value for a in AuditAction},
    "kind": {k.value for k in StoryKind} | {"publication", "placement", "outlet"},
    "state": {s.value for s in ChannelState} | {"healthy", "degraded", "down", "ok", "failing",
                                                 "uncertain"},
    "outcome": {s.value for s in SlotOutcome},
    "consent": {"recorded", "missing", "not needed"},
    "active": {"yes", "no"},
    "came_from": {"publication", "placement", "outlet", "offline", "unattributed"},
    "indicator": set(INDICATORS),
}


def test_every_command_with_a_machine_format_is_checked() -> None:
    from test_cli_language import command_paths

    def formats(path: tuple[str, ...]) -> set[str]:
        command: Any = cli
        ctx = root_context()
        for name in path:
            command = command.get_command(ctx, name)
            ctx = click.Context(command, parent=ctx, info_name=name, **command.context_settings)
        return {choice for param in command.params if "--format" in getattr(param, "opts", ())
                for choice in getattr(param.type, "choices", ())} & {"json", "csv"}

    machine = {path for path in command_paths() if formats(path)}
    checked = {tuple(a for a in c[:2] if not a.startswith("-"))
               for c in JSON_COMMANDS + OTHER_JSON} | {("signups", "export")}
    assert machine <= checked, f"not checked in both languages: {sorted(machine - checked)}"


@pytest.fixture
def project(workdir: Path, runner: CliRunner) -> Path:
    url = f"sqlite:///{workdir / 'outreach.db'}"
    (workdir / "config.toml").write_text(
        f'database_url = "{url}"\ntime_zone = "Asia/Yekaterinburg"\n'
        'municipalities = ["Миасс", "Златоуст", "Копейск", "Челябинск"]\n\n'
        '[channels.press]\nplugin = "local-media"\n', encoding="utf-8")
    (workdir / "campaigns").mkdir()
    (workdir / "campaigns" / "mentoring.toml").write_text(CAMPAIGN, encoding="utf-8")
    store = open_store(url)
    try:
        seed_stats(store)
        from outreach.report.results import add

        add(store, "2026-Q4", "seminars", 6, "Школа волонтёра")
        with store.session() as s:
            for day in ("10-21", "10-22"):  # two sign-ups sharing a phone
                s.add(SignUp(created_at=at(day), source="offline", name="Иван Петров",
                             phone="+79123456789", consent_at=at(day), completed_at=at(day)))
            s.add(SignUp(created_at=dt.datetime.now(dt.UTC), source="test", status="started",
                         dialog={"step": "name"}))  # a dialog not finished
        invited = roster.invite(store, PersonRole.reporter, municipality="Миасс",
                                name="Анна", actor="cli:test")
        with store.session() as s:
            roster.enrol(s, invited.code, "telegram:42", "tg", utcnow())
    finally:
        store.dispose()
    return workdir


def run(runner: CliRunner, lang: str, *args: str) -> str:
    result = runner.invoke(cli, list(args), env={"OUTREACH_LANG": lang})
    # outreach status answers with its level as the exit code (2: the service is down).
    assert result.exit_code == 0 or args[0] == "status", f"{args} in {lang}: {result.output}"
    return result.stdout


def key_paths(data: Any, prefix: str = "") -> set[str]:
    """Every key of a JSON document, as a path: 'rows[].views', 'paths.media'."""
    if isinstance(data, dict):
        found = set()
        for key, value in data.items():
            found |= {f"{prefix}{key}"} | key_paths(value, f"{prefix}{key}.")
        return found
    if isinstance(data, list):
        return set().union(*(key_paths(item, f"{prefix.rstrip('.')}[].") for item in data))
    return set()


def identifier_values(data: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in identifier_values(v, k)]
    if isinstance(data, list):
        return [pair for item in data for pair in identifier_values(item, key)]
    return [(key, data)] if key in IDENTIFIERS and data is not None else []


def test_json_keys_and_identifiers_are_the_same_in_russian_and_english(
        runner: CliRunner, project: Path) -> None:
    for command in [(*c, "--format", "json") for c in JSON_COMMANDS] + OTHER_JSON:
        english = json.loads(run(runner, "en", *command))
        russian = json.loads(run(runner, "ru", *command))
        assert key_paths(english), f"{command}: the project shows nothing to compare"
        assert key_paths(russian) == key_paths(english), command
        values = identifier_values(russian)
        assert values == identifier_values(english), command
        unknown = [(k, v) for k, v in values if v not in IDENTIFIERS[k]]
        assert not unknown, f"{command}: not an identifier: {unknown}"


def test_csv_columns_are_the_same_in_russian_and_english(runner: CliRunner,
                                                          project: Path) -> None:
    for command in [(*c, "--format", "csv") for c in CSV_COMMANDS]:
        english = list(csv.reader(io.StringIO(run(runner, "en", *command))))
        russian = list(csv.reader(io.StringIO(run(runner, "ru", *command))))
        assert len(english) > 1, f"{command}: no rows to compare"
        assert russian[0] == english[0], command
        for column in IDENTIFIERS.keys() & set(english[0]):
            at_column = english[0].index(column)
            assert [row[at_column] for row in russian] == [row[at_column] for row in english]
    exports = {}
    for lang in ("en", "ru"):
        runner.invoke(cli, ["signups", "export", f"{lang}.csv",
                            "--i-know-this-contains-personal-data"], env={"OUTREACH_LANG": lang})
        exports[lang] = (project / f"{lang}.csv").read_text(encoding="utf-8")
    assert exports["ru"] == exports["en"]


def test_tables_speak_russian_and_the_machine_formats_keep_identifiers(
        runner: CliRunner, project: Path) -> None:
    table = run(runner, "ru", "publications", "list")
    assert table.splitlines()[0].split()[:3] == ["НОМЕР", "СОСТОЯНИЕ", "КАМПАНИЯ"]
    assert "опубликовано" in table and "не удалось" in table
    data = json.loads(run(runner, "ru", "publications", "list", "--format", "json"))
    assert {row["status"] for row in data} == {"published", "failed"}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_key_is_documented(runner: CliRunner, project: Path, lang: str) -> None:
    documented = set(re.findall(r"`([\w.\[\]]+)`", DOCS[lang].read_text(encoding="utf-8")))
    keys: set[str] = set()
    # config show mirrors config.toml, whose keys docs/config.md explains.
    for command in [(*c, "--format", "json") for c in JSON_COMMANDS] + OTHER_JSON[1:]:
        keys |= {path.rsplit(".", 1)[-1].removesuffix("[]")
                 for path in key_paths(json.loads(run(runner, "en", *command)))}
    for command in [(*c, "--format", "csv") for c in CSV_COMMANDS]:
        keys |= set(next(csv.reader(io.StringIO(run(runner, "en", *command)))))
    figure = re.compile(r"^\w+_unreported$")
    missing = sorted(key for key in keys if key not in documented
                     and figure.sub("<figure>_unreported", key) not in documented)
    assert not missing, f"{DOCS[lang].name} does not document {missing}"


def test_stats_in_russian_has_no_english_words(runner: CliRunner, project: Path) -> None:
    # What the planner records for a slot with no story (outreach/engine/planner.py).
    store = open_store(f"sqlite:///{project / 'outreach.db'}")
    try:
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE campaignslot SET detail = 'no approved story left for this slot' "
                "WHERE detail IS NOT NULL")
    finally:
        store.dispose()
    # Names from the data: campaign slugs and channel names, which a person typed.
    data = {"mentoring", "walking", "vk", "telegram", "press"}
    for by in ("campaign-channel", "campaign", "channel", "municipality", "week", "story"):
        args = ("stats",) if by == "campaign-channel" else ("stats", "--by", by)
        out = run(runner, "ru", *args, "--since", "2026-09-01", "--until", "2026-10-31")
        assert english_words(out, data) == [], out
    out = run(runner, "ru", "stats", "--since", "2026-10-01", "--until", "2026-10-31")
    assert out.startswith("Период: с 1 октября 2026 по 31 октября 2026 (Asia/Yekaterinburg)\n")
    assert "1 000 на 2 октября 2026" in out.replace("\u00a0", " ")
    assert "итого" in out and "Внимание: 2 выпуска за этот период ничего не опубликовали:" in out


def test_tables_cards_and_summaries_in_russian_have_no_english_words(
        runner: CliRunner, project: Path) -> None:
    # What people typed or the platforms named: campaign slugs, channels, sources, a step.
    data = {"mentoring", "walking", "vk", "telegram", "press", "test", "offline", "name"}
    for command in [("publications", "list"), ("publications", "show", "1"),
                    ("publications", "show", "6"), ("content", "list"), ("content", "show", "1"),
                    ("signups", "list"), ("signups", "show", "7"),
                    ("signups", "list", "--duplicates"), ("signups", "list", "--unfinished"),
                    ("channels", "list"), ("campaigns", "list"), ("campaigns", "validate")]:
        out = run(runner, "ru", *command)
        assert english_words(out, data) == [], out
    comments = [line for line in run(runner, "ru", "config", "show").splitlines()
                if line.startswith("#")]
    assert comments[1] == "# Значения по умолчанию подставлены, пути полные, секреты скрыты."
    assert "# logo: не задано" in comments
    # "# logo: не задано": the key is the config file's own word.
    assert english_words(" ".join(re.sub(r"^# \w+:", "#", c) for c in comments)) == []
