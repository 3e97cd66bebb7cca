"""``outreach db``: where the store's schema stands, whether it is sound, bringing it up
to date, and backing it up.

These commands open the store without migrating it (``migrate=False``):
``status`` must report what is pending, not apply it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import aligned
from outreach.i18n import N_, _, format_decimal, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.db import SchemaStatus, Store


@click.group()
def db() -> None:
    """Check, upgrade and back up the database."""


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist yet in an existing folder
    (status must not create it; a missing folder is an error the store reports)."""
    from outreach.db.sqlite import file_of

    path = file_of(url)
    if path is None or path.exists() or not path.parent.is_dir():
        return None
    return path


def _open(app: App) -> Store:
    from outreach.db import open_store

    store = open_store(app.config.database_url, migrate=False)
    # Closed with the command, like the store App opens itself.
    click.get_current_context().call_on_close(store.dispose)
    return store


def _pending_rows(status: SchemaStatus) -> list[dict[str, str]]:
    return [{"revision": rev, "message": status.messages.get(rev, "")} for rev in status.pending]


@db.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help=N_("Output format."))
@click.pass_obj
def status(app: App, fmt: str) -> None:
    """Check the database; show its schema revision and the revisions still to apply."""
    from outreach.db import redact_url

    url = app.config.database_url
    shown = redact_url(url)
    missing = _missing_sqlite_file(url)
    if missing is not None:
        # Nothing to open: report it without creating the file.
        from outreach.db import head_revision

        status_info: dict[str, Any] = {"database": shown, "exists": False, "current": None}
        head = head_revision()
        status_info.update(head=head, pending=None, up_to_date=False)
        if fmt == "json":
            click.echo(json.dumps(status_info, ensure_ascii=False, indent=2))
            return
        for line in aligned([
                (_("Database"), shown),
                (_("Revision"), _("none — the file does not exist yet; it is created, at the "
                                  "latest schema, on first use (or by `outreach db upgrade`)")),
                (_("Latest"), head)]):
            click.echo(line)
        return
    store = _open(app)
    found = store.status()
    checked = store.check()  # a damaged database is an error, not a status
    pending = _pending_rows(found)
    if fmt == "json":
        click.echo(json.dumps({
            "database": shown, "exists": True, "current": found.current, "head": found.head,
            "pending": pending, "up_to_date": found.up_to_date, "checked": checked,
        }, ensure_ascii=False, indent=2))
        return
    fields = [(_("Database"), shown),
              (_("Checked"), _("{check}: sound").format(check=checked)),
              (_("Revision"), found.current or _("none (empty database)")),
              (_("Latest"), found.head)]
    if not found.up_to_date:
        fields.append((_("Pending"), ngettext(
            "{count} revision; run `outreach db upgrade` to apply:",
            "{count} revisions; run `outreach db upgrade` to apply:", len(pending)).format(
            count=format_number(len(pending)))))
    for line in aligned(fields):
        click.echo(line)
    if found.up_to_date:
        click.echo(_("The schema is up to date."))
        return
    for row in pending:
        click.echo(f"  {row['revision']}  {row['message']}")


@db.command()
@click.pass_obj
def upgrade(app: App) -> None:
    """Apply the pending schema revisions, keeping every row already stored."""
    from outreach.db import redact_url

    shown = redact_url(app.config.database_url)
    store = _open(app)
    before = store.status()
    store.check()  # a damaged database is restored, never upgraded
    if before.up_to_date:
        click.echo(_("{database} is up to date (revision {revision}); nothing to do.").format(
            database=shown, revision=before.head))
        return
    store.upgrade()
    for row in _pending_rows(before):
        click.echo(_("Applied {revision}: {message}").format(revision=row["revision"],
                                                              message=row["message"]))
    after = store.status()
    click.echo(_("{database} is now at revision {revision}.").format(
        database=shown, revision=after.current))


@db.command()
@click.argument("file", type=click.Path(path_type=Path), metavar=N_("FILE"))
@click.option("--force", is_flag=True, help=N_("Replace FILE if it exists."))
@click.pass_obj
def backup(app: App, file: Path, force: bool) -> None:
    """Copy the database to FILE, checked, while the service may keep running.

    The copy is readable by you only, like the database. To restore it, see
    "Backups" in the README.
    """
    from outreach.db import redact_url

    shown = redact_url(app.config.database_url)
    size = _open(app).backup(file, force=force)
    click.echo(_("Backed up {database} to {file} ({size}); the copy passed SQLite's check.")
               .format(database=shown, file=file, size=_size(size)))


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return _("{size} MB").format(size=format_decimal(count / 1024 / 1024, 1))
    return _("{size} KB").format(size=format_number(count // 1024))
