"""The sandbox first run: the example config publishes to the fakes of VK and Telegram.

These run the real CLI in a copy of the project folder, so the real client
libraries talk to the fakes over loopback exactly as the README's run command
does. The copy's channels point at free ports, so the tests run while a
developer's own `make run` holds the example config's 8701 and 8702.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach.config import load_config
from outreach.errors import ConfigError
from outreach.platforms.registry import Registry
from outreach.platforms.sandbox import start_sandbox
from outreach_ok import OKChannel
from outreach_testing import make_test_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_URLS = {"vk": 'api_url = "http://127.0.0.1:8701"',
                "telegram": 'api_url = "http://127.0.0.1:8702"',
                "max": 'api_url = "http://127.0.0.1:8703"',
                "ok": 'api_url = "http://127.0.0.1:8704"'}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _project(tmp_path: Path, ports: dict[str, int] | None = None) -> Path:
    """A copy of the project folder whose sandbox channels point at ``ports`` (free ones)."""
    project = tmp_path / "centre"
    project.mkdir()
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for plugin, line in EXAMPLE_URLS.items():
        assert line in text
        port = (ports or {}).get(plugin) or free_port()
        text = text.replace(line, f'api_url = "http://127.0.0.1:{port}"')
    (project / "config.example.toml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "media" / "samples", project / "media" / "samples")
    shutil.copytree(ROOT / "media" / "brand", project / "media" / "brand")
    shutil.copytree(ROOT / "campaigns", project / "campaigns")
    return project


def _outreach(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OUTREACH_CONFIG", "VK_USER_TOKEN", "VK_COMMUNITY_TOKEN",
                        "TELEGRAM_BOT_TOKEN", "OK_ACCESS_TOKEN", "OK_SECRET_KEY")}
    return subprocess.run([sys.executable, "-m", "outreach", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def example_ports_held() -> Iterator[None]:
    """8701-8704 held, as a developer's `make run` holds them (or already held)."""
    with contextlib.ExitStack() as stack:
        for port in (8701, 8702, 8703, 8704):
            sock = stack.enter_context(socket.socket())
            with contextlib.suppress(OSError):  # held already: all the better
                sock.bind(("127.0.0.1", port))
                sock.listen()
        yield


def test_first_run_publishes_to_every_sandbox_channel_and_logs_no_token(tmp_path: Path):
    project = _project(tmp_path)
    assert _outreach(project, "init", "--samples").returncode == 0

    with example_ports_held():
        run = _outreach(project, "--debug", "run", "--sandbox", "--once")

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    listed = _outreach(project, "publications", "list", "--format", "json")
    rows = json.loads(listed.stdout)
    assert {r["channel"] for r in rows if r["status"] == "published"} == {
        "press", "vk-sandbox", "telegram-sandbox", "max-sandbox", "ok-sandbox"}, rows
    assert any(r["url_or_error"].startswith("https://vk.com/wall-229000001_") for r in rows)
    assert any(r["url_or_error"].startswith("https://t.me/sandbox_channel/") for r in rows)
    assert "AAsandbox-token" not in output  # the Telegram bot token
    assert "vk1.sandbox." not in output  # VK's tokens
    assert any(r["url_or_error"].startswith("https://max.ru/c/") for r in rows)
    assert "max.sandbox." not in output  # MAX's tokens
    assert any(r["url_or_error"].startswith("https://ok.ru/group/70000001234567/topic/")
               for r in rows)
    described = OKChannel.fake_platform(None).describe()
    assert described["access_token"] not in output and described["secret_key"] not in output
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


def _sandbox_config(folder: Path, channels: dict[str, dict]) -> Path:
    """A config.toml with these sandbox channels (and their ready-made variable names)."""
    sections = {}
    for name, extra in channels.items():
        base = ({"plugin": "vk", "group_id": 229000001, "user_token_env": "VK_USER_TOKEN",
                 "community_token_env": "VK_COMMUNITY_TOKEN"} if extra["plugin"] == "vk" else
                {"plugin": "telegram", "token_env": "TELEGRAM_BOT_TOKEN",
                 "chat_id": "@sandbox_channel"})
        sections[name] = {**base, **extra}
    config = make_test_config(folder, sections)
    assert config.path is not None
    return config.path


def _start(path: Path, *, every_plugin: bool = False):
    config = load_config(path)
    return start_sandbox(config, Registry.from_config(config, env={}),
                         every_plugin=every_plugin)


def test_each_fake_listens_where_its_channels_api_url_says_so_two_sandboxes_can_run(
        tmp_path: Path):
    ports = [free_port() for _ in range(4)]
    one = _sandbox_config(tmp_path / "one", {
        "vk": {"plugin": "vk", "api_url": f"http://127.0.0.1:{ports[0]}"},
        "tg": {"plugin": "telegram", "api_url": f"http://localhost:{ports[1]}"}})
    two = _sandbox_config(tmp_path / "two", {
        "vk": {"plugin": "vk", "api_url": f"http://127.0.0.1:{ports[2]}"},
        "tg": {"plugin": "telegram", "api_url": f"http://127.0.0.1:{ports[3]}/"}})

    first, second = _start(one), _start(two)
    try:
        assert first.described["vk"]["api_url"] == f"http://127.0.0.1:{ports[0]}"
        assert first.described["telegram"]["api_url"] == f"http://127.0.0.1:{ports[1]}"
        assert second.described["vk"]["api_url"] == f"http://127.0.0.1:{ports[2]}"
        assert second.described["telegram"]["api_url"] == f"http://127.0.0.1:{ports[3]}"
        assert set(first.environment) == {"VK_USER_TOKEN", "VK_COMMUNITY_TOKEN",
                                          "TELEGRAM_BOT_TOKEN"}
    finally:
        first.stop()
        second.stop()


