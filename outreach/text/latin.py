"""Russian in Latin letters: for folder names and referral codes that travel intact."""

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


def slugify(text: str, limit: int = 60, *, whole_words: bool = False) -> str:
    """A folder-safe ASCII name, so files travel by e-mail intact.

    ``whole_words`` cuts a long name between words ("...-fonda", not "...-fonda-mi");
    names that must stay as earlier versions made them (Message-IDs, kits found
    again on a retry) keep the plain cut.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    if len(slug) > limit:
        # Between words where one ends in the second half; a long word where it must.
        cut = slug.rfind("-", 0, limit + 1) if whole_words else -1
        slug = slug[:cut] if cut > limit // 2 else slug[:limit]
    return slug.rstrip("-") or "publication"
