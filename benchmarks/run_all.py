"""Run every benchmark in turn, each in a fresh process, and print their figures.

    python benchmarks/run_all.py [--quick]

``--quick`` runs the import benchmark with 50 photos instead of 500.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller runs: 50 photos to import, 1,000 publications, 100 campaigns")
    quick = parser.parse_args().quick
    benchmarks = [
        ["bench_cli_start.py"],
        ["bench_renditions.py"],
        ["bench_import.py", "--photos", "50" if quick else "500"],
        ["bench_outbox.py", "--count", "1000" if quick else "10000"],
        ["bench_scheduling.py", "--campaigns", "100" if quick else "1000"],
        ["bench_run_memory.py", "--campaigns", "100" if quick else "1000"],
        ["bench_stats.py", "--publications", "10000" if quick else "100000"],
        ["bench_report.py", "--publications", "10000" if quick else "100000",
         "--signups", "1000" if quick else "10000"],
        ["bench_faces.py"],
        ["bench_posters.py"],
        ["bench_print.py", "--rounds", "1" if quick else "3"],
        ["bench_vk.py", "--posts", "10" if quick else "100"],
        ["bench_telegram.py"],
        ["bench_reports.py", "--reporters", "10" if quick else "50"],
        ["bench_max.py", "--posts", "10" if quick else "100"],
        ["bench_ok.py", "--posts", "10" if quick else "100"],
    ]
    failed = []
    for script, *arguments in benchmarks:
        # A fresh process each, so one benchmark's imports and caches do not flatter another.
        result = subprocess.run([sys.executable, str(HERE / script), *arguments])
        if result.returncode != 0:
            failed.append(script)
        print()
    if failed:
        print(f"failed to run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
