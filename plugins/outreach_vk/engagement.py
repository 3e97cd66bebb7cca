"""Reading many posts in few requests: wall.getById calls grouped into ``execute``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from outreach.channels import Engagement
from outreach_vk import limits

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def execute_code(calls: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """VKScript returning each call's result: ``return [API.m({...}), ...];``."""
    parts = [f"API.{method}({json.dumps(dict(params), ensure_ascii=False)})"
             for method, params in calls]
    return "return [" + ",".join(parts) + "];"


def requests_for(external_ids: Sequence[str]) -> list[str]:
    """The execute codes that read all ``external_ids`` (``-group_post``)."""
    calls = [("wall.getById", {"posts": ",".join(batch)})
             for batch in chunks(list(external_ids), limits.POSTS_PER_GET_BY_ID)]
    return [execute_code(group) for group in chunks(calls, limits.EXECUTE_MAX_CALLS)]


def _count(post: Mapping[str, Any], key: str) -> int | None:
    value = post.get(key)
    count = value.get("count") if isinstance(value, Mapping) else None
    if isinstance(count, int):
        return count
    return None  # VK leaves a figure out when it does not tell (e.g. views of old posts)


def from_items(results: Any) -> list[Engagement]:
    """Engagement from execute's list of wall.getById results (``false`` for a failed call)."""
    found = []
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, Mapping):
            continue
        for post in result.get("items", []):
            found.append(Engagement(
                external_id=f"{post['owner_id']}_{post['id']}",
                views=_count(post, "views"), likes=_count(post, "likes"),
                shares=_count(post, "reposts"), comments=_count(post, "comments"),
                reactions=None))
    return found
