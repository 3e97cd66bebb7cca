"""What the service tells a coordinator, in their language: Russian words only, English whole.

A log line names stories, channels and campaigns as people wrote them (in
quotes) and commands as one types them; everything else is the reader's
language. The allow-list is small: our name, keys, commands' words.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest
from engine_support import T0, add_publications, add_stories, make_centre

from outreach.config import CENTRE, CHANNEL_COMMON, PATHS, SIGNUPS, TOP, load_config
from outreach.engine import outbox
from outreach.engine.collectors import collect_audience, collect_engagement
from outreach.engine.dispatcher import Dispatcher
from outreach.engine.planner import plan_due
from outreach.errors import ConfigError, PermanentError, TransientError
from outreach.i18n import current_language, language
from outreach_testing import RecordingChannel

ROOT = Path(__file__).resolve().parent.parent
# Words a Russian line may hold as they are: our name, the keys of config.toml, units.
ALLOWED = {"Outreach", "SQLite", "UTF", "PID", "true", "false", "config.toml",
           *TOP, *PATHS, *CENTRE, *CHANNEL_COMMON, *SIGNUPS}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def english_words(text: str, *identifiers: str) -> list[str]:
    """The Latin words of ``text`` that are neither names, commands, URLs nor allowed."""
    text = re.sub(r"«[^»]*»|\"[^\"]*\"|'[^']*'", " ", text)  # names and values, quoted
    text = re.sub(r"`[^`]*`", " ", text)  # commands
    text = re.sub(r"[a-z]+://\S*|(?<![\w.])/\S+|[\w.-]+/[\w./-]+", " ", text)  # URLs, paths
    text = text.replace("Ctrl+C", " ")  # a key one presses
    text = re.sub(r"\b[A-Z]\w*(Error|Exception)\b", " ", text)  # what went wrong, as named
    allowed = ALLOWED | set(identifiers)
    return [word for word in re.findall(r"[A-Za-z][\w.\-]*[A-Za-z0-9]|[A-Za-z]", text)
            if word not in allowed]


def _reason(ru: str, en: str) -> str:
    return ru if current_language() == "ru" else en


class Flaky(RecordingChannel):
    """Publishes, but its platform is down when asked for figures."""

    plugin_name: ClassVar[str] = "flaky"

    def engagement(self, external_ids):  # type: ignore[no-untyped-def]
        raise TransientError(_reason("платформа не отвечает", "the platform does not answer"))

    def audience(self) -> int | None:
        raise TransientError(_reason("платформа не отвечает", "the platform does not answer"))


class Down(RecordingChannel):
    plugin_name: ClassVar[str] = "down"

    def publish(self, post):  # type: ignore[no-untyped-def]
        raise TransientError(_reason("платформа не отвечает", "the platform does not answer"))


class Refusing(RecordingChannel):
    plugin_name: ClassVar[str] = "refusing"

    def publish(self, post):  # type: ignore[no-untyped-def]
        raise PermanentError(_reason("запись отклонена", "the post was refused"))


class NeedsToken(RecordingChannel):
    plugin_name: ClassVar[str] = "needs-token"

    def publish(self, post):  # type: ignore[no-untyped-def]
        self.secret("token")
        return super().publish(post)


CHANNELS = {"ok": {"plugin": "test", "title": "Серебряные волонтёры"},
            "flaky": {"plugin": "flaky"}, "down": {"plugin": "down"},
            "refusing": {"plugin": "refusing"},
            "tokenless": {"plugin": "needs-token", "token": "REC_TOKEN"}}
IDENTIFIERS = (*CHANNELS, "test", "token", "REC_TOKEN", "export")


# The loggers of what is tested here: another test's thread still running (a lease's
# heartbeat) may log meanwhile, in the language of its moment.
OURS = {"outreach.dispatcher", "outreach.collectors", "outreach.registry", "outreach.service"}


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _service_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 caplog: pytest.LogCaptureFixture) -> list[str]:
    """Publish to every channel, retry until giving up, collect figures: the log's lines."""
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    centre = make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}", CHANNELS,
                         plugins=(RecordingChannel, Flaky, Down, Refusing, NeedsToken))
    stories = add_stories(centre.store, 1)
    for name in CHANNELS:
        add_publications(centre.store, centre.ids["test"], stories, name)
    clock = Clock(T0)
    # Threads another test left behind (an abandoned call of a hung channel ends late and logs
    # its outcome) are not this day's: only this thread and those started from here count.
    # (A thread is known by its id and name together: either alone may come again.)
    others = {(t.ident, t.name) for t in threading.enumerate()
              if t is not threading.current_thread()}
    dispatcher = Dispatcher(centre.store, centre.config, centre.registry, centre.specs_by_id,
                            "w1", clock=clock)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="outreach"):
        for _attempt in range(2):
            dispatcher.tick()
            assert dispatcher.wait_idle(10)
            clock.now += outbox.BACKOFF_CAP * 2  # every retry is due
        later = clock.now + dt.timedelta(hours=1)
        collect_engagement(centre.store, centre.registry, later)
        collect_audience(centre.store, centre.registry, later)
        checked = centre.registry.check("tokenless")
    dispatcher.stop()
    lines = [r.getMessage() for r in caplog.records
             if r.name in OURS and (r.thread, r.threadName) not in others]
    return lines + [f"{c.message} {c.fix or ''}" for c in checked]


