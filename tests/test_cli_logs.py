"""The command's logging: no secret and no phone number in any record, at any level."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from outreach.cli.logs import LogFilter, configure_logging, hide_secrets_in_logs
from outreach.db import open_store
from outreach_testing import RecordingChannel, make_registry, make_test_config


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """A handler on the root logger, as the command's stderr handler is."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


def test_configured_secrets_are_masked_in_every_log_record(tmp_path: Path,
                                                           written: io.StringIO) -> None:
    secret = "123456:very-secret-bot-token"
    config = make_test_config(tmp_path, {"a": {"plugin": "test", "token": "BOT_TOKEN"}})
    registry = make_registry(config, (RecordingChannel,), env={"BOT_TOKEN": secret})
    configure_logging(debug=False)
    hide_secrets_in_logs(registry)

    logging.getLogger("some.library").warning("calling https://api/bot%s/getMe", secret)

    assert secret not in written.getvalue()
    assert "https://api/bot***/getMe" in written.getvalue()


def test_library_records_that_carry_bodies_are_dropped_even_at_debug(
        written: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    configure_logging(debug=True)
    assert logging.getLogger("telegram").level == logging.INFO
    assert logging.getLogger("sqlalchemy.engine").level == logging.WARNING
    caplog.set_level(logging.DEBUG)  # the root, as --debug sets it outside the tests
    for name in ("telegram", "sqlalchemy.engine", "httpx", "urllib3", "vk_api", "PIL"):
        caplog.set_level(logging.DEBUG, name)  # whoever turns them down

    logging.getLogger("telegram.Bot").debug(
        "Calling Bot API endpoint `sendMessage` with parameters `%s`",
        {"chat_id": 1, "text": "Спасибо, Галина Иванова!"})
    logging.getLogger("sqlalchemy.engine.Engine").info("[cached] ('Галина Иванова', 'x')")
    logging.getLogger("httpx").info("HTTP Request: POST http://x/bot1:AA/sendMessage")
    logging.getLogger("PIL.TiffImagePlugin").debug("tag: GPSLatitude (2) - value: (55, 2, 1)")
    logging.getLogger("telegram.Bot").warning("the bot was blocked")
    logging.getLogger("outreach.channel.tg").debug("our own debug line")

    assert written.getvalue().splitlines() == [
        "WARNING telegram.Bot: the bot was blocked",
        "DEBUG outreach.channel.tg: our own debug line",
    ]


def test_phones_and_token_shapes_are_masked_in_messages_and_tracebacks(
        written: io.StringIO) -> None:
    configure_logging(debug=False)
    log = logging.getLogger("outreach.signups")
    token = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

    log.warning("could not tell the coordinators about %s", "+7 912 345-67-89")
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{token}/sendContact "
                           "phone_number=8 (912) 345 67 89")
    except RuntimeError:
        log.exception("the desk failed")

    text = written.getvalue()
    assert "could not tell the coordinators about ***" in text
    assert "RuntimeError: POST https://api.telegram.org/bot***/sendContact " \
           "phone_number=***" in text
    for leaked in (token, "912 345", "345-67-89"):
        assert leaked not in text


def test_the_filter_goes_on_each_handler_once(written: io.StringIO) -> None:
    configure_logging(debug=False)
    configure_logging(debug=True)
    for handler in logging.getLogger().handlers:
        assert sum(isinstance(f, LogFilter) for f in handler.filters) == 1


TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_an_uncaught_error_shows_its_traceback_masked(
        monkeypatch: pytest.MonkeyPatch, written: io.StringIO) -> None:
    import outreach.cli

    def buggy(**_: object) -> None:
        raise RuntimeError(f"ConnectError for https://api.telegram.org/bot{TOKEN}/getMe")

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(outreach.cli, "cli", buggy)
    configure_logging(debug=False)
    with pytest.raises(SystemExit) as raised:
        outreach.cli.main()

    assert raised.value.code == 1
    text = written.getvalue()
    assert "CRITICAL outreach: unexpected error (please report it with this text)" in text
    assert "Traceback" in text and "RuntimeError: ConnectError for " \
                                   "https://api.telegram.org/bot***/getMe" in text
    assert TOKEN not in text


