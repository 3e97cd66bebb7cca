"""The safe template language of campaign posts, and fitting a post into a channel's limit.

A template is text with named placeholders such as ``{title}``; ``{{`` and
``}}`` stand for literal braces. Nothing else is understood: no attribute or
index access, no conversions or format specs, so a campaign file cannot reach
into the program. (This is why str.format and Jinja are not used.)

Lengths are counted in characters (Python ``len``), the way the platforms state
their limits; see docs/campaigns.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from outreach.errors import Problem, ValidationError, closest
from outreach.i18n import _
from outreach.text.markdown import to_plain_text

PLACEHOLDERS: tuple[str, ...] = (
    "title", "body", "summary", "date", "municipality",
    "hashtags", "call_to_action", "signup_link",
)
# Shortened, in this order, when a post is too long; everything else is kept whole.
TRIMMABLE: tuple[str, ...] = ("body", "summary", "title")
ELLIPSIS = "…"

DEFAULT_TEMPLATE = "{title}\n\n{body}\n\n{call_to_action}\n{signup_link}\n\n{hashtags}"

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
_NAME = re.compile(r"^[a-z_]+$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Punctuation left dangling before an ellipsis reads badly ("и, …").
_DANGLING = " \t\n,;:—–-(«\"'"


@dataclass(frozen=True)
class Placeholder:
    name: str


Segment = str | Placeholder


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and placeholders, in order."""

    segments: tuple[Segment, ...]
    text: str

    @classmethod
    def parse(cls, text: str, source: str = "", key: str = "",
              first_line: int | None = None) -> Template:
        """Parse ``text``; raise ValidationError listing every problem (``template_problems``)."""
        segments, problems = _parse(text, source, key, first_line)
        if problems:
            raise ValidationError(problems)
        return cls(tuple(segments), text)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.segments if isinstance(s, Placeholder))

    def render(self, values: Mapping[str, str]) -> str:
        """Fill the placeholders; a line holding only placeholders that are all empty is dropped."""
        return _render(self.segments, values)


def template_problems(text: str, source: str = "", key: str = "",
                      first_line: int | None = None) -> list[Problem]:
    """Every problem of a template; ``first_line`` is the file line of the template's first line."""
    return _parse(text, source, key, first_line)[1]


def _unsafe_hint(inside: str) -> str:
    name = re.split(r"[^A-Za-z_]", inside, maxsplit=1)[0]  # the leading name, maybe empty
    suggestion = _("; write {placeholder}").format(placeholder="{" + name + "}") \
        if name in PLACEHOLDERS else ""
    if inside.isdigit() or inside == "":
        what = _("numbered or empty placeholders are not allowed")
    elif "." in inside or "[" in inside:
        what = _("attribute or index access is not allowed")
    elif "!" in inside or ":" in inside:
        what = _("conversions and formats are not allowed")
    else:
        what = _("a placeholder is a name only")
    return _("{placeholder}: {what}{suggestion} (for a literal brace write {{{{ or }}}})").format(
        placeholder="{" + inside + "}", what=what, suggestion=suggestion)


def _parse(text: str, source: str, key: str,
           first_line: int | None) -> tuple[list[Segment], list[Problem]]:
    segments: list[Segment] = []
    problems: list[Problem] = []
    literal: list[str] = []

    def report(position: int, message: str) -> None:
        line = None
        if first_line is not None:
            line = first_line + text.count("\n", 0, position)
        problems.append(Problem(source, key, message, line))

    i = 0
    while i < len(text):
        char = text[i]
        if char == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "{":
            end = text.find("}", i + 1)
            newline = text.find("\n", i + 1)
            if end == -1 or (newline != -1 and newline < end):
                report(i, _("a '{{' is not closed on its line (for a literal brace write "
                            "{{{{)").format())
                literal.append(char)
                i += 1
                continue
            inside = text[i + 1:end]
            if _NAME.match(inside) and inside in PLACEHOLDERS:
                if literal:
                    segments.append("".join(literal))
                    literal = []
                segments.append(Placeholder(inside))
            elif _NAME.match(inside):
                known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
                close = closest(inside, PLACEHOLDERS)
                hint = _(" (did you mean {choice}?)").format(choice="{" + close + "}") \
                    if close else ""
                report(i, _("unknown placeholder {placeholder}{hint}; known: {known}").format(
                    placeholder="{" + inside + "}", hint=hint, known=known))
            else:
                report(i, _unsafe_hint(inside))
            i = end + 1
        elif char == "}":
            report(i, _("a '}}' without its '{{' (for a literal brace write }}}})").format())
            literal.append(char)
            i += 1
        else:
            literal.append(char)
            i += 1
    if literal:
        segments.append("".join(literal))
    return segments, problems


