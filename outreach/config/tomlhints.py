"""TOML mistakes people make, explained in their words with what to write instead.

The TOML reader says "Invalid value" or "Expected newline or end of document
after a statement"; a volunteer who typed ``municipality = Челябинск`` or
``date = 07.12.2026``, or pasted a line from Word, needs to read what is wrong
and the line as it should be. ``explain`` looks at the line the reader stopped
at (and the reader's own message, for the kind of mistake) and returns that.
"""

from __future__ import annotations

import re

from outreach.i18n import _

# Word and browsers paste these: typographic quotes and spaces TOML does not take.
SMART_QUOTES = "“”„‟‘’‚‛"
GUILLEMETS = "«»"
# No-break, thin, zero-width, byte-order-mark and wide spaces.
ODD_SPACES = frozenset("\u00a0\u2007\u202f\u2009\u200b\ufeff\u3000\u2002\u2003")
_DOTTED_DATE_IN = re.compile(
    r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]+(\d{1,2}):(\d{2}))?")
_SHORT_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DECIMAL_COMMA = re.compile(r"^([-+]?\d+),(\d+)$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]")
_VALUE_START = re.compile(r"""^(["'\[{]|[-+]?\d|true\b|false\b|[-+]?(inf|nan)\b)""")
_DUPLICATE = ("Cannot overwrite a value", "Cannot declare", "Duplicate inline table key",
              "Cannot mutate immutable namespace", "Cannot redefine namespace")
_UNCLOSED = ("Unclosed array", "Unclosed inline table", "Expected ']'")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _split(raw: str) -> tuple[str, str] | None:
    """``key = value`` of a line, or None when it has no '='."""
    if "=" not in raw:
        return None
    key, value = raw.split("=", 1)
    return key.strip(), value.strip()


def _without_comment(value: str) -> str:
    """A bare value without a trailing ``# comment``."""
    return value.split(" #", 1)[0].split("\t#", 1)[0].strip()


def explain(text: str, line: int | None, reason: str) -> tuple[int, str]:
    """The line of a mistake near ``line`` of ``text``, and what to write instead.

    ``reason`` is the TOML reader's own message, used to tell the kinds of
    mistake apart; it is never shown. ``line`` None means the end of the text.
    """
    lines = text.split("\n")
    if line is None:  # "at end of document": the last line written
        line = max((i + 1 for i, raw in enumerate(lines) if raw.strip()), default=1)
    if (opened := _open_multiline(lines, line)) is not None:
        return opened, _('the text opened with """ on this line is never closed: put """ '
                         'right after its last line')
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    for check in (_smart_quotes, _guillemets, _odd_spaces):
        if (found := check(raw)) is not None:
            return line, found
    if (dates := _dotted_dates(raw)) is not None:
        return line, dates
    if reason.startswith(_DUPLICATE):
        return line, _duplicate(lines, line, raw)
    if (parts := _split(raw)) is not None and (comma := _missing_comma(*parts)) is not None:
        return line, comma
    if reason.startswith(_UNCLOSED) or reason.startswith('Expected "]"'):
        return _unclosed(lines, line)
    return line, _line_hint(lines, line, raw, reason)


def _line_hint(lines: list[str], line: int, raw: str, reason: str) -> str:
    parts = _split(raw)
    if parts is None:
        if ":" in raw and not raw.lstrip().startswith(("[", "#")):
            key = raw.split(":", 1)[0].strip()
            value = raw.split(":", 1)[1].strip()
            return _("write an equals sign between the name and the value, not a colon: "
                     "{example}").format(example=f"{key} = {value}")
        header = re.match(r"^\s*(\[\[?)\s*([^\]]*?)\s*(\]\]?)?\s*(#.*)?$", raw)
        if header and not header.group(2).isascii():
            return _section_name(header.group(1), header.group(2))
        if raw.lstrip().startswith("["):
            return _unclosed(lines, line)[1]
        return _("each line is a name, an equals sign and a value, like {example}; "
                 "a line that is a note starts with #").format(example='title = "…"')
    key, value = parts
    value = _without_comment(value)
    if key and not _BARE_KEY.match(key) and not key.startswith(("\"", "'", "[")) \
            and "." not in key:
        return _("{key!r} is not a name this file knows: names are written in latin "
                 "letters, as in the guide (title, municipality, date…)").format(key=key)
    return _value_hint(key, value, reason)


