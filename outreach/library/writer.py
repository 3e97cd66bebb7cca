"""Writing ``story.md`` from its values, each key with a comment in the reader's language.

``outreach content new`` builds the values from a person's answers (or from the
story.md it edits) and writes them here; the result reads back through
``frontmatter.read_story``.
"""

from __future__ import annotations

from typing import Any

from outreach.config.tomlfile import dump_line
from outreach.i18n import _, lazy_gettext

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
        lines += ["", "[consent]"]
        lines += [dump_line(key, consent[key], comment) for key, comment in CONSENT
                  if key in consent]
    for photo in data.get("photos") or []:
        lines += ["", "[[photos]]"]
        lines += [dump_line(key, photo[key], comment) for key, comment in PHOTO
                  if photo.get(key) not in (None, "")]
    lines += ["+++", "", body.strip(), ""]
    return "\n".join(lines)


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
