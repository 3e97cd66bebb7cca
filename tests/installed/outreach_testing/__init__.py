"""A recording channel and helpers for testing Outreach and third-party plugins.

Installed for the test suite only: ``tests/conftest.py`` puts ``tests/installed``
on ``sys.path`` (and on ``PYTHONPATH`` for the processes tests start), where
``importlib.metadata`` finds the ``test`` plugin's entry point in its dist-info.
A user's installation has no ``test`` plugin.

``RecordingChannel`` (plugin ``test``) publishes nowhere: it appends every
publish call to a JSON-lines log, fsynced before it returns, so a test that
kills the process can still prove what went out. It can fail on demand
(``fail = "transient" | "rate-limited" | "auth" | "permanent" | "hang"``); a hang
lasts ``hang_seconds`` or until the channel is closed.

``make_test_config`` writes a real config.toml and loads it, and
``make_registry`` builds a Registry from explicitly given plugin classes, with
entry points left alone, so a test sees exactly the plugins it names::

    config = make_test_config(tmp_path, {"main": {"plugin": "test", "log": "calls.jsonl"}})
    registry = make_registry(config)
    registry.get("main").publish(post)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    AuthError,
    Capabilities,
    Channel,
    ChannelContext,
    CheckResult,
    Engagement,
    Field,
    MediaLimits,
    PermanentError,
    Post,
    Published,
    RateLimitedError,
    Reconciled,
    TextLimits,
    TransientError,
)
from outreach.config.tomlfile import dump_key, dump_value

if TYPE_CHECKING:
    from outreach.config import Config
    from outreach.platforms.registry import Registry

FAIL_MODES = ("", "transient", "rate-limited", "auth", "permanent", "hang")


def _at_least(minimum: float) -> Any:
    def check(value: float) -> str | None:
        return f"must be {minimum} or more" if value < minimum else None
    return check


class RecordingChannel(Channel):
    """A channel that records what it is asked to publish and can fail on demand."""

    plugin_name = "test"
    settings_schema = {
        "log": Field(str, default="",
                     help="JSON-lines file of publish calls; relative to the channel's data "
                          "folder. Empty: keep calls in memory only"),
        "fail": Field(str, default="", choices=FAIL_MODES, help="How publish fails"),
        "fail_times": Field(int, default=0, check=_at_least(0),
                            help="Fail only the first N calls; 0 fails every call"),
        "hang_seconds": Field(float, default=3600.0, check=_at_least(0)),
        "hang_published": Field(bool, default=True,
                                help="With fail = 'hang': the post went out before the "
                                     "platform stopped answering"),
        "retry_after": Field(float, default=30.0, check=_at_least(0)),
        "latency": Field(float, default=0.0, check=_at_least(0),
                         help="Seconds each publish takes"),
        "can_reconcile": Field(bool, default=True,
                               help="Whether reconcile() can tell if a post exists"),
        "audience": Field(int, default=100),
        "token": Field(str, default=None, env=True,
                       help="Name of an environment variable that must be set"),
        "max_text": Field(int, default=None, check=_at_least(1)),
        "max_caption": Field(int, default=None, check=_at_least(1)),
        "max_photos": Field(int, default=None, check=_at_least(1)),
    }
    text_limits = TextLimits(max_text=4096, max_caption=1024)
    media_limits = MediaLimits(max_side=1280, max_bytes=1_000_000, max_photos=10)
    capabilities = Capabilities(engagement=True, audience=True, reconcile=True)

    def __init__(self, context: ChannelContext, settings: Mapping[str, Any]) -> None:
        super().__init__(context, settings)
        defaults = {k: f.default for k, f in self.settings_schema.items()}
        self.settings = {**defaults, **self.settings}
        self.published: list[Post] = []
        self.calls = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        log = self.settings["log"]
        self.log_path: Path | None = (context.data_dir / log) if log else None
        # Limits are class-level for the registry; a test may narrow them per channel.
        text, media = type(self).text_limits, type(self).media_limits
        if self.settings["max_text"] or self.settings["max_caption"]:
            self.text_limits = TextLimits(  # type: ignore[misc]
                self.settings["max_text"] or text.max_text,
                self.settings["max_caption"] or text.max_caption)
        if self.settings["max_photos"]:
            self.media_limits = MediaLimits(  # type: ignore[misc]
                max_side=media.max_side, max_bytes=media.max_bytes,
                max_photos=self.settings["max_photos"])
        if not self.settings["can_reconcile"]:
            self.capabilities = Capabilities(  # type: ignore[misc]
                engagement=True, audience=True, reconcile=False)

    def publish(self, post: Post) -> Published:
        with self._lock:
            self.calls += 1
            call = self.calls
        if self.settings["latency"]:
            time.sleep(self.settings["latency"])
        fail = self.settings["fail"]
        times = self.settings["fail_times"]
        if fail and (times == 0 or call <= times):
            if fail == "hang":
                if self.settings["hang_published"]:
                    self._record(post, "published")
                # Closing the channel ends the hang, as a client's closed connection
                # ends its call: a test that closes its registry leaves no call running.
                self._closed.wait(self.settings["hang_seconds"])
            else:
                self._record(post, fail)
            raise _failure(fail, self.name, self.settings["retry_after"])
        return self._record(post, "published")

    def close(self) -> None:
        self._closed.set()

    def _record(self, post: Post, outcome: str) -> Published:
        published = _published(self.name, post.publication_id)
        line = {
            "publication_id": post.publication_id,
            "idempotency_key": post.idempotency_key,
            "text": post.text,
            "photos": [photo.path.name for photo in post.photos],
            "time": dt.datetime.now(dt.UTC).isoformat(),
            "pid": os.getpid(),
            "outcome": outcome,
            "external_id": published.external_id,
        }
        with self._lock:
            if outcome == "published":
                self.published.append(post)
            if self.log_path is not None:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with self.log_path.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(line, ensure_ascii=False) + "\n")
                    file.flush()
                    # On disk before publish returns: a killed process leaves proof.
                    os.fsync(file.fileno())
        return published

    def published_keys(self) -> dict[str, dict[str, Any]]:
        """idempotency key -> log line of each successful publish (log, else memory)."""
        if self.log_path is None:
            return {p.idempotency_key: {"publication_id": p.publication_id}
                    for p in self.published}
        return {line["idempotency_key"]: line for line in read_log(self.log_path)
                if line["outcome"] == "published"}

    def reconcile(self, post: Post, attempted_at: dt.datetime) -> Reconciled:
        if not self.settings["can_reconcile"]:
            return Reconciled(exists=None)
        found = self.published_keys().get(post.idempotency_key)
        if found is None:
            return Reconciled(exists=False)
        return Reconciled(exists=True,
                          published=_published(self.name, found["publication_id"]))

    def engagement(self, external_ids: Sequence[str]) -> list[Engagement]:
        """Counts derived from the publication id; reactions unknown, as on some platforms."""
        mine = {_published(self.name, line["publication_id"]).external_id:
                line["publication_id"] for line in self.published_keys().values()}
        return [
            Engagement(external_id=eid, views=10 * mine[eid], likes=mine[eid],
                       shares=mine[eid] // 2, comments=mine[eid] % 3, reactions=None)
            for eid in external_ids if eid in mine
        ]

    def audience(self) -> int | None:
        audience: int | None = self.settings["audience"]
        return audience

    def check(self) -> list[CheckResult]:
        if self.settings["token"]:
            self.secret("token")  # AuthError naming the variable when unset
        where = str(self.log_path) if self.log_path else "memory"
        return [CheckResult(ok=True, message=f"test channel records publications in {where}")]


def _published(channel: str, publication_id: int) -> Published:
    return Published(external_id=f"{channel}-{publication_id}",
                     url=f"https://test.invalid/{channel}/{publication_id}")


def _failure(mode: str, channel: str, retry_after: float) -> Exception:
    if mode == "rate-limited":
        return RateLimitedError(f"channel {channel}: too many requests (test)",
                                retry_after=retry_after)
    if mode == "auth":
        return AuthError(f"channel {channel}: token revoked (test)")
    if mode == "permanent":
        return PermanentError(f"channel {channel}: post refused (test)")
    return TransientError(f"channel {channel}: platform did not answer (test)")


def read_log(path: Path) -> list[dict[str, Any]]:
    """The lines of a RecordingChannel log; [] when nothing was published yet."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


