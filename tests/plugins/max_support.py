"""Fixtures and helpers shared by the MAX tests: the fake, a channel on it, and MAX's schema.

Every fake made by ``running_fake`` has each answer it sent checked against
MAX's OpenAPI schema (tests/specs/max-bot-api, Max Bot API 0.0.33) when the
test ends, so the whole MAX suite validates every response the fake sends.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_support import wait_until as wait_for
from PIL import Image

from outreach.channels import Incoming, Post, PostPhoto, Reply, SignupDesk
from outreach_max import MaxChannel
from outreach_max.fake import FakeMax
from outreach_testing import make_registry, make_test_config

SCHEMA = Path(__file__).resolve().parents[1] / "specs" / "max-bot-api" / "schema.json"
__all__ = ["wait_for"]  # shared with the other fakes' tests

RATE_WINDOW = 0.1  # the fake's "second" in most tests; the channel paces well under it
REF = "#/components/schemas/"


class FastMax(MaxChannel):
    """The MAX channel pacing against a fake whose rate window is RATE_WINDOW."""

    pace_window = RATE_WINDOW * 1.5
    not_ready_wait = 0.05
    intake_wait = 1
    intake_backoff = 0.05


# --- MAX's OpenAPI 3.0 schema, made fit for a draft-7 validator ---


def _convert(node: Any, keep_base: str | None, bases: set[str]) -> Any:
    """OpenAPI to JSON Schema: ``nullable`` becomes "or null"; a reference to a schema with a
    discriminator checks the mapped schema (``<name>__any``), except a child's own
    ``allOf`` reference to its base (``keep_base``)."""
    if isinstance(node, list):
        return [_convert(item, keep_base, bases) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("discriminator", "example", "readOnly", "nullable") or key.startswith("x-"):
            continue
        if key == "$ref":
            name = value[len(REF):]
            out[key] = value if name not in bases or name == keep_base else f"{REF}{name}__any"
        elif key == "allOf":
            out[key] = [item if isinstance(item, dict) and item.get("$ref") == f"{REF}{keep_base}"
                        else _convert(item, None, bases) for item in value]
        else:
            out[key] = _convert(value, None, bases)
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out


@functools.cache
def spec() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@functools.cache
def json_schema() -> dict[str, Any]:
    schemas = spec()["components"]["schemas"]
    bases = {name for name, s in schemas.items() if "discriminator" in s}
    child_of = {child[len(REF):]: name for name in bases
                for child in schemas[name]["discriminator"]["mapping"].values()}
    converted = {name: _convert(s, child_of.get(name), bases) for name, s in schemas.items()}
    for name in bases:
        field = schemas[name]["discriminator"]["propertyName"]
        converted[f"{name}__any"] = {"allOf": [{"$ref": REF + name}] + [
            {"if": {"properties": {field: {"const": key}}, "required": [field]},
             "then": {"$ref": target}}
            for key, target in schemas[name]["discriminator"]["mapping"].items()]}
    return {"components": {"schemas": converted}}


def response_schema(operation: str, status: int) -> dict[str, Any]:
    """The schema of ``operation``'s answer with ``status``; errors are the schema's Error."""
    if operation == "upload":
        return {"$ref": REF + ("PhotoAttachmentRequestPayload" if status == 200 else "Error")}
    verb, path = operation.split(" ", 1)
    if verb.lower() not in spec()["paths"].get(path, {}):
        assert status != 200, f"{operation} is not in the schema"
        return {"$ref": REF + "Error"}
    responses = spec()["paths"][path][verb.lower()]["responses"]
    answer = responses.get(str(status))
    if answer is None:
        assert status != 200, f"{operation}: the schema has no 200 answer"
        return {"$ref": REF + "Error"}  # info.description: every error is {code, message}
    if "$ref" in answer:
        answer = spec()["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return copy.deepcopy(answer["content"]["application/json"]["schema"])


def problems(operation: str, status: int, body: Any) -> list[str]:
    import jsonschema

    schema = {**json_schema(), **_convert(response_schema(operation, status), None,
                                          set())}
    validator = jsonschema.Draft7Validator(schema)
    return [f"{operation} {status}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _leaves(validator.iter_errors(body))]


def _leaves(errors: Iterable[Any]) -> Iterator[Any]:
    """The innermost errors: an anyOf's or if/then's own message names no field."""
    for error in errors:
        if error.context:
            yield from _leaves(error.context)
        else:
            yield error


def validate_log(fake: FakeMax) -> None:
    found = [p for operation, status, body in list(fake.responses)
             for p in problems(operation, status, body)]
    assert not found, "\n".join(found[:20])


def running_fake(tmp_path: Path, **kwargs: Any) -> Iterator[FakeMax]:
    """A started fake whose every answer is checked against the schema at the end."""
    fake = FakeMax(data_dir=tmp_path / "max-sandbox", rate_window=RATE_WINDOW, **kwargs)
    fake.start()
    try:
        yield fake
        validate_log(fake)
    finally:
        fake.stop()


def make_channel(tmp_path: Path, fake: FakeMax, token: str = "bot", *,
                 channel_class: type[MaxChannel] = FastMax, **settings: Any) -> MaxChannel:
    section = {"plugin": "max", "token_env": "MAX_BOT_TOKEN", "api_url": fake.url,
               "chat_id": int(fake.describe()["chat_id"]),
               "bot_name": fake.store.world.bot_name, **settings}
    config = make_test_config(tmp_path, {"max-channel": section})
    registry = make_registry(config, [channel_class], env={"MAX_BOT_TOKEN": fake.token(token)})
    channel = registry.get("max-channel")
    assert isinstance(channel, MaxChannel), registry.status("max-channel")
    return channel


def photo(folder: Path, name: str = "p.jpg", size: tuple[int, int] = (640, 480)) -> PostPhoto:
    path = folder / name
    Image.new("RGB", size, (120, 160, 200)).save(path, "JPEG")
    return PostPhoto(path=path, width=size[0], height=size[1])


def post(publication_id: int = 1, text: str = "Серебряные волонтёры провели урок",
         photos: tuple[PostPhoto, ...] = ()) -> Post:
    return Post(publication_id=publication_id, idempotency_key=f"p{publication_id}",
                text=text, title="Урок", photos=photos)


class Desk(SignupDesk):
    """Records what reaches it and answers by ``script``."""

    def __init__(self, script: Callable[[Incoming], list[Reply]] | None = None) -> None:
        self.seen: list[Incoming] = []
        self.delivered_events: list[str | None] = []
        self.script = script or (lambda m: [Reply("Как вас зовут?")])
        self.lock = threading.Lock()

    def handle(self, channel: str, message: Incoming) -> list[Reply]:
        with self.lock:
            self.seen.append(message)
        return self.script(message)

    def joined(self, channel: str, person: str, at: dt.datetime) -> None:
        pass

    def delivered(self, channel: str, message: Incoming) -> None:
        self.delivered_events.append(message.event)


@pytest.fixture(name="fake")
def max_fake(tmp_path: Path) -> Iterator[FakeMax]:
    """``fake``: a running fake MAX whose answers are checked against the schema."""
    yield from running_fake(tmp_path)


@pytest.fixture(name="channel")
def max_channel(tmp_path: Path, fake: FakeMax) -> Iterator[MaxChannel]:
    """``channel``: the MAX channel on ``fake``, closed after the test."""
    made = make_channel(tmp_path, fake)
    yield made
    made.close()
