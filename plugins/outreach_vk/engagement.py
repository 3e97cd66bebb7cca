"""Reading many posts in few requests: wall.getById calls grouped into ``execute``.

Each call's posts are cut down to the counts the collector keeps with VKScript's
field filter ``@.`` (dev.vk.com/ru/method/execute), so a request of 2,500 posts
answers a few hundred kilobytes, not the posts' photos and text: VK refuses an
answer over 5 MB (limits.EXECUTE_MAX_RESPONSE_BYTES).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from outreach.channels import Engagement
from outreach_vk import limits
from outreach_vk.client import ResponseTooBig

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def execute_code(batches: Sequence[Sequence[str]]) -> str:
    """VKScript reading each batch of posts (``-group_post``) with wall.getById and
    returning, per batch, one list per field of limits.ENGAGEMENT_FIELDS."""
    lines = []
    picks = []
    for number, batch in enumerate(batches):
        params = json.dumps({"posts": ",".join(batch)})
        lines.append(f"var p{number} = API.wall.getById({params}).items;")
        picks.append("[" + ",".join(f"p{number}@.{name}"
                                    for name in limits.ENGAGEMENT_FIELDS) + "]")
    return "".join(lines) + "return [" + ",".join(picks) + "];"


def read_all(external_ids: Sequence[str],
             execute: Callable[[str], Any]) -> list[Engagement]:
    """Engagement of ``external_ids`` through ``execute(code)``, as many posts a request as
    VK allows; on VK's "response size is too big" the request is halved and the rest go
    on at the smaller size."""
    found: list[Engagement] = []
    most = limits.EXECUTE_MAX_CALLS * limits.POSTS_PER_GET_BY_ID
    pending = list(external_ids)
    while pending:
        part = pending[:most]
        try:
            found.extend(from_fields(execute(execute_code(
                list(chunks(part, min(limits.POSTS_PER_GET_BY_ID, len(part))))))))
        except ResponseTooBig:
            if most == 1:
                raise
            most = max(1, most // 2)
            continue
        pending = pending[len(part):]
    return found


def _count(value: Any) -> int | None:
    count = value.get("count") if isinstance(value, Mapping) else None
    if isinstance(count, int):
        return count
    return None  # VK leaves a figure out when it does not tell (e.g. views of old posts)


def from_fields(results: Any) -> list[Engagement]:
    """Engagement from execute's answer: per batch, the lists of ENGAGEMENT_FIELDS (a failed
    call gives something else, and is left out)."""
    found = []
    for result in results if isinstance(results, list) else []:
        if not (isinstance(result, list) and len(result) == len(limits.ENGAGEMENT_FIELDS)
                and all(isinstance(column, list) for column in result)):
            continue
        for owner, post, views, likes, reposts, comments in zip(*result, strict=False):
            found.append(Engagement(
                external_id=f"{owner}_{post}", views=_count(views), likes=_count(likes),
                shares=_count(reposts), comments=_count(comments), reactions=None))
    return found
