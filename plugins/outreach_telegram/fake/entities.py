"""Parsing formatted text as Telegram does: plain text, entities, or Telegram's error.

Telegram counts lengths and entity offsets in UTF-16 code units after the
markup is parsed ("1-4096 characters after entities parsing", Bot API
sendMessage). Error wording follows what the Bot API answers, e.g.
``can't parse entities: Unsupported start tag "br" at byte offset 5``.
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
    stack: list[tuple[str, int, str]] = []  # tag, start (utf-16), url
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
                url = ""
                if name == "a":
                    found = re.search(r"href\s*=\s*[\"']([^\"']*)[\"']", attrs)
                    url = found.group(1) if found else ""
                stack.append((name, utf16_len("".join(out)), url))
            else:
                if not stack:
                    raise EntityError(f"Unexpected end tag at byte offset {_offset(text, i)}")
                opened, start, url = stack.pop()
                if opened != name:
                    raise EntityError(
                        f"Unmatched end tag at byte offset {_offset(text, i)}, "
                        f"expected \"</{opened}>\", found \"</{name}>\"")
                length = utf16_len("".join(out)) - start
                entity: dict[str, int | str] = {"type": HTML_TAGS[name], "offset": start,
                                                "length": length}
                if url:
                    entity["url"] = url
                if length > 0:
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