def test_a_taken_port_names_the_channel_and_the_setting_to_change(tmp_path: Path):
    vk_port = free_port()
    path = _sandbox_config(tmp_path, {
        "vk-sandbox": {"plugin": "vk", "api_url": f"http://127.0.0.1:{vk_port}"},
        "telegram-sandbox": {"plugin": "telegram", "api_url": "http://127.0.0.1:0"}})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path.write_text(path.read_text(encoding="utf-8").replace(
            "http://127.0.0.1:0", f"http://127.0.0.1:{port}"), encoding="utf-8")

        with pytest.raises(ConfigError) as raised:
            _start(path)

    message = str(raised.value)
    assert message.startswith(f"cannot start the telegram sandbox on 127.0.0.1:{port}: ")
    # The likeliest cause first, in words: the demo still running in another window.
    assert ("the port is taken, most likely by Outreach running in another window "
            "(`make run`, `outreach run --sandbox` or `outreach sandbox`): stop it there "
            "with Ctrl+C. If another program holds it:\n") in message
    assert "Address already in use" not in message
    line = next(number for number, text in enumerate(
        path.read_text(encoding="utf-8").splitlines(), 1) if str(port) in text)
    assert f"{path}:{line}: channels.telegram-sandbox.api_url: change the port to a free " \
           'one, e.g. "http://127.0.0.1:' in message
    with socket.socket() as again:  # the VK fake that had started was stopped again
        again.bind(("127.0.0.1", vk_port))


def test_a_sandbox_address_off_this_computer_is_refused_saying_why(tmp_path: Path):
    path = _sandbox_config(tmp_path, {
        "vk": {"plugin": "vk", "api_url": "http://192.168.1.20:8701"},
        "tg-a": {"plugin": "telegram", "api_url": "http://127.0.0.1:8702"},
        "tg-b": {"plugin": "telegram", "api_url": "http://127.0.0.1:8712"}})

    with pytest.raises(ConfigError) as raised:
        _start(path, every_plugin=True)

    problems = [f"{p.key}: {p.message}" for p in raised.value.problems]
    assert problems == [
        "channels.tg-b.api_url: port 8712 differs from channel tg-a's port 8702: one "
        "telegram sandbox serves both, so give them the same api_url",
        "channels.vk.api_url: 'http://192.168.1.20:8701' is not on this computer: the "
        'sandbox serves plain http on 127.0.0.1 only, so write "http://127.0.0.1:8701"',
    ]


def test_run_with_the_sandbox_refuses_a_channel_that_would_publish_for_real(tmp_path: Path):
    path = _sandbox_config(tmp_path, {
        "vk-real": {"plugin": "vk"},
        "tg": {"plugin": "telegram", "api_url": f"http://127.0.0.1:{free_port()}"}})

    with pytest.raises(ConfigError) as raised:
        _start(path)
    [problem] = raised.value.problems
    assert problem.key == "channels.vk-real.api_url"
    assert problem.message.startswith("is not set, so channel vk-real would publish to the "
                                      "real platform: to rehearse with the sandbox, set ")

    # `outreach sandbox` only serves the fakes: a real channel is left alone.
    running = _start(path, every_plugin=True)
    try:
        assert set(running.fakes) == {"max", "ok", "telegram", "vk"}
        assert set(running.environment) == {"TELEGRAM_BOT_TOKEN"}
    finally:
        running.stop()


def test_outreach_sandbox_prints_its_addresses_and_fake_tokens_never_real_ones(
        tmp_path: Path):
    import signal

    ports = {"vk": free_port(), "telegram": free_port()}
    project = _project(tmp_path, ports)
    shutil.copy(project / "config.example.toml", project / "config.toml")
    real = {"VK_USER_TOKEN": "vk1.a.REAL-user-token-0123456789",
            "TELEGRAM_BOT_TOKEN": "7000000001:AAREALREALREALREALREALREALREALREAL1"}
    env = {**os.environ, **real}
    env.pop("OUTREACH_CONFIG", None)
    served = subprocess.Popen([sys.executable, "-m", "outreach", "sandbox"], cwd=project,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    lines = []
    try:
        assert served.stdout is not None
        for line in served.stdout:
            lines.append(line)
            if line.startswith("Serving until Ctrl-C"):
                break
        served.send_signal(signal.SIGINT)
        lines.append(served.communicate(timeout=30)[0])
    finally:
        served.kill()
    output = "".join(lines)
    assert f"api_url: http://127.0.0.1:{ports['vk']}" in output
    assert f"api_url: http://127.0.0.1:{ports['telegram']}" in output
    assert "export TELEGRAM_BOT_TOKEN=7000000001:AAsandbox-token" in output
    assert "export VK_USER_TOKEN=vk1.sandbox.user." in output
    assert "Sandbox stopped." in output and "Traceback" not in output
    for token in real.values():
        assert token not in output
