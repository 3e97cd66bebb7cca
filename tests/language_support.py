"""Reading a text as a Russian reader would: which English words are left in it.

A Russian text may show names, identifiers and what a person types as they
are: command and option names, file names and paths, config keys, plugin and
channel names, choices such as [table|csv|json], `quoted commands`, URLs and
<placeholders>. Everything else in Latin letters is an untranslated word.
"""

from __future__ import annotations

import re

import click

from outreach.cli import COMMANDS, cli

# Names a Russian text shows as they are: ours, the platforms', formats, signals, keys.
ALLOWED = {
    "outreach", "Outreach", "VK", "Telegram", "PostgreSQL", "SQLite", "Excel", "Word",
    "CSV", "JSON", "PNG", "TOML", "ISO", "URL", "README", "SIGINT", "SIGTERM", "SIGHUP",
    "PDF", "Ctrl", "C", "N", "x", "MIA", "null", "root", "MAX",  # the messenger
    *COMMANDS, *cli.list_commands(click.Context(cli)),  # plugins' commands too
}
CYRILLIC = re.compile("[а-яА-ЯёЁ]")

_IDENTIFIERS = [
    r"`[^`]*`",  # a command to type: `outreach db upgrade`
    r"'(?:outreach|resolve|signups|cli) [^'\n]*'",  # a command: 'outreach campaigns validate'
    r"'[\w.-]+'",  # a quoted value: 'vk'
    r'"[a-z][\w.-]*"',  # a quoted identifier: plugin = "vk"
    r"\[[\w|,.\- ]*\|[\w|,.\- ]*\]",  # click's choices: [table|csv|json]
    # a config table: [signups], [channels.ИМЯ]; not click's marker of a required option
    r"\[(?!required\])[a-z_.]+[^\]]*\]",
    r"<[^>\s]+>[\w/.-]*",  # a placeholder and what follows: <media>/samples
    r"https?://\S+",  # an address
    r"(?<![\w.])--[a-z][\w-]* [a-z][\w-]*\b(?![(])",  # an option and its value: --by week
    r"(?<![\w.])--?[a-z][\w-]*",  # an option: --config, -h
    r"\S*/\S*",  # a path or a time zone: ./config.toml, Asia/Yekaterinburg
    # a file name: story.md, outreach.service
    r"\b[\w-]+\.(?:toml|md|txt|json|csv|png|jpg|db|mo|po|service|timer|env)\b",
    r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b",  # a key: erase_unfinished_after, api_url
    r"\b[A-Z0-9]+(?:_[A-Z0-9]+)+\b",  # an environment variable: OUTREACH_CONFIG
    r"\b[a-z]+(?:-[a-z0-9]+)+\b",  # a hyphenated identifier: local-media, keep-apart
    r"\b\d+[a-z]\b",  # a span as typed: 7d, 12h
    r"\bx>=\d+\b",  # click's range hint
    r"\[по умолчанию: [^\]]*\]",  # click's default value: [по умолчанию: table]
]
_SKIP = re.compile("|".join(f"(?:{pattern})" for pattern in _IDENTIFIERS))


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The Latin-letter words of ``text`` that are neither identifiers nor allowed names."""
    # As read, not as wrapped: click breaks lines after a hyphen ("--not-\n  posted").
    text = " ".join(re.sub(r"-\n\s*", "-", text).split())
    text = _SKIP.sub(" ", text)
    return [word for word in re.findall(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]", text)
            if word not in ALLOWED and word not in allowed]


def root_context() -> click.Context:
    """The root context as click makes it, with -h beside --help.

    click keeps the help option it first makes for a command, with the names of
    the context that asked: a bare ``click.Context(cli)`` would leave every command
    it loads without -h for the rest of the process (``outreach init -h`` fails).
    """
    return click.Context(cli, info_name="outreach", **cli.context_settings)
