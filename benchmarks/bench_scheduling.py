"""Scheduling precision: lag from a slot's due time to the plugin's publish call.

``--campaigns`` campaign files (default 1,000) all name the same moment, about
half a minute ahead; the real Service (``start()``: APScheduler, planner,
dispatcher thread) runs until every publication is out. The test plugin logs
the time of each publish call; the lag is that time minus the slot. The
baseline is the lag of a single campaign measured the same way in the same run.

    python benchmarks/bench_scheduling.py [--campaigns 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, seed_stories  # noqa: F401  (puts the checkout on sys.path)


def measure(folder: Path, campaigns: int, lead: float) -> list[float]:
    """Lags in seconds, one per publication, for ``campaigns`` campaigns due together."""
    from outreach.db import open_store
    from outreach.db.models import utcnow
    from outreach.engine.service import Service
    from outreach_testing import make_registry, make_test_config, read_log

    config = make_test_config(folder, {"main": {"plugin": "test", "log": "calls.jsonl"}},
                              top={"database_url": f"sqlite:///{folder / 'bench.db'}"})
    config.campaigns_dir.mkdir()
    store = open_store(config.database_url)
    seed_stories(store, campaigns)
    slot = (utcnow() + dt.timedelta(seconds=lead)).replace(microsecond=0)
    for i in range(campaigns):
        (config.campaigns_dir / f"c{i:04d}.toml").write_text(
            f'name = "C{i}"\ntime_zone = "UTC"\n[schedule]\n'
            f'dates = [{slot.replace(tzinfo=None).isoformat()}]\n'
            '[channels]\nnames = ["main"]\n', encoding="utf-8")
    service = Service(config, store, make_registry(config), worker="bench")
    log = config.data_dir / "main" / "calls.jsonl"
    service.start()
    try:
        deadline = time.monotonic() + lead + 600
        while len(read_log(log)) < campaigns and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        service.stop()
        store.dispose()
    return [(dt.datetime.fromisoformat(line["time"]) - slot).total_seconds()
            for line in read_log(log)]


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--lead", type=float, default=30.0,
                        help="seconds from start to the common slot (loading takes time)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = measure(Path(tmp) / "one", 1, 8.0)
        lags = measure(Path(tmp) / "many", args.campaigns, args.lead)
    print(f"Scheduling: {args.campaigns} campaigns due at the same moment, "
          f"{len(lags)} publish calls")
    print(f"  lag slot -> publish call: median {statistics.median(lags):6.2f} s, "
          f"p99 {_p99(lags):6.2f} s, max {max(lags):6.2f} s")
    print(f"  baseline, one campaign: {base[0]:6.3f} s")
    print(f"  ratio of median to baseline: {statistics.median(lags) / max(base[0], 1e-6):.0f}x")


if __name__ == "__main__":
    main()
