"""The sandbox first run: the example config publishes to the fakes of VK and Telegram.

These run the real CLI in a copy of the project folder, so the real client
libraries talk to the fakes over loopback exactly as the README's run command
does. The fakes listen on their fixed sandbox ports (8701, 8702).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from outreach.testing import RecordingChannel, make_registry, make_test_config

ROOT = Path(__file__).resolve().parent.parent


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "centre"
    project.mkdir()
    shutil.copy(ROOT / "config.example.toml", project)
    shutil.copytree(ROOT / "media" / "samples", project / "media" / "samples")
    shutil.copytree(ROOT / "media" / "brand", project / "media" / "brand")
    shutil.copytree(ROOT / "campaigns", project / "campaigns")
    return project


def _outreach(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OUTREACH_CONFIG", "VK_USER_TOKEN", "VK_COMMUNITY_TOKEN",
                        "TELEGRAM_BOT_TOKEN")}
    return subprocess.run([sys.executable, "-m", "outreach", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def test_first_run_publishes_to_every_sandbox_channel_and_logs_no_token(tmp_path: Path):
    project = _project(tmp_path)
    assert _outreach(project, "init", "--samples").returncode == 0

    run = _outreach(project, "--debug", "run", "--sandbox", "--once")

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    listed = _outreach(project, "publications", "list", "--format", "json")
    rows = json.loads(listed.stdout)
    assert {r["channel"] for r in rows if r["status"] == "published"} == {
        "press", "vk-sandbox", "telegram-sandbox"}, rows
    assert any(r["url_or_error"].startswith("https://vk.com/wall-229000001_") for r in rows)
    assert any(r["url_or_error"].startswith("https://t.me/sandbox_channel/") for r in rows)
    assert "AAsandbox-token" not in output  # the Telegram bot token
    assert "vk1.sandbox." not in output  # VK's tokens
    assert list((project / "output" / "press").iterdir())  # a press kit on disk


def test_without_the_sandbox_a_missing_token_is_said_plainly(tmp_path: Path):
    project = _project(tmp_path)
    _outreach(project, "init", "--samples")

    run = _outreach(project, "run", "--once")

    assert run.returncode == 0, run.stderr
    rows = json.loads(_outreach(project, "publications", "list", "--format", "json").stdout)
    vk = [r for r in rows if r["channel"] == "vk-sandbox"]
    assert vk and all(r["status"] == "failed" for r in vk)
    assert "VK_USER_TOKEN" in vk[0]["url_or_error"]
    assert "Traceback" not in run.stderr


def test_configured_secrets_are_masked_in_every_log_record(tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture):
    from outreach.cli import _SecretFilter

    secret = "123456:very-secret-bot-token"
    config = make_test_config(tmp_path, {"a": {"plugin": "test", "token": "BOT_TOKEN"}})
    registry = make_registry(config, (RecordingChannel,), env={"BOT_TOKEN": secret})
    caplog.handler.addFilter(_SecretFilter(registry))

    logging.getLogger("some.library").warning("calling https://api/bot%s/getMe", secret)

    assert secret not in caplog.text
    assert "https://api/bot***/getMe" in caplog.text
