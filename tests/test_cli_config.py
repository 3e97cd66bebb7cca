"""``outreach config show``: what Outreach will use, with every secret hidden."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from outreach.channels import Channel, Field, Post, Published
from outreach.cli import cli
from outreach.cli.config import effective_config, render_toml
from outreach.config import load_config
from outreach.platforms.registry import Registry

CONFIG = """\
database_url = "postgresql+psycopg://centre:pa55-word@db.example/outreach"
municipalities = ["Миасс", "Златоуст"]

[paths]
media = "фото"

[centre]
name = "Ресурсный центр серебряного волонтёрства"
logo = "brand/logo.png"

[channels.vk]
plugin = "vk"
municipality = "Миасс"
user_token_env = "VK_USER_TOKEN"
community_token_env = "VK_GROUP_TOKEN"
access_token = "vk1.a.pasted-by-mistake"
group_id = 12345
"""


class SecretsChannel(Channel):
    """A plugin whose schema declares which settings name environment variables."""

    plugin_name = "secrets"
    settings_schema: ClassVar = {
        "bot": Field(str, env=True, required=True),
        "chat": Field(str, default="@silver_miass"),
    }

    def publish(self, post: Post) -> Published:
        return Published(external_id="1")


@pytest.fixture
def project(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (workdir / "config.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("VK_USER_TOKEN", "vk1.a.real-user-token")
    monkeypatch.delenv("VK_GROUP_TOKEN", raising=False)
    return workdir


def test_show_fills_defaults_resolves_paths_and_hides_secrets(
        runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["config", "show"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert 'database_url = "postgresql+psycopg://centre:***@db.example/outreach"' in out
    assert 'time_zone = "Asia/Yekaterinburg"' in out  # a default, filled in
    assert f'media = "{project / "фото"}"' in out
    assert f'campaigns = "{project / "campaigns"}"' in out
    assert f'logo = "{project / "brand/logo.png"}"' in out
    assert 'user_token_env = "VK_USER_TOKEN"  # (set)' in out
    assert 'community_token_env = "VK_GROUP_TOKEN"  # (not set)' in out
    assert 'access_token = "(hidden)"' in out
    assert "group_id = 12345" in out
    for secret in ("pa55-word", "real-user-token", "pasted-by-mistake"):
        assert secret not in out


def test_show_is_toml_a_volunteer_can_read_back(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["config", "show"])
    assert result.exit_code == 0, result.output
    shown = tomllib.loads(result.output.split("\n", 2)[2])  # past the two header lines
    assert shown["municipalities"] == ["Миасс", "Златоуст"]
    assert shown["channels"]["vk"]["municipality"] == "Миасс"
    assert shown["channels"]["vk"]["enabled"] is True
    assert shown["centre"]["name"] == "Ресурсный центр серебряного волонтёрства"


def test_show_as_json(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["config", "show", "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["config_file"] == str(project / "config.toml")
    assert shown["database_url"] == "postgresql+psycopg://centre:***@db.example/outreach"
    vk = shown["channels"]["vk"]
    assert vk["user_token_env"] == {"variable": "VK_USER_TOKEN", "set": True}
    assert vk["community_token_env"] == {"variable": "VK_GROUP_TOKEN", "set": False}
    assert vk["access_token"] == "(hidden)"
    assert vk["title"] is None and vk["tags"] == []
    assert "real-user-token" not in result.output


def test_show_without_config_file_shows_defaults(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert "no config file (built-in defaults)" in result.output
    assert f'database_url = "sqlite:///{workdir / "outreach.db"}"' in result.output
    assert "No channels configured" in result.output
    assert list(workdir.iterdir()) == []  # showing creates nothing


def test_show_reports_a_missing_config_file(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["--config", "missing.toml", "config", "show"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: missing.toml: no such file"


def test_show_reports_every_problem_of_a_bad_file(runner: CliRunner, workdir: Path) -> None:
    text = 'time_zone = "Asia/Yekaterinbrug"\n[centre]\nnmae = "Центр"\n'
    (workdir / "config.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["config", "show"])
    assert result.exit_code == 1
    assert "config.toml:1: time_zone: unknown time zone 'Asia/Yekaterinbrug'" in result.output
    assert "config.toml:3: centre.nmae: unknown key (did you mean 'name'?)" in result.output
    assert "Traceback" not in result.output
    assert (workdir / "config.toml").read_text(encoding="utf-8") == text


def test_env_settings_follow_the_plugin_schema(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[channels.tg]\nplugin = "secrets"\nbot = "TG_BOT_TOKEN"\n',
                    encoding="utf-8")
    config = load_config(path)
    env = {"TG_BOT_TOKEN": "123:telegram-secret"}
    registry = Registry.from_config(config, plugins={"secrets": SecretsChannel}, env=env)

    shown = effective_config(config, env=env, registry=registry)

    # "bot" has no _env suffix: only the plugin's schema says it names a variable.
    assert shown["channels"]["tg"]["bot"] == {"variable": "TG_BOT_TOKEN", "set": True}
    assert shown["channels"]["tg"]["chat"] == "@silver_miass"  # the plugin's default
    text = render_toml(shown)
    assert 'bot = "TG_BOT_TOKEN"  # (set)' in text
    assert "telegram-secret" not in text + json.dumps(shown)


PASTED = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # a bot token's shape
OLD_VK = "a0b1c2d3e4f5" * 7 + "a"  # VK's older tokens: 85 hex digits, a valid name's shape


def _shown_both_ways(runner: CliRunner) -> tuple[str, dict]:
    text = runner.invoke(cli, ["config", "show"])
    assert text.exit_code == 0, text.output
    data = runner.invoke(cli, ["config", "show", "--format", "json"])
    assert data.exit_code == 0, data.output
    return text.output, json.loads(data.output)


def test_a_token_pasted_as_a_variable_name_is_hidden_in_every_format(
        runner: CliRunner, workdir: Path, caplog: pytest.LogCaptureFixture) -> None:
    (workdir / "config.toml").write_text(f"""\
