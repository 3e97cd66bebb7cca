"""Upcoming meetings and events for stands: ``events.toml`` in the media folder.

::

    [[events]]
    date = 2026-12-10
    time = "11:00"                      # optional
    title = "Встреча наставников"
    place = "Библиотека им. Пушкина, ул. Ленина, 5"   # optional
    municipality = "Миасс"              # optional: without it, on every stand

A stand shows the events of its municipality (and those without one) from
today on, soonest first. A mistake is reported with the file, the event's
number and the key; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from outreach.channels import PermanentError, _

EVENTS_FILE = "events.toml"
_KEYS = {"date", "time", "title", "place", "municipality"}


@dataclass(frozen=True)
class Upcoming:
    date: dt.date
    time: str
    title: str
    place: str
    municipality: str


def read_events(path: Path) -> list[Upcoming]:
    """Every event in ``path`` ([] when there is no such file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise PermanentError(_("{file}: cannot be read ({reason})").format(
            file=path, reason=exc)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PermanentError(_("{file}: {reason}").format(file=path, reason=exc)) from None
    entries = data.get("events", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PermanentError(_("{file}: write each event as an [[events]] table").format(
            file=path))
    found = []
    for number, entry in enumerate(entries, start=1):
        where = _("{file}, event {number}").format(file=path, number=number)
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise PermanentError(_("{where}: unknown key {key} (the keys are {keys})").format(
                where=where, key=unknown[0], keys=", ".join(sorted(_KEYS))))
        date = entry.get("date")
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise PermanentError(_("{where}: date must be a date like 2026-12-10").format(
                where=where))
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            raise PermanentError(_("{where}: title is missing").format(where=where))
        texts = {key: entry.get(key, "") for key in ("time", "place", "municipality")}
        for key, value in texts.items():
            if not isinstance(value, str):
                raise PermanentError(_("{where}: {key} must be text in quotes").format(
                    where=where, key=key))
        found.append(Upcoming(date, texts["time"].strip(), title.strip(),
                              texts["place"].strip(), texts["municipality"].strip()))
    return found


def upcoming(events: list[Upcoming], municipality: str | None,
             today: dt.date) -> list[Upcoming]:
    """The events from ``today`` on for a stand in ``municipality``, soonest first."""
    chosen = [e for e in events if e.date >= today
              and (not e.municipality or e.municipality == municipality)]
    return sorted(chosen, key=lambda e: (e.date, e.time))
