"""``outreach content new FOLDER``: story.md beside the photos, from answers to questions.

Run again on a folder that has a story.md, every question offers what it says;
the story's text and keys the questions do not cover (summary, alt texts,
credits) are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.cli.prompts import confirm
from outreach.cli.wizards import ask, joined, numbered, one_of, say, text, words
from outreach.i18n import _, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App

_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$")


def _date(reply: str) -> dt.date | None:
    """"14.10.2026", "14.10.26" or "2026-10-14"; "" for none."""
    if not reply:
        return None
    try:
        if match := _DOTTED.match(reply):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
        return dt.date.fromisoformat(reply)
    except ValueError:
        raise ValueError(_("{value!r} is not a date: write it like 14.10.2026 or "
                           "2026-10-14").format(value=reply)) from None


def _kind(has_photos: bool) -> Callable[[str], str]:
    def parse(reply: str) -> str:
        kinds = {"1": "photo-report", "2": "story"}
        if reply not in kinds:
            raise ValueError(_("answer 1 or 2"))
        if kinds[reply] == "photo-report" and not has_photos:
            raise ValueError(_("the folder has no photos, and a photo report needs them: put "
                               "the photos in the folder first, or answer 2"))
        return kinds[reply]

    return parse


def _existing(folder: Path) -> tuple[dict[str, Any], str]:
    from outreach.library.frontmatter import STORY_FILE, read_front_matter

    if not (folder / STORY_FILE).exists():
        return {}, ""
    data, body = read_front_matter(folder)
    say(_("{path} exists: each question offers what it says now; press Enter to keep "
          "it.").format(path=folder / STORY_FILE))
    return data, body


def _photos(folder: Path, old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A caption for each photo of the folder: those listed before first, in their order."""
    from outreach.library.frontmatter import photo_files

    present = photo_files(folder)
    entries = []
    for entry in old:
        if isinstance(entry, dict) and entry.get("file") in present:
            entries.append(dict(entry))
        elif isinstance(entry, dict):
            say(_("{file!r} is no longer in the folder: it leaves story.md.").format(
                file=entry.get("file")))
    listed = {e["file"] for e in entries}
    entries += [{"file": name} for name in present if name not in listed]
    if entries:
        say(_("A caption for each photo (empty: none):"))
    for entry in entries:
        caption = ask(entry["file"], text, default=entry.get("caption"), required=False)
        entry["caption"] = caption or None
    return entries


def _consent(app: App, old: dict[str, Any]) -> dict[str, Any] | None:
    say(_("A story with photos of people is published only once their consent is recorded."))
    if not confirm(_("Have the people in the photos given their consent?"),
                   default=bool(old)):
        say(_("Then the story cannot be approved until the consent is recorded: run this "
              "again when it is."))
        return None
    by = ask(_("Who recorded the consent (name, role)"), text,
             default=old.get("recorded_by") or app.config.centre.contact_person or None)
    when = old.get("recorded_at")
    at = ask(_("When (date)"), _date, default=_shown(when) or _shown(dt.date.today()))
    return {"recorded_by": by, "recorded_at": at}


def _shown(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else None


def story_wizard(app: App, folder: Path) -> Path:
    """Ask for a story's details, write ``folder/story.md``; its path."""
    from outreach.library.frontmatter import photo_files

    config = app.config
    old, body = _existing(folder)
    photos = photo_files(folder)
    count = ngettext("{count} photo", "{count} photos", len(photos)).format(
        count=format_number(len(photos)))
    say(_("A story for {folder}, step by step ({photos} there). Press Enter to take the "
          "answer in [brackets]; Ctrl+C stops without writing anything.").format(
              folder=folder, photos=count))
    title = ask(_("Title"), text, default=old.get("title"))
    say(_("1. a photo report (photos with captions)  2. a story (text; photos optional)"))
    kind_default = {"photo-report": "1", "story": "2"}.get(old.get("kind", ""),
                                                           "1" if photos else "2")
    kind = ask(_("Kind"), _kind(bool(photos)), default=kind_default)
    date = ask(_("Date of the event (for example 14.10.2026; empty: none)"), _date,
               default=_shown(old.get("date")), required=False)
    municipality = _municipality(config.municipalities, old.get("municipality"))
    tags = ask(_("Tags, with commas (campaigns choose stories by them)"), words,
               default=joined(old.get("tags")), required=False)
    entries = _photos(folder, list(old.get("photos") or []))
    consent = _consent(app, dict(old.get("consent") or {})) if entries else old.get("consent")
    body = _body(body, required=kind == "story")
    data = {**old, "title": title, "kind": kind, "date": date, "municipality": municipality,
            "tags": tags, "consent": consent, "photos": entries}
    return _write(app, folder, data, body)


def _municipality(known: tuple[str, ...], default: str | None) -> str | None:
    if not known:
        return ask(_("Municipality"), text, default=default, required=False) or None
    say(_("Where did it take place? A number or a name:"))
    numbered(known)
    found = ask(_("Municipality"), one_of(known, _("municipalities of config.toml")),
                default=default)
    if len(found) != 1:
        return _municipality(known, default)
    return found[0]


def _body(body: str, required: bool) -> str:
    if body:
        first = body.splitlines()[0]
        say(_("The story's text begins: {start}").format(
            start=first[:70] + ("…" if len(first) > 70 or "\n" in body else "")))
        if confirm(_("Keep the text as it is?"), default=True):
            return body
    say(_("The story's text in one paragraph; a longer one can be written in story.md "
          "after the second +++ line."))
    return ask(_("Text"), text, required=required)


def _write(app: App, folder: Path, data: dict[str, Any], body: str) -> Path:
    from outreach.errors import StoryFileError
    from outreach.library.frontmatter import STORY_FILE, read_story
    from outreach.library.writer import render_story

    path = folder / STORY_FILE
    if not confirm(_("Write {path}?").format(path=path), default=True):
        say(_("Nothing was written."))
        return path
    before = path.read_bytes() if path.exists() else None
    path.write_text(render_story(data, body), encoding="utf-8")
    try:
        read_story(folder, app.config.municipalities, time_zone=app.config.time_zone)
    except StoryFileError:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)
        raise
    say(_("Written: {path}. To put it in the library: outreach content import {folder}").format(
        path=path, folder=folder))
    return path
