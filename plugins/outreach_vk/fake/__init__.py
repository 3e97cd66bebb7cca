"""A fake VK on 127.0.0.1, for ``outreach sandbox`` rehearsals and the plugin's tests.

It speaks VK's wire protocol (``/method/<name>``, ``{"response": ...}`` or
``{"error": {...}}``) for every method the plugin uses, runs the plugin's
``execute`` batches, takes photo uploads, and enforces what VK enforces: the
token kind of each method, per-token request rates, required parameters,
attachment limits and ``guid`` deduplication. Posts gain views, likes,
reposts and comments as the fake's clock runs (``speed``). Faults for
rehearsals: ``set_fault("outage" | "captcha" | "flood" | "posting_denied" |
"server_error", True or a number of times)``, ``set_fault("slow", seconds)``,
``revoke(token_name)``; over HTTP, ``POST /_sandbox/faults`` with a JSON
object, ``POST /_sandbox/revoke {"token": NAME}``, ``POST /_sandbox/clock
{"advance": SECONDS}``, ``GET /_sandbox/state``. Assumptions where VK's docs
are silent are listed in docs/vk.md.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from outreach.channels import FakePlatform
from outreach_vk.fake.methods import Methods, VKError
from outreach_vk.fake.server import RATE, Handler, RateLimiter, error_body, probe, run_execute
from outreach_vk.fake.state import Clock, Store

DEFAULT_GROUP_ID = 229_000_001
FAULTS = ("outage", "slow", "captcha", "flood", "posting_denied", "server_error")


class FakeVK(FakePlatform):
    """The fake VK. ``speed`` runs its clock faster; ``rate_window`` scales its rate limit."""

    def __init__(self, data_dir: Path | None = None, *, seed: str = "sandbox",
                 group_id: int = DEFAULT_GROUP_ID, speed: float = 1.0,
                 rate_window: float = 1.0, port: int = 0, log_size: int = 100_000) -> None:
        self.clock = Clock(speed)
        self.store = Store(seed, group_id, data_dir, self.clock)
        self.methods = Methods(self.store, lambda: self.url)
        self.limiter = RateLimiter(rate_window)
        self.port = port
        self.url = ""
        #: (method, body) of every answer sent, newest last, for checking shapes.
        self.responses: deque[tuple[str, Any]] = deque(maxlen=log_size)
        self.too_many = 0  # how many error-6 answers were sent
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- FakePlatform ---

    def start(self) -> str:
        handler = type("BoundHandler", (Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="fake-vk", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self.store.save()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def describe(self) -> Mapping[str, str]:
        world = self.store.world
        return {"api_url": self.url, "group_id": str(world.group_id),
                "user_token": self.token("user"), "community_token": self.token("community"),
                "user_token_without_wall": self.token("user_no_wall"),
                "admin_path": f"{self.url}/_sandbox/state"}

    def __enter__(self) -> FakeVK:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests and rehearsals ---

    def token(self, name: str) -> str:
        """A ready-made token: user, user_no_wall, stranger, community or service."""
        return self.store.world.value_of(name)

    def set_fault(self, name: str, value: Any) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; faults: {', '.join(FAULTS)}")
        with self.store.lock:
            if value in (None, False, 0):
                self.methods.faults.pop(name, None)
            else:
                self.methods.faults[name] = value

    def revoke(self, name: str) -> None:
        with self.store.lock:
            if name not in self.store.world.revoked:
                self.store.world.revoked.append(name)
        self.store.save()

    def wall(self, owner_id: int | None = None) -> list[dict[str, Any]]:
        """The community's posts as wall.get shows them, newest first."""
        owner = -self.store.world.group_id if owner_id is None else owner_id
        with self.store.lock:
            posts = [p for p in self.store.world.posts.values() if p["owner_id"] == owner]
            return [self.methods.post_object(p)
                    for p in sorted(posts, key=lambda p: p["id"], reverse=True)]

    def add_posts(self, count: int, text: str = "Запись из песочницы") -> list[str]:
        """Put ``count`` posts straight on the community's wall; their ids ("-group_post")."""
        made = []
        with self.store.lock:
            world, now = self.store.world, int(self.clock.now())
            for number in range(count):
                post_id = world.new_id()
                world.posts[f"{-world.group_id}_{post_id}"] = {
                    "id": post_id, "owner_id": -world.group_id, "from_id": -world.group_id,
                    "date": now, "text": f"{text} {number + 1}", "attachments": [],
                    "signed": False, "close_comments": False, "guid": None}
                made.append(f"{-world.group_id}_{post_id}")
        self.store.save()
        return made

    def record(self, method: str, body: Any) -> None:
        self.responses.append((method, body))

    # --- answering ---

    def answer(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            body = self._answer(method, params)
        except VKError as exc:
            body = error_body(exc, method, params)
            if exc.code == 6:
                with self._lock:
                    self.too_many += 1
        self.record(method, body)
        return body

    def _answer(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        value = params.get("access_token")
        if not value:
            raise VKError(5, "no access_token passed.")
        token = self.store.world.tokens().get(value)
        if token is None or token.name in self.store.world.revoked:
            raise VKError(5)
        with self._lock:
            allowed = self.limiter.allow(value, RATE[token.kind])
        if not allowed:
            raise VKError(6)
        if self.methods.take("server_error"):
            raise VKError(10)
        if method == "execute":
            if token.kind not in ("user", "group"):
                raise VKError(28)
            return run_execute(self, token, params)
        return {"response": self.methods.call(method, token, params)}

    def upload(self, query: dict[str, str], files: list[tuple[str, str, bytes]]) -> Any:
        server = 851_000 + int(query.get("gid") or 0) % 1000
        if not files:
            return {"server": server, "photo": "[]", "hash": "",
                    "error": "ERR_UPLOAD_NO_FILE: no file in the request"}
        _, filename, data = files[0]
        found = probe(data)
        if isinstance(found, str):
            return {"server": server, "photo": "[]", "hash": "", "error": found}
        key = secrets.token_hex(8)
        digest = secrets.token_hex(16)
        with self.store.lock:
            self.store.world.uploads[key] = {**found, "key": key, "hash": digest,
                                             "file": filename}
        if self.store.data_dir is not None:
            folder = self.store.data_dir / "photos"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{key}.{found['format'].lower()}").write_bytes(data)
        answer = {"server": server, "hash": digest,
                  "photo": f'[{{"photo":"{key}","sizes":[],"kid":"{digest[:8]}"}}]'}
        self.record("upload", answer)
        return answer

    def admin(self, action: str, data: dict[str, Any]) -> Any:
        if action == "faults":
            for name, value in data.items():
                self.set_fault(name, value)
            return dict(self.methods.faults)
        if action == "revoke":
            self.revoke(data["token"])
            return {"revoked": list(self.store.world.revoked)}
        if action == "clock":
            self.clock.advance(float(data.get("advance", 0)))
            return {"now": self.clock.now()}
        if action == "state":
            world = self.store.world
            return {"group_id": world.group_id, "posts": len(world.posts),
                    "photos": len(world.photos), "revoked": world.revoked,
                    "faults": dict(self.methods.faults), "members": self.methods.members(),
                    "now": self.clock.now()}
        raise KeyError(action)
