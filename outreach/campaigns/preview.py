"""What a campaign would publish at its next slots, written to a folder; nothing is published.

For each slot, story and channel the folder gets ``post.txt`` (the exact
text), the photo renditions the channel would receive, and ``post.json``
(lengths, limits, what was trimmed or left out; for a channel that prints posters
for the campaign's places, each place's code). The store is only read: a place
without a code yet shows the one it would get, and gets it when its kit is printed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.errors import OutreachError
from outreach.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.spec import CampaignSpec
    from outreach.channels import Channel
    from outreach.config import Config
    from outreach.db import Store
    from outreach.db.models import Story
    from outreach.platforms.registry import Registry

PREVIEW_CODE = "PREVIEW"  # stands in for the referral code a real publication gets
MARKER = ".outreach-preview"  # names the folders a preview wrote, so a rerun replaces only them

#: The campaign's places a channel prints posters for, each with the code it has or would
#: get, storing nothing (keys as ``outreach.signups.placements.campaign_places`` gives).
Places = Callable[["Session", "Channel"], list[dict[str, Any]]]


@dataclass
class PreviewItem:
    """One slot × story × channel of a preview (or a slot with nothing to publish)."""

    slot: dt.datetime  # UTC
    slot_local: dt.datetime
    channel: str | None = None
    story_id: int | None = None
    story_title: str | None = None
    folder: Path | None = None
    text: str = ""
    length: int = 0
    limit: int | None = None
    trimmed: tuple[str, ...] = ()
    photos: list[dict[str, Any]] = field(default_factory=list)
    photos_left_out: int = 0
    placements: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)  # post.json but for the above

    def row(self) -> dict[str, Any]:
        """The item's values under stable keys, plain, for JSON and CSV."""
        photos: Any = len(self.photos) if self.channel else None
        if self.photos_left_out and self.channel:
            photos = f"{len(self.photos)} (+{self.photos_left_out} left out)"
        trimmed = ("yes" if self.trimmed else "no") if self.channel else None
        return {
            "slot": self.slot_local.strftime("%Y-%m-%d %H:%M"),
            "channel": self.channel,
            "story": f"{self.story_id}: {self.story_title}" if self.story_id else None,
            "chars": f"{self.length}/{self.limit}" if self.limit else None,
            "photos": photos,
            "trimmed": trimmed,
            "folder": str(self.folder) if self.folder else None,
            "notes": self.notes,
        }


def default_folder(config: Config, spec: CampaignSpec) -> Path:
    return config.output_dir / "preview" / spec.slug


def _prepare(out: Path) -> None:
    """Make ``out`` ready, removing only what an earlier preview wrote there."""
    marker = out / MARKER
    if out.exists() and not out.is_dir():
        raise OutreachError(_("{path} is a file; choose a folder for the preview with "
                              "--out").format(path=out))
    if marker.exists():
        for name in marker.read_text(encoding="utf-8").splitlines():
            target = out / name
            if name and "/" not in name and target.is_dir():
                shutil.rmtree(target)
    elif out.exists() and any(out.iterdir()):
        raise OutreachError(_("{path} is not empty and holds no earlier preview; choose an "
                              "empty or new folder with --out").format(path=out))
    out.mkdir(parents=True, exist_ok=True)


def _link_or_copy(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, dest)


def _folder_name(slot_local: dt.datetime, channel: str, index: int) -> str:
    name = f"{slot_local.strftime('%Y-%m-%d_%H%M')}_{channel}"
    return name if index == 0 else f"{name}-{index + 1}"


