"""``outreach run``: the service."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from outreach.cli import App


@click.command()
@click.option("--once", is_flag=True,
              help="Do everything that is due now (plan, publish, collect), then exit.")
@click.pass_obj
def run(app: App, once: bool) -> None:
    """Run the service: plan campaign slots, publish due posts, collect engagement.

    SIGINT or SIGTERM finishes the calls in flight and exits; SIGHUP re-reads
    the campaign files (they are also re-read when they change). Several
    workers can share a PostgreSQL database: they split the publishing and one
    of them plans at a time.
    """
    from outreach.engine.service import Service

    service = Service(app.config, app.store, app.registry)
    if once:
        report = service.run_once()
        click.echo(f"Planned {report.planned} publication(s), {report.empty} empty slot(s), "
                   f"{report.skipped} skipped; started {report.published} publication(s).")
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        return

    def shutdown(signum: int, _frame: object) -> None:
        click.echo(f"Stopping ({signal.Signals(signum).name}): finishing calls in flight…",
                   err=True)
        service._stop.set()

    def reload(_signum: int, _frame: object) -> None:
        service.load_campaigns()
        service.plan()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGHUP, reload)
    service.start()
    try:
        service.wait()
    finally:
        service.stop()
    click.echo("Stopped.", err=True)
