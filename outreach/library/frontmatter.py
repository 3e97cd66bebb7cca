"""Reading a story folder's ``story.md``: TOML front matter between ``+++`` lines, then the body.

Every problem in the front matter is reported at once, with the line in
story.md (not in the TOML fragment), the key and a did-you-mean. Photo files
are checked to exist here, because here the line of their ``[[photos]]``
entry is known; whether they are whole images is ``outreach.media.probe``'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from outreach.config.schema import Checker, Field
from outreach.config.tomlfile import parse_toml
from outreach.errors import ContentError, Problem, StoryFileError, did_you_mean
from outreach.i18n import _

STORY_FILE = "story.md"
KINDS = ("photo-report", "story")
# Files that look like photos; an unlisted one is reported, never imported.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp"})

_FENCE = re.compile(r"^\+\+\+\s*$")
_PHOTOS_HEADER = re.compile(r"^\s*\[\[\s*photos\s*\]\]\s*(#.*)?$")


def _max_length(limit: int) -> Callable[[str], str | None]:
    # The store's column widths: PostgreSQL refuses longer text, SQLite would not.
    def check(value: str) -> str | None:
        if len(value) > limit:
            return _("is too long ({length} characters, at most {limit})").format(
                length=len(value), limit=limit)
        return None

    return check


def _not_blank(limit: int) -> Callable[[str], str | None]:
    longer = _max_length(limit)

    def check(value: str) -> str | None:
        return _("must not be empty") if not value.strip() else longer(value)

    return check


def inside(folder: Path, name: str) -> bool:
    """Whether ``folder / name``, every link followed, is still within ``folder``.

    A link may point anywhere on the computer; a story's files must not, or a
    press kit or a post would carry a file nobody meant to publish.
    """
    return (folder / name).resolve().is_relative_to(folder.resolve())


def _link_out(name: str, photo: bool) -> str:
    if photo:
        return _("{name!r} is a link that leads out of the story's folder; put the photo "
                 "itself in the folder").format(name=name)
    return _("{name}: is a link that leads out of the story's folder; put the story file "
             "itself in the folder").format(name=name)


def _file_name(value: str) -> str | None:
    path = PurePosixPath(value.replace("\\", "/"))
    if not value.strip():
        return _("must not be empty")
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", value):
        return _("{value!r} must be a file in the story's folder (a name like "
                 "'01.jpg')").format(value=value)
    return _max_length(1000)(value)


def _count(value: int) -> str | None:
    if value < 0:
        return _("must be a whole number, 0 or more (people counted), not {value}").format(
            value=value)
    if value > 10_000_000:
        return _("{value} is more people than a report can hold; check the figure").format(
            value=value)
    return None


FIELDS = {
    "title": Field(str, required=True, check=_not_blank(500), help="The story's headline"),
    "kind": Field(str, required=True, choices=KINDS,
                  help="'photo-report' (needs photos) or 'story' (text, photos optional)"),
    "date": Field(dt.date, help="When the event took place"),
    "municipality": Field(str, check=_not_blank(200), help="Where it took place"),
    "tags": Field(list, items=str, default=[], help="Words campaigns select stories by"),
    "summary": Field(str, help="A one-line summary for previews and press kits"),
    "participants": Field(int, check=_count,
                          help="How many people took part (volunteers and guests), for reports"),
    "beneficiaries": Field(int, check=_count,
                           help="How many people the event helped, for reports"),
    "consent": Field(dict, help="Who recorded the consent of the people shown, and when"),
    "photos": Field(list, items=dict, default=[], help="The photos, in the order shown"),
    "photographer": Field(str, check=_max_length(200),
                          help="Who took the photos: the credit of every photo that names "
                               "no credit of its own"),
}

CONSENT = {
    "recorded_by": Field(str, required=True, check=_not_blank(200)),
    "recorded_at": Field((dt.date, dt.datetime), required=True),
    "form": Field(str, check=_max_length(200),
                  help="What shows the consent, e.g. a signed paper form's number and date"),
}

PHOTO = {
    "file": Field(str, required=True, check=_file_name),
    "caption": Field(str),
    "alt": Field(str, help="Text read aloud in place of the photo"),
    "credit": Field(str, check=_max_length(200)),
}


@dataclass
class PhotoEntry:
    file: str
    caption: str | None = None
    alt: str | None = None
    credit: str | None = None
    line: int | None = None  # of its [[photos]] entry in story.md, for messages


@dataclass
class StoryFile:
    folder: Path
    title: str
    kind: str
    date: dt.date | None
    municipality: str | None
    tags: list[str]
    summary: str | None
    consent_by: str | None
    consent_at: dt.datetime | None
    photos: list[PhotoEntry]
    body: str
    raw: bytes
    unlisted: list[str] = field(default_factory=list)  # photo files not in front matter
    participants: int | None = None
    beneficiaries: int | None = None
    consent_form: str | None = None

    @property
    def path(self) -> Path:
        return self.folder / STORY_FILE


def read_story(
    folder: Path, municipalities: Sequence[str] = (), *, time_zone: str = "UTC"
) -> StoryFile:
    """Read and check ``folder/story.md``; raise ValidationError listing every problem.

    A consent time written as a date, or without an offset, is taken in
    ``time_zone`` (the centre's zone).
    """
    path = folder / STORY_FILE
    source = str(path)
    raw = _read(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StoryFileError([Problem(source, "", _(
            "is not UTF-8 text; save it as UTF-8"),
            line)]) from None
    # Split on newlines only, as TOML counts lines (splitlines() also breaks at U+2028 etc.).
    lines = text.replace("\r\n", "\n").split("\n")
    opening, closing = _fences(lines, source)
    toml_text = "\n".join(lines[opening + 1 : closing])
    data, problem = parse_toml(toml_text, source)
    if problem is not None:
        line = problem.line + opening + 1 if problem.line is not None else opening + 1
        raise StoryFileError([dataclasses.replace(problem, line=line)])
    assert data is not None
    check = Checker(source, toml_text, line_offset=opening + 1)
    top = check.table(data, FIELDS)
    municipality = top.get("municipality")
    if municipality and municipalities and municipality not in municipalities:
        check.problem(
            "municipality",
            _("{name!r} is not one of the municipalities in config.toml").format(
                name=municipality) + did_you_mean(municipality, municipalities),
        )
    consent_by, consent_at, consent_form = _consent(check, top.get("consent"), time_zone)
    photos = _photos(check, toml_text, opening + 1, top.get("photos") or [], folder)
    photographer = (top.get("photographer") or "").strip()
    if photographer:  # press kits and posters print every photo's credit
        photos = [p if p.credit else dataclasses.replace(p, credit=photographer)
                  for p in photos]
    if top.get("kind") == "photo-report" and "photos" in top and not top["photos"]:
        check.problem(
            "kind",
            _("a photo-report needs at least one [[photos]] entry "
              "(use kind = \"story\" for a story without photos)"),
        )
    body = "\n".join(lines[closing + 1 :]).strip()
    if top.get("kind") == "story" and not body:
        check.problems.append(
            Problem(source, "", _("the story has no text after the closing '+++' line"),
                    closing + 1)
        )
    if not check.ok:
        # A missing top-level key has no line of its own: point at the front matter.
        raise StoryFileError(
            p if p.line is not None else dataclasses.replace(p, line=opening + 1)
            for p in check.problems
        )
    listed = {PurePosixPath(p.file.replace("\\", "/")).as_posix() for p in photos}
    return StoryFile(
        folder=folder,
        title=top["title"].strip(),
        kind=top["kind"],
        date=top.get("date"),
        municipality=municipality.strip() if municipality else None,
        tags=list(dict.fromkeys(t.strip() for t in top["tags"] if t.strip())),
        summary=top.get("summary"),
        consent_by=consent_by,
        consent_at=consent_at,
        photos=photos,
        body=body,
        raw=raw,
        unlisted=[name for name in _photo_files(folder) if name not in listed],
        participants=top.get("participants"),
        beneficiaries=top.get("beneficiaries"),
        consent_form=consent_form,
    )


def read_front_matter(folder: Path) -> tuple[dict[str, Any], str]:
    """The front matter of ``folder/story.md`` as written, unchecked, and its body.

    For editing a story: what is there, even when it would not pass ``read_story``.
    Raises StoryFileError when the file cannot be read as front matter at all.
    """
    path = folder / STORY_FILE
    source = str(path)
    try:
        text = _read(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StoryFileError([Problem(source, "", _("is not UTF-8 text; save it as UTF-8"))]) \
            from None
    return split_front_matter(text, source)


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """``read_front_matter`` of a story.md's text (``source`` names it in messages)."""
    lines, opening, closing = front_matter_lines(text, source)
    data, problem = parse_toml("\n".join(lines[opening + 1 : closing]), source)
    if problem is not None:
        line = problem.line + opening + 1 if problem.line is not None else opening + 1
        raise StoryFileError([dataclasses.replace(problem, line=line)])
    assert data is not None
    return data, "\n".join(lines[closing + 1 :]).strip()


def front_matter_lines(text: str, source: str) -> tuple[list[str], int, int]:
    """A story.md's lines and the indexes of its opening and closing ``+++`` lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    opening, closing = _fences(lines, source)
    return lines, opening, closing


def photo_files(folder: Path) -> list[str]:
    """The photos in ``folder`` by name (the files that look like photos), sorted."""
    return _photo_files(folder)


def _read(path: Path) -> bytes:
    from outreach.media.probe import read_bytes

    try:
        path.lstat()
    except FileNotFoundError:
        raise ContentError(_("{folder}: no {file} in this folder").format(
            folder=path.parent, file=STORY_FILE)) from None
    except OSError:
        pass  # e.g. permission denied: reading says so, naming the file
    if not inside(path.parent, path.name):
        raise ContentError(_link_out(str(path), photo=False))
    return read_bytes(path, "file", ContentError)


def _fences(lines: list[str], source: str) -> tuple[int, int]:
    """Indexes of the opening and closing ``+++`` lines."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise StoryFileError([Problem(source, "", _("is empty"), 1)])
    if not _FENCE.match(lines[first]):
        raise StoryFileError([Problem(
            source, "",
            _("must start with a '+++' line, then the front matter (title, kind, ...), "
              "then another '+++' line"),
            first + 1,
        )])
    for index in range(first + 1, len(lines)):
        if _FENCE.match(lines[index]):
            return first, index
    raise StoryFileError([Problem(
        source, "",
        _("the front matter opened by '+++' on line {line} is never closed: add a '+++' "
          "line after it").format(line=first + 1),
        first + 1,
    )])


def _consent(
    check: Checker, data: Any, time_zone: str
) -> tuple[str | None, dt.datetime | None, str | None]:
    if data is None:
        return None, None, None
    values = check.table(data, CONSENT, "consent")
    by, at = values.get("recorded_by"), values.get("recorded_at")
    if by is None or at is None:
        return None, None, None
    form = (values.get("form") or "").strip() or None
    return by.strip(), _local_to_utc(at, time_zone), form


def _local_to_utc(value: dt.date | dt.datetime, time_zone: str) -> dt.datetime:
    """A date or time written in the front matter, on ``time_zone``'s clock, in UTC."""
    zone = zoneinfo.ZoneInfo(time_zone)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _photos(
    check: Checker, toml_text: str, offset: int, entries: list[Any], folder: Path
) -> list[PhotoEntry]:
    # [[photos]] entries each have a header line; keys are looked up within
    # their own entry so a problem in the third photo points at the third.
    headers = [i for i, line in enumerate(toml_text.split("\n")) if _PHOTOS_HEADER.match(line)]
    blocks = toml_text.split("\n")
    available = _photo_files(folder)
    photos: list[PhotoEntry] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        name = f"photos[{index + 1}]"
        if len(headers) == len(entries):
            start = headers[index]
            end = headers[index + 1] if index + 1 < len(headers) else len(blocks)
            sub = Checker(check.source, "\n".join(blocks[start:end]), offset + start)
        else:  # an inline array: only the line of "photos" is known
            sub = _OneLineChecker(check.source, check.line("photos"))
        values = sub.table(entry, PHOTO, "photos")
        entry_line = sub.line("photos")
        for problem in sub.problems:
            key = name + problem.key[len("photos"):] if problem.key.startswith("photos") else name
            check.problems.append(dataclasses.replace(problem, key=key))
        file = values.get("file")
        if file is None or sub.problems:
            continue
        key = f"{name}.file"
        line = sub.line("photos.file")
        normal = PurePosixPath(file.replace("\\", "/")).as_posix()
        if normal in seen:
            check.problems.append(Problem(
                check.source, key, _("{file!r} is already listed as photo {number}").format(
                    file=file, number=seen[normal]), line))
            continue
        seen[normal] = index + 1
        target = folder / normal
        if not inside(folder, normal):
            check.problems.append(Problem(check.source, key, _link_out(file, photo=True), line))
            continue
        if not target.is_file():
            what = (_("{file!r} is a folder, not a photo") if target.is_dir()
                    else _("{file!r} does not exist in the folder")).format(file=file)
            check.problems.append(Problem(
                check.source, key, what + did_you_mean(normal, available), line))
            continue
        photos.append(PhotoEntry(
            file=normal,
            caption=values.get("caption"),
            alt=values.get("alt"),
            credit=values.get("credit"),
            line=entry_line,
        ))
    return photos


class _OneLineChecker(Checker):
    """A checker for an inline table, whose keys all share the line it is written on."""

    def __init__(self, source: str, line: int | None) -> None:
        super().__init__(source)
        self._fixed = line

    def line(self, key: str) -> int | None:
        return self._fixed


def _photo_files(folder: Path) -> list[str]:
    try:
        return sorted(
            p.name for p in folder.iterdir()
            if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file() and not p.name.startswith(".")
        )
    except OSError:
        return []
