"""Fixtures and helpers shared by the OK tests: the fake, a channel on it, photos and posts.

Every fake made by ``running_fake`` has each answer it sent checked against the
shapes apiok.ru documents when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from outreach.channels import Post, PostPhoto
from outreach_ok import OKChannel
from outreach_ok.fake import FakeOK
from outreach_ok.fake.state import APPLICATION_ID
from outreach_testing import make_registry, make_test_config

RATE_WINDOW = 0.05  # the fake's "second" in most tests; the channel paces a little slower


class FastOK(OKChannel):
    """The OK channel pacing against a fake whose rate window is RATE_WINDOW."""

    pace_window = RATE_WINDOW * 1.05


#: Result shapes of apiok.ru's method pages ("Type"/"Response"), top-level keys.
SHAPES: dict[str, Any] = {
    "photosV2.getUploadUrl": {"expires_ms", "photo_ids", "ttl_ms", "upload_url"},
    "mediatopic.getByIds": {"media_topics"},
    "mediatopic.getTopics": {"media_topics", "has_more", "anchor"},
    "upload": {"photos"},
}
ERROR_KEYS = {"error_code", "error_msg", "error_data"}


def problems(method: str, body: Any) -> list[str]:
    """What is wrong with one answer the fake sent ([] when it has the documented shape)."""
    if isinstance(body, dict) and "error_code" in body:
        ok = set(body) == ERROR_KEYS and isinstance(body["error_code"], int) \
            and isinstance(body["error_msg"], str)
        return [] if ok else [f"{method}: error of the wrong shape: {body}"]
    if method in SHAPES:
        ok = isinstance(body, dict) and set(body) >= SHAPES[method]
        return [] if ok else [f"{method}: answer of the wrong shape: {body}"]
    if method == "mediatopic.post":  # the topic's id, a string of digits
        return [] if isinstance(body, str) and body.isdigit() else [f"{method}: {body!r}"]
    return []


def running_fake(tmp_path: Path, **options: Any) -> Iterator[FakeOK]:
    """A running fake OK, its clock at 1,000x and its rate window RATE_WINDOW seconds."""
    made = FakeOK(tmp_path / "fake-ok", speed=1000, rate_window=RATE_WINDOW, **options)
    made.start()
    try:
        yield made
    finally:
        made.stop()
    found = [p for method, body in made.responses for p in problems(method, body)]
    assert not found, "the fake answered outside OK's shapes:\n" + "\n".join(found[:20])


def section(fake: FakeOK, **settings: Any) -> dict[str, Any]:
    world = fake.store.world
    return {"plugin": "ok", "group_id": world.group_id, "application_id": APPLICATION_ID,
            "application_key": world.application_key, "access_token_env": "OK_ACCESS_TOKEN",
            "secret_key_env": "OK_SECRET_KEY", "api_url": fake.url, **settings}


def environment(fake: FakeOK, token: str = "admin", secret: str | None = None) -> dict[str, str]:
    return {"OK_ACCESS_TOKEN": fake.token(token),
            "OK_SECRET_KEY": secret or fake.store.world.secret_key}


def make_channel(tmp_path: Path, fake: FakeOK, token: str = "admin",
                 secret: str | None = None, plugin: type[OKChannel] = FastOK,
                 **settings: Any) -> OKChannel:
    """An OK channel on ``fake`` made through a registry, with the named sandbox token."""
    config = make_test_config(tmp_path / "centre", {"ok-region": section(fake, **settings)})
    channel = make_registry(config, [plugin], env=environment(fake, token, secret)).get(
        "ok-region")
    assert isinstance(channel, OKChannel)
    return channel


def photo(path: Path, size: tuple[int, int] = (64, 48), colour: str = "green") -> PostPhoto:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG")
    return PostPhoto(path=path, caption=f"Фото {path.stem}")


def post(key: str = "pub-1", text: str = "Серебряные волонтёры посадили 40 яблонь.",
         photos: tuple[PostPhoto, ...] = (), publication_id: int = 1) -> Post:
    return Post(publication_id=publication_id, idempotency_key=key, text=text,
                title="Сад добра", photos=photos)
