"""What people type, made safe to store and show: names, free text, codes as given."""

from __future__ import annotations

import unicodedata

from outreach.channels import DEEP_LINK_CODE

NAME_MAX = 100
TEXT_MAX = 1000
CODE_GIVEN_MAX = 64


def clean_name(text: str) -> str:
    """A name with emoji, symbols, digits and control characters taken out."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "L" or char in "-'’. ":
            kept.append(char)
        elif category[0] == "M" and not 0xFE00 <= ord(char) <= 0xFE0F:
            kept.append(char)  # combining accents (й written as и + ̆), not emoji selectors
        elif category[0] == "Z" or char in "\t\n":
            kept.append(" ")
    name = " ".join("".join(kept).split()).strip(" -.'’")
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        return ""
    return name[:NAME_MAX]


def clean_text(text: str) -> str:
    """Free text with control characters taken out and length capped."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(kept.split())[:TEXT_MAX]


def code_as_given(text: str, *, deep_link: bool) -> str:
    """An unknown code kept for a coordinator to read, never mistaken for a real one.

    A deep link can carry only ``[A-Za-z0-9_-]``: anything else was typed or
    forged, so every other character shows as "?" (a Cyrillic "А" or an
    invisible character would make a forged payload look like a real code in
    listings). A code typed by a coordinator keeps its letters.
    """
    if deep_link:
        kept = "".join(c if DEEP_LINK_CODE.match(c) else "?" for c in text.strip())
        return kept[:CODE_GIVEN_MAX]
    return clean_text(text)[:CODE_GIVEN_MAX]
