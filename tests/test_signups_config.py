"""[signups] in config.toml: no sign-up bot asks for consent to a policy nobody named."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from outreach.channels import Capabilities, SignupDesk
from outreach.config import load_config
from outreach.db import Store
from outreach.errors import ConfigError
from outreach.signups.desk import StoreDesk
from outreach_testing import RecordingChannel, make_registry, make_test_config

ROOT = Path(__file__).resolve().parent.parent


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(p) for p in caught.value.problems]


def test_a_signups_section_without_the_policy_is_refused_with_the_other_errors(
        tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('time_zone = "Mars/Olympus"\n\n[signups]\njoin_window = "48h"\n'
                    'policy_version = ""\n', encoding="utf-8")
    found = _problems(path)
    assert found[0].startswith(f"{path}:1: time_zone: unknown time zone")
    assert found[1].startswith(f"{path}:3: signups.policy_url: is required")
    assert "personal-data policy" in found[1] and "https://" in found[1]
    assert found[2].startswith(f"{path}:5: signups.policy_version: is required")
    assert len(found) == 3


@pytest.mark.parametrize(("line", "expected"), [
    ('policy_url = "example.org/privacy"', "signups.policy_url: 'example.org/privacy' is not "
                                           "a web address"),
    ('policy_url = "  "', "signups.policy_url: is required"),
    ('erase_unfinished_after = "0h"', "between 1 hour ('1h') and 90 days"),
    ('erase_unfinished_after = "365d"', "between 1 hour ('1h') and 90 days"),
    ('erase_unfinished_after = "soon"', "is not a duration"),
    ('policy_version = "' + "9" * 51 + '"', "at most 50 characters"),
])
def test_signups_settings_are_checked(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    settings = {"policy_url": 'policy_url = "https://example.org/p"',
                "policy_version": 'policy_version = "1"'}
    settings[line.split(" ", 1)[0]] = line
    path.write_text("[signups]\n" + "\n".join(settings.values()) + "\n", encoding="utf-8")
    [problem] = _problems(path)
    assert expected in problem


def test_the_example_config_has_sign_ups_on_with_a_policy() -> None:
    config = load_config(ROOT / "config.example.toml")
    assert config.signups.enabled
    assert config.signups.policy_url.startswith("https://") and config.signups.policy_version
    assert config.signups.erase_unfinished_after == dt.timedelta(days=7)


def test_init_writes_a_config_that_loads(runner: CliRunner, workdir: Path) -> None:
    from outreach.cli import cli

    shutil.copy(ROOT / "config.example.toml", workdir / "config.example.toml")
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert load_config(workdir / "config.toml").signups.enabled


class BotChannel(RecordingChannel):
    """A platform with a sign-up bot, which records whether it was started."""

    plugin_name = "bot"
    capabilities = Capabilities(signups=True)
    started: ClassVar[list[str]] = []

    def start_intake(self, desk: SignupDesk) -> None:
        BotChannel.started.append(self.name)


def test_without_a_signups_section_no_bot_starts(store: Store, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from outreach.engine.service import Service

    BotChannel.started = []
    caplog.set_level(logging.INFO)
    config = make_test_config(tmp_path, {"bot": {"plugin": "bot"}})
    assert not config.signups.enabled
    registry = make_registry(config, (BotChannel,))
    Service(config, store, registry)._start_intake()
    assert BotChannel.started == []
    assert any("sign-up bots are off" in r.getMessage() for r in caplog.records)
    with pytest.raises(ConfigError, match="policy_url and policy_version"):
        StoreDesk(store, config, registry)

    config = make_test_config(tmp_path, {"bot": {"plugin": "bot"}}, top={"signups": {
        "policy_url": "https://example.org/p", "policy_version": "1"}})
    Service(config, store, make_registry(config, (BotChannel,)))._start_intake()
    assert BotChannel.started == ["bot"]
