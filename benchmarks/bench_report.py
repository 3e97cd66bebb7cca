"""``outreach report`` for a year, in a fresh process, over a year of a busy federation.

The store (``seed.py``: 100,000 publications, 1,000,000 engagement snapshots,
10,000 sign-ups, daily audience counts) is built once and cached; the report
runs on a copy of it (upgraded to the current schema there, with participants
and people helped written into the stories and a figure entered by hand), so
the cache stays as other benchmarks expect it. In the same run:

- the baseline: a bare ``SELECT count(*) FROM engagementsnapshot`` in a fresh
  process (seconds and peak memory);
- ``outreach report --period 2025`` in a fresh process: XLSX only, PDF only
  (with its charts) and both, medians of ``--rounds``: wall seconds, CPU
  seconds and the process's peak memory (its resident high-water mark, Linux);
- in this process, once: how the time splits between the queries, the
  workbook and the PDF.

Targets: under 5 s and under 300 MB for the annual report.

    python benchmarks/bench_report.py [--publications 100000] [--per 10]
                                      [--signups 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median, timed, verdict
from seed import seeded_store

SECONDS, MEGABYTES = 5.0, 300.0

# A fresh process that runs one command and reports its own peak memory on stderr: the
# kernel's high-water mark of this process's memory (VmHWM), which a new program starts
# afresh (ru_maxrss would carry over the benchmark's own, larger, from before the exec).
PEAK = """
import json, sys, time
start = time.perf_counter()
{body}
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"wall": time.perf_counter() - start, "rss_mb": peak / 1024}}),
      file=sys.stderr)
"""
REPORT = """
from outreach.cli import main
sys.argv = ["outreach", *{args!r}]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
"""
COUNT = """
import sqlalchemy as sa
engine = sa.create_engine({url!r})
with engine.connect() as c:
    c.execute(sa.text("SELECT count(*) FROM engagementsnapshot")).scalar()
"""


def prepare(source: Path, target: Path) -> str:
    """A copy of the cached store at the current schema, with the report's own inputs."""
    import sqlalchemy as sa

    from outreach.db import open_store

    shutil.copyfile(source, target)
    url = f"sqlite:///{target}"
    store = open_store(url)  # upgrades the copy
    with store.engine.begin() as c:
        c.execute(sa.text("UPDATE story SET participants = 5 + id % 40, "
                          "beneficiaries = CASE WHEN id % 3 = 0 THEN NULL ELSE id % 90 END"))
        c.execute(sa.text(
            "INSERT INTO result (period, starts_on, ends_on, indicator, value, note, created_at)"
            " VALUES ('2025-Q4', '2025-10-01', '2025-12-31', 'seminars', 6, 'Школа волонтёра',"
            " '2026-01-10 05:00:00.000000')"))
    store.dispose()
    return url


def run(publications: int = 100_000, per: int = 10, signups: int = 10_000,
        rounds: int = 3) -> dict[str, float]:
    seconds = timed(lambda: seeded_store(publications, per, signups))
    cached = seeded_store(publications, per, signups)
    if seconds > 1:
        print(f"report: built {cached} in {seconds:.1f} s")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = prepare(cached, Path(folder) / "store.db")
        config = Path(folder) / "config.toml"
        config.write_text(f'database_url = "{url}"\ntime_zone = "Asia/Yekaterinburg"\n'
                          '[centre]\nname = "Центр серебряного волонтёрства"\n',
                          encoding="utf-8")
        env = {**os.environ, "OUTREACH_CONFIG": str(config), "OUTREACH_LANG": "ru"}

        def fresh(body: str) -> tuple[float, float, float]:
            """Median wall seconds, CPU seconds and peak MB of ``rounds`` fresh processes."""
            import resource

            walls, cpus, peaks = [], [], []
            for _ in range(rounds):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                done = subprocess.run([sys.executable, "-c", PEAK.format(body=body)], env=env,
                                      cwd=folder, check=True, capture_output=True, text=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                said = json.loads(done.stderr.strip().splitlines()[-1])
                walls.append(said["wall"])
                peaks.append(said["rss_mb"])
                cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            return median(walls), median(cpus), median(peaks)

        print(f"report: {publications:,} publications, {publications * per:,} snapshots, "
              f"{signups:,} sign-ups (SQLite copy of {cached})")
        wall, cpu, peak = fresh(COUNT.format(url=url))
        figures.update({"count(*)": wall, "count(*) MB": peak})
        print(f"  baseline: count(*) of snapshots (fresh)   {wall:6.3f} s  {peak:6.0f} MB peak")
        for fmt in ("xlsx", "pdf", "both"):
            args = ["report", "--period", "2025", "--format", fmt, "--out",
                    str(Path(folder) / f"report-{fmt}")]
            wall, cpu, peak = fresh(REPORT.format(args=args))
            figures.update({fmt: wall, f"{fmt} CPU": cpu, f"{fmt} MB": peak})
            extra = ""
            if fmt == "both":
                extra = (f"  target < {SECONDS:.0f} s: {verdict(wall < SECONDS)}, "
                         f"< {MEGABYTES:.0f} MB: {verdict(peak < MEGABYTES)}")
            print(f"  outreach report --period 2025 --format {fmt:<4} (fresh) {wall:6.3f} s wall"
                  f" {cpu:6.3f} s CPU {peak:6.0f} MB peak ({wall / figures['count(*)']:4.1f}x "
                  f"count(*)){extra}")
        split = _split(url)
        figures.update(split)
        print("  in one process: " + ", ".join(f"{k} {v:.3f} s" for k, v in split.items()))
    return figures


def _split(url: str) -> dict[str, float]:
    """Seconds of the queries, the workbook and the PDF, in this process."""
    from outreach.config import Centre
    from outreach.db import open_store
    from outreach.i18n import activate
    from outreach.report.build import build_report
    from outreach.report.pdf import write_pdf
    from outreach.report.period import parse_period
    from outreach.report.xlsx import write_xlsx

    activate("ru")
    store = open_store(url)
    centre = Centre("Центр", "", "", "", "", None, "")
    built: list[object] = []
    times = {"queries": timed(lambda: built.append(build_report(
        store, parse_period("2025"), "previous", zone="Asia/Yekaterinburg", centre=centre,
        places={})))}
    report = built[0]
    with tempfile.TemporaryDirectory() as folder:
        times["xlsx"] = timed(lambda: write_xlsx(report, Path(folder) / "r.xlsx"))  # type: ignore[arg-type]
        times["pdf"] = timed(lambda: write_pdf(report, Path(folder) / "r.pdf"))  # type: ignore[arg-type]
    store.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--per", type=int, default=10, help="snapshots per publication")
    parser.add_argument("--signups", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(args.publications, args.per, args.signups, args.rounds)


if __name__ == "__main__":
    main()
