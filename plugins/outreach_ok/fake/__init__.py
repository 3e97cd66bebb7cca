"""A fake OK on 127.0.0.1, for ``outreach sandbox`` rehearsals and the plugin's tests.

It speaks OK's REST protocol (``/fb.do``, signed parameters, JSON answers or
``{"error_code", "error_msg", "error_data"}``) for every method the plugin
uses, takes photo uploads on its upload host (``/uploadImage``), and checks
what OK checks: the application key (101), the signature exactly as
apiok.ru/dev/methods computes it (104), the session (103 unknown, 102
expired), a rate per token (8 FLOOD_BLOCKED), each method's permission (10),
required parameters (100) and the topic limits (5000, 5001). Topics gain
likes, reshares and comments as the fake's clock runs (``speed``). Faults:
``set_fault("outage" | "service" | "flood" | "limit" | "lost_post", True or a
number of times)`` (``lost_post``: a topic is made but its answer is an error),
``set_fault("slow", seconds)``, ``expire(token_name)``; over HTTP
``POST /_sandbox/faults`` with a JSON object, ``POST /_sandbox/expire {"token":
NAME}``, ``POST /_sandbox/clock {"advance": SECONDS}``, ``GET /_sandbox/state``.
Assumptions where OK's documentation is silent are in outreach_ok.limits and
docs/ok.md.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform, write_private
from outreach.fakes import ArrivalLimit, Serving
from outreach_ok import limits, signing
from outreach_ok.fake.methods import Methods, OKError
from outreach_ok.fake.server import Handler, Server, probe
from outreach_ok.fake.state import APPLICATION_ID, Clock, Store

DEFAULT_GROUP_ID = "70000001234567"
FAULTS = ("outage", "slow", "service", "flood", "limit", "lost_post")


class FakeOK(FakePlatform):
    """The fake OK. ``speed`` runs its clock faster; ``rate_window`` scales its rate limit."""

    def __init__(self, data_dir: Path | None = None, *, seed: str = "sandbox",
                 group_id: str = DEFAULT_GROUP_ID, speed: float = 1.0,
                 rate_window: float = 1.0, port: int = 0, log_size: int = 100_000) -> None:
        self.clock = Clock(speed)
        self.store = Store(seed, group_id, data_dir, self.clock)
        self.methods = Methods(self.store, lambda: self.url)
        self.limiter = ArrivalLimit(rate_window)
        self.port = port
        self.url = ""
        #: (method, body) of every answer sent, newest last, for checking shapes.
        self.responses: deque[tuple[str, Any]] = deque(maxlen=log_size)
        self.flood_answers = 0  # how many FLOOD_BLOCKED answers were sent
        self._serving: Serving | None = None
        self._lock = threading.Lock()

    # --- FakePlatform ---

    def start(self) -> str:
        self._serving = Serving(Server, Handler, self, self.port)
        self.url = self._serving.url
        return self.url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self.store.save()
        self._serving = None

    def describe(self) -> Mapping[str, str]:
        world = self.store.world
        return {"api_url": self.url, "group_id": world.group_id,
                "application_id": str(APPLICATION_ID),
                "application_key": world.application_key,
                "access_token": self.token("admin"), "secret_key": world.secret_key,
                "admin_path": f"{self.url}/_sandbox/state"}

    def __enter__(self) -> FakeOK:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests and rehearsals ---

    def token(self, name: str) -> str:
        """A ready-made token: admin, no_group_content, no_photo_content or stranger."""
        return self.store.world.value_of(name)

    def set_fault(self, name: str, value: Any) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; faults: {', '.join(FAULTS)}")
        with self.store.lock:
            if value in (None, False, 0):
                self.methods.faults.pop(name, None)
            else:
                self.methods.faults[name] = value

    def expire(self, name: str) -> None:
        """The session of token ``name`` expires (OK's short-lived tokens last 30 minutes)."""
        with self.store.lock:
            if name not in self.store.world.expired:
                self.store.world.expired.append(name)
        self.store.save()

    def topics(self) -> list[dict[str, Any]]:
        """The group's topics as mediatopic.getByIds shows them, newest first."""
        with self.store.lock:
            topics = sorted(self.store.world.topics.values(), key=lambda t: t["created"],
                            reverse=True)
            return [{**self.methods.topic_object(t), "text": t["text"],
                     "photos": [self.store.world.uploads[p] for p in t["photos"]]}
                    for t in topics]

    def add_topics(self, count: int, text: str = "Тема из песочницы") -> list[str]:
        """Put ``count`` topics straight into the group; their ids."""
        made = []
        with self.store.lock:
            world, now = self.store.world, self.clock.now()
            for number in range(count):
                topic_id = world.new_id()
                world.topics[topic_id] = {"id": topic_id, "gid": world.group_id,
                                          "uid": "575000000001", "photos": [],
                                          "text": f"{text} {number + 1}", "created": now}
                made.append(topic_id)
        self.store.save()
        return made

    def slow(self) -> float:
        return float(self.methods.faults.get("slow") or 0)

    def outage(self) -> bool:
        return self.methods.take("outage")

    # --- answering ---

    def answer(self, params: dict[str, str]) -> Any:
        method = params.get("method", "")
        try:
            body = self._answer(method, params)
        except OKError as exc:
            body = exc.body()
            if exc.code == 8:
                with self._lock:
                    self.flood_answers += 1
        self.responses.append((method, body))
        return body

    def _answer(self, method: str, params: dict[str, str]) -> Any:
        world = self.store.world
        # apiok.ru/dev/methods, "General request parameters": application_key and sig.
        if params.get("application_key") != world.application_key:
            raise OKError(101, "Invalid application key")
        value = params.get("access_token") or params.get("session_key") or ""
        secret = (signing.session_secret(value, world.secret_key) if value
                  else world.secret_key)
        if params.get("sig", "").lower() != signing.signature(params, secret) or \
                params.get("sig") != params.get("sig", "").lower():
            raise OKError(104, "Invalid signature")
        token = world.tokens().get(value)
        if token is None:
            raise OKError(103, "Invalid session key")
        if token.name in world.expired:
            raise OKError(102, "Session expired")
        with self._lock:
            allowed = self.limiter.allow(value, limits.RPS)
        if not allowed or self.methods.take("flood"):
            raise OKError(8, "Flood blocked")
        if self.methods.take("limit"):
            raise OKError(11, "Limit reached")
        if self.methods.take("service"):
            raise OKError(2, "Service temporary unavailable")
        answer = self.methods.call(method, token, params)
        if method == "mediatopic.post":
            self.store.save()
            if self.methods.take("lost_post"):  # the topic is made, its answer is lost
                raise OKError(2, "Service temporary unavailable")
        return answer

    def upload(self, query: dict[str, str], files: list[tuple[str, str, bytes]]) -> Any:
        """apiok.ru/dev/examples/photo_upload, step 2: files pic1, pic2... to upload_url;
        the answer maps each photo id to the token a topic's attachment names."""
        ids = [i for i in query.get("photoIds", "").split(",") if i]
        with self.store.lock:
            uploads = self.store.world.uploads
            if not ids or any(uploads.get(i, {}).get("api_token") != query.get("apiToken")
                              for i in ids):
                body: Any = OKError(100, "Invalid parameter apiToken").body()
            elif not files or len(files) > len(ids):
                body = OKError(100, "Invalid number of files").body()
            else:
                body = self._store_files(ids, files)
        self.responses.append(("upload", body))
        return body

    def _store_files(self, ids: list[str], files: list[tuple[str, str, bytes]]) -> Any:
        photos = {}
        for photo_id, (_field, name, data) in zip(ids, files, strict=False):
            found = probe(data)
            if isinstance(found, str):
                return OKError(100, f"Invalid image {name}: {found}").body()
            token = secrets.token_urlsafe(32)
            self.store.world.uploads[photo_id].update(found, token=token, file=name)
            photos[photo_id] = {"token": token}
            if self.store.data_dir is not None:  # photos of people: the owner's alone
                write_private(self.store.data_dir / "photos" / f"{photo_id[:16]}.img", data)
        return {"photos": photos}

    def admin(self, action: str, data: dict[str, Any]) -> Any:
        if action == "faults":
            for name, value in data.items():
                self.set_fault(name, value)
            return dict(self.methods.faults)
        if action == "expire":
            self.expire(data["token"])
            return {"expired": list(self.store.world.expired)}
        if action == "clock":
            self.clock.advance(float(data.get("advance", 0)))
            return {"now": self.clock.now()}
        if action == "state":
            world = self.store.world
            return {"group_id": world.group_id, "topics": len(world.topics),
                    "members": self.methods.members(), "expired": world.expired,
                    "faults": dict(self.methods.faults), "now": self.clock.now()}
        raise KeyError(action)