def _render(segments: Sequence[Segment], values: Mapping[str, str]) -> str:
    # Render line by line so a line made only of empty placeholders can vanish.
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        if isinstance(segment, Placeholder):
            lines[-1].append(segment)
            continue
        pieces = segment.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(piece)
    out: list[str] = []
    dropped_since_blank = False
    for line in lines:
        has_placeholder = any(isinstance(s, Placeholder) for s in line)
        rendered = "".join(values.get(s.name, "") if isinstance(s, Placeholder) else s
                           for s in line)
        only_placeholders = all(isinstance(s, Placeholder) or not s.strip() for s in line)
        if has_placeholder and only_placeholders and not rendered.strip():
            dropped_since_blank = True
            continue
        if not rendered.strip() and dropped_since_blank and out and not out[-1].strip():
            # Two blank lines met because a line between them was dropped: keep one.
            continue
        dropped_since_blank = False if rendered.strip() else dropped_since_blank
        out.append(rendered)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return "\n".join(out)


def russian_date(day: dt.date | None) -> str:
    """'14 октября 2026' without depending on the system's locale."""
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def hashtag_line(hashtags: Sequence[str]) -> str:
    return " ".join(f"#{tag.lstrip('#')}" for tag in hashtags if tag.strip("# "))


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ending with '…'.

    A word, hashtag or link is never cut in half; links in the part cut away
    are kept after the ellipsis. Returns '' when not even one word fits.
    """
    if len(text) <= limit:
        return text
    for attempt in range(2):
        keep_links = attempt == 0
        budget = limit - len(ELLIPSIS)
        links: list[str] = []
        if keep_links:
            # Links in the tail survive; reserve room for them first.
            tail_start = max(0, budget)
            links = [m.group(0) for m in _URL.finditer(text) if m.end() > tail_start]
            if links:
                budget -= len(" " + " ".join(links))
        if budget <= 0:
            continue
        head = _cut_words(text, budget)
        if keep_links and links:
            head_links = [m.group(0) for m in _URL.finditer(head)]
            links = [link for link in links if link not in head_links]
        if not head:
            continue
        result = head + ELLIPSIS + (" " + " ".join(links) if links else "")
        if len(result) <= limit:
            return result
    return ""


def _cut_words(text: str, budget: int) -> str:
    if budget >= len(text):
        return text.rstrip(_DANGLING)
    cut = text[:budget]
    if not text[budget].isspace():
        # Inside a word (or link, or hashtag): go back to the last whitespace.
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        cut = cut[:space] if space > 0 else ""
    return cut.rstrip(_DANGLING)


@dataclass(frozen=True)
class FittedText:
    """A post's text after fitting it to a channel's limit."""

    text: str
    limit: int
    trimmed: tuple[str, ...] = ()  # placeholders that were shortened or dropped
    problem: str | None = None  # set when even the protected parts do not fit

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def fits(self) -> bool:
        return self.problem is None


def fit(template: Template, values: Mapping[str, str], limit: int) -> FittedText:
    """Render ``template`` within ``limit`` characters.

    The body is shortened first, then the summary, then the title; the call to
    action, sign-up link, hashtags, links and the template's own words are kept whole.
    """
    current = dict(values)
    text = template.render(current)
    trimmed: list[str] = []
    for name in TRIMMABLE:
        if len(text) <= limit:
            break
        occurrences = template.names.count(name)
        value = current.get(name, "")
        if not occurrences or not value:
            continue
        over = len(text) - limit
        target = len(value) - -(-over // occurrences)  # ceiling division
        current[name] = shorten(value, target) if target > 0 else ""
        trimmed.append(name)
        text = template.render(current)
    problem = None
    if len(text) > limit:
        problem = _(
            "the text is {length} characters even with the body, summary and title "
            "shortened; the limit is {limit}: shorten the call to action, the hashtags or the "
            "template").format(length=len(text), limit=limit)
    return FittedText(text=text, limit=limit, trimmed=tuple(trimmed), problem=problem)


def story_values(
    *,
    title: str,
    body: str,
    summary: str | None,
    event_date: dt.date | None,
    municipality: str | None,
    hashtags: Sequence[str],
    call_to_action: str,
    signup_link: str | None,
) -> dict[str, str]:
    """The placeholder values for one story on one channel.

    The body is written in Markdown and sent as plain text (see ``markdown``).
    """
    return {
        "title": title.strip(),
        "body": to_plain_text(body),
        "summary": (summary or "").strip(),
        "date": russian_date(event_date),
        "municipality": municipality or "",
        "hashtags": hashtag_line(hashtags),
        "call_to_action": call_to_action.strip(),
        "signup_link": signup_link or "",
    }
