"""Fixtures and helpers shared by the VK tests: the fake, a channel on it, and VK's schema.

Every fake made by the ``fake`` fixture has each answer it sent checked
against VK API 5.199's schema when the test ends, so the whole VK suite
validates every response the fake sends. The schema lives in
``OUTREACH_VK_SCHEMA`` (default: tests/specs/vk-api-schema, VK's schema for API 5.199).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vk_api
from fake_support import waited as wait_for
from PIL import Image

from outreach.channels import Post, PostPhoto
from outreach_testing import make_registry, make_test_config
from outreach_vk import VKChannel
from outreach_vk.fake import FakeVK
from outreach_vk.fake.methods import METHODS

__all__ = ["wait_for"]  # shared with the other fakes' tests (fake_support)

SCHEMA_DIR = Path(os.environ.get(
    "OUTREACH_VK_SCHEMA", Path(__file__).resolve().parents[1] / "specs" / "vk-api-schema"))
RATE_WINDOW = 0.02  # the fake's "second" in most tests; the channel paces a little slower


class Paced(vk_api.VkApi):  # type: ignore[misc]  # vk_api ships no type information
    """The real vk_api client sending at most one request each half RATE_WINDOW, across all
    Paced clients whatever their token: under the fake's three a window however fast the
    fake answers (tests must not lean on the network's delays to stay under it)."""

    RPS_DELAY = 0.0  # vk_api's own pacing is per client: this one is shared
    _last = [0.0]

    def method(self, *args: Any, **kwargs: Any) -> Any:
        wait = Paced._last[0] + RATE_WINDOW / 2 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return super().method(*args, **kwargs)
        finally:
            Paced._last[0] = time.monotonic()


class FastVK(VKChannel):
    """The VK channel pacing against a fake whose rate window is RATE_WINDOW."""

    pace_window = RATE_WINDOW * 1.05


# --- VK's schema, in its own dialect, made fit for a draft-7 validator ---


def _fix(node: Any) -> Any:
    """Move ``"required": true`` into the parent's list; drop ``additionalProperties: false``."""
    if isinstance(node, list):
        return [_fix(item) for item in node]
    if not isinstance(node, dict):
        return node
    properties = node.get("properties")
    needed = [name for name, prop in properties.items()
              if isinstance(prop, dict) and prop.get("required") is True] \
        if isinstance(properties, dict) else []
    fixed = {key: _fix(value) for key, value in node.items()
             if not (key == "additionalProperties" and value is False)
             and not (key == "required" and isinstance(value, bool))}
    if needed:
        fixed["required"] = sorted(set(fixed.get("required") or []) | set(needed))
    return fixed


@functools.cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    if not (SCHEMA_DIR / "wall" / "responses.json").exists():
        raise AssertionError(f"VK's API schema is not at {SCHEMA_DIR}: set OUTREACH_VK_SCHEMA")
    resources = []
    for path in SCHEMA_DIR.glob("*/*.json"):
        contents = _fix(json.loads(path.read_text(encoding="utf-8")))
        if path.parent.name == "base" and path.name == "objects.json":
            # base_error requires "inner_type", which VK's error answers do not carry.
            error = contents["definitions"]["base_error"]
            error["required"] = [r for r in error["required"] if r != "inner_type"]
        resources.append((path.as_uri(), Resource.from_contents(
            contents, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


@functools.cache
def validator(reference: str) -> Any:
    """A draft-7 validator for ``section/file.json#/definitions/name``."""
    from jsonschema import Draft7Validator

    uri = (SCHEMA_DIR / reference.split("#")[0]).as_uri() + "#" + reference.split("#")[1]
    return Draft7Validator({"$ref": uri}, registry=_registry())


@functools.cache
def response_reference(method: str) -> str:
    """The response definition methods.json names for ``method``."""
    section = method.split(".")[0]
    spec = json.loads((SCHEMA_DIR / section / "methods.json").read_text(encoding="utf-8"))
    [found] = [m for m in spec["methods"] if m["name"] == method]
    return found["responses"]["response"]["$ref"].removeprefix("../")


def spec_method(method: str) -> dict[str, Any]:
    section = method.split(".")[0]
    spec = json.loads((SCHEMA_DIR / section / "methods.json").read_text(encoding="utf-8"))
    [found] = [m for m in spec["methods"] if m["name"] == method]
    return found


ERROR_SCHEMA = {"type": "object", "required": ["error"],
                "properties": {"error": {"$ref": "base/objects.json#/definitions/base_error"}}}


def problems(method: str, body: Any) -> list[str]:
    """What is wrong with one answer the fake sent, by VK's schema ([] when it fits)."""
    if isinstance(body, dict) and "error" in body:
        check = validator("base/objects.json#/definitions/base_error")
        return [f"{method} error: {e.message}" for e in check.iter_errors(body["error"])]
    if method == "upload":  # the upload server is not in the API schema
        ok = (isinstance(body.get("server"), int) and isinstance(body.get("photo"), str)
              and isinstance(body.get("hash"), str))
        return [] if ok else [f"upload answer of the wrong shape: {body}"]
    if method == "execute":  # VKScript returns what the code returns: a list here
        ok = isinstance(body.get("response"), list)
        return [] if ok else [f"execute answer is not a list: {body}"]
    name = method.removeprefix("execute:")
    check = validator(response_reference(name))
    return [f"{method}: {e.message} at {list(e.absolute_path)}"
            for e in check.iter_errors(copy.deepcopy(body))]


def validate_log(fake: FakeVK) -> set[str]:
    """Check every answer ``fake`` sent; return the methods seen."""
    found = [p for method, body in fake.responses for p in problems(method, body)]
    assert not found, "the fake answered outside VK's schema:\n" + "\n".join(found[:20])
    return {method for method, _ in fake.responses}


# --- fixtures ---


def running_fake(tmp_path: Path) -> Iterator[FakeVK]:
    """A running fake VK, its clock at 1,000x and its rate window RATE_WINDOW seconds.

    Each test module's ``fake`` fixture yields from this; the answers are checked after.
    """
    made = FakeVK(tmp_path / "fake-vk", speed=1000, rate_window=RATE_WINDOW)
    made.start()
    try:
        yield made
    finally:
        made.stop()
    validate_log(made)


def make_channel(tmp_path: Path, fake: FakeVK, plugin: type[VKChannel] = FastVK,
                 user: str | None = "user", community: str | None = "community",
                 **settings: Any) -> VKChannel:
    """A VK channel on ``fake`` made through a registry, with the named sandbox tokens."""
    section: dict[str, Any] = {"plugin": "vk", "group_id": fake.store.world.group_id,
                               "api_url": fake.url, **settings}
    env = {}
    if user:
        section["user_token_env"] = "VK_USER_TOKEN"
        env["VK_USER_TOKEN"] = fake.token(user)
    if community:
        section["community_token_env"] = "VK_COMMUNITY_TOKEN"
        env["VK_COMMUNITY_TOKEN"] = fake.token(community)
    config = make_test_config(tmp_path / "centre", {"vk-region": section})
    channel = make_registry(config, [plugin], env=env).get("vk-region")
    assert isinstance(channel, VKChannel)
    return channel


def photo(path: Path, size: tuple[int, int] = (64, 48), colour: str = "green") -> PostPhoto:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG")
    return PostPhoto(path=path, caption=f"Фото {path.stem}")


def post(key: str = "pub-1", text: str = "Серебряные волонтёры посадили 40 яблонь.",
         photos: tuple[PostPhoto, ...] = (), publication_id: int = 1) -> Post:
    return Post(publication_id=publication_id, idempotency_key=key, text=text,
                title="Сад добра", photos=photos)


SERVED = set(METHODS) | {"execute"}


# --- the sign-up bot: a channel that retries fast, and a fake whose bot answers are checked


class BotVK(FastVK):
    intake_backoff = 0.01


# --- checking what the fake sends against VK's schema ---


def bot_problems(method: str, body: Any) -> list[str]:
    """problems(), plus the bot's answers and long-poll events."""
    if method == "messages.send" and "error" not in body:
        shape = "messages_send_user_ids_response" if isinstance(body.get("response"), list) \
            else "messages_send_deprecated_response"  # peer_ids, or peer_id
        check = validator(f"messages/responses.json#/definitions/{shape}")
        return [f"messages.send: {e.message}" for e in check.iter_errors(body)]
    if method == "longpoll":
        if "failed" in body:
            ok = body["failed"] in (1, 2, 3) and (body["failed"] != 1 or
                                                  isinstance(body.get("ts"), str))
            return [] if ok else [f"long poll failure of the wrong shape: {body}"]
        if not isinstance(body.get("ts"), str) or not isinstance(body.get("updates"), list):
            return [f"long poll answer of the wrong shape: {body}"]
        found = []
        for event in body["updates"]:
            base = validator("callback/objects.json#/definitions/callback_base")
            # The schema's callback_base lists no "message_event" in its type enum though
            # it defines callback_message_event: the base is checked with that gap filled.
            shown = {**event, "type": "message_new"} if event["type"] == "message_event" \
                else event
            found += [f"event: {e.message}" for e in base.iter_errors(copy.deepcopy(shown))]
            kind = {"message_new": "callback_message_new",
                    "message_event": "callback_message_event",
                    "group_join": "callback_group_join"}[event["type"]]
            check = validator(f"callback/objects.json#/definitions/{kind}")
            found += [f"{kind}: {e.message} at {list(e.absolute_path)}"
                      for e in check.iter_errors(copy.deepcopy(event["object"]))]
        return found
    return problems(method, body)


def assert_in_vk_shapes(fake: FakeVK) -> set[str]:
    found = [p for method, body in fake.responses for p in bot_problems(method, body)]
    assert not found, "the fake answered outside VK's schema:\n" + "\n".join(found[:20])
    return {method for method, _ in fake.responses}


def running_bot_fake(tmp_path: Path) -> Iterator[FakeVK]:
    """A running fake VK at 1,000x; every answer and event it sent is checked after."""
    made = FakeVK(tmp_path / "fake-vk", speed=1000, rate_window=0.02)
    made.start()
    try:
        yield made
    finally:
        made.stop()
    assert_in_vk_shapes(made)