def test_a_thread_that_dies_is_logged_masked(monkeypatch: pytest.MonkeyPatch,
                                             written: io.StringIO) -> None:
    from outreach.cli.logs import report_crashes

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    configure_logging(debug=False)
    report_crashes()

    def work() -> None:
        raise ValueError(f"cannot send to +7 912 345-67-89 with {TOKEN}")

    thread = threading.Thread(target=work, name="intake")
    thread.start()
    thread.join()

    text = written.getvalue()
    assert "ERROR outreach: thread intake stopped on an unexpected error" in text
    assert "ValueError: cannot send to *** with ***" in text


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("outreach.service", level, __file__, 1, message, None, None)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_person_at_a_terminal_reads_the_time_and_the_message_in_their_words(
        tmp_path: Path) -> None:
    from outreach.cli.logs import formatter_for
    from outreach.i18n import language

    formatter = formatter_for(_Terminal(), {})
    with language("ru"):
        info = formatter.format(_record(logging.INFO, "Кампания «Наставники» запущена"))
        warning = formatter.format(_record(logging.WARNING, "Канал vk не отвечает"))
        error = formatter.format(_record(logging.ERROR, "Публикация 7 не удалась"))
    assert re.fullmatch(r"\d\d:\d\d:\d\d Кампания «Наставники» запущена", info), info
    assert re.fullmatch(r"\d\d:\d\d:\d\d ВНИМАНИЕ: Канал vk не отвечает", warning), warning
    assert re.fullmatch(r"\d\d:\d\d:\d\d ОШИБКА: Публикация 7 не удалась", error), error
    assert "outreach.service" not in info + warning + error


def test_the_journal_gets_the_level_as_priority_and_the_logger(tmp_path: Path) -> None:
    from outreach.cli.logs import formatter_for

    with (tmp_path / "stream").open("w") as stream:
        info = os.fstat(stream.fileno())
        formatter = formatter_for(stream, {"JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}"})
        # A JOURNAL_STREAM inherited by a command whose stderr went elsewhere is not obeyed.
        elsewhere = formatter_for(stream, {"JOURNAL_STREAM": "1:2"})
    # "<3>": journald files it as an error, so journalctl -p err finds it.
    assert formatter.format(_record(logging.ERROR, "Публикация 7 не удалась")) == (
        "<3>ERROR outreach.service: Публикация 7 не удалась")
    assert formatter.format(_record(logging.WARNING, "x")) == "<4>WARNING outreach.service: x"
    assert formatter.format(_record(logging.INFO, "x")) == "<6>INFO outreach.service: x"
    # A log file keeps the date, the level and the logger.
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO outreach.service: x",
                        elsewhere.format(_record(logging.INFO, "x")))


def test_an_error_under_systemd_reaches_the_journal_as_an_error(tmp_path: Path) -> None:
    """The message a database newer than the code gets, as journalctl -p err shows it."""
    (tmp_path / "config.toml").write_text('database_url = "sqlite:///outreach.db"\n')
    store = open_store(f"sqlite:///{tmp_path / 'outreach.db'}")
    with store.engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
    store.dispose()
    with (tmp_path / "journal").open("w") as journal:
        info = os.fstat(journal.fileno())
        env = {**os.environ, "JOURNAL_STREAM": f"{info.st_dev}:{info.st_ino}",
               "OUTREACH_LANG": "ru"}
        env.pop("OUTREACH_CONFIG", None)
        done = subprocess.run([sys.executable, "-m", "outreach", "run"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=journal, timeout=120)
    assert done.returncode == 3
    said = (tmp_path / "journal").read_text()
    assert said.startswith("<3>Ошибка: база данных создана более новой версией Outreach"), said
    assert "установите снова ту версию или восстановите резервную копию" in said
