"""``outreach run``: the service."""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

import click

from outreach.i18n import N_, _, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App

# In the sandbox an hour of audience life passes in a minute, and engagement is
# collected as often, so a first run shows numbers growing within minutes.
SANDBOX_SPEED = 60.0


@click.command()
@click.option("--once", is_flag=True,
              help=N_("Do everything that is due now (plan, publish, collect), then exit."))
@click.option("--sandbox", "with_sandbox", is_flag=True,
              help=N_("Start the local fakes of VK and Telegram too, and give the channels "
                      "that use them their ready-made tokens (see `outreach sandbox`)."))
@click.option("--worker", metavar=N_("NAME"), envvar="OUTREACH_WORKER",
              help=N_("This worker's name in outreach status (default: host:process "
                      "number); the template unit names each worker by its instance."))
@click.pass_obj
def run(app: App, once: bool, with_sandbox: bool, worker: str | None) -> None:
    """Run the service: plan campaign slots, publish due posts, collect engagement.

    SIGINT or SIGTERM finishes the calls in flight and exits; SIGHUP re-reads
    the campaign files (they are also re-read when they change). Several
    workers can share a PostgreSQL database: they split the publishing and one
    of them plans at a time.
    """
    from outreach.engine.service import Service

    if with_sandbox:
        from outreach.platforms.sandbox import start_sandbox

        fakes = start_sandbox(app.config, app.registry, speed=SANDBOX_SPEED)
        # In this process only: the channels read their tokens from the environment.
        os.environ.update(fakes.environment)
        click.get_current_context().call_on_close(fakes.stop)
        for name, described in fakes.described.items():
            click.echo(_("Sandbox {name} at {url}").format(
                name=name, url=described.get("api_url", "?")), err=True)
        from outreach.fieldreports.rehearsal import rehearse

        rehearse(app.config, app.store, app.registry, fakes, speed=SANDBOX_SPEED)
    service = Service(app.config, app.store, app.registry, worker=worker,
                      speed=SANDBOX_SPEED if with_sandbox else 1.0)
    if once:
        try:
            report = service.run_once()
        finally:
            # Releases the planner lock and the publishing threads now, not at exit: a
            # call that hung past its timeout gets the grace to have its result recorded.
            service.stop()
        click.echo(_("Planned {planned}, {empty}, {skipped} skipped; started {started}.").format(
            planned=_publications(report.planned),
            empty=ngettext("{count} empty slot", "{count} empty slots", report.empty).format(
                count=format_number(report.empty)),
            skipped=format_number(report.skipped), started=_publications(report.published)))
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        return

    def shutdown(signum: int, _frame: object) -> None:
        click.echo(_("Stopping ({signal}): finishing calls in flight…").format(
            signal=signal.Signals(signum).name), err=True)
        service.request_stop()

    def reload(_signum: int, _frame: object) -> None:
        service.load_campaigns()
        service.request_plan()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGHUP, reload)
    metrics = None
    if app.config.metrics is not None:
        from outreach.monitoring.server import MetricsServer

        metrics = MetricsServer(app.store, app.config.metrics)
        metrics.start()
    service.start()
    try:
        service.wait()
    finally:
        service.stop()
        if metrics is not None:
            metrics.stop()
    click.echo(_("Stopped."), err=True)


def _publications(count: int) -> str:
    return ngettext("{count} publication", "{count} publications", count).format(
        count=format_number(count))
