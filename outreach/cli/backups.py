"""``outreach backups``: the whole centre in one archive (database, config, media), and back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.errors import SchemaTooNew
from outreach.i18n import N_, _

if TYPE_CHECKING:
    from outreach.cli import App


@click.group()
def backups() -> None:
    """Back up the database, config.toml, campaigns and media in one file; restore it."""


@backups.command()
@click.option("--into", required=True, metavar=N_("FOLDER"),
              type=click.Path(file_okay=False, path_type=Path),
              help=N_("The folder that keeps the backups."))
@click.option("--keep", default=14, show_default=True, type=click.IntRange(min=1),
              help=N_("How many of the newest backups to keep there."))
@click.option("--before-upgrade", is_flag=True,
              help=N_("Only when the database is about to be upgraded (the service's unit "
                      "runs this before each start)."))
@click.pass_obj
def create(app: App, into: Path, keep: int, before_upgrade: bool) -> None:
    """Write a backup into FOLDER (tokens are never in it); delete the oldest beyond --keep."""
    from outreach.db import open_store
    from outreach.db.models import utcnow
    from outreach.deploy.backups import create as create_backup

    store = app.store if not before_upgrade else open_store(app.config.database_url,
                                                            migrate=False)
    try:
        try:
            status = store.status() if before_upgrade else None
        except SchemaTooNew:
            # `outreach run` refuses it next and exits with the code systemd does not
            # restart on; failing here instead would make systemd retry forever.
            click.echo(_("The database is newer than this Outreach; no backup made."))
            return
        if status is not None and (status.current is None or not status.pending):
            click.echo(_("The database needs no upgrade; no backup made."))
            return
        archive = create_backup(app.config, store, into, keep, utcnow())
    finally:
        if before_upgrade:
            store.dispose()
    click.echo(_("Backed up to {file}.").format(file=archive))


@backups.command()
@click.argument("archive", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                metavar=N_("FILE"))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), metavar=N_("DIR"))
@click.option("--database", "database_url", metavar=N_("URL"),
              help=N_("Restore the database here instead of where the backup's config.toml "
                      "points (e.g. a new PostgreSQL database); the restored config.toml "
                      "names it."))
def restore(archive: Path, folder: Path, database_url: str | None) -> None:
    """Restore the backup FILE into the new or empty folder DIR."""
    from outreach.deploy.backups import restore as restore_backup

    restored = restore_backup(archive, folder, database_url)
    click.echo(_("Restored {config}, {files} files of media and campaigns, and the database "
                 "{database}.").format(config=restored.config, files=restored.files,
                                       database=restored.database))
    click.echo(_("Posts published after the backup was made are not in it: check "
                 "outreach publications list --status planned before starting the service."))
