"""Short codes people read off paper and say on the phone: "МАС-7".

A short code is three letters and a number. The letters of new codes are only
those written the same in Russian and Latin and named distinctly when read
aloud in Russian: А В Е К М Р С Т Х. So a code printed on a poster is typed
the same whichever keyboard layout a coordinator has on, and a caller reading
it aloud says letters the coordinator cannot mishear:

- Н is left out: «эн» and «эм» are the pair most often misheard on the phone;
- О is left out: on paper it is the digit 0;
- the other Cyrillic letters (Б, Г, Д, И, Л, П, ...) and the Latin-only ones
  (D, F, G, I, L, ...) cannot be typed the same in both alphabets.

The letters come from the place the code is for ("Миасс" -> МАС), so a
coordinator can tell codes apart at a glance.

Every code ever printed, new or old ("CHE-1", "MIA-7"), is found however it is
typed (``canonical``): letters that look alike in the two alphabets (С/C, Н/H,
Е/E, Р/P, О/O, А/A, К/K, М/M, Т/T, Х/X, В/B, У/Y) are the same letter; case,
spaces and dashes do not matter; in the number, О is 0 and З is 3. Codes are
stored in Latin letters, as the first ones were.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LETTERS", "canonical", "compact", "prefix_for"]

#: The letters of new short codes, in their stored (Latin) form: А В Е К М Р С Т Х.
LETTERS = "ABEKMPCTX"
PREFIX_LENGTH = 3
PAD = "X"  # a place name with fewer than three such letters ends in Х
DEFAULT_PREFIX = "KPA"  # «край»: a place with none of the letters at all

_CYRILLIC = "АВЕКМНОРСТХУ"
_LATIN = "ABEKMHOPCTXY"
_TWINS = str.maketrans(_CYRILLIC + _CYRILLIC.lower(), _LATIN + _LATIN)
_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1", "З": "3"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−_.·/]+")
_SHAPE = re.compile(r"([A-Z]{3})([0-9OILЗ]{1,6})")


def canonical(text: str | None) -> str | None:
    """The stored form of a short code however it was typed, or None when ``text`` is
    not shaped like one: "сне-1", "CHE 1", "Сне1" and "CHE-O1" are all "CHE-1"."""
    cleaned = compact(text)
    match = _SHAPE.fullmatch(cleaned)
    if match is None:
        return None
    return f"{match.group(1)}-{int(match.group(2).translate(_DIGITS))}"


def compact(text: str | None) -> str:
    """``text`` in capitals with look-alike letters in Latin and no spaces or dashes: what
    codes are compared by when looking for the closest one."""
    upper = (text or "").upper()
    return _SEPARATORS.sub("", upper).translate(_TWINS)


def prefix_for(text: str, municipalities: Sequence[str] = ()) -> str:
    """Three letters of ``LETTERS`` for a place: from its municipality when ``text`` names
    one of ``municipalities``, else from the whole name ("Пенсионный фонд, Миасс" -> "MAC"
    when Миасс is a municipality)."""
    lowered = text.lower()
    named = [m for m in municipalities if m and m.lower() in lowered]
    source = min(named, key=lambda m: lowered.index(m.lower())) if named else text
    letters = [c for c in source.upper().translate(_TWINS) if c in LETTERS]
    if not letters:
        return DEFAULT_PREFIX
    return "".join(letters[:PREFIX_LENGTH]).ljust(PREFIX_LENGTH, PAD)
