"""A damaged or unreachable database met by the service's jobs: one clear line, not a flood."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from engine_support import add_stories, make_centre
from test_engine_i18n import english_words

from outreach.engine.alarm import StoreAlarm
from outreach.engine.service import Service
from outreach.errors import DatabaseDamaged, StoreError
from outreach.i18n import language


def _damage(path: Path) -> None:
    """Everything after the file's first page overwritten, as a failing disk leaves it."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(random.Random(10).randbytes(size - 4096))
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)


def _jobs_meet_a_damaged_database(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                  lang: str) -> tuple[Path, list[logging.LogRecord]]:
    path = tmp_path / "outreach.db"
    centre = make_centre(tmp_path, f"sqlite:///{path}", {"ok": {"plugin": "test"}})
    add_stories(centre.store, 20)
    service = Service(centre.config, centre.store, centre.registry, worker="w1")
    service.load_campaigns()
    centre.store.engine.dispose()  # the last connection moves the write-ahead log in
    _damage(path)
    with language(lang), caplog.at_level(logging.INFO, logger="outreach"):
        for _run in range(3):  # the scheduler runs each job again and again
            service.scheduled_dispatch()
            service.scheduled_collect()
            service.scheduled_tidy()
            service.scheduled_reload()
    service.dispatcher.stop()
    return path, [r for r in caplog.records if r.name.startswith("outreach")]


def test_a_damaged_database_is_said_once_in_russian(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, records = _jobs_meet_a_damaged_database(tmp_path, caplog, "ru")
    [said] = records
    assert said.levelno == logging.ERROR and said.exc_info is None  # no traceback
    message = said.getMessage()
    assert message.startswith(f"Публикации и сбор откликов остановлены: база данных в файле "
                              f"{path} повреждена ("), message
    assert message.endswith("восстановите её из резервной копии, как сказано в руководстве "
                            "«Резервные копии» (docs/backups.md). Прежде чем восстанавливать "
                            "базу, остановите Outreach (Ctrl+C)."), message
    assert not english_words(message), message


def test_a_damaged_database_is_said_once_in_english(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, records = _jobs_meet_a_damaged_database(tmp_path, caplog, "en")
    [said] = records
    assert said.exc_info is None
    assert said.getMessage().startswith(
        f"Publishing and collecting have stopped: the database file {path} is damaged (")


def test_the_alarm_says_a_new_trouble_and_the_recovery_once_each(
        caplog: pytest.LogCaptureFixture) -> None:
    alarm = StoreAlarm()
    with language("ru"), caplog.at_level(logging.INFO, logger="outreach"):
        for _run in range(3):
            with alarm.job(lambda: "bug"):
                raise StoreError("не удаётся записать: база данных — диск заполнен")
        with alarm.job(lambda: "bug"):
            raise DatabaseDamaged("база данных повреждена")
        for _run in range(2):
            with alarm.job(lambda: "bug"):
                pass
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", "С базой данных нельзя работать: не удаётся записать: база данных — диск "
                  "заполнен. Outreach пробует снова и напишет здесь, когда всё наладится."),
        ("ERROR", "Публикации и сбор откликов остановлены: база данных повреждена. Прежде чем "
                  "восстанавливать базу, остановите Outreach (Ctrl+C)."),
        ("INFO", "База данных снова работает; публикации и сбор откликов продолжаются."),
    ]


def test_a_bug_in_a_job_is_logged_with_its_traceback_and_the_job_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    alarm = StoreAlarm()
    with caplog.at_level(logging.INFO, logger="outreach"):
        with alarm.job(lambda: "Collecting engagement failed; trying again later"):
            raise KeyError("bug")
    [record] = caplog.records
    assert record.getMessage() == "Collecting engagement failed; trying again later"
    assert record.exc_info is not None
