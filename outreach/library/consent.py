"""Consent obtained after a report was sent: recorded in story.md, then in the store.

A reporter who said that not everyone in the photos had agreed leaves a story
without consent, which is never approved nor published. When the people sign
a paper form later, a coordinator records it (``outreach content consent``):
the story's own story.md gets the ``[consent]`` table the bot's dialog writes
(who, when, and what shows it), and the folder is imported again, so that the
folder stays the source of truth and the store follows it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.db.models import utcnow
from outreach.errors import ContentError, os_reason
from outreach.i18n import _
from outreach.people import audit
from outreach.people.audit import AuditAction

if TYPE_CHECKING:
    from outreach.db import Store


@dataclass(frozen=True)
class Recorded:
    """What ``record_consent`` wrote."""

    story_id: int
    title: str
    status: str  # the story's status (StoryStatus value): it is not approved by this
    by: str
    at: dt.datetime  # UTC
    form: str
    path: Path  # the story.md written


def record_consent(store: Store, story_id: int, *, by: str, form: str, actor: str,
                   municipalities: Sequence[str] = (), time_zone: str = "UTC",
                   now: dt.datetime | None = None) -> Recorded:
    """Write consent into the story's story.md and import it; the audit log says who did it.

    NotFoundError for an unknown id; ContentError when ``by`` or ``form`` is blank,
    or when story.md cannot be read or would not read back (it is then left as it was).
    """
    from outreach.library.frontmatter import STORY_FILE, read_story
    from outreach.library.importer import import_folder
    from outreach.library.stories import get_story
    from outreach.library.writer import with_consent

    by, form = by.strip(), form.strip()
    if not form:
        raise ContentError(_("say what shows the consent, e.g. --form \"form no. 12 of "
                             "1 December\""))
    if not by:
        raise ContentError(_("say who records the consent, e.g. --by \"N. Ivanova\""))
    with store.session() as session:
        folder = Path(get_story(session, story_id).source_folder)
    # The file must read as it is before a line of it changes: its own mistakes are
    # reported as the import reports them, not blamed on the consent.
    read_story(folder, municipalities, time_zone=time_zone)
    path = folder / STORY_FILE
    raw = path.read_bytes()
    at = (now or utcnow()).astimezone(zoneinfo.ZoneInfo(time_zone)).replace(microsecond=0)
    text = with_consent(raw.decode("utf-8-sig"), {"recorded_by": by, "recorded_at": at,
                                                  "form": form}, str(path))
    _write(path, text)
    try:
        _outcome, imported_id, _warnings = import_folder(store, folder, municipalities,
                                                         time_zone=time_zone)
    except BaseException:
        path.write_bytes(raw)  # the store still says what the file said
        raise
    with store.session() as session:
        story = get_story(session, imported_id)
        audit.record(session, actor, AuditAction.consent_recorded, story_id=imported_id,
                     detail={"form": form})
        return Recorded(story_id=imported_id, title=story.title, status=story.status, by=by,
                        at=at.astimezone(dt.UTC), form=form, path=path)


def _write(path: Path, text: str) -> None:
    """Replace story.md whole or not at all (a full disk leaves the old file)."""
    partial = path.with_name(f".{path.name}.new")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ContentError(_("cannot write {file}: {reason}").format(
            file=path, reason=os_reason(exc))) from exc