def test_the_service_s_day_reads_in_russian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with language("ru"):
        lines = _service_day(tmp_path, monkeypatch, caplog)
    text = "\n".join(lines)
    assert re.search(r"^Опубликовано: «Story 1» → ok «Серебряные волонтёры» \(публикация \d+\): "
                     r"https://test.invalid/ok/\d+$", text, re.M), text
    assert re.search(r"^Пока не опубликовано: «Story 1» → down \(публикация \d+\): платформа не "
                     r"отвечает\. Следующая попытка — \d", text, re.M), text
    assert re.search(r"^Не опубликовано: «Story 1» → down \(публикация \d+\): не получилось "
                     r"после 2 попыток: платформа не отвечает\. Нужно решение человека", text,
                     re.M), text
    assert "→ refusing (публикация" in text and ": запись отклонена. Нужно решение" in text
    # The plugin API's own words (outreach.channels), whichever way it puts them.
    assert re.search(r"канал tokenless: переменная окружения REC_TOKEN \(из [^)]*token\) не "
                     r"задана", text), text
    assert ("переменная окружения REC_TOKEN (настройка token) не задана перед запуском "
            "Outreach запишите в REC_TOKEN токен") in text
    assert "Не удалось собрать просмотры и отметки «нравится» в flaky: платформа не отвечает" \
        in text
    assert "Не удалось узнать число подписчиков flaky: платформа не отвечает" in text
    for line in lines:
        assert not english_words(line, *IDENTIFIERS), line


def test_the_service_s_day_stays_english_in_english(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    lines = _service_day(tmp_path, monkeypatch, caplog)
    text = "\n".join(lines)
    assert re.search(r'^Published: "Story 1" → ok "Серебряные волонтёры" \(publication \d+\): '
                     r"https://test.invalid/ok/\d+$", text, re.M), text
    assert "Not published yet: " in text and "Next try at " in text
    assert "gave up after 2 attempts: the platform does not answer" in text
    assert "Views and likes on flaky were not collected: the platform does not answer" in text
    for line in lines:
        assert not CYRILLIC.search(re.sub(r'"[^"]*"', "", line)), line


def test_the_planner_s_lines_read_in_russian(tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    centre = make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}",
                         {"ok": {"plugin": "test"}}, schedule='every = "1h"', grace="3h")
    add_stories(centre.store, 1)
    spec, cid = centre.specs["test"], centre.ids["test"]
    with language("ru"), caplog.at_level(logging.INFO, logger="outreach"):
        plan_due(centre.store, centre.config, spec, cid, T0)
        plan_due(centre.store, centre.config, spec, cid, T0 + 10 * dt.timedelta(hours=1))
    lines = [r.getMessage() for r in caplog.records if r.name == "outreach.planner"]
    text = "\n".join(lines)
    assert "Кампания test: выпуск 1 декабря 2026, 10:00 запланирован, 1 публикация" in text, text
    assert ("Кампания test: 6 выпусков с 1 декабря 2026, 11:00 по 1 декабря 2026, 16:00 "
            "пропущено, пока Outreach не работал; допустимое опоздание (3 часа) прошло") in text
    assert "не осталось одобренных историй" in text
    for line in lines:
        assert not english_words(line, "test"), line


BAD_CONFIG = """\
language = "ru"
time_zone = "Europe/Moskow"
municipalities = "Миасс"
database_urll = "sqlite:///x.db"

[centre]
name = 5

[channels.vk]
plugin = "test"
enabled = "yes"
tags = ["a", 3]

[signups]
policy_url = ""
policy_version = "2026-1"
join_window = "2 days"
"""


