"""``outreach init``: a working folder in one step — config, database, sample library."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.errors import NotFoundError

if TYPE_CHECKING:
    from outreach.cli import App

EXAMPLE = "config.example.toml"
SAMPLE_TAG = "sample"


@click.command()
@click.option("--samples", is_flag=True,
              help="Import the sample stories from <media>/samples and approve them.")
@click.pass_obj
def init(app: App, samples: bool) -> None:
    """Create config.toml from the example, create the database, optionally load samples.

    Running it again changes nothing that is already there: an existing
    config.toml is kept and unchanged samples are not imported twice.
    """
    target = app.config_path or Path("config.toml")
    if target.exists():
        click.echo(f"Keeping {target}.")
    else:
        example = Path(EXAMPLE)
        if not example.exists():
            raise NotFoundError(
                f"{target} does not exist and there is no {EXAMPLE} here to copy it from; "
                "run this in the Outreach folder or pass --config"
            )
        shutil.copyfile(example, target)
        click.echo(f"Created {target} from {EXAMPLE}: edit it to describe your centre.")
    app.config_path = target
    status = app.store.status()
    click.echo(f"Database ready at revision {status.current}.")
    if samples:
        _load_samples(app)


def _load_samples(app: App) -> None:
    from outreach.library.importer import import_paths
    from outreach.library.stories import approve_story, list_stories

    folder = app.config.media_dir / "samples"
    if not folder.is_dir():
        raise NotFoundError(f"no sample stories at {folder}")
    report = import_paths(app.store, [folder], municipalities=app.config.municipalities,
                          time_zone=app.config.time_zone)
    click.echo(
        f"Samples: {len(report.imported)} imported, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed."
    )
    for path, reason in report.failed:
        click.echo(f"  {path}: {reason}", err=True)
    # Sample stories carry recorded consent in their front matter, so they
    # are approved here to let the demo publish without a manual step.
    with app.store.session() as session:
        drafts = [s.id for s in list_stories(session, status="draft", tag=SAMPLE_TAG)]
    for story_id in drafts:
        approve_story(app.store, story_id)
    if drafts:
        click.echo(f"Approved {len(drafts)} sample stories (tagged '{SAMPLE_TAG}').")
