"""Parsing formatted text as Telegram does: plain text, entities, or Telegram's error.

Telegram counts lengths and entity offsets in UTF-16 code units after the
markup is parsed ("1-4096 characters after entities parsing", Bot API
sendMessage; MessageEntity.offset "in UTF-16 code units"). Error wording follows
what the Bot API answers, e.g.
``can't parse entities: Unsupported start tag "br" at byte offset 5``.

HTML tags and their attributes are read as the Bot API's "HTML style" section
lists them, and where it is silent as Telegram's own parser does (tdlib,
td/telegram/MessageEntity.cpp, ``parse_html``, which the Bot API server uses):
``<span>`` only with ``class="tg-spoiler"``, ``<tg-emoji>`` only with a numeric
``emoji-id``, ``<a>`` without ``href`` links its own text when that is a link and
is plain text otherwise, ``<blockquote expandable>`` is an expandable quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)>")
_ATTRIBUTE = re.compile(
    r"""\s*([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
#: A link Telegram accepts for ``<a>`` without ``href`` (tdlib LinkManager::check_link):
#: cautiously, only an http(s) or tg: URL or a bare host name with a dot.
_LINK = re.compile(r"(?i)(?:https?://|tg://)\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/\S*)?")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MD_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough",
             "||": "Spoiler"}
_MD_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough",
             "||": "spoiler"}


class EntityError(ValueError):
    """The text's markup is malformed; the message is Telegram's wording after the prefix."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Parsed:
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)


def parse(text: str, parse_mode: str | None) -> Parsed:
    """Plain text and entities of ``text`` in ``parse_mode``; EntityError when malformed."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode in ("", "none"):
        return Parsed(text=text)
    if mode == "markdown":
        return Parsed(text=text)  # legacy mode: accepted, not modelled
    raise EntityError(f"unsupported parse_mode {parse_mode!r}")


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_html(text: str) -> Parsed:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, str]] = []  # tag, start (utf-16), argument (_argument)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise EntityError(
                    f"Unsupported start tag \"\" at byte offset {_offset(text, i)}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if not closing:
                if name not in HTML_TAGS:
                    raise EntityError(
                        f"Unsupported start tag \"{name}\" at byte offset {_offset(text, i)}")
                stack.append((name, utf16_len("".join(out)),
                              _argument(name, _attributes(attrs), _offset(text, i))))
            else:
                if not stack:
                    raise EntityError(f"Unexpected end tag at byte offset {_offset(text, i)}")
                opened, start, url = stack.pop()
                if opened != name:
                    raise EntityError(
                        f"Unmatched end tag at byte offset {_offset(text, i)}, "
                        f"expected \"</{opened}>\", found \"</{name}>\"")
                length = utf16_len("".join(out)) - start
                entity = _entity(name, url, start, length, "".join(out))
                if entity is not None and length > 0:
                    entities.append(entity)
            i = match.end()
        elif ch == "&" and (found := _ENTITY.match(text, i)):
            name = found.group(1)
            if name.startswith("#x"):
                out.append(chr(int(name[2:], 16)))
            elif name.startswith("#"):
                out.append(chr(int(name[1:])))
            else:
                out.append(_NAMED.get(name, found.group(0)))
            i = found.end()
        elif ch == ">":
            # Telegram accepts a bare ">" but the docs ask for "&gt;"; keep it literal.
            out.append(ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityError(f"Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    return Parsed(text="".join(out), entities=entities)


def _attributes(raw: str) -> dict[str, str]:
    """A tag's attributes, names lower-cased; a bare name (``expandable``) maps to ""."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(raw):
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        found.setdefault(match.group(1).lower(), value)
    return found


def _argument(tag: str, attributes: dict[str, str], at: int) -> str:
    """What a start tag's attributes mean to Telegram (tdlib parse_html), or its error."""
    if tag == "a":
        return attributes.get("href", "")
    if tag == "span":
        if attributes.get("class") != "tg-spoiler":
            raise EntityError(f"Tag \"span\" must have class \"tg-spoiler\" at byte offset {at}")
        return ""
    if tag == "tg-emoji":
        return attributes.get("emoji-id", "")
    if tag == "blockquote" and "expandable" in attributes:
        return "expandable"
    return ""


def _entity(tag: str, argument: str, start: int, length: int,
            out: str) -> dict[str, Any] | None:
    """The entity a closed tag makes; None when Telegram keeps its text plain."""
    kind = HTML_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": start, "length": length}
    if tag == "a":
        url = argument or _utf16_slice(out, start)  # no href: the link's own text
        if not url or (not argument and not _LINK.fullmatch(url)):
            return None
        entity["url"] = url
    elif tag == "tg-emoji":
        if not argument.isdigit() or not 0 < int(argument) < 2 ** 63:
            raise EntityError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = argument
    elif tag == "blockquote" and argument == "expandable":
        entity["type"] = "expandable_blockquote"
    return entity


def _utf16_slice(text: str, start: int) -> str:
    """``text`` from UTF-16 position ``start`` to its end."""
    return text.encode("utf-16-le")[start * 2:].decode("utf-16-le")


def _parse_markdown_v2(text: str) -> Parsed:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, int]] = []  # marker, start (utf-16), byte offset
    i = 0
    at_line_start = True
    while i < len(text):
        ch = text[i]
        here = _offset(text, i)
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            at_line_start = False
            continue
        if ch == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = _find_unescaped(text, fence, i + len(fence))
            if end < 0:
                name = "Pre" if fence == "```" else "Code"
                raise EntityError(f"Can't find end of {name} entity at byte offset {here}")
            body = re.sub(r"\\(.)", r"\1", text[i + len(fence):end])
            start = utf16_len("".join(out))
            out.append(body)
            entities.append({"type": "pre" if fence == "```" else "code", "offset": start,
                             "length": utf16_len(body)})
            i = end + len(fence)
            continue
        if ch == ">" and at_line_start:
            i += 1
            continue
        marker = next((m for m in ("__", "||", "*", "_", "~") if text.startswith(m, i)), None)
        if marker is not None:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                length = utf16_len("".join(out)) - start
                if length:
                    entities.append({"type": _MD_TYPES[marker], "offset": start,
                                     "length": length})
            else:
                stack.append((marker, utf16_len("".join(out)), here))
            i += len(marker)
            at_line_start = False
            continue
        if ch == "[":
            stack.append(("[", utf16_len("".join(out)), here))
            i += 1
            continue
        if ch == "]" and stack and stack[-1][0] == "[":
            _, start, opened_at = stack.pop()
            if not text.startswith("(", i + 1):
                raise EntityError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'")
            end = _find_unescaped(text, ")", i + 2)
            if end < 0:
                raise EntityError(f"Can't find end of a url at byte offset {opened_at}")
            url = re.sub(r"\\(.)", r"\1", text[i + 2:end])
            entities.append({"type": "text_link", "offset": start,
                             "length": utf16_len("".join(out)) - start, "url": url})
            i = end + 1
            continue
        if ch in MD_RESERVED:
            raise EntityError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        out.append(ch)
        at_line_start = ch == "\n"
        i += 1
    if stack:
        marker, _, opened_at = stack[-1]
        name = _MD_NAMES.get(marker, "TextUrl")
        raise EntityError(f"Can't find end of {name} entity at byte offset {opened_at}")
    return Parsed(text="".join(out), entities=entities)


def _find_unescaped(text: str, needle: str, start: int) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1
