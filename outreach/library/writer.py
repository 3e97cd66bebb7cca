"""Writing ``story.md`` from its values, each key with a comment in the reader's language.

``outreach content new`` builds the values from a person's answers (or from the
story.md it edits) and writes them here; the result reads back through
``frontmatter.read_story``.
"""

from __future__ import annotations

import re
from typing import Any

from outreach.config.tomlfile import dump_line
from outreach.errors import StoryFileError
from outreach.i18n import _, lazy_gettext

_TABLE_HEADER = re.compile(r"^\s*\[")
_CONSENT_HEADER = re.compile(r"^\s*\[\s*consent\s*\]\s*(#.*)?$")

TOP = (
    ("title", lazy_gettext("the headline")),
    ("kind", lazy_gettext("\"photo-report\" or \"story\"")),
    ("date", lazy_gettext("the day of the event, no quotes")),
    ("municipality", lazy_gettext("where it took place, as in config.toml")),
    ("tags", lazy_gettext("words campaigns choose stories by")),
    ("summary", lazy_gettext("one line for previews and press kits")),
    ("photographer", lazy_gettext("who took the photos, for those without their own credit")),
    ("participants", lazy_gettext("how many took part, for the report")),
    ("beneficiaries", lazy_gettext("how many people it helped, for the report")),
)
CONSENT = (
    ("recorded_by", lazy_gettext("who recorded the consent of the people in the photos")),
    ("recorded_at", lazy_gettext("when")),
    ("form", lazy_gettext("what shows it: a signed form, its number and date")),
)
PHOTO = (("file", None), ("caption", None), ("alt", lazy_gettext("read aloud in place of "
                                                                   "the photo")),
         ("credit", lazy_gettext("the photographer")))


def render_story(data: dict[str, Any], body: str, header: str | None = None) -> str:
    """``story.md`` holding the front matter ``data`` and ``body`` after it; ``header``:
    the first comment, saying who wrote the file."""
    lines = ["+++", "# " + (header or _("Written by: outreach content new. The format: "
                                        "docs/stories.md"))]
    lines += [dump_line(key, data[key], comment) for key, comment in TOP
              if data.get(key) not in (None, "", [])]
    consent = data.get("consent") or {}
    if consent:
        lines += ["", *consent_table(consent)]
    for photo in data.get("photos") or []:
        lines += ["", "[[photos]]"]
        lines += [dump_line(key, photo[key], comment) for key, comment in PHOTO
                  if photo.get(key) not in (None, "")]
    lines += ["+++", "", body.strip(), ""]
    return "\n".join(lines)


def consent_table(consent: dict[str, Any]) -> list[str]:
    """The ``[consent]`` table's lines, each key with its comment."""
    return ["[consent]", *(dump_line(key, consent[key], comment) for key, comment in CONSENT
                           if consent.get(key) not in (None, ""))]


def with_consent(text: str, consent: dict[str, Any], source: str) -> str:
    """story.md's ``text`` with its ``[consent]`` table replaced by ``consent`` (or added
    before the first table), every other line as written, comments too.

    A front matter that holds its consent some other way (an inline table, dotted
    keys) is written whole by ``render_story`` instead: the result is checked by
    reading it back, never trusted.
    """
    from outreach.library.frontmatter import front_matter_lines, split_front_matter

    lines, opening, closing = front_matter_lines(text, source)
    inner = lines[opening + 1 : closing]
    block = consent_table(consent)
    start = next((i for i, line in enumerate(inner) if _CONSENT_HEADER.match(line)), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(inner)) if _TABLE_HEADER.match(inner[i])),
                   len(inner))
        while end > start + 1 and _blank_or_comment(inner[end - 1]):
            end -= 1  # what stands above the next table belongs to it
        inner = inner[:start] + block + inner[end:]
    else:
        first = next((i for i, line in enumerate(inner) if _TABLE_HEADER.match(line)),
                     len(inner))
        while first > 0 and inner[first - 1].lstrip().startswith("#"):
            first -= 1  # a comment right above the first table is that table's
        head, tail = inner[:first], inner[first:]
        while head and not head[-1].strip():
            head.pop()
        inner = [*head, "", *block, *([""] if tail else []), *tail]
    result = "\n".join([*lines[: opening + 1], *inner, *lines[closing:]])
    data, body = split_front_matter(text, source)
    expected = {**data, "consent": _as_read(consent)}
    try:
        kept = split_front_matter(result, source)[0] == expected
    except StoryFileError:
        kept = False
    return result if kept else render_story(expected, body)


def _as_read(consent: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in consent.items() if value not in (None, "")}


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def left_out(data: dict[str, Any]) -> list[str]:
    """The keys of ``data`` story.md does not have (misspelt ones): not written."""
    top = {key for key, _comment in TOP} | {"consent", "photos"}
    found = [key for key in data if key not in top]
    consent = data.get("consent")
    if isinstance(consent, dict):
        found += [f"consent.{key}" for key in consent if key not in dict(CONSENT)]
    for photo in data.get("photos") or []:
        if isinstance(photo, dict):
            found += [f"photos.{key}" for key in photo if key not in dict(PHOTO)]
    return list(dict.fromkeys(found))
