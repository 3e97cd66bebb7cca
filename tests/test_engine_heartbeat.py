"""A running ``outreach run`` beats into the store, and says so when it stops."""

from __future__ import annotations

import signal
from pathlib import Path

from project_support import Worker, make_project

from outreach.engine.heartbeat import beats


def test_the_service_beats_while_it_runs_and_records_its_stop(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    worker = Worker(project, "run")
    try:
        worker.wait_running()
        (beat,) = beats(project.store)
        assert beat.worker.endswith(f":{worker.pid}") and beat.stopped_at is None
        assert beat.alive(beat.beat_at)
    finally:
        worker.stop(signal.SIGTERM)
    assert worker.process.returncode == 0, worker.output
    (beat,) = beats(project.store)
    assert beat.stopped_at is not None and not beat.alive(beat.stopped_at)
