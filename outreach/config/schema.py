"""Declarative checks for TOML-shaped data that report every problem at once.

Used for config.toml, campaign files, story front matter and plugin settings,
so all of them speak with one voice: file, line, dotted key, what is wrong,
and a "did you mean" for a misspelt key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outreach.config.secrets import looks_like_secret
from outreach.config.tomlfile import key_lines, line_of
from outreach.errors import Problem, did_you_mean
from outreach.i18n import _, lazy_gettext

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

_TYPE_NAMES = {
    str: lazy_gettext("text"),
    int: lazy_gettext("a whole number"),
    float: lazy_gettext("a number"),
    bool: lazy_gettext("true or false"),
    list: lazy_gettext("a list"),
    dict: lazy_gettext("a table"),
    dt.date: lazy_gettext("a date (YYYY-MM-DD)"),
    dt.datetime: lazy_gettext("a date and time"),
}


@dataclass(frozen=True)
class Field:
    """One key of a table: its type, whether required, default and extra check.

    ``kind`` is a Python type; ``items`` the type of a list's items.
    ``check`` returns an error message for a bad value, or None.
    ``env`` marks a key that names an environment variable holding a secret:
    its value must be a variable name, never the secret itself.
    ``path`` marks a key that names a file: ``~`` is expanded and a relative path
    is taken from the folder of the file it is written in, before ``check``.
    """

    kind: type | tuple[type, ...]
    required: bool = False
    default: Any = None
    help: str = ""
    items: type | None = None
    choices: tuple[Any, ...] | None = None
    check: Callable[[Any], str | None] | None = None
    env: bool = False
    path: bool = False


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return _(" or ").join(str(_TYPE_NAMES.get(k, k.__name__)) for k in kinds)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if k is int and isinstance(value, bool):
            continue
        if k is float and isinstance(value, int) and not isinstance(value, bool):
            return True
        if k is dt.date and isinstance(value, dt.datetime):
            continue
        if isinstance(value, k):
            return True
    return False


class Checker:
    """Collects problems for one source file; knows the line of each key."""

    def __init__(self, source: str, text: str = "", line_offset: int = 0) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._lines = key_lines(text) if text else {}
        self._offset = line_offset

    def line(self, key: str) -> int | None:
        found = line_of(self._lines, key) if key else None
        return found + self._offset if found is not None else None

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.source, key, message, self.line(key)))

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(
        self,
        data: Any,
        fields: Mapping[str, Field],
        prefix: str = "",
        extra: bool = False,
    ) -> dict[str, Any]:
        """Check ``data`` against ``fields``; return values with defaults filled in.

        Unknown keys are problems (with a did-you-mean) unless ``extra`` is true,
        in which case they are passed through unchecked.
        """
        out: dict[str, Any] = {}
        if not isinstance(data, dict):
            self.problem(prefix, _("must be a table, not {what}").format(
                what=_type_name(type(data))))
            return out
        for key, value in data.items():
            dotted = f"{prefix}.{key}" if prefix else key
            field = fields.get(key)
            if field is None:
                if extra:
                    out[key] = value
                else:
                    self.problem(dotted, _("unknown key") + did_you_mean(key, list(fields)))
                continue
            checked = self.value(dotted, value, field)
            if checked is not _BAD:
                out[key] = checked
        for key, field in fields.items():
            if key in data:
                continue
            if field.required:
                dotted = f"{prefix}.{key}" if prefix else key
                self.problems.append(
                    Problem(self.source, dotted, _("is required"), self.line(prefix))
                )
            else:
                out[key] = field.default
        return out

    def value(self, key: str, value: Any, field: Field) -> Any:
        if not _is(value, field.kind):
            self.problem(key, _("must be {expected}, not {what}").format(
                expected=_type_name(field.kind), what=_describe(value)))
            return _BAD
        if field.items is not None and isinstance(value, list):
            for index, item in enumerate(value):
                if not _is(item, field.items):
                    expected = _type_name(field.items)
                    self.problem(key, _("item {number} must be {expected}, not {what}").format(
                        number=index + 1, expected=expected, what=_describe(item)))
                    return _BAD
        if field.choices is not None:
            bad = [v for v in (value if isinstance(value, list) else [value])
                   if v not in field.choices]
            if bad:
                options = ", ".join(repr(c) for c in field.choices)
                self.problem(
                    key,
                    _("{value!r} is not one of {options}").format(value=bad[0], options=options)
                    + did_you_mean(str(bad[0]), [str(c) for c in field.choices]),
                )
                return _BAD
        if field.env and isinstance(value, str) and looks_like_secret(value):
            # Never echo the value: it is probably the secret itself.
            self.problem(
                key,
                _("must be the name of an environment variable that holds the secret "
                  "(e.g. VK_USER_TOKEN), not the secret itself; the value given was hidden"),
            )
            return _BAD
        if field.path and isinstance(value, str) and value:
            value = str((Path(self.source).parent / Path(value).expanduser()).absolute())
        if field.check is not None:
            message = field.check(value)
            if message:
                self.problem(key, message)
                return _BAD
        return value


class _Bad:
    pass


_BAD = _Bad()


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return _("text {value!r}").format(value=value) if len(value) < 40 else _("text")
    return _type_name(type(value))


# --- values that several files share ---


def parse_duration(value: str) -> dt.timedelta | None:
    """'30m', '2h', '3d', '1w' as a timedelta; None when not understood."""
    match = _DURATION.match(value)
    if not match:
        return None
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def check_zone(value: str) -> str | None:
    """Why ``value`` is not a time zone, or None when it is one (IANA, or "МСК+2")."""
    from outreach.config.zones import iana_zone

    if iana_zone(value) is None:
        return _("unknown time zone {value!r}: write a name such as 'Asia/Yekaterinburg', "
                 "Moscow time ('МСК', 'МСК+2') or a city that names a zone "
                 "('Екатеринбург')").format(value=value)
    return None
