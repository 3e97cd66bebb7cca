from __future__ import annotations

import csv
import io
import json
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from outreach.cli import cli
from outreach.platforms import registry as registry_module
from outreach.platforms.registry import GROUP

SECRET = "vk1.a.very-secret-token-value"


@pytest.fixture(autouse=True)
def plugins(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugins the CLI finds: the real test and local-media ones, and a broken one."""
    (workdir / "broken_plugin.py").write_text("import no_such_library\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(workdir))
    points = [metadata.EntryPoint(name, value, GROUP) for name, value in {
        "test": "outreach_testing:RecordingChannel",
        "local-media": "outreach_local_media:LocalMediaChannel",
        "broken": "broken_plugin:Channel",
    }.items()]
    monkeypatch.setattr(registry_module.metadata, "entry_points",
                        lambda group: points if group == GROUP else [])
    monkeypatch.delenv("REC_TOKEN", raising=False)


def write_config(workdir: Path, text: str) -> None:
    (workdir / "config.toml").write_text(text, encoding="utf-8")


MIXED = f"""\
municipalities = ["Miass", "Zlatoust"]

[channels.press]
plugin = "local-media"
tags = ["print"]
municipality = "Miass"

[channels.bot]
plugin = "test"
max_text = 500
max_caption = 200

[channels.old]
plugin = "broken"

[channels.typo]
plugin = "test"
fial = "auth"
token = "{SECRET}"

[channels.off]
plugin = "test"
enabled = false
"""


def test_list_shows_every_channel_even_broken_ones(runner: CliRunner, workdir: Path) -> None:
    write_config(workdir, MIXED)
    result = runner.invoke(cli, ["channels", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}

    assert rows["press"] == {
        "name": "press", "plugin": "local-media", "state": "ready", "reason": None,
        "tags": ["print"], "municipality": "Miass", "text": "20000", "photos": 20}
    # An instance's own limits, not only its plugin's defaults.
    assert (rows["bot"]["state"], rows["bot"]["text"]) == ("ready", "500 (caption 200)")
    assert rows["old"]["state"] == "load-failed"
    assert "ModuleNotFoundError: No module named 'no_such_library'" in rows["old"]["reason"]
    assert rows["typo"]["state"] == "config-error"
    assert "(did you mean 'fail'?)" in rows["typo"]["reason"]
    assert rows["off"]["state"] == "disabled"
    assert SECRET not in result.output


def test_list_as_table_and_csv(runner: CliRunner, workdir: Path) -> None:
    write_config(workdir, MIXED)
    table = runner.invoke(cli, ["channels", "list"])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "PLUGIN", "STATE", "REASON", "TAGS", "MUNICIPALITY",
                                "TEXT", "PHOTOS"]
    press = next(line for line in lines if line.startswith("press "))
    assert press.split() == ["press", "local-media", "ready", "—", "print", "Miass",
                             "20,000", "20"]

    as_csv = runner.invoke(cli, ["channels", "list", "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["name"] for r in rows] == ["press", "bot", "old", "typo", "off"]
    assert rows[4]["state"] == "disabled" and rows[4]["reason"] == ""


def test_list_without_channels_says_how_to_add_one(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["channels", "list"])
    assert result.exit_code == 0, result.output
    assert "No channels in the config file. Add a [channels.NAME] section" in result.output


def test_check_all_fine(runner: CliRunner, workdir: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(workdir, '[channels.press]\nplugin = "local-media"\n\n'
                          '[channels.bot]\nplugin = "test"\ntoken = "REC_TOKEN"\n\n'
                          '[channels.off]\nplugin = "test"\nenabled = false\n')
    monkeypatch.setenv("REC_TOKEN", SECRET)
    result = runner.invoke(cli, ["channels", "check"])
    assert result.exit_code == 0, result.output
    assert "press (local-media): ok" in result.stdout
    assert f"press kits go to {workdir / 'output' / 'press'}" in result.stdout
    assert "bot (test): ok" in result.stdout
    assert "off (test): switched off (enabled = false), not checked" in result.stdout
    assert result.stdout.rstrip().endswith("2 channels checked, all fine.")
    assert SECRET not in result.output


def test_check_explains_each_problem_and_fails(runner: CliRunner, workdir: Path) -> None:
    write_config(workdir, MIXED.replace("max_text = 500", 'token = "REC_TOKEN"'))
    result = runner.invoke(cli, ["channels", "check"])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "press (local-media): ok" in out
    assert "bot (test): PROBLEM" in out
    assert "PROBLEM: environment variable REC_TOKEN (setting token) is not set" in out
    assert "to fix: set REC_TOKEN to the token before starting outreach" in out
    assert "old (broken): PROBLEM — load-failed: cannot import broken_plugin:Channel" in out
    # Every settings problem of a channel, with file and line, not only the first.
    assert "config.toml:18: channels.typo.fial: unknown key (did you mean 'fail'?)" in out
    assert "config.toml:19: channels.typo.token: must be the name of an environment" in out
    assert "3 of 4 channels need attention." in out
    assert SECRET not in result.output
    assert "Traceback" not in result.output


def test_check_one_channel(runner: CliRunner, workdir: Path) -> None:
    write_config(workdir, MIXED)
    result = runner.invoke(cli, ["channels", "check", "press"])
    assert result.exit_code == 0, result.output
    assert "bot" not in result.stdout
    assert "1 channel checked, all fine." in result.stdout

    broken = runner.invoke(cli, ["channels", "check", "old"])
    assert broken.exit_code == 1, broken.output
    assert "1 of 1 channel needs attention." in broken.stdout


def test_check_unknown_channel_suggests_a_name(runner: CliRunner, workdir: Path) -> None:
    write_config(workdir, MIXED)
    result = runner.invoke(cli, ["channels", "check", "pres"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: no channel named 'pres' (did you mean 'press'?); "
        "channels: press, bot, old, typo, off")


def test_check_survives_a_plugin_whose_check_crashes(
        runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach_testing import RecordingChannel

    def crash(self: RecordingChannel) -> list:
        raise KeyError("status")

    monkeypatch.setattr(RecordingChannel, "check", crash)
    write_config(workdir, '[channels.bot]\nplugin = "test"\n')
    result = runner.invoke(cli, ["channels", "check"])
    assert result.exit_code == 1, result.output
    assert "PROBLEM: check failed: KeyError: 'status'" in result.stdout


def test_check_of_the_demo_says_the_sandbox_hands_out_the_tokens(
        runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A newcomer checks the demo's channels in a second window: the tokens are missing
    there, and the check says where they come from instead of only failing."""
    points = [metadata.EntryPoint(name, value, GROUP) for name, value in {
        "local-media": "outreach_local_media:LocalMediaChannel",
        "vk": "outreach_vk:VKChannel", "telegram": "outreach_telegram:TelegramChannel",
        "max": "outreach_max:MaxChannel", "ok": "outreach_ok:OKChannel",
    }.items()]  # the plugins the example config names, as pyproject.toml registers them
    monkeypatch.setattr(registry_module.metadata, "entry_points",
                        lambda group: points if group == GROUP else [])
    assert runner.invoke(cli, ["init"]).exit_code == 0
    tokens = ("VK_USER_TOKEN", "VK_COMMUNITY_TOKEN", "TELEGRAM_BOT_TOKEN", "MAX_BOT_TOKEN",
              "OK_ACCESS_TOKEN", "OK_SECRET_KEY", "OK_APPLICATION_KEY")
    result = runner.invoke(cli, ["channels", "check"], env=dict.fromkeys(tokens))
    assert result.exit_code == 1, result.output
    assert ("vk-sandbox, telegram-sandbox, max-sandbox, ok-sandbox: rehearsing in the sandbox "
            "(api_url on this computer), so their tokens come from the sandbox") in result.output
