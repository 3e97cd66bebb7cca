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
from outreach.registry import Registry

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