def preview_campaign(spec: CampaignSpec, config: Config, store: Store, registry: Registry,
                     *, after: dt.datetime, slots: int, out: Path,
                     only_channel: str | None = None,
                     places: Places | None = None) -> list[PreviewItem]:
    """Preview the ``slots`` slots after ``after`` into ``out``; return one item per post.
    ``places`` gives the codes of the campaign's places (none shown without it)."""
    from outreach.campaigns.schedule import local, next_slots
    from outreach.campaigns.selection import pick_for_slot
    from outreach.library.stories import photos_of
    from outreach.media.renditions import RenditionCache

    _prepare(out)
    cache = RenditionCache(config.cache_dir)
    items: list[PreviewItem] = []
    written: list[str] = []
    picked: set[int] = set()
    with store.session() as session:
        for slot in next_slots(spec, after, slots):
            slot_local = local(spec, slot)
            chosen = pick_for_slot(session, spec, config, slot, exclude=picked)
            if only_channel is not None:
                chosen = [(s, [c for c in cs if c == only_channel]) for s, cs in chosen]
                chosen = [(s, cs) for s, cs in chosen if cs]
            if not chosen:
                items.append(PreviewItem(slot, slot_local, notes=[_("no story to publish")]))
            for index, (story, channels) in enumerate(chosen):
                picked.add(story.id or 0)
                photos = photos_of(session, story.id or 0)
                for channel in channels:
                    item = PreviewItem(slot, slot_local, channel, story.id, story.title)
                    items.append(item)
                    try:
                        plugin = registry.plugin_class(channel)
                    except OutreachError as exc:
                        item.notes.append(_("not previewed: {reason}").format(reason=exc))
                        continue
                    item.folder = out / _folder_name(slot_local, channel, index)
                    item.folder.mkdir()
                    written.append(item.folder.name)
                    _render_item(item, spec, config, story, photos, plugin, registry, cache)
                    if places is not None:
                        _place_codes(item, session, registry, places)
                    _write_summary(item)
    (out / MARKER).write_text("\n".join(written) + "\n", encoding="utf-8")
    return items


def _render_item(item: PreviewItem, spec: CampaignSpec, config: Config, story: Story,
                 photos: list[Any],
                 plugin: Any, registry: Registry, cache: Any) -> None:
    from outreach.campaigns.render import channel_watermark, render_post

    assert item.channel is not None and item.folder is not None
    limits_of: Any = plugin
    link = None
    try:
        instance = registry.get(item.channel)
        limits_of = instance  # an instance may narrow its class's limits
        link = instance.signup_link(PREVIEW_CODE)
    except OutreachError as exc:
        item.notes.append(_("sign-up link unknown, the channel is not ready: {reason}").format(
            reason=exc))
    post = render_post(spec, story, photos, limits_of, cache, signup_link=link,
                       watermark=channel_watermark(config, item.channel))
    item.photos_left_out = post.left_out
    item.notes.extend(post.notes)
    for number, (photo, rendition) in enumerate(post.photos, start=1):
        name = f"photo-{number:02d}{rendition.path.suffix}"
        _link_or_copy(rendition.path, item.folder / name)
        item.photos.append({"file": name, "source": photo.file, "width": rendition.width,
                            "height": rendition.height, "bytes": rendition.bytes,
                            "format": rendition.format, "caption": photo.caption})
    fitted, limit = post.fitted, post.limit
    item.text, item.length, item.limit, item.trimmed = (
        fitted.text, fitted.length, limit, fitted.trimmed)
    (item.folder / "post.txt").write_text(fitted.text, encoding="utf-8")
    item.summary = {
        "campaign": spec.slug,
        "channel": item.channel,
        "slot_utc": item.slot.isoformat(),
        "slot_local": item.slot_local.isoformat(),
        "time_zone": spec.time_zone,
        "story": {"id": story.id, "title": story.title, "municipality": story.municipality},
        "text_length": fitted.length,
        "text_limit": limit,
        "fits": fitted.fits,
        "trimmed": bool(fitted.trimmed),
        "trimmed_parts": list(fitted.trimmed),
        "signup_link": link,
        "photos": item.photos,
        "photos_left_out": item.photos_left_out,
    }


def _write_summary(item: PreviewItem) -> None:
    """post.json: what ``_render_item`` found, the places' codes and every note."""
    assert item.folder is not None
    summary = {**item.summary, "placements": item.placements, "notes": item.notes}
    (item.folder / "post.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _place_codes(item: PreviewItem, session: Session, registry: Registry,
                 places: Places) -> None:
    """The codes of the places ``item``'s channel prints posters for, in its notes and
    post.json; nothing is stored."""
    assert item.channel is not None and item.folder is not None
    try:
        channel = registry.get(item.channel)
    except OutreachError:
        return  # _render_item has said why the channel is not ready
    item.placements = places(session, channel)
    for place in item.placements:
        said = (_("poster for {place}: code {code}") if place["stored"] else
                _("poster for {place}: code {code} (given when the press kit is made; a "
                  "preview stores no code)"))
        item.notes.append(said.format(place=place["name"], code=place["short_code"]))
