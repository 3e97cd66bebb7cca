"""Numbers, dates and times the way the reader's language writes them.

Russian: "12 345" (a non-breaking space between thousands), "3,5" (a decimal
comma), "7 декабря 2026", "10:00". English: "12,345", "3.5", "December 7,
2026", "10:00 AM". The rules are CLDR's, through Babel, imported on first use
only: loading its locale data costs more than ``outreach --help`` may.

These are for text a person reads. Machine formats (``--format json``, CSV,
logs' structured fields, file names) keep ISO dates and plain numbers in every
language.
"""

from __future__ import annotations

import datetime as dt

# CLDR's long date for Russian adds "г." ("7 декабря 2026 г."); a date in a
# sentence or a table reads better without it. English keeps CLDR's own.
_DATE = {"ru": "d MMMM y", "en": "MMMM d, y"}


_language = "en"


def use(lang: str) -> None:
    """Format for ``lang`` from now on (``outreach.i18n.activate`` calls it)."""
    global _language
    _language = lang


def _lang() -> str:
    return _language


def format_number(value: int | float) -> str:
    """A count or amount: "12 345" / "12,345"; up to three decimals, "3,5" / "3.5"."""
    from babel.numbers import format_decimal as babel_decimal

    return babel_decimal(value, locale=_lang())


def format_decimal(value: float, places: int = 1) -> str:
    """A number with exactly ``places`` decimals: "3,50" / "3.50"."""
    from babel.numbers import format_decimal as babel_decimal

    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return babel_decimal(value, format=pattern, locale=_lang())


def format_percent(value: float, places: int = 0) -> str:
    """A share (0.125) as a percentage with at most ``places`` decimals: "12,5 %" / "12.5%"."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(round(value, places + 2), locale=_lang(), decimal_quantization=False)


def format_date(value: dt.date) -> str:
    """"7 декабря 2026" / "December 7, 2026"."""
    from babel.dates import format_date as babel_date

    lang = _lang()
    return babel_date(value, format=_DATE[lang], locale=lang)


def format_time(value: dt.time | dt.datetime) -> str:
    """The wall-clock time as given (no zone conversion): "10:00" / "10:00 AM"."""
    from babel.dates import format_time as babel_time

    if isinstance(value, dt.datetime):
        value = value.timetz()
    return babel_time(value.replace(tzinfo=None), format="short", locale=_lang())


def format_datetime(value: dt.datetime) -> str:
    """Date and wall-clock time as given: "7 декабря 2026, 10:00" / "December 7, 2026, 10:00 AM".

    Convert to the reader's zone (a campaign's, the centre's) before calling.
    """
    from babel.dates import get_datetime_format

    glue = str(get_datetime_format("medium", locale=_lang()))
    return glue.replace("{1}", format_date(value.date())).replace("{0}", format_time(value))
