"""Stats: ``outreach stats`` over 100,000 publications and 1,000,000 engagement snapshots.

Builds a SQLite store once (Core executemany inserts; about a minute) and keeps
it in ``benchmarks/.cache/`` under a name with DATA_VERSION, so later runs start
at once. Then times, medians of ``--rounds``:

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
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

from common import ROOT, median, timed, verdict

DATA_VERSION = "2"
CHANNELS = ("vk", "telegram", "press")
TARGET = 1.0  # seconds, for the stats query and for the whole command


def build(path: Path, publications: int, per: int) -> None:
    """A store with ``publications`` published posts and ``per`` snapshots each."""
    import sqlalchemy as sa

    from outreach.db import open_store
    from outreach.db.models import (
        AudienceSnapshot,
        Campaign,
        CampaignSlot,
        EngagementLatest,
        EngagementSnapshot,
        Publication,
        ReferralCode,
        SignUp,
        Story,
    )

    rng = random.Random(7)
    start = dt.datetime(2025, 1, 1, 5, tzinfo=dt.UTC)
    store = open_store(f"sqlite:///{path}")
    stories = max(1, publications // 20)
    campaigns = 20
    with store.engine.begin() as c:
        c.execute(sa.insert(Campaign.__table__), [
            {"id": i + 1, "slug": f"campaign-{i + 1}", "name": f"Campaign {i + 1}",
             "definition_hash": "0" * 64, "active": True, "updated_at": start}
            for i in range(campaigns)])
        c.execute(sa.insert(Story.__table__), [
            {"id": i + 1, "kind": "story", "title": f"Story {i + 1}", "body": "",
             "municipality": f"Town {i % 40}", "tags": [], "status": "approved",
             "source_folder": f"media/story-{i + 1}", "content_hash": "0" * 64,
             "created_at": start, "updated_at": start} for i in range(stories)])
        rows, snaps, latest, number = [], [], [], 0
        for i in range(publications):
            channel = CHANNELS[i % 3]
            slot = start + dt.timedelta(minutes=5 * i)
            rows.append({"id": i + 1, "campaign_id": i % campaigns + 1,
                         "story_id": (i // 3) % stories + 1, "channel": channel, "slot": slot,
                         "status": "published", "attempts": 1, "created_at": slot,
                         "published_at": slot, "external_id": str(i),
                         "referral_code": f"code-{i + 1}" if i % 50 == 0 else None})
            for k in range(per):
                number += 1
                telegram = channel == "telegram"
                snaps.append({"id": number, "publication_id": i + 1,
                              "taken_at": slot + dt.timedelta(hours=6 * (k + 1)),
                              "views": None if telegram else 100 + k * 10,
                              "likes": None if telegram else k,
                              "shares": None if telegram else k // 2,
                              "comments": None if telegram else k // 3,
                              "reactions": k if telegram else None})
            if per:
                newest = dict(snaps[-1])
                del newest["id"]
                latest.append(newest)
            if len(snaps) >= 200_000:
                c.execute(sa.insert(Publication.__table__), rows)
                c.execute(sa.insert(EngagementSnapshot.__table__), snaps)
                c.execute(sa.insert(EngagementLatest.__table__), latest)
                rows, snaps, latest = [], [], []
        if rows:
            c.execute(sa.insert(Publication.__table__), rows)
        if snaps:
            c.execute(sa.insert(EngagementSnapshot.__table__), snaps)
        if latest:
            c.execute(sa.insert(EngagementLatest.__table__), latest)
        codes = [{"id": i + 1, "code": f"code-{i * 50 + 1}", "publication_id": i * 50 + 1,
                  "kind": "publication", "created_at": start}
                 for i in range((publications + 49) // 50)]
        c.execute(sa.insert(ReferralCode.__table__), codes)
        c.execute(sa.insert(SignUp.__table__), [
            {"created_at": start + dt.timedelta(hours=rng.randrange(24 * 365)),
             "source": "bench", "referral_code_id": rng.randrange(len(codes)) + 1,
             "status": "completed"} for _ in range(5000)])
        c.execute(sa.insert(AudienceSnapshot.__table__), [
            {"channel": channel, "taken_at": start + dt.timedelta(hours=6 * k),
             "members": 1000 + k} for channel in CHANNELS for k in range(4 * 365)])
        c.execute(sa.insert(CampaignSlot.__table__), [
            {"campaign_id": k % campaigns + 1, "slot": start + dt.timedelta(hours=k),
             "outcome": "empty" if k % 97 == 0 else "planned", "publications": 0,
             "recorded_at": start} for k in range(5000)])
    store.dispose()


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

    cache = ROOT / "benchmarks" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"stats-v{DATA_VERSION}-{publications}x{per}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seconds = timed(lambda: build(partial, publications, per))
        partial.rename(path)
        print(f"stats: built {path.name} in {seconds:.1f} s")
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