# --- building configs and registries in tests ---


def _toml_table(header: str, values: Mapping[str, Any]) -> list[str]:
    lines = [f"[{header}]"]
    lines += [f"{dump_key(k)} = {dump_value(v)}" for k, v in values.items()]
    return lines + [""]


def make_test_config(tmp_path: Path, channels: Mapping[str, Mapping[str, Any]],
                     centre: Mapping[str, Any] | None = None,
                     top: Mapping[str, Any] | None = None,
                     sections: Mapping[str, Mapping[str, Any]] | None = None) -> Config:
    """Write ``tmp_path/config.toml`` and load it: the ``top`` keys, ``[centre]``, any
    other ``sections`` (``{"signups": {...}}`` writes ``[signups]``; a table inside one is
    written inline) and one ``[channels.NAME]`` section per channel."""
    from outreach.config import load_config

    lines = [f"{dump_key(k)} = {dump_value(v)}" for k, v in (top or {}).items()]
    lines += [""] if lines else []
    if centre:
        lines += _toml_table("centre", centre)
    for name, section in (sections or {}).items():
        lines += _toml_table(dump_key(name), section)
    for name, section in channels.items():
        lines += _toml_table(f"channels.{json.dumps(name)}", section)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


def make_registry(config: Config, plugins: Iterable[type[Channel]] = (RecordingChannel,),
                  env: Mapping[str, str] | None = None) -> Registry:
    """A Registry of exactly ``plugins`` (by their plugin_name); entry points stay unread."""
    from outreach.platforms.registry import Registry

    return Registry.from_config(config, {p.plugin_name: p for p in plugins},
                                env={} if env is None else env)
