"""A finished report becomes a story folder in the library, imported as any other.

The folder is ``<media>/reports/<date>-<title in Latin letters>`` with the photos
numbered in the order they came (``01.jpg``…) and a ``story.md`` written the
way ``outreach content new`` writes it; the import is ``outreach content
import``'s own (``import_folder``), so the folder stays the source of truth and
a person can still edit it by hand and import it again.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.i18n import _
from outreach.text.latin import slugify

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.db import Store


@dataclass(frozen=True)
class Told:
    """What the reporter told, as the dialog keeps it."""

    title: str
    body: str
    event_date: dt.date
    municipality: str | None
    kind: str  # StoryKind value
    photos: list[str]  # files in the staging folder, in order
    consent_by: str | None  # None: the reporter said not everyone agreed
    consent_at: dt.datetime | None
    credit: str | None


def library_folder(config: Config, told: Told) -> Path:
    """A new folder under ``<media>/reports`` named by date and title."""
    base = config.media_dir / "reports"
    title = slugify(told.title, limit=40, whole_words=True)
    stem = f"{told.event_date.isoformat()}-{title or 'report'}"
    candidate, number = base / stem, 2
    while candidate.exists():
        candidate, number = base / f"{stem}-{number}", number + 1
    return candidate


def write_story(config: Config, staging: Path, folder: Path, told: Told) -> None:
    """Move the photos from ``staging`` into ``folder`` and write its ``story.md``."""
    from outreach.library.frontmatter import STORY_FILE
    from outreach.library.writer import render_story

    folder.mkdir(parents=True, exist_ok=True)
    photos: list[dict[str, Any]] = []
    for index, name in enumerate(told.photos, start=1):
        source = staging / name
        target = folder / f"{index:02d}{Path(name).suffix}"
        if source.exists():
            source.replace(target)
        photos.append({"file": target.name, "credit": told.credit})
    data: dict[str, Any] = {"title": told.title, "kind": told.kind,
                            "date": told.event_date, "municipality": told.municipality,
                            "photos": photos}
    if told.consent_by and told.consent_at is not None:
        zone = zoneinfo.ZoneInfo(config.time_zone)
        data["consent"] = {"recorded_by": told.consent_by,
                           "recorded_at": told.consent_at.astimezone(zone).replace(
                               microsecond=0)}
    header = _("Sent through the bot by a reporter; you may edit it and import it again. "
               "The format: docs/stories.md")
    (folder / STORY_FILE).write_text(render_story(data, told.body, header), encoding="utf-8")


def import_story(store: Store, config: Config, folder: Path) -> int:
    """Import ``folder`` as ``outreach content import`` does; the story's id."""
    from outreach.library.importer import import_folder

    _outcome, story_id, _warnings = import_folder(store, folder, config.municipalities,
                                                  time_zone=config.time_zone)
    return story_id
