"""Posters for a campaign's placements, printed with each press kit: for every place the
campaign file lists (``[[placements]]``), each of its formats with the place's own short
code and sign-up link, in ``places/<place>/<format>.pdf|png`` of the kit, and a
``places/README.txt`` that says which file goes where.

The engine hands the places over in ``post.extra["placements"]`` (name,
municipality, formats, short_code, link); the files are made inside the kit's
temporary folder, so they appear with the kit or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import N_, PermanentError, _, slugify

if TYPE_CHECKING:
    from outreach.channels import Post
    from outreach_local_media.posters import PosterResult
    from outreach_local_media.posters.layouts import Layout

FOLDER = "places"
INDEX = "README.txt"
#: Format names that only repeat their kind.
_DEFAULT_NAMES = ("stand", "billboard", "social")
#: What a format is called in the index, by its design.
KINDS = {"sheet": N_("a poster"), "stand": N_("a stand"), "billboard": N_("a billboard"),
         "card": N_("a picture for social networks")}


@dataclass(frozen=True)
class Place:
    """A placement of the publication's campaign, with its code."""

    name: str
    municipality: str | None
    formats: tuple[str, ...]
    short_code: str | None
    link: str | None


#: Renders one place's poster: (place, format, folder, file name without suffix).
Render = Callable[[Place, str, Path, str], "PosterResult"]


def places_of(post: Post) -> list[Place]:
    """The placements ``post.extra`` carries (none outside a campaign)."""
    found = []
    for entry in (post.extra or {}).get("placements") or []:
        if not isinstance(entry, Mapping) or not entry.get("name"):
            continue
        found.append(Place(name=str(entry["name"]),
                           municipality=entry.get("municipality") or None,
                           formats=tuple(str(f) for f in entry.get("formats") or ("a4",)),
                           short_code=entry.get("short_code") or None,
                           link=entry.get("link") or None))
    return found


def check_formats(post: Post, places: Sequence[Place], layouts: Mapping[str, Layout],
                  channel: str) -> None:
    """PermanentError naming the campaign file, the place and the format, for every format
    of a place the channel does not know."""
    problems = [_("placement {place!r}: no poster format {name!r}").format(place=place.name,
                                                                        name=name)
                for place in places for name in place.formats if name not in layouts]
    if problems:
        source = str((post.extra or {}).get("campaign_file") or
                     (post.extra or {}).get("campaign") or "")
        raise PermanentError(_(
            "{file}: {problems}; channel {channel} knows the formats {formats} (add others "
            "in its layouts setting, or correct formats in the campaign file)").format(
            file=source, problems="; ".join(problems), channel=channel,
            formats=", ".join(layouts)))


def write_places(folder: Path, post: Post, places: Sequence[Place],
                 layouts: Mapping[str, Layout], render: Render) -> dict[str, Any]:
    """Every place's posters under ``folder``/places and the index; what the manifest
    records of them (place -> its folder, code and files)."""
    if not places:
        return {}
    root = folder / FOLDER
    root.mkdir()
    recorded: dict[str, Any] = {}
    extra = post.extra or {}
    lines = [_("Posters for the places of campaign “{campaign}”").format(
                 campaign=extra.get("campaign_name") or extra.get("campaign") or ""),
             _("Story: {title}").format(title=post.title), "",
             _("Each folder is one place. Take the PDF files to the print shop (the PNG "
               "files show what they look like) and put each up at its place: every poster "
               "carries that place's own code, so `outreach stats` shows who came from "
               "where."), ""]
    for place in places:
        name = _unique(slugify(place.name, 40, whole_words=True) or "place", recorded)
        own = root / name
        own.mkdir()
        files = []
        lines.append(place.name)
        lines.append("  " + _("folder {folder}, code {code}").format(
            folder=f"{FOLDER}/{name}/", code=place.short_code or _("none")))
        for layout in place.formats:
            result = render(place, layout, own, layout)
            made = [path.name for path in (result.pdf, result.png) if path is not None]
            files.extend(made)
            lines.append("  " + _describe(layouts[layout], made, place, post))
        lines.append("")
        recorded[name] = {"name": place.name, "short_code": place.short_code,
                          "municipality": place.municipality, "files": files}
    (root / INDEX).write_text("\n".join(lines), encoding="utf-8")
    return recorded


def _describe(layout: Layout, files: Sequence[str], place: Place, post: Post) -> str:
    size = _("{width} × {height} mm").format(width=f"{layout.width_mm:g}",
                                            height=f"{layout.height_mm:g}")
    kind = _(KINDS.get(layout.design, KINDS["sheet"]))
    # "a poster A4", but "a stand", not "a stand stand": a format's name is said only
    # where it tells more than the kind (a sheet's size, a format the config added).
    if layout.design == "sheet" or layout.name not in _DEFAULT_NAMES:
        kind = _("{kind} {format}").format(kind=kind, format=layout.name.upper()
                                           if layout.design == "sheet" else layout.name)
    said = _("{files}: {kind}, {size}").format(files=", ".join(files), kind=kind, size=size)
    if layout.design == "stand":
        said += "; " + _("news from {municipality}").format(
            municipality=place.municipality or post.municipality or _("every municipality"))
    return said


def _unique(name: str, taken: Mapping[str, Any]) -> str:
    number, chosen = 2, name
    while chosen in taken:
        chosen, number = f"{name}-{number}", number + 1
    return chosen