def _iso(match: re.Match[str]) -> str:
    day, month, year, hour, minute = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    return iso + (f"T{int(hour):02d}:{minute}:00" if hour is not None else "")


def _dotted_dates(raw: str) -> str | None:
    """Dates written as 07.12.2026 (with a time or not) on a ``key = value`` line."""
    parts = _split(raw)
    if parts is None or parts[1].startswith(("\"", "'")):
        return None
    key, value = parts[0], _without_comment(parts[1])
    fixed, count = _DOTTED_DATE_IN.subn(_iso, value)
    if not count:
        return None
    return _("write the date like this, without quotes: {example}").format(
        example=f"{key} = {fixed}")


def _section_name(opening: str, name: str) -> str:
    """A section whose name has Russian letters: ``[channels.вк]``."""
    from outreach.text.latin import slugify

    closing = opening.replace("[", "]")
    parts = name.split(".")
    latin = ".".join(part if part.isascii() else (slugify(part) or "name") for part in parts)
    quoted = ".".join(part if part.isascii() else _quoted(part) for part in parts)
    return _("a section's name without quotes takes latin letters, digits and dashes only: "
             "write {latin}, or put the name in quotes: {quoted}").format(
                 latin=f"{opening}{latin}{closing}", quoted=f"{opening}{quoted}{closing}")


def _open_multiline(lines: list[str], line: int) -> int | None:
    """The line of a \"\"\" that opens a text never closed up to ``line``, if there is one."""
    opened = None
    for number, raw in enumerate(lines[:line], start=1):
        for _quote in range(raw.count('"""')):
            opened = number if opened is None else None
    return opened


def _missing_comma(key: str, value: str) -> str | None:
    """``["a" "b"]``: items of a list without the comma between them."""
    if not value.startswith("[") or not re.search(r'"\s+"', value):
        return None
    fixed = re.sub(r'"\s+"', '", "', _without_comment(value))
    return _("put a comma between the items of a list: {example}").format(
        example=f"{key} = {fixed}")


_BOOLEANS = {"true": "true", "yes": "true", "да": "true", "вкл": "true", "on": "true",
             "false": "false", "no": "false", "нет": "false", "выкл": "false", "off": "false"}


def _value_hint(key: str, value: str, reason: str) -> str:
    if (word := _BOOLEANS.get(value.strip("\"'").lower())) is not None and value != word:
        return _("write true (yes) or false (no), in small latin letters and without "
                 "quotes: {example}").format(example=f"{key} = {word}")
    if value.startswith('"') and (inner := _inner_quotes(value)) is not None:
        return _("a straight quote inside the text ends it: write quotes inside the text as "
                 "«ёлочки»: {example}").format(example=f"{key} = {inner}")
    if match := _SHORT_ISO_DATE.match(value):
        year, month, day = match.groups()
        return _("write the date like this, without quotes: {example}").format(
            example=f"{key} = {year}-{int(month):02d}-{int(day):02d}")
    if match := _DECIMAL_COMMA.match(value):
        return _("write a dot, not a comma, before the fraction: {example}").format(
            example=f"{key} = {match.group(1)}.{match.group(2)}")
    for quote in ('"', "'"):
        if value.startswith(quote) and not _closed(value, quote):
            return _("the quote that opens the text is never closed: put {quote} at the "
                     "end of the text: {example}").format(
                         quote=quote, example=f"{key} = {value.rstrip()}{quote}")
    if value and not _VALUE_START.match(value):
        return _("write text in quotes: {example}").format(example=f"{key} = {_quoted(value)}")
    if value.startswith("[") and "Invalid value" in reason:
        items = [item.strip() for item in value.strip("[] ").split(",") if item.strip()]
        quoted = [item if item[:1] in "\"'" else _quoted(item.strip("«»")) for item in items]
        return _("each item of a list in square brackets is in quotes, with commas "
                 "between them: {example}").format(example=f"{key} = [{', '.join(quoted)}]")
    if number := re.match(r"^[-+]?\d[\d_]*(\.\d+)?", value):
        return _("a number stands alone after the = sign: {example}; a note for people goes "
                 "after #, and text in quotes").format(example=f"{key} = {number.group(0)}")
    return _("this value cannot be read: text is written in quotes ({text}), dates as "
             "{date}, numbers with a dot ({number}), lists in square brackets ({listing})"
             ).format(text='"…"', date="2026-12-07", number="1.5", listing='["…", "…"]')


