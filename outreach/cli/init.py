"""``outreach init``: a working folder in one step — config, database, sample library."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.config.template import (
    BRAND,
    EXAMPLE,
    SAMPLE_CAMPAIGNS,
    SAMPLE_STORIES,
    copy_missing,
    template_dir,
)
from outreach.errors import NotFoundError
from outreach.i18n import N_, _, activate, format_number, ngettext
from outreach.i18n.choice import ENV, config_language

if TYPE_CHECKING:
    from outreach.cli import App

SAMPLE_TAG = "sample"


@click.command()
@click.argument("folder", required=False, metavar=N_("[DIR]"),
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--samples", is_flag=True,
              help=N_("Copy the sample stories and campaigns too, import the stories and "
                      "approve them."))
@click.pass_obj
def init(app: App, folder: Path | None, samples: bool) -> None:
    """Make DIR (default: here) a centre's working folder: config.toml, database, media.

    config.toml is copied from config.example.toml (this folder's, else the
    one Outreach ships). Running it again changes nothing that is already
    there: an existing config.toml is kept, sample files are not copied over
    and unchanged samples are not imported twice.
    """
    target = app.config_path or (folder or Path()) / "config.toml"
    if target.exists():
        click.echo(_("Keeping {path}.").format(path=target))
    else:
        example = Path(EXAMPLE) if Path(EXAMPLE).is_file() else template_dir() / EXAMPLE
        if not example.is_file():
            raise NotFoundError(
                _("{path} does not exist and there is no {example} here to copy it from; "
                  "run this in the Outreach folder or pass --config").format(
                    path=target, example=EXAMPLE)
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example, target)
        # The language was chosen before this file existed (from the system's
        # locale, often English); from here on the folder speaks the one it names,
        # as every later command will (docs/i18n.md), unless OUTREACH_LANG says.
        written = config_language(target)
        if written and not os.environ.get(ENV, "").strip():
            activate(written)
        click.echo(_("Created {path} from {example}: edit it to describe your centre.").format(
            path=target, example=EXAMPLE))
        # The example's watermark names the sample logo; the centre replaces it.
        copy_missing(BRAND, target.parent / BRAND)
    app.config_path = target
    status = app.store.status()
    click.echo(_("Database ready at revision {revision}.").format(revision=status.current))
    if samples:
        _load_samples(app)


def _demo_files(app: App) -> list[Path]:
    """The files the configured channels' plugins read from the media folder, written
    for the demo (a stand's meetings), in the centre's language; a centre's own are kept."""
    import datetime as dt
    import zoneinfo

    from outreach.errors import OutreachError
    from outreach.i18n import current_language, language

    config = app.config
    plugins = []
    for name in config.channels:
        try:
            plugin = app.registry.plugin_class(name)
        except OutreachError:
            continue  # the registry reports a broken plugin; the demo goes on
        if plugin not in plugins:
            plugins.append(plugin)
    today = dt.datetime.now(zoneinfo.ZoneInfo(config.time_zone)).date()
    written: list[Path] = []
    with language(config.language or current_language()):
        for plugin in plugins:
            written += plugin.demo_files(config.media_dir, today)
    return written


def _load_samples(app: App) -> None:
    from outreach.library.importer import import_paths
    from outreach.library.stories import approve_story, list_stories

    folder = app.config.media_dir / "samples"
    copied = (copy_missing(SAMPLE_STORIES, folder)
              + copy_missing(SAMPLE_CAMPAIGNS, app.config.campaigns_dir))
    if copied:
        click.echo(ngettext("Copied {count} sample file.", "Copied {count} sample files.",
                            len(copied)).format(count=format_number(len(copied))))
    if not folder.is_dir():
        raise NotFoundError(_("no sample stories at {folder}").format(folder=folder))
    for path in _demo_files(app):
        click.echo(_("Sample meetings for the stands, dated from today: {path} (edit it "
                     "for your own meetings).").format(path=path))
    report = import_paths(app.store, [folder], municipalities=app.config.municipalities,
                          time_zone=app.config.time_zone)
    click.echo(
        _("Samples: {imported} imported, {updated} updated, {unchanged} unchanged, "
          "{failed} failed.").format(imported=len(report.imported), updated=len(report.updated),
                                     unchanged=len(report.unchanged), failed=len(report.failed))
    )
    for path, reason in report.failed:
        click.echo(f"  {path}: {reason}", err=True)
    # Sample stories carry recorded consent in their front matter, so they
    # are approved here to let the demo publish without a manual step.
    with app.store.session() as session:
        drafts = [s.id for s in list_stories(session, status="draft", tag=SAMPLE_TAG)
                  if s.id is not None]
    for story_id in drafts:
        approve_story(app.store, story_id)
    if drafts:
        click.echo(ngettext("Approved {count} sample story (tagged '{tag}').",
                            "Approved {count} sample stories (tagged '{tag}').",
                            len(drafts)).format(count=format_number(len(drafts)), tag=SAMPLE_TAG))
