"""Finding an interrupted post on the community's wall, or proving it is not there.

VK's ``guid`` stops an identical post from going out twice within an hour, but
what VK answers the repeat is not documented, so a post whose ``wall.post``
may have gone out is looked for among the wall's recent posts (wall.get):
the same text and the same uploaded photos (``photo-<group>_<id>``, unique to
the attempt), or, when those are not known, the same text and number of photos
posted since the attempt. It is absent only when the pages read reach back
past the attempt; a wall too busy for that cannot tell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from outreach_vk import limits
from outreach_vk.client import Client


def _words(text: str) -> str:
    return " ".join(str(text).split())  # VK may change line ends and trailing spaces


def photos_of(item: Mapping[str, Any]) -> list[str]:
    """A wall post's photos as wall.post's attachments name them."""
    found = []
    for attachment in item.get("attachments") or []:
        photo = attachment.get("photo") if attachment.get("type") == "photo" else None
        if isinstance(photo, Mapping):
            found.append(f"photo{photo.get('owner_id')}_{photo.get('id')}")
    return found


def matches(item: Mapping[str, Any], text: str, photos: Sequence[str], photo_count: int,
            since: float) -> bool:
    if _words(item.get("text", "")) != _words(text):
        return False
    attached = photos_of(item)
    if photos:
        return attached == list(photos)  # photos uploaded for this publication only
    recent = int(item.get("date") or 0) >= since - limits.CLOCK_MARGIN
    return recent and len(attached) == photo_count


def find_post(client: Client, text: str, photos: Sequence[str], photo_count: int,
              since: float) -> int | bool | None:
    """The post's id when on the wall; False when surely not; None when it cannot tell."""
    owner = -client.who.group_id
    for page in range(limits.WALL_SCAN_PAGES):
        answer = client.call("wall.get", {"owner_id": owner, "count": limits.WALL_SCAN,
                                          "offset": page * limits.WALL_SCAN})
        items = answer.get("items") or []
        reached = False
        for item in items:
            if matches(item, text, photos, photo_count, since):
                return int(item["id"])
            if not item.get("is_pinned") and int(item.get("date") or 0) \
                    < since - limits.CLOCK_MARGIN:
                reached = True  # older than the attempt: the rest is older still
        end = (page + 1) * limits.WALL_SCAN >= int(answer.get("count") or 0)
        if reached or end or len(items) < limits.WALL_SCAN:
            return False
    return None