def _inner_quotes(value: str) -> str | None:
    """``"Акция "Добро""``: the text with its inner straight quotes as «ёлочки», or None."""
    value = _without_comment(value)
    if not value.endswith('"') or value.count('"') < 4 or value.count('"') % 2:
        return None
    inner = value[1:-1]
    pairs = iter(range(inner.count('"')))
    fixed = re.sub('"', lambda _m: "«" if next(pairs) % 2 == 0 else "»", inner)
    return None if re.search(r"«\s*»", fixed) else f'"{fixed}"'


def _closed(value: str, quote: str) -> bool:
    if quote == "'":
        return value.count("'") >= 2
    body = re.sub(r"\\.", "", value[1:])
    return quote in body


def _smart_quotes(raw: str) -> str | None:
    if not any(q in raw for q in SMART_QUOTES):
        return None
    fixed = re.sub(f"[{SMART_QUOTES}]", '"', raw).strip()
    return _("quotes “ ” from Word do not work here: type straight quotes \" (Shift+2 in the "
             "Russian layout) in a plain text editor such as Notepad: {example}").format(
                 example=fixed)


def _guillemets(raw: str) -> str | None:
    parts = _split(raw)
    if parts is None or not any(g in parts[1] for g in GUILLEMETS):
        return None
    key, value = parts
    if value.startswith('"') or value.startswith("'"):
        return None  # inside straight quotes «ёлочки» are fine text
    inner = value.strip().strip("[]").strip()
    if inner.startswith("«") and inner.endswith("»") and inner.count("«") == 1:
        inner = inner[1:-1]
    example = f"{key} = {_quoted(inner)}"
    if value.startswith("["):
        example = f"{key} = [{_quoted(inner)}]"
    return _("«» quotes do not work around text here: type straight quotes \" (Shift+2 in "
             "the Russian layout); «» may stand inside them: {example}").format(example=example)


def _odd_spaces(raw: str) -> str | None:
    outside = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", raw)
    if not any(c in ODD_SPACES for c in outside):
        return None
    fixed = "".join(" " if c in ODD_SPACES else c for c in raw).strip()
    fixed = re.sub(r"\s*=\s*", " = ", fixed, count=1)
    return _("this line has a special space pasted from Word or a web page (a non-breaking "
             "or invisible one): delete the spaces around the names and the = sign and type "
             "ordinary ones: {example}").format(example=fixed)


def _duplicate(lines: list[str], line: int, raw: str) -> str:
    header = _HEADER.match(raw)
    if header:
        name = header.group(1)
        first = next((number for number, previous in enumerate(lines[: line - 1], start=1)
                      if (found := _HEADER.match(previous)) and found.group(1) == name), None)
        return _("the section [{name}] is already written on line {first}: keep one "
                 "[{name}] and put all its lines under it").format(name=name, first=first or "?")
    parts = _split(raw)
    key = parts[0] if parts else raw.strip()
    first = None
    for number in range(line - 1, 0, -1):  # back to the start of this line's section
        previous = lines[number - 1]
        if _HEADER.match(previous):
            break
        if (pair := _split(previous)) is not None and pair[0] == key:
            first = number
    if first is None:
        return _("{key} is written twice: keep one of them").format(key=key)
    return _("{key} is already written on line {first}: keep one of the two lines").format(
        key=key, first=first)


def _unclosed(lines: list[str], line: int) -> tuple[int, str]:
    """A ``[`` or ``{`` opened on or before ``line`` and never closed: its line, and how."""
    for number in range(min(line, len(lines)), 0, -1):
        raw = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", lines[number - 1]).split("#")[0]
        for opening, closing in (("[", "]"), ("{", "}")):
            if raw.count(opening) > raw.count(closing):
                code = lines[number - 1].split(" #")[0].rstrip()
                if code.lstrip().startswith("["):
                    return number, _("close the section's name with ]: {example}").format(
                        example=code.strip() + "]")
                if code.endswith(opening):  # a list written over several lines
                    return number, _("the bracket {opening} is never closed: put {closing} "
                                     "after the last item").format(opening=opening,
                                                                   closing=closing)
                return number, _("the bracket {opening} is never closed: put {closing} after "
                                 "the last item, on the same line: {example}").format(
                                     opening=opening, closing=closing, example=code + closing)
    return line, _("a bracket is never closed: every [ needs its ] and every {{ its }}").format()
