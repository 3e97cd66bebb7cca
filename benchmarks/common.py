"""Small helpers shared by the benchmarks: timing and the import path of the project."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from a checkout
    sys.path.insert(0, str(ROOT))
# The recording channel (plugin "test") is installed for tests and benchmarks only,
# here and in the processes a benchmark starts.
INSTALLED = str(ROOT / "tests" / "installed")
if INSTALLED not in sys.path:
    sys.path.insert(0, INSTALLED)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [INSTALLED,
                                                             os.environ.get("PYTHONPATH")]))

# Bytecode as on a centre's machine: pip compiles what it installs and Python caches what
# it compiles, so a command never compiles its source. A shell with PYTHONDONTWRITEBYTECODE
# set (as some are) would have every fresh process a benchmark starts compile outreach anew
# — about a second of SQLModel tables and commands that no user waits for.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` takes on the wall clock."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def timed_both(action: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) one call of ``action`` takes.

    CPU time is what other load on a shared machine disturbs least; for
    single-threaded work on an idle machine the two are the same.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def seed_stories(store: object, count: int) -> None:
    """``count`` approved stories with consent, inserted in one statement."""
    import sqlalchemy as sa

    from outreach.db.models import Story, utcnow

    now = utcnow()
    with store.engine.begin() as connection:  # type: ignore[attr-defined]
        connection.execute(sa.insert(Story.__table__), [
            {"kind": "story", "title": f"Story {i}", "body": "What happened.",
             "status": "approved", "tags": [], "consent_by": "A", "consent_at": now,
             "source_folder": f"/media/{i}", "content_hash": "0" * 64, "created_at": now,
             "updated_at": now} for i in range(count)])
