"""Days of the week as people write them, and schedules told back in words.

``days = ["пн", "чт"]`` or ``["понедельник", "четверг"]``, ``["mon", "thu"]``,
``["будни"]``, ``["выходные"]``; the same names in a cron expression's last
field. Days are numbered as Python numbers them: 0 is Monday, 6 is Sunday.

Standard cron numbers the days of the week from Sunday (0 and 7 are both
Sunday, 1 is Monday), and docs/campaigns.md says so; APScheduler 3.x's
``CronTrigger.from_crontab`` counts from Monday instead (0 is Monday: the
warning in its docstring, issue agronholm/apscheduler#286). ``cron_trigger``
therefore reads the day-of-week field itself and hands APScheduler day names,
which mean the same to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from outreach.i18n import N_, _, current_language, ngettext

if TYPE_CHECKING:
    import datetime as dt

    from apscheduler.triggers.cron import CronTrigger

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
CRON_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_NAMES: dict[str, frozenset[int]] = {}
for _number, _words in enumerate((
    ("пн", "пнд", "понедельник", "понедельники", "mon", "monday", "mo"),
    ("вт", "втр", "вторник", "вторники", "tue", "tues", "tuesday", "tu"),
    ("ср", "срд", "среда", "среду", "среды", "wed", "wednesday", "we"),
    ("чт", "чтв", "четверг", "четверги", "thu", "thur", "thurs", "thursday", "th"),
    ("пт", "птн", "пятница", "пятницу", "пятницы", "fri", "friday", "fr"),
    ("сб", "суб", "суббота", "субботу", "субботы", "sat", "saturday", "sa"),
    ("вс", "вск", "воскресенье", "воскресенья", "sun", "sunday", "su"),
)):
    for _name in _words:
        _NAMES[_name] = frozenset({_number})
for _name in ("будни", "будние", "рабочие", "weekdays", "workdays"):
    _NAMES[_name] = WEEKDAYS
for _name in ("выходные", "weekend", "weekends"):
    _NAMES[_name] = WEEKEND
for _name in ("ежедневно", "каждый день", "все", "daily", "every day", "all"):
    _NAMES[_name] = EVERY_DAY

# Dative plural: "по понедельникам"; the English plural: "on Mondays".
_ON_DAYS = (N_("Mondays"), N_("Tuesdays"), N_("Wednesdays"), N_("Thursdays"),
            N_("Fridays"), N_("Saturdays"), N_("Sundays"))


def _word(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").strip().rstrip(".").split())


def day_names() -> list[str]:
    """The words a did-you-mean offers: the usual names of the days and of groups of them."""
    return ["пн", "вт", "ср", "чт", "пт", "сб", "вс", "понедельник", "вторник", "среда",
            "четверг", "пятница", "суббота", "воскресенье", "будни", "выходные",
            *CRON_NAMES, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "weekdays", "weekends"]


def parse_day(text: str) -> frozenset[int] | None:
    """The days one written word names (0 is Monday), or None when it names none."""
    return _NAMES.get(_word(text))


_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_time(text: str) -> dt.time | None:
    """A time of day written "10:00" or "9:30"; None when it is not one."""
    import datetime

    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return datetime.time(int(match.group(1)), int(match.group(2)))


def time_hint(text: str) -> str:
    """What to write for a time that ``parse_time`` did not take."""
    fixed = re.sub(r"^(\d{1,2})[.\-ч h](\d{2})$", r"\1:\2", text.strip())
    example = f'"{fixed}"' if parse_time(fixed) else '"10:00"'
    return _("{value!r} is not a time of day: write hours and minutes with a colon, in "
             "quotes, like {example}").format(value=text, example=example)


def _cron_day(token: str) -> int:
    """One day of a cron field: a number (0 and 7: Sunday) or a name; ValueError otherwise."""
    if token.isdigit():
        number = int(token)
        if number > 7:
            raise ValueError(_("{token} is not a day of the week: days are numbered 0 to 7, "
                               "where 0 and 7 are Sunday and 1 is Monday").format(token=token))
        return (number - 1) % 7
    days = parse_day(token)
    if days is None or len(days) != 1:
        raise ValueError(_("{token!r} is not a day of the week: write mon…sun, пн…вс "
                           "or 0…7").format(token=token))
    return next(iter(days))


def cron_days(field: str) -> frozenset[int]:
    """The days a cron expression's day-of-week field names, with cron's numbering.

    Takes ``*``, lists (``1,4``), ranges (``1-5``, ``пн-пт``) and steps
    (``*/2``, ``1-5/2``); ValueError, in the reader's words, for anything else.
    """
    found: set[int] = set()
    for part in field.split(","):
        part = part.strip()
        if not part:
            raise ValueError(_("an empty day between commas"))
        span, _slash, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(_("{step!r} after / must be a whole number of days").format(
                    step=step_text))
            step = int(step_text)
        if (days := parse_day(span)) is not None and len(days) > 1:
            if step_text:
                raise ValueError(_("{part!r}: a step goes after * or a range").format(
                    part=part))
            found |= days
            continue
        if span == "*":
            numbers = list(range(0, 7))  # cron's Sunday first, so */2 is Sunday, Tuesday…
        elif "-" in span:
            first_text, last_text = span.split("-", 1)
            first = _cron_number(first_text)
            last = _cron_number(last_text)
            if last == 0 < first:  # "пт-вс": Sunday ends the week
                last = 7
            if last < first:
                raise ValueError(_("{span!r}: a range of days goes forward, like 1-5 or "
                                   "пн-пт").format(span=span))
            numbers = list(range(first, last + 1))
        else:
            numbers = [_cron_number(span)]
        found |= {(n - 1) % 7 for n in numbers[::step]}
    return frozenset(found)


def _cron_number(token: str) -> int:
    """A day in cron's own numbering (Sunday 0, Monday 1 … Saturday 6, Sunday 7)."""
    if token.isdigit():
        _cron_day(token)  # says what is wrong with a number too big
        return int(token)
    return (_cron_day(token) + 1) % 7


