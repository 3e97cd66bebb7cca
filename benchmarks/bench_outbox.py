"""Outbox throughput: publications planned and dispatched per second, through the test plugin.

One campaign slot plans ``--count`` publications (one per story), then
``Service.run_once`` publishes them through the test plugin (no latency, log
in memory). The baseline, in the same run and store: a bare loop of one
INSERT and one UPDATE per row, each in its own transaction, which is the least
any outbox that records each publication durably must do.

    python benchmarks/bench_outbox.py [--count 10000] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa  # noqa: E402  (common puts the checkout on sys.path first)
from common import seed_stories, timed


def _project(folder: Path, url: str, count: int):  # type: ignore[no-untyped-def]
    from outreach.db import open_store
    from outreach.db.models import utcnow
    from outreach_testing import make_test_config

    config = make_test_config(folder, {"main": {"plugin": "test"}}, top={"database_url": url})
    config.campaigns_dir.mkdir(exist_ok=True)
    at = (utcnow() - dt.timedelta(minutes=1)).replace(microsecond=0, tzinfo=None)
    (config.campaigns_dir / "bench.toml").write_text(
        f'name = "Bench"\ntime_zone = "UTC"\n[schedule]\ndates = [{at.isoformat()}]\n'
        f'[content]\nper_run = {count}\n[channels]\nnames = ["main"]\n', encoding="utf-8")
    store = open_store(config.database_url)
    seed_stories(store, count)
    return config, store


def _baseline(store, count: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds for ``count`` rows of INSERT then UPDATE, one transaction each."""
    table = sa.Table("bench_bare", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("status", sa.String(20)))
    table.create(store.engine)

    def loop() -> None:
        for i in range(1, count + 1):
            with store.engine.begin() as connection:
                connection.execute(table.insert().values(id=i, status="planned"))
            with store.engine.begin() as connection:
                connection.execute(table.update().where(table.c.id == i)
                                   .values(status="published"))
    seconds = timed(loop)
    table.drop(store.engine)
    return seconds


def measure(label: str, url: str, folder: Path, count: int) -> dict[str, float]:
    from outreach.engine.service import Service
    from outreach_testing import make_registry

    config, store = _project(folder, url, count)
    service = Service(config, store, make_registry(config), worker="bench")
    plan_s = timed(lambda: (service.load_campaigns(), service.plan()))
    run_s = timed(lambda: service.run_once(timeout=3600))
    with store.engine.connect() as connection:
        published = connection.execute(sa.text(
            "SELECT count(*) FROM publication WHERE status = 'published'")).scalar()
    base_s = _baseline(store, count)
    store.dispose()
    total = plan_s + run_s
    rate, base_rate = count / total, count / base_s
    print(f"{label}: {count} publications, {published} published")
    if published != count:
        print("  NOT ALL PUBLISHED: no throughput figure (see the errors above)")
        return {}
    print(f"  planned in {plan_s:6.2f} s, dispatched in {run_s:6.2f} s: "
          f"{rate:7.0f} publications/s end to end ({count / run_s:.0f}/s dispatching)")
    print(f"  bare INSERT + UPDATE loop: {base_s:6.2f} s, {base_rate:7.0f} rows/s")
    print(f"  ratio (outbox / bare loop): {rate / base_rate:.2f}")
    return {"rate": rate, "baseline": base_rate, "ratio": rate / base_rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server (a scratch schema is made and dropped); "
                             "'' to leave PostgreSQL out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("SQLite", f"sqlite:///{folder / 'bench.db'}", folder / "sqlite", args.count)
        if args.pg_url:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            try:
                measure("PostgreSQL", f"{args.pg_url}?options=-csearch_path%3D{schema}",
                        folder / "pg", args.count)
            finally:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
