"""Resident memory of `outreach run` with 1,000 campaigns loaded.

Starts `python -m outreach run` on a fresh SQLite store with ``--campaigns``
campaign files (default 1,000, each scheduled weekly), waits until it says it
is running, reads VmRSS from /proc/<pid>/status, then stops it with SIGTERM.
The baseline is the same command with no campaign file, in the same run.

    python benchmarks/bench_run_memory.py [--campaigns 1000]
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status")


def measure(folder: Path, campaigns: int) -> tuple[float, float]:
    """(MiB resident once running, seconds to start) with ``campaigns`` campaign files."""
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(
        'database_url = "sqlite:///bench.db"\n[channels.main]\nplugin = "test"\n',
        encoding="utf-8")
    (folder / "campaigns").mkdir()
    for i in range(campaigns):
        (folder / "campaigns" / f"c{i:04d}.toml").write_text(
            f'name = "Campaign {i}"\n[schedule]\ncron = "{i % 60} {i % 24} * * {i % 7}"\n'
            '[channels]\nnames = ["main"]\n', encoding="utf-8")
    errors = folder / "stderr.txt"
    started = time.perf_counter()
    with errors.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "outreach", "--config", str(folder / "config.toml"), "run"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        try:
            while "Outreach is running as" not in errors.read_text(encoding="utf-8"):
                if process.poll() is not None or time.perf_counter() - started > 300:
                    raise RuntimeError(errors.read_text(encoding="utf-8")[-2000:])
                time.sleep(0.1)
            took = time.perf_counter() - started
            time.sleep(1.0)  # let the first jobs run
            return rss_mib(process.pid), took
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base, base_s = measure(Path(tmp) / "none", 0)
        rss, took = measure(Path(tmp) / "many", args.campaigns)
    print(f"`outreach run` resident memory (VmRSS), {args.campaigns} campaigns loaded")
    print(f"  with {args.campaigns} campaigns: {rss:6.1f} MiB (running after {took:.1f} s)")
    print(f"  with none (baseline):  {base:6.1f} MiB (running after {base_s:.1f} s)")
    print(f"  ratio: {rss / base:.2f}x; {(rss - base) * 1024 / max(args.campaigns, 1):.0f} KiB "
          "per campaign")


if __name__ == "__main__":
    main()
