"""Logging for the ``outreach`` command: what a terminal or a log file may ever receive.

No secret and no personal data, at any level, ``--debug`` included. The
sources keep them out first: nothing of ours logs a message text, a request
body or a contact card, and the libraries that do (python-telegram-bot logs
every Bot API call's parameters and answer at DEBUG, SQLAlchemy the values
and rows of its statements at INFO and DEBUG, Pillow the photos' EXIF tags,
GPS among them, the HTTP clients their URLs, which carry Telegram's token)
are kept above those levels. ``LogFilter``, on
every handler, then holds the line whoever turns a level down: it drops
those libraries' records below their floor and masks the configured secrets
and anything shaped like a token or a phone number in every record that is
left, its traceback included.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, cast

from outreach.i18n import _

if TYPE_CHECKING:
    from types import TracebackType

    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach")

# The lowest level each library logs at without request or response bodies, SQL
# values, rows or URLs with tokens in them. A record below it is never written.
LIBRARY_FLOORS = {
    "telegram": logging.INFO,  # telegram.Bot: "Calling Bot API endpoint ... with parameters"
    "httpx": logging.WARNING,  # "HTTP Request: POST https://api.telegram.org/bot<token>/..."
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "urllib3": logging.WARNING,  # request lines, with VK's long-poll keys in them
    "requests": logging.WARNING,
    "vk_api": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,  # statements' values (INFO) and rows (DEBUG)
    "PIL": logging.INFO,  # every EXIF tag's value, the photos' GPS position among them
}


def _floor(name: str) -> int:
    while name:
        floor = LIBRARY_FLOORS.get(name)
        if floor is not None:
            return floor
        name = name.rpartition(".")[0]
    return logging.NOTSET


class LogFilter(logging.Filter):
    """Drops the libraries' body-carrying records; masks secrets and phones in the rest."""

    def __init__(self, registry: Registry | None = None) -> None:
        super().__init__()
        self.registry = registry

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < _floor(record.name):
            return False
        message = record.getMessage()
        masked = self._mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True

    def _mask(self, text: str) -> str:
        """The configured secrets, then anything shaped like a token or a phone, hidden."""
        from outreach.config.secrets import mask_tokens
        from outreach.signups.phones import mask_phones

        if self.registry is not None:
            text = self.registry.redact(None, text)
        return mask_phones(mask_tokens(text))


#: The syslog priority of each level, which journald reads from a line's "<N>" prefix
#: (sd-daemon(3)), so that ``journalctl -p err`` finds the errors.
PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
              logging.CRITICAL: 2}


class TerminalFormatter(logging.Formatter):
    """For a person at a terminal: the time and the message, and the level in words
    when it is a warning or an error (in the language of the moment)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", datefmt="%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        if record.levelno >= logging.ERROR:
            record.message = _("ERROR: {message}").format(message=record.message)
        elif record.levelno >= logging.WARNING:
            record.message = _("WARNING: {message}").format(message=record.message)
        return super().formatMessage(record)


class JournalFormatter(logging.Formatter):
    """For systemd's journal: the priority prefix, the level and the logger; the journal
    keeps the time itself."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        priority = PRIORITIES.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        return f"<{priority}>{super().format(record)}"


def to_journal(stream: IO[str], environ: Mapping[str, str]) -> bool:
    """Whether systemd connected ``stream`` to the journal (``JOURNAL_STREAM`` names its
    device and inode, systemd.exec(5); a variable inherited by a process whose output
    went elsewhere does not match)."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return environ.get("JOURNAL_STREAM") == f"{info.st_dev}:{info.st_ino}"


def error_prefix(stream: IO[str]) -> str:
    """What an error message written to ``stream`` starts with: under systemd, the journal's
    error priority (so ``journalctl -p err`` shows it); else nothing."""
    return f"<{PRIORITIES[logging.ERROR]}>" if to_journal(stream, os.environ) else ""


def formatter_for(stream: IO[str], environ: Mapping[str, str]) -> logging.Formatter:
    """How records are written to ``stream``: for the journal when systemd connected it,
    for a person at a terminal, or in full (date, time, level, logger) for a log file or
    a pipe."""
    if to_journal(stream, environ):
        return JournalFormatter()
    if stream.isatty():
        return TerminalFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                             datefmt="%Y-%m-%d %H:%M:%S")


def configure_logging(debug: bool) -> None:
    """Set up the root logger for a command; ``debug`` shows our DEBUG records."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_for(sys.stderr, os.environ))
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, handlers=[handler])
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(floor)
    if debug:
        logging.getLogger("alembic").setLevel(logging.INFO)
    else:
        # APScheduler narrates every job run; a volunteer's terminal wants what we say.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    _filters(None)


def hide_secrets_in_logs(registry: Registry) -> None:
    """Mask the values of every secret the registry's channels name, from now on."""
    _filters(registry)


def _filters(registry: Registry | None) -> None:
    for handler in logging.getLogger().handlers:
        found = [f for f in handler.filters if isinstance(f, LogFilter)]
        if not found:
            handler.addFilter(LogFilter(registry))
        elif registry is not None:
            for log_filter in found:
                log_filter.registry = registry


def report_crashes() -> None:
    """Tracebacks of errors nobody caught, in the main thread or another, go through the
    log (and so through ``LogFilter``) instead of straight to stderr, where a library's
    exception would show a token from its request URL."""
    threading.excepthook = _thread_crashed


def crashed(error: BaseException) -> None:
    """An error that escaped the command (a bug, or any error with ``--debug``), shown
    with its traceback, masked."""
    from outreach.errors import OutreachError

    _ensure_logging()
    if isinstance(error, OutreachError):
        log.critical(_("Error: {message}").format(message=error), exc_info=error)
    else:
        log.critical(_("unexpected error (please report it with this text)"), exc_info=error)


def _thread_crashed(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    _ensure_logging()
    name = args.thread.name if args.thread is not None else "?"
    # The value may be None (threading.ExceptHookArgs); logging formats the triple all the same.
    crash = cast("tuple[type[BaseException], BaseException, TracebackType | None]",
                 (args.exc_type, args.exc_value, args.exc_traceback))
    log.error(_("thread {name} stopped on an unexpected error").format(name=name),
              exc_info=crash)


def _ensure_logging() -> None:
    if not logging.getLogger().handlers:
        configure_logging(debug=False)