def cron_trigger(expression: str) -> CronTrigger:
    """APScheduler's trigger for a standard five-field cron expression, in UTC wall time.

    ValueError, in the reader's words, when the expression cannot be read.
    """
    import datetime as dt

    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(ngettext("it has {count} field; a cron expression has five: "
                                  "minute hour day month weekday",
                                  "it has {count} fields; a cron expression has five: "
                                  "minute hour day month weekday",
                                  len(fields)).format(count=len(fields)))
    minute, hour, day, month, weekday = fields
    days = cron_days(weekday)
    names = "*" if days == EVERY_DAY else ",".join(CRON_NAMES[d] for d in sorted(days))
    for name, value, what in (("minute", minute, _("minutes are 0 to 59")),
                              ("hour", hour, _("hours are 0 to 23")),
                              ("day", day, _("days of the month are 1 to 31")),
                              ("month", month, _("months are 1 to 12"))):
        try:
            CronTrigger(**{name: value})
        except ValueError:
            raise ValueError(_("{value!r} cannot be read ({what})").format(
                value=value, what=what)) from None
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=names,
                       timezone=dt.UTC)


def _join(words: list[str]) -> str:
    from babel.lists import format_list

    return format_list(words, locale=current_language())


def days_in_words(days: Iterable[int]) -> str:
    """"по понедельникам и четвергам", "по будням", "каждый день" (English: "on Mondays")."""
    chosen = frozenset(days)
    if chosen == EVERY_DAY:
        return _("every day")
    if chosen == WEEKDAYS:
        return _("on weekdays")
    if chosen == WEEKEND:
        return _("at weekends")
    return _("on {days}").format(days=_join([_(_ON_DAYS[d]) for d in sorted(chosen)]))


def times_in_words(times: Iterable[dt.time]) -> str:
    """"в 10:00 и 18:30" / "at 10:00 AM and 6:30 PM"."""
    from outreach.i18n import format_time

    return _("at {times}").format(times=_join([format_time(t) for t in sorted(times)]))


def cron_in_words(expression: str) -> str | None:
    """A cron expression of one or a few times on whole days, in words; None otherwise."""
    import datetime as dt

    fields = expression.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if day != "*" or month != "*" or not re.fullmatch(r"\d{1,2}", minute) \
            or not re.fullmatch(r"\d{1,2}(,\d{1,2})*", hour):
        return None
    try:
        days = cron_days(weekday)
        times = [dt.time(int(h), int(minute)) for h in hour.split(",")]
    except ValueError:
        return None
    return f"{days_in_words(days)} {times_in_words(times)}"