def test_config_mistakes_are_said_in_russian_and_in_english(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BAD_CONFIG, encoding="utf-8")
    with language("ru"), pytest.raises(ConfigError) as russian:
        load_config(path)
    with pytest.raises(ConfigError) as english:
        load_config(path)
    ru, en = str(russian.value).splitlines(), str(english.value).splitlines()
    assert ru[0] == f"в {path} 8 ошибок:"
    assert en[0] == f"{path} has 8 problem(s):"
    assert (f"{path}:3: municipalities: нужно: список в квадратных скобках, а написано: "
            "текст 'Миасс'") in ru
    assert ru[1].startswith(f"{path}:2: time_zone: неизвестный часовой пояс 'Europe/Moskow'")
    assert any(line.startswith(f"{path}:4: database_urll: неизвестная настройка (может быть, "
                               "имелось в виду 'database_url'?)") for line in ru)
    for line in ru[1:]:
        where, _, message = line.partition(": ")
        key, _, message = message.partition(": ")
        assert where.startswith(str(path)) and CYRILLIC.search(message), line
        assert not english_words(message, "m", "h", "d", "w", "centre", "logo"), line
    for line in en[1:]:
        assert not CYRILLIC.search(re.sub(r"'[^']*'", "", line)), line


def test_a_missing_token_is_said_in_russian(tmp_path: Path) -> None:
    centre = make_centre(tmp_path, f"sqlite:///{tmp_path / 'outreach.db'}",
                         {"vk": {"plugin": "needs-token", "token": "VK_USER_TOKEN"}},
                         plugins=(NeedsToken,))
    with language("ru"):
        result, checked = centre.registry.check("vk")
    assert re.fullmatch(r"канал vk: переменная окружения VK_USER_TOKEN \(из [^)]*token\) не "
                        r"задана", checked.message), checked.message
    assert result.message == "переменная окружения VK_USER_TOKEN (настройка token) не задана"
    assert result.fix == ("перед запуском Outreach запишите в VK_USER_TOKEN токен, например: "
                          "export VK_USER_TOKEN=...")


# --- `outreach run` against the sandbox -------------------------------------------------

CORE_LOGGERS = ("outreach.service", "outreach.dispatcher", "outreach.planner",
                "outreach.collectors", "outreach.registry", "outreach.leases",
                "outreach.signups", "outreach.sandbox")
# A log file (stderr is not a terminal): date, time, level and logger on every line.
LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING|ERROR) ([\w.]+): (.*)$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sandbox_centre(tmp_path: Path) -> Path:
    """The example folder with the sample stories, its fakes on free ports."""
    project = tmp_path / "centre"
    project.mkdir()
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for port in set(re.findall(r"http://127\.0\.0\.1:(\d+)", text)):
        text = text.replace(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{_free_port()}")
    (project / "config.example.toml").write_text(text, encoding="utf-8")
    for folder in ("media/samples", "media/brand", "campaigns"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


def _run_until_published(project: Path, lang: str,
                         running: str) -> list[tuple[str, str, str]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OUTREACH_CONFIG", "VK_USER_TOKEN", "VK_COMMUNITY_TOKEN",
                        "TELEGRAM_BOT_TOKEN")}
    env["OUTREACH_LANG"] = lang
    outreach = [sys.executable, "-m", "outreach"]
    subprocess.run([*outreach, "init", "--samples"], cwd=project, env=env, check=True,
                   capture_output=True, timeout=300)
    log = project / "run.log"
    with log.open("w", encoding="utf-8") as err:
        worker = subprocess.Popen([*outreach, "run", "--sandbox"], cwd=project, env=env,
                                  stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 180
        try:
            while time.monotonic() < deadline and worker.poll() is None:
                output = log.read_text(encoding="utf-8")
                if output.count(" outreach.dispatcher: ") >= 3 and running in output:
                    break
                time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(60)
    output = log.read_text(encoding="utf-8")
    assert worker.returncode == 0, output
    assert "Traceback" not in output, output
    found = [match.groups() for match in map(LINE.match, output.splitlines()) if match]
    return [(level, name, message) for level, name, message in found
            if name in CORE_LOGGERS]


def test_outreach_run_against_the_sandbox_logs_in_russian(tmp_path: Path) -> None:
    project = _sandbox_centre(tmp_path)
    lines = _run_until_published(project, "ru", running="Outreach работает (")
    messages = [message for level, _, message in lines if level == "INFO"]
    assert any(m.startswith("Outreach работает (") for m in messages), lines
    assert sum(m.startswith("Опубликовано: «") for m in messages) >= 3, lines
    config = load_config(project / "config.toml")
    names = {*(p.stem for p in (project / "campaigns").glob("*.toml")),
             *config.channels, *(c.plugin for c in config.channels.values()),
             *re.split(r"\W+", socket.gethostname())}
    for _level, _name, message in lines:
        assert not english_words(message, *names), message
