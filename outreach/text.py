"""Text helpers shared by the core: Russian transliterated to Latin for names and codes,
and text made safe for the spreadsheets coordinators open CSV files in."""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))


def transliterate(text: str) -> str:
    """Lower-case ASCII for ``text``: Cyrillic by the common passport-like scheme, accents
    dropped, anything else without an ASCII form left out."""
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in text.lower())
    return unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode().lower()


def slugify(text: str, limit: int = 60) -> str:
    """A folder-safe ASCII name, so files travel by e-mail intact."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    return slug[:limit].rstrip("-") or "publication"


# What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP,
# "CSV Injection"): "=", "+", "-", "@", and a tab or carriage return before them;
# some locales take the full-width forms too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text, never runs as a formula.

    A leading apostrophe is what a spreadsheet user types for the same effect;
    the text after it is kept whole.
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def from_spreadsheet(text: str) -> str:
    """A cell read back from a CSV: the apostrophe ``spreadsheet_safe`` added, taken away."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
