"""``outreach sandbox``: local fakes of the platforms, for rehearsing without the real ones."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING

import click

from outreach.i18n import _

if TYPE_CHECKING:
    from outreach.cli import App


@click.command()
@click.pass_obj
def sandbox(app: App) -> None:
    """Serve fakes of VK, Telegram, MAX and Odnoklassniki (each installed one) on 127.0.0.1.

    Each fake listens on the port of the api_url of the channels that rehearse
    with it (the example config: 8701 for VK, 8702 Telegram, 8703 MAX, 8704
    Odnoklassniki); change that port to run two sandboxes side by side. It
    prints each fake's address and ready-made tokens; the fakes keep their
    posts and members in the sandbox folder inside the data folder (`paths.data`
    in config.toml, `.outreach` by default) between runs. `outreach run
    --sandbox` starts the same fakes inside the service. Stop with Ctrl-C.
    """
    from outreach.platforms.sandbox import start_sandbox

    running = start_sandbox(app.config, app.registry, every_plugin=True)
    if not running.fakes:
        click.echo(_("No installed plugin has a fake platform."))
        return
    for name, described in running.described.items():
        click.echo(f"{name}:")
        for key, value in described.items():
            click.echo(f"  {key}: {value}")
    if running.environment:
        click.echo("\n" + _("For the channels in your config, set:"))
        for variable, value in sorted(running.environment.items()):
            click.echo(f"  export {variable}={value}")
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    click.echo("\n" + _("Serving until Ctrl-C."))
    try:
        done.wait()
    finally:
        running.stop()
    click.echo(_("Sandbox stopped."))
