"""``outreach deploy``: what a centre's server needs to run the service on its own."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.errors import NotFoundError, StateError
from outreach.i18n import N_, _

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.config import Config


@click.group()
def deploy() -> None:
    """Write what a server needs to run Outreach on its own (docs/deploy.md)."""


@deploy.command()
@click.option("--user", required=True, metavar=N_("USER"),
              help=N_("The system user the service runs as (its own, e.g. outreach)."))
@click.option("--dir", "folder", required=True, metavar=N_("DIR"),
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("The centre's working folder on the server, e.g. /srv/outreach."))
@click.option("--out", "out", default=Path("systemd"), show_default=True, metavar=N_("FOLDER"),
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("Where to write the units and the tokens file."))
@click.option("--outreach", "command", default=None, metavar=N_("FILE"),
              type=click.Path(dir_okay=False, path_type=Path),
              help=N_("The installed outreach command (default: this one)."))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help=N_("How many services share the PostgreSQL database: more than one writes "
                      "a template unit, one service per worker."))
@click.pass_obj
def systemd(app: App, user: str, folder: Path, out: Path, command: Path | None,
            workers: int) -> None:
    """Write outreach.service, the nightly backup's service and timer, and outreach.env.

    The paths are DIR's; the tokens file lists the variables config.toml names,
    to fill in and install as /etc/outreach/outreach.env, readable by root only.
    """
    from outreach.deploy import Setup, env_template, units

    folder = folder if folder.is_absolute() else Path.cwd() / folder
    config_file = app.config_path or folder / "config.toml"
    config = None
    if config_file.is_file():
        app.config_path = config_file
        config = app.config
    postgresql = bool(config and config.database_url.startswith("postgresql"))
    if workers > 1 and not postgresql:
        raise StateError(_("several workers need a PostgreSQL database; {config} names "
                           "none (docs/deploy.md)").format(config=config_file))
    setup = Setup(user=user, folder=folder, outreach=command or _this_command(),
                  postgresql=postgresql, workers=workers,
                  extra_writable=_writable(config) if config else ())
    out.mkdir(parents=True, exist_ok=True)
    for name, text in units(setup).items():
        (out / name).write_text(text, encoding="utf-8")
        click.echo(_("wrote  {path}").format(path=out / name))
    env = out / "outreach.env"
    if env.exists():
        click.echo(_("Keeping {path}.").format(path=env))
    else:
        variables = app.registry.secret_variables() if config else []
        # Created 0600 at once: the file is for tokens.
        with os.fdopen(os.open(env, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(env_template(variables))
        click.echo(_("wrote  {path}").format(path=env))
    click.echo(_("Next: fill in the tokens in {env}, then install as root — see docs/deploy.md.")
               .format(env=env))
    if workers > 1:
        click.echo(_("Start the workers with: sudo systemctl enable --now {units}").format(
            units=" ".join(f"outreach@{n}.service" for n in range(1, workers + 1))))


def _this_command() -> Path:
    beside = Path(sys.executable).parent / "outreach"
    found = beside if beside.is_file() else shutil.which("outreach")
    if found is None:
        raise NotFoundError(_("the outreach command is not installed here; name it with "
                              "--outreach"))
    return Path(found).absolute()


def _writable(config: Config) -> tuple[Path, ...]:
    """The config's folders the service writes to (those outside the working folder)."""
    return tuple(p.absolute() for p in (config.media_dir, config.output_dir, config.cache_dir,
                                        config.data_dir))
