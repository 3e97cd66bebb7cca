"""Which language a command speaks, known before click reads its arguments.

In order: ``OUTREACH_LANG``; the ``language`` key of the config file (named by
``--config`` or ``OUTREACH_CONFIG``, else ./config.toml); the system locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Russian for ``ru_*``, English
otherwise. A value the reader does not know falls through to the next source;
a wrong ``language`` in config.toml is reported by the config check.

The config file is not loaded here, only scanned for that one top-level key:
loading and checking it would cost ``outreach --help`` more than all the rest.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

ENV = "OUTREACH_LANG"
CONFIG_ENV = "OUTREACH_CONFIG"
DEFAULT_CONFIG = "config.toml"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")

# language = "ru"   (a top-level key, so above the first [table] header)
_KEY = re.compile(r"""^\s*language\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(?:#.*)?$""")


def from_locale(value: str) -> str:
    """A locale name ("ru_RU.UTF-8", "ru", "C.UTF-8") to the language we speak for it."""
    return "ru" if value.strip().lower()[:2] == "ru" else "en"


def config_path(argv: Sequence[str], environ: Mapping[str, str]) -> Path:
    """The config file this command line names, as the root group's ``--config`` reads it."""
    args = iter(argv)
    for arg in args:
        if arg == "--config":
            found = next(args, None)
            if found:
                return Path(found)
        elif arg.startswith("--config="):
            return Path(arg.partition("=")[2])
        elif arg == "--" or not arg.startswith("-"):
            break  # the command's own arguments begin
    return Path(environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def config_language(path: Path) -> str | None:
    """The top-level ``language`` of ``path``, if it holds a language we speak."""
    from outreach.i18n import LANGUAGES

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # a missing or unreadable file is the config check's to report
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            return None  # top-level keys come before the first table
        match = _KEY.match(line)
        if match:
            value = match.group(1) if match.group(1) is not None else match.group(2)
            return value if value in LANGUAGES else None
    return None


def system_language(environ: Mapping[str, str]) -> str:
    for name in _LOCALE_VARS:
        value = environ.get(name)
        if value:
            return from_locale(value)
    return "en"


def choose_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language for the command line ``argv`` (without the program's name)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENV, "").strip()
    if chosen:
        return from_locale(chosen)
    return config_language(config_path(argv, environ)) or system_language(environ)
