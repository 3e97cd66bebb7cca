"""``--since`` and ``--until``: a date, or a span back from now, as a click parameter type.

The text is checked when the command line is read; the moment it names is
found later, in the zone of config.toml (``When.at``), which is only known
once the command runs.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from outreach.config.schema import parse_duration
from outreach.i18n import _

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class When:
    """A day ('2026-10-01') or a span back from now ('7d'), as written."""

    text: str
    day: dt.date | None = None
    back: dt.timedelta | None = None

    def at(self, zone: zoneinfo.ZoneInfo, *, now: dt.datetime | None = None,
           end_of_day: bool = False) -> dt.datetime:
        """The moment in UTC: a day's midnight in ``zone`` (with ``end_of_day``, the
        next midnight, so ``--until 2026-10-31`` includes the 31st), or now less the span."""
        if self.day is not None:
            day = self.day + dt.timedelta(days=1) if end_of_day else self.day
            return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
        assert self.back is not None
        return (now or dt.datetime.now(dt.UTC)) - self.back

    def __str__(self) -> str:
        return self.text


def parse_when(text: str) -> When:
    """'2026-10-01', or '7d', '30d', '12h', '2w'; ValueError in plain words otherwise."""
    text = text.strip()
    if _DATE.match(text):
        try:
            return When(text, day=dt.date.fromisoformat(text))
        except ValueError:
            raise ValueError(_("{text!r} is not a real date").format(text=text)) from None
    back = parse_duration(text) if text[-1:] in ("h", "d", "w") else None
    if back is None:
        raise ValueError(_("{text!r} is neither a date (2026-10-01) nor a span back from now "
                           "(12h, 7d, 30d, 2w)").format(text=text))
    return When(text, back=back)


if TYPE_CHECKING:
    _ParamType = click.ParamType[When]
else:  # older click releases in the supported range take no type parameters here
    _ParamType = click.ParamType


class WhenType(_ParamType):
    name = "date"  # --help shows "--since DATE", in the reader's words (cli.localize)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> When:
        if isinstance(value, When):
            return value
        try:
            return parse_when(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


WHEN = WhenType()
