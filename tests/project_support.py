"""A project folder for the engine's tests (config, campaign files, stories, publications)
and the service running in it: in this process, in a subprocess, or as `outreach run`.

The test plugin's log (fsynced before publish returns) is the proof of what went out.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

import sqlalchemy as sa

from outreach.config import Config
from outreach.db import Store, open_store
from outreach.db.models import Publication, Story, utcnow
from outreach.engine.service import Service
from outreach_testing import RecordingChannel, make_registry, make_test_config, read_log

ROOT = Path(__file__).resolve().parent.parent

@dataclass
class Project:
    root: Path
    config: Config
    store: Store

    def log(self, channel: str = "main") -> list[dict[str, Any]]:
        """Publish calls the channel's RecordingChannel made, from its log file."""
        return read_log(self.config.data_dir / channel / "calls.jsonl")

    def published_counts(self, channel: str = "main") -> collections.Counter[int]:
        return collections.Counter(line["publication_id"] for line in self.log(channel)
                                   if line["outcome"] == "published")

    def statuses(self) -> dict[int, str]:
        with self.store.engine.connect() as connection:
            return dict(connection.execute(sa.select(Publication.__table__.c.id,
                                                     Publication.__table__.c.status)).all())


def make_project(tmp_path: Path, url: str | None = None,
                 channels: Mapping[str, Mapping[str, Any]] | None = None) -> Project:
    """A config.toml with RecordingChannels that log to ``<data>/<channel>/calls.jsonl``."""
    channels = channels or {"main": {"plugin": "test"}}
    sections = {name: {"log": "calls.jsonl", **section} for name, section in channels.items()}
    config = make_test_config(tmp_path, sections,
                              top={"database_url": url or f"sqlite:///{tmp_path / 'o.db'}"})
    config.campaigns_dir.mkdir(parents=True, exist_ok=True)
    return Project(tmp_path, config, open_store(config.database_url))


def write_campaign(project: Project, slug: str, schedule: str,
                   channels: Iterable[str] = ("main",), more: str = "") -> Path:
    """A campaign file; ``schedule`` is the body of its [schedule] table."""
    names = ", ".join(f'"{name}"' for name in channels)
    path = project.config.campaigns_dir / f"{slug}.toml"
    path.write_text(f'name = "Campaign {slug}"\n{more}\n[schedule]\n{schedule}\n'
                    f'[channels]\nnames = [{names}]\n', encoding="utf-8")
    return path


# A campaign whose only date is long past: it plans nothing, publications are added directly.
PAST = "dates = [2020-01-01T10:00:00]"


def add_stories(store: Store, count: int, prefix: str = "story") -> list[int]:
    now = utcnow()
    rows = [{"kind": "story", "title": f"{prefix} {i}", "body": f"What happened ({i}).",
             "status": "approved", "tags": [], "consent_by": "Иванова А.", "consent_at": now,
             "source_folder": f"/media/{prefix}-{i}", "content_hash": "0" * 64,
             "created_at": now, "updated_at": now} for i in range(count)]
    with store.engine.begin() as connection:
        connection.execute(sa.insert(Story.__table__), rows)
        found = connection.execute(sa.select(Story.__table__.c.id).where(
            Story.__table__.c.source_folder.like(f"/media/{prefix}-%"))).scalars()
        return sorted(found)


def campaign_ids(project: Project) -> dict[str, int]:
    """Load the campaign files into the store, as the service does; slug -> id."""
    from outreach.campaigns.spec import load_campaigns
    from outreach.engine.planner import sync_campaigns

    specs, problems = load_campaigns(project.config)
    assert not problems, problems
    return sync_campaigns(project.store, specs)


def add_publications(store: Store, campaign_id: int, story_ids: Iterable[int], channel: str,
                     due: dt.datetime | None = None) -> list[int]:
    """One planned publication per story on ``channel``, due at ``due`` (default now)."""
    due = due or utcnow()
    rows = [{"campaign_id": campaign_id, "story_id": sid, "channel": channel, "slot": due,
             "status": "planned", "attempts": 0, "next_attempt_at": due, "created_at": due}
            for sid in story_ids]
    table = Publication.__table__
    with store.engine.begin() as connection:
        connection.execute(sa.insert(table), rows)
        return sorted(connection.execute(sa.select(table.c.id).where(
            table.c.channel == channel, table.c.campaign_id == campaign_id)).scalars())


# Runs the real Service in its own process. Its clock runs ``offset`` seconds ahead of
# the machine's, so a restart can stand for "the lease has run out since" without waiting.
DRIVER = """
import datetime as dt, sys
from pathlib import Path
from outreach.config import load_config
from outreach.db import open_store
from outreach.engine.service import Service
from outreach.platforms.registry import Registry
config = load_config(Path(sys.argv[1]))
offset = dt.timedelta(seconds=float(sys.argv[3]))
service = Service(config, open_store(config.database_url), Registry.from_config(config),
                  worker=sys.argv[4], clock=lambda: dt.datetime.now(dt.UTC) + offset)
if sys.argv[2] == "once":
    service.run_once()
else:
    service.start()
    print("running", flush=True)
    service.wait()
"""


def start_driver(project: Project, mode: str, offset: float, worker: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(project.config.path), mode, str(offset), worker],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outreach_command(project: Project, *args: str) -> list[str]:
    return [sys.executable, "-m", "outreach", "--config", str(project.config.path), *args]


def wait_for(condition: Any, timeout: float, what: str, step: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def stop_process(process: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    """End a process this test started (by its own pid) and reap it."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


class QuickTimeoutChannel(RecordingChannel):
    """The test plugin with a short call timeout, so a hang is noticed in half a second."""

    plugin_name = "quick-timeout"
    call_timeout: ClassVar[float] = 0.5


def make_service(project: Project, clock: Any = utcnow, worker: str = "tester") -> Service:
    registry = make_registry(project.config, plugins=(RecordingChannel, QuickTimeoutChannel))
    return Service(project.config, project.store, registry, worker=worker, clock=clock)


class Worker:
    """One `outreach run` process, its output in files so nothing blocks on a full pipe."""

    def __init__(self, project: Project, name: str,
                 env: Mapping[str, str] | None = None) -> None:
        self.stderr_path = project.root / f"{name}.stderr"
        self._err: IO[str] = self.stderr_path.open("w")
        self.process = subprocess.Popen(outreach_command(project, "run"), cwd=ROOT,
                                        env={**os.environ, **(env or {})},
                                        stdout=subprocess.DEVNULL, stderr=self._err, text=True)
        self.pid = self.process.pid

    @property
    def output(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def wait_running(self, timeout: float = 30) -> None:
        wait_for(lambda: "Outreach is running as" in self.output
                 or self.process.poll() is not None, timeout, "the worker to start")
        assert self.process.poll() is None, self.output

    def stop(self, sig: int = signal.SIGTERM) -> None:
        stop_process(self.process, sig)
        self._err.close()
