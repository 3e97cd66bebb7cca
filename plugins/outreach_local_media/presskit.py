"""Writing a press kit folder — all or nothing: the release as DOCX, PDF and TXT, the
radio text and the TV note, the photos named by story and number
(``2026-10-14-miass-school-5-01.jpg``), and a folder per outlet with its own
copy that prints the outlet's short code, the posters of the campaign's placements
(``places``); a manifest lists every file.

A kit is built in a hidden temporary folder beside its final place and then
renamed, so a reader (or a crash) never sees half a kit. The manifest names
the publication and its idempotency key, which is how a repeat publish and
``reconcile`` find an existing kit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import sha256_of, slugify
from outreach_local_media.broadcast import radio_text, tv_note
from outreach_local_media.documents import write_docx, write_pdf
from outreach_local_media.release import Release, build_release, release_text

if TYPE_CHECKING:
    from outreach.channels import Centre, Post

MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-kit-"
STALE_TEMP_SECONDS = 3600  # a temporary folder this old was left by a crash
#: The files of a release, in the kit's folder and in each outlet's own folder.
DOCUMENTS = {"docx": "release.docx", "pdf": "release.pdf", "txt": "release.txt",
             "radio": "radio.txt", "tv": "tv.txt"}

@dataclass(frozen=True)
class Kit:
    folder: Path
    manifest: dict[str, Any]


def find_kit(root: Path, publication_id: int, idempotency_key: str) -> Kit | None:
    """The kit made for this publication, found by the key in its manifest."""
    if not root.is_dir():
        return None
    # Every kit's folder name carries its publication id, so only those are read.
    for folder in sorted(root.glob(f"*_{publication_id}_*")):
        manifest = _read_manifest(folder)
        if manifest and manifest.get("idempotency_key") == idempotency_key:
            return Kit(folder, manifest)
    return None


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_kit(root: Path, post: Post, centre: Centre | None, outlets: Sequence[str],
              today: dt.date | None = None,
              places: Callable[[Path], dict[str, Any]] | None = None) -> Kit:
    """Write the kit for ``post`` under ``root``; a repeat returns the kit already there.

    ``places`` adds the placements' posters to the kit's folder before the
    manifest lists its files; what it returns is the manifest's ``places``.

    Raises FileNotFoundError naming a photo that is missing, OSError when the
    folder cannot be written.
    """
    existing = find_kit(root, post.publication_id, post.idempotency_key)
    if existing is not None:
        return existing
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(root)
    day = today or dt.date.today()
    name = f"{day.isoformat()}_{post.publication_id}_{slugify(post.title)}"
    temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    try:
        manifest = _fill(temp, post, centre, outlets, day, places)
        final = root / name
        try:
            os.rename(temp, final)
        except OSError:
            # Someone else finished the same publication first: theirs is the kit.
            existing = find_kit(root, post.publication_id, post.idempotency_key)
            if existing is not None:
                shutil.rmtree(temp, ignore_errors=True)
                return existing
            final = root / f"{name}-{os.getpid()}"
            os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _fsync_dir(root)
    return Kit(final, manifest)


def _fill(folder: Path, post: Post, centre: Centre | None, outlets: Sequence[str],
          day: dt.date, places: Callable[[Path], dict[str, Any]] | None) -> dict[str, Any]:
    photos = []
    base = kit_name(post)
    for index, photo in enumerate(post.photos, start=1):
        target = f"{base}-{index:02d}{photo.path.suffix.lower() or '.jpg'}"
        # Copied byte for byte: the core already made the print rendition.
        shutil.copyfile(photo.path, folder / target)
        photos.append((target, photo))
    first = folder / photos[0][0] if photos else None
    # The release for anyone who is not a named outlet: the phone, no code.
    write_documents(folder, build_release(post, photos, centre, day, None, None), first)
    codes = outlet_codes(post, outlets)
    for outlet in outlets:
        short, link = codes.get(outlet, (None, None))
        # Each outlet prints its own code, so a caller can be traced to the paper they read.
        own = folder / slugify(outlet, 40)
        own.mkdir(exist_ok=True)
        write_documents(own, build_release(post, photos, centre, day, short, link, outlet),
                        first)
    placed = places(folder) if places is not None else {}
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    manifest = {
        "publication_id": post.publication_id,
        "idempotency_key": post.idempotency_key,
        "title": post.title,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "outlets": list(outlets),
        "outlet_codes": {outlet: short for outlet, (short, _) in codes.items()},
        "outlet_folders": {outlet: slugify(outlet, 40) for outlet in outlets},
        "photos": [name for name, _ in photos],
        "places": placed,
        "files": [{"name": f, "sha256": sha256_of(folder / f), "bytes": (folder / f).stat().st_size}
                  for f in files],
    }
    _write(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def kit_name(post: Post) -> str:
    """The story's name for files: "2026-10-14-miass-school-5" (its folder, dated)."""
    extra = post.extra or {}
    slug = slugify(str(extra.get("story_folder") or post.title), 60)
    event = extra.get("event_date")
    if isinstance(event, str) and not slug.startswith(event):
        slug = f"{event}-{slug}"
    return slug


def write_documents(folder: Path, release: Release, first_photo: Path | None) -> None:
    """The release as DOCX, PDF and TXT, the radio text and the TV note, in ``folder``."""
    write_docx(release, folder / DOCUMENTS["docx"])
    write_pdf(release, folder / DOCUMENTS["pdf"], first_photo)
    _write(folder / DOCUMENTS["txt"], release_text(release))
    _write(folder / DOCUMENTS["radio"], radio_text(release).render())
    _write(folder / DOCUMENTS["tv"], tv_note(release))


def spoken_code(post: Post, outlet: str) -> tuple[str, str | None] | None:
    """(The code a reader of ``outlet`` says on the phone, its sign-up link), or None.

    The one place that chooses which code a press kit prints: never the long
    referral token of links, always the short one a person can dictate.
    """
    entry = ((post.extra or {}).get("outlet_codes") or {}).get(outlet)
    if isinstance(entry, dict) and entry.get("short_code"):
        link = entry.get("link")
        return str(entry["short_code"]), str(link) if link else None
    return None


def outlet_codes(post: Post, outlets: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """Outlet -> (short code, sign-up link); outlets without a code are left out."""
    found: dict[str, tuple[str, str | None]] = {}
    for outlet in outlets:
        code = spoken_code(post, outlet)
        if code is not None:
            found[outlet] = code
    return found


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _remove_stale_temps(root: Path) -> None:
    cutoff = time.time() - STALE_TEMP_SECONDS
    for temp in root.glob(f"{TEMP_PREFIX}*"):
        try:
            if temp.stat().st_mtime < cutoff:
                shutil.rmtree(temp, ignore_errors=True)
        except OSError:
            continue
