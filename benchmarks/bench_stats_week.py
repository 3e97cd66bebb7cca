"""``outreach stats --by week`` in a fresh process, over a year of a busy federation.

The store (``seed.py``: 100,000 publications, 1,000,000 engagement snapshots,
10,000 sign-ups) is built once and cached. In the same run, medians of
``--rounds``:

- the baseline: a bare ``SELECT count(*) FROM engagementsnapshot`` (one pass
  over the biggest table), in this process;
- ``python -m outreach --help`` in a fresh process (what any command costs to start),
  and a fresh process that only imports the modules ``stats --by week`` imports
  (read from ``python -X importtime`` of one run of it): the floor no query can go
  under;
- ``outreach stats --by week`` in a fresh process: the table a person reads, with
  the top stories, audience, empty slots and funnel under the rows (the target);
  then ``--format csv`` (the rows alone) of it and of the other groupings.

Fresh processes are timed on the wall clock and in CPU seconds (user + system
of the child): on a shared machine the CPU seconds are what other load
disturbs least.

    python benchmarks/bench_stats_week.py [--publications 100000] [--per 10]
                                          [--signups 10000] [--rounds 5] [--older DIR]

``--older DIR`` also times ``stats --by week`` (table and CSV) with the ``outreach`` package in DIR
(e.g. ``git archive <commit> outreach | tar -x -C DIR``, plus its compiled
catalogues), in the same run; the cached store must be at a schema revision that
code knows (``OUTREACH_BENCH_CACHE`` can point at a store seeded with it).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median, timed, verdict
from seed import seeded_store

TARGET = 0.5  # seconds, the whole command in a fresh process
GROUPINGS = ("week", "campaign", "municipality", "story", "home")


def run(publications: int = 100_000, per: int = 10, signups: int = 10_000,
        rounds: int = 5, older: Path | None = None) -> dict[str, float]:
    import sqlalchemy as sa

    seconds = timed(lambda: seeded_store(publications, per, signups))
    path = seeded_store(publications, per, signups)
    if seconds > 1:
        print(f"stats --by week: built {path} in {seconds:.1f} s")
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    figures: dict[str, float] = {}
    with engine.connect() as c:
        count = "SELECT count(*) FROM engagementsnapshot"
        snapshots = c.execute(sa.text(count)).scalar()
        figures["count(*)"] = median([timed(lambda: c.execute(sa.text(count)).scalar())
                                      for _ in range(rounds)])
    engine.dispose()
    print(f"stats --by week: {publications:,} publications, {snapshots:,} snapshots, "
          f"{signups:,} sign-ups (SQLite, {path})")
    print(f"  baseline: count(*) of snapshots               {figures['count(*)']:7.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f'database_url = "{url}"\ntime_zone = "Asia/Yekaterinburg"\n',
                          encoding="utf-8")
        env = {**os.environ, "OUTREACH_CONFIG": str(config), "OUTREACH_LANG": "ru"}

        def fresh(*command: str, where: dict[str, str] = env) -> tuple[float, float]:
            walls, cpus = [], []
            for _ in range(rounds):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                walls.append(timed(lambda: subprocess.run(
                    [sys.executable, *command], env=where, cwd=folder, check=True,
                    capture_output=True)))
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(after.ru_utime + after.ru_stime
                            - before.ru_utime - before.ru_stime)
            return median(walls), median(cpus)

        def show(name: str, wall: float, cpu: float, extra: str = "") -> None:
            print(f"  {name:<44} {wall:6.3f} s wall {cpu:6.3f} s CPU{extra}")

        # Some are tried and missed on this system (nt, msvcrt), as in the command.
        modules = imported_by(env, folder, "-m", "outreach", "stats", "--by", "week",
                              "--format", "csv")
        imports = (f"import importlib\nfor name in {modules!r}:\n"
                   "    try: importlib.import_module(name)\n"
                   "    except ImportError: pass")
        for name, command in (
                ("outreach --help", ("-m", "outreach", "--help")),
                ("imports of stats only", ("-c", imports))):
            figures[name], figures[f"{name} CPU"] = fresh(*command)
            show(name + " (fresh)", figures[name], figures[f"{name} CPU"])
        floor = figures["imports of stats only CPU"]
        # What a person types: the table, with the top stories, audience and funnel under
        # the rows; then the rows alone (CSV) of every grouping.
        week_table = ("-m", "outreach", "stats", "--by", "week")
        wall, cpu = fresh(*week_table)
        figures["week table"], figures["week table CPU"] = wall, cpu
        show("outreach stats --by week (fresh)", wall, cpu,
             f"  {wall / figures['count(*)']:5.0f}x count(*); target < {TARGET} s: "
             f"{verdict(wall < TARGET)}")
        for by in GROUPINGS:
            wall, cpu = fresh("-m", "outreach", "stats", "--by", by, "--format", "csv")
            figures[by], figures[f"{by} CPU"] = wall, cpu
            extra = (f"  {wall / figures['count(*)']:5.0f}x count(*); "
                     f"{cpu - floor:+.3f} s CPU over the imports")
            if by == "week":
                extra += f"; target < {TARGET} s: {verdict(wall < TARGET)}"
            show(f"... --by {by} --format csv (rows only)", wall, cpu, extra)
        if older is not None:
            path_with_older = os.pathsep.join([str(older), env.get("PYTHONPATH", "")])
            for name, command in (("week table", week_table),
                                  ("week", (*week_table, "--format", "csv"))):
                try:
                    wall, cpu = fresh(*command, where={**env, "PYTHONPATH": path_with_older})
                except subprocess.CalledProcessError as exc:  # e.g. the store is newer
                    print(f"  older code ({older}) failed: "
                          f"{exc.stderr.decode().strip()[:300]}")
                    return figures
                figures[f"older {name}"], figures[f"older {name} CPU"] = wall, cpu
                show(f"older code: {' '.join(command[2:])}", wall, cpu,
                     f"  this code takes {figures[name] / wall:.2f}x its wall time, "
                     f"{figures[f'{name} CPU'] / cpu:.2f}x its CPU")
    return figures


def imported_by(env: dict[str, str], folder: str, *command: str) -> list[str]:
    """The modules a fresh ``python *command`` imports, in the order it imports them
    (``-X importtime`` lists each when its import ends: children first)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command], env=env, cwd=folder,
                          check=True, capture_output=True, text=True)
    names = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and "[us]" not in line]
    # The editable install's path hook and the package's __main__ are not imports to repeat.
    return [name for name in names if not name.startswith("__") and name != "outreach.__main__"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--per", type=int, default=10, help="snapshots per publication")
    parser.add_argument("--signups", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--older", type=Path, help="a folder holding an older outreach package")
    args = parser.parse_args()
    run(args.publications, args.per, args.signups, args.rounds, args.older)


if __name__ == "__main__":
    main()
