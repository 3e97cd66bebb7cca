"""The fake VK enforces what VK enforces, answered to the real vk_api client."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import vk_api
from fake_support import hang_up_during, mode, wait_until
from vk_api.exceptions import TOO_MANY_RPS_CODE, ApiError, ApiHttpError
from vk_support import (
    RATE_WINDOW,
    Paced,
    make_channel,
    photo,
    post,
    running_fake,
    validate_log,
)

from outreach_vk import VKChannel, limits
from outreach_vk.channel import guid_of
from outreach_vk.client import make_session
from outreach_vk.fake import FakeVK


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeVK]:
    yield from running_fake(tmp_path)


class Raw(vk_api.VkApi):
    RPS_DELAY = 0.0  # no pacing at all: to see what the fake refuses


def raw(fake: FakeVK, token: str = "user", paced: bool = True) -> Any:
    kind = Paced if paced else Raw
    api = kind(token=fake.token(token), session=make_session(fake.url), api_version="5.199")
    api.error_handlers.pop(TOO_MANY_RPS_CODE)
    return api


def after_the_window() -> None:
    """Let the requests of the window before end (the channel's are paced on their own)."""
    time.sleep(RATE_WINDOW * 1.5)


def code_of(action: Any) -> int:
    with pytest.raises(ApiError) as caught:
        action()
    return caught.value.code


def test_unknown_tokens_and_missing_parameters(fake: FakeVK) -> None:
    bogus = Paced(token="vk1.not-a-token", session=make_session(fake.url), api_version="5.199")
    assert code_of(lambda: bogus.method("users.get")) == 5
    api = raw(fake)
    assert code_of(lambda: api.method("wall.getById")) == 100
    assert code_of(lambda: api.method("photos.saveWallPhoto", {"server": 1})) == 100
    assert code_of(lambda: api.method("groups.getTokenPermissions")) == 15
    assert code_of(lambda: raw(fake, "community").method("wall.post", {"message": "x"})) == 27
    assert code_of(lambda: raw(fake, "service").method("wall.post", {"message": "x"})) == 28
    # a service token may read posts (methods.json): unknown ones are simply left out
    assert raw(fake, "service").method("wall.getById", {"posts": "1_1"}) == {"items": []}


def test_posts_need_text_or_media_and_at_most_ten_attachments(fake: FakeVK) -> None:
    api, group = raw(fake), fake.store.world.group_id
    empty = {"owner_id": -group, "from_group": 1}
    assert code_of(lambda: api.method("wall.post", empty)) == 100
    eleven = ",".join(f"photo-{group}_{i}" for i in range(11))
    assert code_of(lambda: api.method("wall.post", {**empty, "attachments": eleven})) == 100
    assert fake.wall() == []


def test_guid_stops_the_same_post_for_an_hour_and_says_nothing_of_it(fake: FakeVK) -> None:
    api, group = raw(fake), fake.store.world.group_id
    values = {"owner_id": -group, "from_group": 1, "message": "Привет", "guid": "g-1"}
    first = api.method("wall.post", values)["post_id"]
    fake.clock.advance(59 * 60)
    # VK does not document what a repeat returns: the fake names no post, so no one relies on it
    assert code_of(lambda: api.method("wall.post", values)) == 1
    assert len(fake.wall()) == 1
    other = api.method("wall.post", {**values, "message": "Привет!"})["post_id"]
    assert other != first  # a different post is not "the same post again"
    fake.clock.advance(2 * 60)
    assert api.method("wall.post", values)["post_id"] not in (first, other)
    assert len(fake.wall()) == 3


def test_wall_get_lists_the_wall_newest_first(tmp_path: Path, fake: FakeVK) -> None:
    channel = make_channel(tmp_path, fake)
    for number in range(3):
        channel.publish(post(key=f"pub-{number}", text=f"Пост {number}"))
    after_the_window()
    listed = raw(fake).method("wall.get", {"owner_id": -fake.store.world.group_id,
                                           "count": 2})
    assert listed["count"] == 3 and [p["text"] for p in listed["items"]] == ["Пост 2", "Пост 1"]


def test_execute_runs_a_documented_part_of_vkscript(fake: FakeVK) -> None:
    api = raw(fake)
    [real] = fake.add_posts(1)
    batch = api.method("execute", {"code": f'return [API.wall.getById({{"posts": "{real}"}})];'})
    assert batch[0]["items"][0]["text"] == "Запись из песочницы 1"
    picked = api.method("execute", {"code": f'var p = API.wall.getById({{"posts": "{real}"}})'
                                            f'.items; return [p@.id, p@.text];'})
    assert picked == [[int(real.split("_")[1])], ["Запись из песочницы 1"]]
    many = ",".join(['API.users.get({})'] * (limits.EXECUTE_MAX_CALLS + 1))
    assert code_of(lambda: api.method("execute", {"code": f"return [{many}];"})) == 13
    answer = api.method("execute", {"code": 'return [API.groups.getTokenPermissions({})];'},
                        raw=True)
    assert answer["response"] == [False] and answer["execute_errors"][0]["error_code"] == 15


def test_vkscript_beyond_the_sandbox_is_its_limit_not_vk_s_error(fake: FakeVK) -> None:
    api = raw(fake)
    for code in ("var a = 1; return a;", "var i = 0; while (i < 3) { i = i + 1; }; return i;"):
        with pytest.raises(ApiHttpError) as caught:  # never ApiError 12: VK may run this
            api.method("execute", {"code": code})
        assert caught.value.response.status_code == 501
        assert "sandbox" in caught.value.response.json()["sandbox_limit"]


def test_wall_get_by_id_takes_at_most_the_assumed_number(fake: FakeVK) -> None:
    ids = ",".join(fake.add_posts(limits.POSTS_PER_GET_BY_ID + 1))
    assert code_of(lambda: raw(fake).method("wall.getById", {"posts": ids})) == 100


def test_the_user_token_limit_is_enforced(fake: FakeVK) -> None:
    fake.limiter.window = 30.0  # no slow machine outruns it: the count is tested, not the clock
    api = raw(fake, paced=False)
    codes = []
    for _ in range(5):
        try:
            api.method("users.get")
            codes.append(0)
        except ApiError as exc:
            codes.append(exc.code)
    assert codes == [0, 0, 0, 6, 6]
    community = raw(fake, "community", paced=False)
    answers = [community.method("groups.getById") for _ in range(limits.COMMUNITY_RPS)]
    assert len(answers) == 20 and code_of(lambda: community.method("groups.getById")) == 6


def test_pacing_at_real_speed_never_meets_error_6(tmp_path: Path, fake: FakeVK) -> None:
    fake.limiter.window = 1.0  # VK's real second
    one = make_channel(tmp_path / "a", fake, plugin=VKChannel, community=None)
    two = make_channel(tmp_path / "b", fake, plugin=VKChannel, community=None)  # same pacer
    started = time.monotonic()
    workers = [threading.Thread(target=lambda c=c: [c.audience() for _ in range(3)])
               for c in (one, two, one)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.monotonic() - started
    assert fake.too_many == 0
    assert 2 * limits.PACE_WINDOW <= took < 4  # 9 requests at 3 a window: three windows


def test_the_world_survives_a_restart(tmp_path: Path) -> None:
    first = FakeVK(tmp_path / "sandbox", speed=1000)
    first.start()
    channel = make_channel(tmp_path, first)
    story = post(photos=(photo(tmp_path / "a.jpg"),))
    sent = channel.publish(story)
    first.revoke("stranger")
    first.stop()
    validate_log(first)
    again = FakeVK(tmp_path / "sandbox", speed=1000)
    with again:
        [kept] = again.wall()
        assert f"{kept['owner_id']}_{kept['id']}" == sent.external_id
        assert kept["attachments"][0]["photo"]["width"] == 64
        assert again.token("user") == first.token("user")
        assert code_of(lambda: raw(again, "stranger").method("users.get")) == 5
        group = again.store.world.group_id
        assert f"{-group}:{guid_of(story)}" in again.store.world.guids  # remembered too
        channel = make_channel(tmp_path, again)  # the same centre: its attempts are kept
        assert channel.publish(story) == sent  # found on the wall, not posted again
        assert len(again.wall()) == 1
    assert list((tmp_path / "sandbox" / "photos").iterdir())


def test_a_sandbox_run_again_never_reuses_an_earlier_runs_people(tmp_path: Path) -> None:
    """The service remembers each VK user who signed up: a new simulated person with an
    earlier run's id would be greeted "again" and overwrite that sign-up."""
    with FakeVK(tmp_path / "sandbox", speed=1000) as first:
        earlier = {first.people.new_id() for _ in range(3)}
    with FakeVK(tmp_path / "sandbox", speed=1000) as again:
        assert again.people.new_id() not in earlier


def test_counts_are_seeded_and_deterministic(tmp_path: Path) -> None:
    seen = []
    for _ in range(2):
        with FakeVK(seed="demo", speed=0) as made:
            [one] = made.add_posts(1)
            made.clock.advance(6 * 3600)
            seen.append(made.wall()[0]["views"]["count"])
    assert seen[0] == seen[1] > 0


def test_faults_over_the_admin_path(fake: FakeVK) -> None:
    answer = requests.post(f"{fake.url}/_sandbox/faults", json={"outage": 1}, timeout=5)
    assert answer.json() == {"outage": 1}
    with pytest.raises(Exception, match="503"):
        raw(fake).method("users.get")
    assert raw(fake).method("users.get")[0]["first_name"] == "Анна"
    requests.post(f"{fake.url}/_sandbox/revoke", json={"token": "user"}, timeout=5)
    assert code_of(lambda: raw(fake).method("users.get")) == 5
    state = requests.get(f"{fake.url}/_sandbox/state", timeout=5).json()
    assert state["revoked"] == ["user"] and state["group_id"] == fake.store.world.group_id


def test_describe_gives_what_a_rehearsal_needs(fake: FakeVK) -> None:
    described = fake.describe()
    assert described["api_url"] == fake.url
    assert described["user_token"].startswith("vk1.sandbox.user.")
    assert described["community_token"].startswith("vk1.sandbox.community.")
    assert VKChannel.fake_platform(None).describe()["group_id"] == "229000001"


def test_the_state_and_the_uploaded_photos_are_the_owners_alone(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with FakeVK(tmp_path / "sandbox", speed=1000) as running:
            make_channel(tmp_path, running).publish(post(photos=(photo(tmp_path / "a.jpg"),)))
    finally:
        os.umask(old)
    saved = tmp_path / "sandbox" / "vk-sandbox.json"
    [uploaded] = (tmp_path / "sandbox" / "photos").iterdir()
    assert (mode(saved), mode(uploaded)) == (0o600, 0o600)
    assert (mode(saved.parent), mode(uploaded.parent)) == (0o700, 0o700)


def test_a_service_killed_during_a_long_poll_is_one_line_not_a_traceback(
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "outreach.sandbox")
    with FakeVK() as running:
        key, ts = running.inbox.new_key(), running.inbox.ts
        hang_up_during(running.url, "GET", f"/lp/1?act=a_check&key={key}&ts={ts}&wait=1")

        assert wait_until(lambda: "hung up" in caplog.text)
        time.sleep(0.2)
    [line] = [r.getMessage() for r in caplog.records if r.name == "outreach.sandbox"]
    assert line.startswith("vk sandbox: a client hung up before its answer was sent (")
    assert "nothing is lost" in line and "Error" not in line  # no exception name to read
    assert "Traceback" not in capfd.readouterr().err
