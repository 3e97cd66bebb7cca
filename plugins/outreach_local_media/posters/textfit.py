"""Text that wraps and shrinks to fit its box, and never runs out of it.

``fit_text`` picks the largest type size (between a floor and a ceiling) at
which the text, wrapped at spaces, fits the box's width and height. Words
are never cut: only at the smallest size, a word still wider than the box is
hyphenated after a vowel (the way Russian is hyphenated by hand), and text
still too long for the box ends at a whole word with "…" — reported, so the
person printing it knows.

Characters the shipped font cannot draw (emoji, mostly) would print as empty
boxes; ``printable`` takes them out and says which.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import font_file

if TYPE_CHECKING:
    from PIL import ImageFont

REGULAR = font_file("DejaVuSans.ttf")
BOLD = font_file("DejaVuSans-Bold.ttf")
LINE_SPACING = 1.18  # of the font's ascent + descent: open enough for older eyes
ELLIPSIS = "…"
_VOWELS = set("аеёиоуыэюяaeiouy")
_ZERO_WIDTH = {"\u200d", "\ufe0f", "\ufe0e", "\u200b"}


@functools.lru_cache(maxsize=256)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size)


@functools.lru_cache(maxsize=4096)
def _has_glyph(path: Path, char: str) -> bool:
    probe = font(path, 40)
    notdef = probe.getmask("\uffff")
    mask = probe.getmask(char)
    return not (mask.size == notdef.size and bytes(mask) == bytes(notdef))


def printable(text: str, path: Path = REGULAR) -> tuple[str, list[str]]:
    """``text`` without the characters the font lacks, and those characters."""
    kept, dropped = [], []
    for char in text:
        if char in _ZERO_WIDTH:
            continue
        if char.isspace() or unicodedata.category(char).startswith("C"):
            kept.append(" " if char.isspace() else "")
            continue
        if _has_glyph(path, char):
            kept.append(char)
        else:
            dropped.append(char)
    return " ".join("".join(kept).split()), dropped


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    path: Path
    size: int
    line_height: int
    truncated: bool = False  # text was too long for the box even at the smallest size
    hyphenated: bool = False

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)

    def width(self) -> int:
        face = font(self.path, self.size)
        return max((round(face.getlength(line)) for line in self.lines), default=0)


def line_height(path: Path, size: int) -> int:
    ascent, descent = font(path, size).getmetrics()
    return round((ascent + descent) * LINE_SPACING)


def fit_text(text: str, width: int, height: int, path: Path, max_size: int, min_size: int,
             max_lines: int | None = None) -> Fitted:
    """The largest size in [min_size, max_size] at which ``text`` fits ``width`` x ``height``."""
    min_size = max(1, min(min_size, max_size))
    words = text.split()
    if not words:
        return Fitted((), path, max_size, line_height(path, max_size))
    low, high, best = min_size, max_size, None
    while low <= high:
        size = (low + high) // 2
        lines = _wrap(words, width, path, size)
        if lines is not None and _fits(lines, height, path, size, max_lines):
            best = Fitted(tuple(lines), path, size, line_height(path, size))
            low = size + 1
        else:
            high = size - 1
    if best is not None:
        return best
    return _squeeze(words, width, height, path, min_size, max_lines)


def _fits(lines: list[str], height: int, path: Path, size: int, max_lines: int | None) -> bool:
    if max_lines is not None and len(lines) > max_lines:
        return False
    return len(lines) * line_height(path, size) <= height


def _wrap(words: list[str], width: int, path: Path, size: int) -> list[str] | None:
    """Greedy wrapping at spaces; None when a single word is wider than ``width``."""
    face = font(path, size)
    lines: list[str] = []
    current = ""
    for word in words:
        if face.getlength(word) > width:
            return None
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _squeeze(words: list[str], width: int, height: int, path: Path, size: int,
             max_lines: int | None) -> Fitted:
    """At the smallest size: hyphenate words too wide, then end at a whole word with '…'."""
    face = font(path, size)
    lines: list[str] = []
    current = ""
    hyphenated = False
    for word in words:
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        parts = _hyphenate(word, width, face)
        hyphenated = hyphenated or len(parts) > 1
        lines.extend(parts[:-1])
        current = parts[-1]
    lines.append(current)
    rows = max(1, height // line_height(path, size))
    if max_lines is not None:
        rows = min(rows, max_lines)
    truncated = len(lines) > rows
    if truncated:
        lines = lines[:rows]
        last = lines[-1]
        if last.endswith("-"):  # the first part of a hyphenated word: leave it out whole
            last = last.rsplit(" ", 1)[0] if " " in last else ""
        while last and face.getlength(last + ELLIPSIS) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else ""
        lines[-1] = (last.rstrip(" ,;:—-") + ELLIPSIS) if last else ELLIPSIS
    return Fitted(tuple(lines), path, size, line_height(path, size), truncated, hyphenated)


def _hyphenate(word: str, width: int, face: ImageFont.FreeTypeFont) -> list[str]:
    """``word`` split into parts that each fit ``width``; every part but the last ends in
    '-'. Splits after a vowel, leaving at least two letters each side."""
    if face.getlength(word) <= width:
        return [word]
    parts: list[str] = []
    rest = word
    while face.getlength(rest) > width:
        cut = _cut(rest, width, face)
        parts.append(rest[:cut] + "-")
        rest = rest[cut:]
    parts.append(rest)
    return parts


def _cut(word: str, width: int, face: ImageFont.FreeTypeFont) -> int:
    best = 0
    for index in range(2, len(word) - 1):
        if face.getlength(word[:index] + "-") > width:
            break
        if word[index - 1].lower() in _VOWELS and any(c.lower() in _VOWELS
                                                      for c in word[index:]):
            best = index
    if best:
        return best
    # No vowel to break after (a long number, an abbreviation): break where it fills the line.
    index = 1
    while index < len(word) - 1 and face.getlength(word[:index + 1] + "-") <= width:
        index += 1
    return index


def place_lines(fitted: Fitted, box: tuple[int, int, int, int], align: str = "left",
                valign: str = "top"
                ) -> tuple[list[tuple[float, int, str]], tuple[int, int, int, int] | None]:
    """Where each of ``fitted``'s lines goes inside ``box`` (left, top, right, bottom):
    (x, y of its ascender line, text) each, and the bounding box of the ink."""
    if not fitted.lines:
        return [], None
    face = font(fitted.path, fitted.size)
    left, top, right, bottom = box
    if valign == "middle":
        top += max(0, (bottom - top - fitted.height) // 2)
    elif valign == "bottom":
        top = max(top, bottom - fitted.height)
    ascent, descent = face.getmetrics()
    pad = (fitted.line_height - ascent - descent) // 2
    placed: list[tuple[float, int, str]] = []
    ink: list[tuple[int, int, int, int]] = []
    for row, line in enumerate(fitted.lines):
        length = face.getlength(line)
        x: float = left
        if align == "center":
            x = left + (right - left - length) / 2
        elif align == "right":
            x = right - length
        y = top + row * fitted.line_height + pad
        placed.append((x, y, line))
        ink_left, ink_top, ink_right, ink_bottom = face.getbbox(line)
        ink.append((round(x + ink_left), round(y + ink_top), round(x + ink_right),
                    round(y + ink_bottom)))
    return placed, (min(b[0] for b in ink), min(b[1] for b in ink),
                    max(b[2] for b in ink), max(b[3] for b in ink))
