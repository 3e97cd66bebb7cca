"""Importing story folders into the store: idempotent, one transaction per story.

A story is keyed by its folder's resolved path, and its content by a hash of
story.md and its photos; an unchanged folder costs no write at all. One bad
story is reported and skipped, never stopping the others, and never stored
half-way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.db.models import Photo, Story, StoryStatus, utcnow
from outreach.errors import ContentError, MediaError, NotFoundError, OutreachError, StoreError
from outreach.i18n import _, format_number, ngettext
from outreach.library.frontmatter import STORY_FILE, PhotoEntry, StoryFile, read_story

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.db import Store
    from outreach.media.probe import PhotoInfo

IMPORTED, UPDATED, UNCHANGED = "imported", "updated", "unchanged"


@dataclass
class ImportReport:
    """What an import did, folder by folder."""

    imported: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[tuple[Path, str]] = field(default_factory=list)
    story_ids: dict[Path, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return _("{imported} imported, {updated} updated, {unchanged} unchanged, "
                 "{failed} failed").format(
                     imported=format_number(len(self.imported)),
                     updated=format_number(len(self.updated)),
                     unchanged=format_number(len(self.unchanged)),
                     failed=format_number(len(self.failed)))


def find_story_folders(paths: Sequence[Path]) -> list[Path]:
    """Story folders (holding a story.md) at or below each path, resolved, in name order.

    A folder that cannot be listed is returned too, so that its import fails
    with the reason instead of the folder silently going missing.
    """
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise NotFoundError(_("{path}: no such file or folder").format(path=path))
        if path.is_file():
            if path.name != STORY_FILE:
                raise NotFoundError(_("{path}: not a story folder (give the folder that holds "
                                      "{file})").format(path=path, file=STORY_FILE))
            path = path.parent
        folders = _walk(path.resolve())
        if not folders:
            raise NotFoundError(_("{path}: no {file} here or in any folder below").format(
                path=path, file=STORY_FILE))
        found.update(dict.fromkeys(folders))
    return list(found)


def _walk(root: Path) -> list[Path]:
    try:
        (root / STORY_FILE).lstat()
        return [root]  # a story folder's subfolders (originals, drafts) are its own business
    except FileNotFoundError:
        pass
    except OSError:
        return [root]  # unreadable: its import fails and says why
    folders: list[Path] = []
    unreadable: list[Path] = []
    def note(error: OSError) -> None:
        unreadable.append(Path(error.filename))

    for current, dirs, files in os.walk(root, onerror=note):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if STORY_FILE in files or STORY_FILE in dirs:
            folders.append(Path(current))
            dirs[:] = []
            continue
        # A link to a story folder kept elsewhere (a bigger disk) is that story, known by
        # the folder it leads to; links to other folders are not followed (no loops, no
        # wandering off through a whole disk). os.walk never enters a link by itself.
        linked = [Path(current) / d for d in dirs if (Path(current) / d).is_symlink()]
        folders += [link.resolve() for link in linked if (link / STORY_FILE).exists()]
    return sorted(set(folders) | set(unreadable))


def import_paths(
    store: Store,
    paths: Sequence[Path],
    municipalities: Sequence[str] = (),
    progress: Callable[[Path], None] | None = None,
    *,
    time_zone: str = "UTC",
) -> ImportReport:
    """Import every story folder at or below ``paths``; see ``ImportReport``."""
    from sqlalchemy.exc import DataError, IntegrityError

    report = ImportReport()
    for folder in find_story_folders(paths):
        if progress is not None:
            progress(folder)
        try:
            outcome, story_id, warnings = import_folder(
                store, folder, municipalities, time_zone=time_zone)
        except StoreError as exc:
            # The database cannot take it (a full disk, a damaged file): every story
            # after this one would fail the same way, so the import stops here.
            done = len(report.imported) + len(report.updated)
            raise StoreError(ngettext(
                "{folder} was not imported: {reason}; the {count} story imported before it "
                "is stored",
                "{folder} was not imported: {reason}; the {count} stories imported before it "
                "are stored", done).format(folder=folder, reason=exc,
                                           count=format_number(done))) from exc
        except OutreachError as exc:
            report.failed.append((folder, str(exc)))
            continue
        except (IntegrityError, DataError) as exc:
            # Another import stored the same folder meanwhile, or the database
            # refused a value: this story fails, the rest go on.
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            report.failed.append((folder, _("{folder}: the database refused it: {reason}").format(
                folder=folder, reason=reason)))
            continue
        getattr(report, outcome).append(folder)
        report.story_ids[folder] = story_id
        report.warnings.extend((folder, w) for w in warnings)
    return report


def import_folder(
    store: Store, folder: Path, municipalities: Sequence[str] = (), *, time_zone: str = "UTC"
) -> tuple[str, int, list[str]]:
    """Import one story folder: (outcome, story id, warnings). Raises OutreachError."""
    from sqlmodel import select

    from outreach.media.probe import file_sha256

    folder = folder.resolve()
    story_file = read_story(folder, municipalities, time_zone=time_zone)
    hashes = [file_sha256(folder / p.file) for p in story_file.photos]
    content_hash = _content_hash(story_file.raw, hashes)
    warnings = []
    if story_file.unlisted:
        warnings.append(_("not imported, not listed in {file}: {names}").format(
            file=STORY_FILE, names=", ".join(story_file.unlisted)))
    with store.session() as session:
        story = session.exec(select(Story).where(Story.source_folder == str(folder))).first()
        if story is not None and story.content_hash == content_hash:
            return UNCHANGED, _id(story), warnings
        # Decoding is the slow part: only for a new or changed story.
        infos = _probe_all(folder, story_file)
        now = utcnow()
        outcome = UPDATED
        if story is None:
            outcome = IMPORTED
            story = Story(source_folder=str(folder), kind=story_file.kind, title="", body="",
                          content_hash="", created_at=now)
        _fill(story, story_file, content_hash, now)
        if (story.status == StoryStatus.approved.value and infos
                and not story.consent_recorded):
            story.status = StoryStatus.draft.value
            story.approved_at = None
            warnings.append(_(
                "back to draft: it was approved, but its consent record was removed; "
                "record consent in story.md, import again and approve it again"))
        session.add(story)
        session.flush()
        _sync_photos(session, _id(story), story_file, infos)
        return outcome, _id(story), warnings


def _content_hash(raw: bytes, photo_hashes: Sequence[str]) -> str:
    digest = hashlib.sha256(raw)
    for value in photo_hashes:
        digest.update(value.encode("ascii"))
    return digest.hexdigest()


def _probe_all(folder: Path, story_file: StoryFile) -> list[PhotoInfo]:
    from outreach.media.probe import probe_photo

    def probe(entry: PhotoEntry) -> PhotoInfo | MediaError:
        try:
            return probe_photo(folder / entry.file)
        except MediaError as exc:
            return exc

    # Decoding releases the GIL: a story's photos are checked side by side.
    workers = max(1, min(len(story_file.photos), os.cpu_count() or 1, 8))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(probe, story_file.photos))
    infos: list[PhotoInfo] = []
    problems: list[str] = []
    first_with: dict[str, str] = {}
    for entry, info in zip(story_file.photos, results, strict=True):
        if isinstance(info, MediaError):
            problems.append(str(info))
            continue
        if info.sha256 in first_with:
            problems.append(_("{path}: the same photo as {other}; list it once in {file}").format(
                path=folder / entry.file, other=first_with[info.sha256], file=STORY_FILE))
            continue
        first_with[info.sha256] = entry.file
        infos.append(info)
    if problems:
        raise ContentError("\n".join(problems))
    return infos


def _fill(story: Story, story_file: StoryFile, content_hash: str, now: dt.datetime) -> None:
    story.kind = story_file.kind
    story.title = story_file.title
    story.body = story_file.body
    story.summary = story_file.summary
    story.event_date = story_file.date
    story.municipality = story_file.municipality
    story.participants = story_file.participants
    story.beneficiaries = story_file.beneficiaries
    story.tags = list(story_file.tags)
    story.consent_by = story_file.consent_by
    story.consent_at = story_file.consent_at
    story.content_hash = content_hash
    story.updated_at = now


def _sync_photos(
    session: Session, story_id: int, story_file: StoryFile, infos: Sequence[PhotoInfo]
) -> None:
    """Keep photos by content, so a renamed or re-captioned photo is the same row."""
    from sqlmodel import select

    existing = {p.sha256: p for p in session.exec(select(Photo).where(Photo.story_id == story_id))}
    keep = {info.sha256 for info in infos}
    for sha, photo in existing.items():
        if sha not in keep:
            session.delete(photo)
    for position, (entry, info) in enumerate(zip(story_file.photos, infos, strict=True)):
        photo = existing.get(info.sha256) or Photo(story_id=story_id, sha256=info.sha256,
                                                   file=entry.file, width=0, height=0)
        photo.file = entry.file
        photo.width, photo.height = info.width, info.height
        photo.caption, photo.alt, photo.credit = entry.caption, entry.alt, entry.credit
        photo.position = position
        session.add(photo)


def _id(story: Story) -> int:
    assert story.id is not None
    return story.id