[channels.tg]
plugin = "telegram"
chat_id = "@silver_miass"
token_env = "{PASTED}"

[channels.vk]
plugin = "vk"
group_id = 12345
user_token_env = "{OLD_VK}"
community_token_env = "VK_GROUP_TOKEN"
""", encoding="utf-8")

    text, data = _shown_both_ways(runner)

    assert 'token_env = "(hidden)"' in text and 'user_token_env = "(hidden)"' in text
    assert 'community_token_env = "VK_GROUP_TOKEN"  # (not set)' in text
    assert data["channels"]["tg"]["token_env"] == "(hidden)"
    assert data["channels"]["vk"]["user_token_env"] == "(hidden)"
    everything = text + json.dumps(data) + caplog.text
    assert PASTED not in everything and "AAHdqTcvCH1v" not in everything
    assert OLD_VK not in everything
    # Both channels refuse to load, with the message that says the value was hidden.
    refused = [r.getMessage() for r in caplog.records if "config-error" in r.getMessage()]
    assert any("channels.tg.token_env" in m and "the value given was hidden" in m
               for m in refused), refused
    assert any("channels.vk.user_token_env" in m and "the value given was hidden" in m
               for m in refused), refused


def test_secret_keys_are_hidden_whatever_they_hold_even_without_the_plugin(
        runner: CliRunner, workdir: Path) -> None:
    (workdir / "config.toml").write_text(f"""\
database_url = "postgresql+psycopg://db.example/outreach?password=pa55-query"

[channels.odd]
plugin = "not-installed"
bot_token_env = "{PASTED}"
password = 123456789
secrets = ["one-secret", "two-secret"]
login = {{ user = "centre", api_key = "k-e-y-secret" }}
api_url = "https://api.telegram.org/bot{PASTED}/"
""", encoding="utf-8")

    text, data = _shown_both_ways(runner)

    odd = data["channels"]["odd"]
    assert odd["bot_token_env"] == odd["password"] == odd["secrets"] == "(hidden)"
    assert odd["login"] == {"user": "centre", "api_key": "(hidden)"}
    assert odd["api_url"] == "https://api.telegram.org/bot***/"
    assert data["database_url"] == "postgresql+psycopg://db.example/outreach?password=***"
    for secret in (PASTED, "123456789", "one-secret", "k-e-y-secret", "pa55-query"):
        assert secret not in text + json.dumps(data)


def test_show_includes_the_signups_section(runner: CliRunner, workdir: Path) -> None:
    (workdir / "config.toml").write_text("""\
[channels.tg]
plugin = "telegram"
chat_id = "@silver_miass"
token_env = "TELEGRAM_BOT_TOKEN"

[signups]
policy_url = "https://example.org/privacy"
policy_version = "2026-1"
coordinators = { channel = "tg", chat = "@coordinators" }
join_window = "72h"

[signups.texts]
done = "Спасибо, {name}!"
""", encoding="utf-8")

    text, data = _shown_both_ways(runner)

    assert data["signups"] == {
        "policy_url": "https://example.org/privacy", "policy_version": "2026-1",
        "coordinators": {"channel": "tg", "chat": "@coordinators"}, "join_window": "72h",
        "other_municipality_label": "", "erase_unfinished_after": "1w",
        "texts": {"done": "Спасибо, {name}!"}}
    shown = tomllib.loads(text.split("\n", 2)[2])
    assert shown["signups"] == data["signups"]
