"""Story bodies are written in Markdown; VK and most outlets show text as it is.

``to_plain_text`` turns the Markdown a volunteer writes (paragraphs wrapped in
the editor, emphasis, quotes, lists, links) into text that reads well when
shown literally: soft line breaks joined, markers removed, links kept visible.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")


def _inline(text: str) -> str:
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2)
                     else f"{m.group(1)} ({m.group(2)})", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _ESCAPE.sub(r"\1", text)


def to_plain_text(markdown: str) -> str:
    """Plain text of a Markdown body: one line per paragraph, list item or heading."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    paragraphs: list[list[str]] = [[]]
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        if raw.strip():
            paragraphs[-1].append(raw)
        elif paragraphs[-1]:
            paragraphs.append([])
    out: list[str] = []
    for paragraph in paragraphs:
        if not paragraph:
            continue
        for raw in paragraph:
            line = _QUOTE.sub("", raw).rstrip()
            hard_break = raw.endswith("  ") or line.endswith("\\")
            line = line.rstrip("\\").strip()
            if heading := _HEADING.match(line):
                flush()
                blocks.append(_inline(heading.group(1)))
            elif _BULLET.match(line):
                flush()
                current.append("• " + _BULLET.sub("", line))
            elif _NUMBERED.match(line):
                flush()
                current.append(line)
            elif line:
                current.append(line)
            if hard_break:
                flush()
        flush()
        out.append("\n".join(_inline(block) for block in blocks))
        blocks.clear()
    return "\n\n".join(out).strip()
