"""VK's limits the fake holds to, seen through the real vk_api client (fake/BEHAVIOURS.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import vk_api
from vk_api.exceptions import TOO_MANY_RPS_CODE, ApiError
from vk_support import Paced, photo, running_fake

from outreach_vk import limits
from outreach_vk.client import make_session
from outreach_vk.fake import FakeVK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)


def client(fake: FakeVK, version: str | None = limits.API_VERSION) -> Any:
    api = Paced(token=fake.token("user"), session=make_session(fake.url), api_version=version)
    api.error_handlers.pop(TOO_MANY_RPS_CODE)
    return api


def refused(action: Any) -> dict[str, Any]:
    with pytest.raises(ApiError) as caught:
        action()
    error: dict[str, Any] = caught.value.error
    return error


def test_an_execute_answer_over_5_mb_is_refused_with_error_13(fake: FakeVK) -> None:
    ids = fake.add_posts(60, "текст " * 8000, photos=10)  # 60 long reports: over 5 MB
    whole = f'return [API.wall.getById({{"posts": "{",".join(ids)}"}})];'
    error = refused(lambda: client(fake).method("execute", {"code": whole}))
    assert error["error_code"] == 13
    assert error["error_msg"] == ("Runtime error occurred during code invocation: "
                                  "response size is too big")
    # the same posts, asking only for the counts (VKScript's @.), fit in one answer
    code = (f'var p = API.wall.getById({{"posts": "{",".join(ids)}"}}).items;'
            f"return [p@.id, p@.likes];")
    answer = client(fake).method("execute", {"code": code}, raw=True)
    assert [len(column) for column in answer["response"]] == [60, 60]
    assert len(json.dumps(answer)) < limits.EXECUTE_MAX_RESPONSE_BYTES // 100


def test_a_request_without_v_or_with_a_retired_version_is_refused(fake: FakeVK) -> None:
    missing = refused(lambda: client(fake, version=None).method("users.get"))
    assert (missing["error_code"], missing["error_msg"]) == (
        8, "Invalid request: v (version) is required")
    old = refused(lambda: client(fake, version="5.50").method("users.get"))
    assert old["error_code"] == 8
    assert old["error_msg"].startswith("Invalid request: versions below 5.81 are deprecated.")
    assert client(fake, version="5.81").method("users.get")[0]["first_name"] == "Анна"


def test_the_wall_upload_takes_the_photo_field_only(tmp_path: Path, fake: FakeVK) -> None:
    api = client(fake)
    picture = photo(tmp_path / "a.jpg").path
    # vk_api's own uploader names its field file0: VK's wall upload documents "photo"
    with pytest.raises(ApiError) as caught:
        vk_api.VkUpload(api).photo_wall(str(picture), group_id=fake.store.world.group_id)
    assert caught.value.code == 100
    server = api.method("photos.getWallUploadServer", {"group_id": fake.store.world.group_id})
    with picture.open("rb") as file:
        answer = requests.post(server["upload_url"], files={"photo": file}, timeout=5).json()
    saved = api.method("photos.saveWallPhoto", {**answer, "group_id": fake.store.world.group_id})
    assert saved[0]["width"] == 64


def test_fifty_posts_a_day_then_error_214_until_vk_s_next_day(fake: FakeVK) -> None:
    fake.clock.set_speed(0)
    api, group = client(fake), fake.store.world.group_id
    values = {"owner_id": -group, "from_group": 1}
    name = f"wall.post:{-group}"
    fake.store.world.count_today(name, fake.clock.day())  # the day's counter begins...
    fake.store.world.daily["counts"][name] = limits.WALL_POSTS_PER_DAY - 2  # ...at 48 posts
    for number in range(2):
        api.method("wall.post", {**values, "message": f"Пост {number}"})
    error = refused(lambda: api.method("wall.post", {**values, "message": "Ещё один"}))
    assert (error["error_code"], error["error_msg"]) == (
        214, "Access to adding post denied: you can only add 50 posts a day")
    fake.clock.advance(24 * 3600)
    assert api.method("wall.post", {**values, "message": "Ещё один"})["post_id"]


def test_wall_get_has_a_daily_limit_error_29(fake: FakeVK) -> None:
    fake.clock.set_speed(0)
    api = client(fake)
    name = "wall.get:user"
    fake.store.world.count_today(name, fake.clock.day())  # the day's counter begins
    fake.store.world.daily["counts"][name] = limits.METHOD_CALLS_PER_DAY["wall.get"] - 1
    assert api.method("wall.get", {"owner_id": -fake.store.world.group_id})["count"] == 0
    error = refused(lambda: api.method("wall.get", {"owner_id": -fake.store.world.group_id}))
    assert (error["error_code"], error["error_msg"]) == (29, "Rate limit reached")
    inside = api.method("execute", {"code": 'return [API.wall.get({"count": 1})];'}, raw=True)
    assert inside["execute_errors"][0]["error_code"] == 29  # calls in execute count too
