"""Reading TOML files with errors that name the file and line, and key→line lookup."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from outreach.errors import Problem
from outreach.i18n import _

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?)\s*=""")


def _split_key(raw: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', raw)
    return [a or b or c for a, b, c in parts]


def key_lines(text: str) -> dict[str, int]:
    """Map each dotted key (and table) written in ``text`` to its 1-based line.

    Best effort, for error messages only: inline tables and multi-line values
    are not followed, so a key inside them falls back to its table's line.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = _split_key(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        if key := _KEY.match(line):
            dotted = ".".join(table + _split_key(key.group(1)))
            lines.setdefault(dotted, number)
    return lines


def line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of ``key`` or of its nearest written parent."""
    parts = key.split(".")
    while parts:
        if (found := lines.get(".".join(parts))) is not None:
            return found
        parts.pop()
    return None


def parse_toml(text: str, source: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse TOML text; on a syntax error return a Problem naming ``source`` and the line."""
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        from outreach.config.tomlhints import explain
        from outreach.i18n import _

        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, hint = explain(text, int(match.group(1)) if match else None, message)
        return None, Problem(source, "", _("not valid TOML: {hint}").format(hint=hint), line)


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """Read and parse a TOML file: (data, text, problem)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, "", Problem(str(path), "", _("not UTF-8 text"))
    except OSError as exc:
        return None, "", Problem(str(path), "", _("cannot read: {reason}").format(
            reason=exc.strerror or exc))
    data, problem = parse_toml(text, str(path))
    return data, text, problem


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dump_key(name: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    import json

    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def dump_value(value: Any) -> str:
    """A TOML value for the plain types config and campaign files use."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dump_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{dump_key(k)} = {dump_value(v)}" for k, v in value.items()) + " }"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string
