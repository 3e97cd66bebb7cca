"""Stats: ``outreach stats`` over 100,000 publications and 1,000,000 engagement snapshots.

Uses the store ``seed.py`` builds once and caches (a year of a busy federation).
Then times, medians of ``--rounds``:

- the baseline: ``SELECT count(*) FROM engagementsnapshot`` (one pass over the table);
- the latest snapshot per publication three ways, summed per campaign and
  channel: the correlated ``ORDER BY taken_at DESC LIMIT 1`` that
  ``outreach.stats`` uses, a ROW_NUMBER() window, and a MAX(taken_at) join;
- ``outreach.stats.compute_stats`` (default grouping, and --by week);
- the whole command, ``python -m outreach stats`` in a fresh process.

    python benchmarks/bench_stats.py [--publications 100000] [--per 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

from common import median, timed, verdict
from seed import seeded_store

TARGET = 1.0  # seconds, for the stats query and for the whole command


def latest_snapshot_id(publication_id: Any) -> Any:
    """The id of a publication's newest snapshot (ties on time: the last stored).

    One index seek per publication on (publication_id, taken_at): the fastest way
    without the engagementlatest table, kept here as a comparison.
    """
    import sqlalchemy as sa

    from outreach.db.models import EngagementSnapshot, Publication

    e = EngagementSnapshot.__table__.alias("newest").c
    return (sa.select(e.id).where(e.publication_id == publication_id)
            .order_by(e.taken_at.desc(), e.id.desc()).limit(1)
            .correlate(Publication.__table__).scalar_subquery())


def strategies(engine: object) -> dict[str, object]:
    """The three ways to find each publication's latest snapshot, as Core queries."""
    import sqlalchemy as sa

    from outreach.db.models import EngagementLatest, EngagementSnapshot, Publication

    p, snapshot = Publication.__table__.c, EngagementSnapshot.__table__
    e = snapshot.c
    sums = [sa.func.count(p.id), sa.func.sum(e.views), sa.func.count(e.views),
            sa.func.sum(e.likes)]
    correlated = (sa.select(p.campaign_id, p.channel, *sums)
                  .select_from(Publication.__table__.outerjoin(
                      snapshot, e.id == latest_snapshot_id(p.id)))
                  .group_by(p.campaign_id, p.channel))
    ranked = sa.select(e.publication_id, e.views, e.likes, sa.func.row_number().over(
        partition_by=e.publication_id, order_by=(e.taken_at.desc(), e.id.desc())).label("n")
    ).subquery()
    window = (sa.select(p.campaign_id, p.channel, sa.func.count(p.id),
                        sa.func.sum(ranked.c.views), sa.func.count(ranked.c.views),
                        sa.func.sum(ranked.c.likes))
              .select_from(Publication.__table__.outerjoin(
                  ranked, sa.and_(ranked.c.publication_id == p.id, ranked.c.n == 1)))
              .group_by(p.campaign_id, p.channel))
    newest = (sa.select(e.publication_id, sa.func.max(e.taken_at).label("taken_at"))
              .group_by(e.publication_id).subquery())
    max_join = (sa.select(p.campaign_id, p.channel, *sums)
                .select_from(Publication.__table__
                             .outerjoin(newest, newest.c.publication_id == p.id)
                             .outerjoin(snapshot, sa.and_(e.publication_id == p.id,
                                                          e.taken_at == newest.c.taken_at)))
                .group_by(p.campaign_id, p.channel))
    kept = EngagementLatest.__table__
    table = (sa.select(p.campaign_id, p.channel, sa.func.count(p.id), sa.func.sum(kept.c.views),
                       sa.func.count(kept.c.views), sa.func.sum(kept.c.likes))
             .select_from(Publication.__table__.outerjoin(kept, kept.c.publication_id == p.id))
             .group_by(p.campaign_id, p.channel))
    return {"engagementlatest table (used)": table, "correlated LIMIT 1": correlated,
            "ROW_NUMBER() window": window, "MAX(taken_at) join": max_join}


def run(publications: int = 100_000, per: int = 10, rounds: int = 3) -> dict[str, float]:
    import sqlalchemy as sa

    from outreach.db import open_store
    from outreach.stats import compute_stats

    seconds = timed(lambda: seeded_store(publications, per))
    path = seeded_store(publications, per)
    if seconds > 1:
        print(f"stats: built {path} in {seconds:.1f} s")
    url = f"sqlite:///{path}"
    store = open_store(url)
    zone = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
    figures: dict[str, float] = {}
    try:
        with store.engine.connect() as c:
            count = c.execute(sa.text("SELECT count(*) FROM engagementsnapshot")).scalar()
            figures["baseline"] = median([timed(lambda: c.execute(sa.text(
                "SELECT count(*) FROM engagementsnapshot")).scalar()) for _ in range(rounds)])
            print(f"stats: {publications:,} publications, {count:,} snapshots (SQLite)")
            print(f"  baseline count(*) of snapshots   {figures['baseline']:7.3f} s")
            for name, query in strategies(store.engine).items():
                figures[name] = median([timed(lambda q=query: c.execute(q).all())
                                        for _ in range(rounds)])
                print(f"  latest snapshot: {name:<26} {figures[name]:7.3f} s  "
                      f"{figures[name] / figures['baseline']:5.1f}x baseline")
        for by in ("campaign-channel", "week"):
            figures[f"compute {by}"] = median([timed(lambda b=by: compute_stats(
                store, zone=zone, by=b)) for _ in range(rounds)])
            seconds = figures[f"compute {by}"]
            print(f"  compute_stats(by={by:<16}) {seconds:7.3f} s  "
                  f"{seconds / figures['baseline']:5.1f}x baseline  "
                  f"target < {TARGET:.0f} s: {verdict(seconds < TARGET)}")
    finally:
        store.dispose()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f'database_url = "{url}"\n', encoding="utf-8")
        env = {**os.environ, "OUTREACH_CONFIG": str(config)}
        command = [sys.executable, "-m", "outreach", "stats", "--format", "csv"]
        figures["cli"] = median([timed(lambda: subprocess.run(
            command, env=env, cwd=folder, check=True, capture_output=True))
            for _ in range(rounds)])
        figures["cli --help"] = median([timed(lambda: subprocess.run(
            [sys.executable, "-m", "outreach", "--help"], env=env, cwd=folder, check=True,
            capture_output=True)) for _ in range(rounds)])
    print(f"  outreach stats (fresh process)     {figures['cli']:7.3f} s  "
          f"(outreach --help alone: {figures['cli --help']:.3f} s)  "
          f"target < {TARGET:.0f} s: {verdict(figures['cli'] < TARGET)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--per", type=int, default=10, help="snapshots per publication")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    run(args.publications, args.per, args.rounds)


if __name__ == "__main__":
    main()
