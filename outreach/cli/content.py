"""``outreach content``: import story folders, list and show stories, approve and archive."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import MISSING, echo_rows, format_option
from outreach.db.states import StoryKind, StoryStatus
from outreach.errors import ContentError, did_you_mean

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.db.models import Story
    from outreach.library.importer import ImportReport

LIST_COLUMNS = ("id", "status", "kind", "date", "municipality", "title", "photos", "consent",
                "tags")


@click.group()
def content() -> None:
    """Import, list, approve and archive stories."""


@content.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
def import_(app: App, paths: tuple[Path, ...]) -> None:
    """Import story folders (a folder with story.md, or a tree of them).

    With no PATH, the media folder from config.toml is imported. Importing
    again is safe: unchanged stories are left alone, changed ones updated.
    """
    from outreach.library.importer import find_story_folders, import_paths

    config = app.config
    targets = list(paths) or [config.media_dir]
    folders = find_story_folders(targets)
    store = app.store
    options: dict[str, Any] = {"municipalities": config.municipalities,
                               "time_zone": config.time_zone}
    if len(folders) > 1 and _stderr_is_terminal():
        with click.progressbar(length=len(folders), label="Importing", file=sys.stderr,
                               item_show_func=lambda f: f.name if f else None) as bar:
            report = import_paths(store, folders,
                                  progress=lambda f: bar.update(1, current_item=f), **options)
    else:
        report = import_paths(store, folders, **options)
    _print_report(report)
    if report.failed:
        count = len(report.failed)
        raise ContentError(
            f"{count} {'story' if count == 1 else 'stories'} could not be imported (see above); "
            "fix them and run the import again — the others are stored"
        )


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _print_report(report: ImportReport) -> None:
    for folder in report.imported:
        click.echo(f"imported   #{report.story_ids[folder]}  {_shown(folder)}")
    for folder in report.updated:
        click.echo(f"updated    #{report.story_ids[folder]}  {_shown(folder)}")
    for folder, warning in report.warnings:
        click.echo(f"note       {_shown(folder)}: {warning}")
    for folder, reason in report.failed:
        click.secho(f"failed     {_shown(folder)}:", err=True, fg="red")
        for line in reason.splitlines():
            click.echo(f"    {line}", err=True)
    click.echo(f"Import: {report.summary()}.")


@content.command("new")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_obj
def new(app: App, folder: Path) -> None:
    """Write FOLDER's story.md (or change it) by answering questions."""
    from outreach.cli.story_wizard import story_wizard

    story_wizard(app, folder)


@content.command("list")
@click.option("--status", type=click.Choice([s.value for s in StoryStatus]))
@click.option("--kind", type=click.Choice([k.value for k in StoryKind]))
@click.option("--municipality", help="Only stories from this municipality.")
@click.option("--tag", help="Only stories with this tag.")
@format_option()
@click.pass_obj
def list_(app: App, status: str | None, kind: str | None, municipality: str | None,
          tag: str | None, fmt: str) -> None:
    """List stories, oldest first."""
    from outreach.library.stories import list_stories, photo_counts

    with app.store.session() as session:
        stories = list_stories(session, status=status, kind=kind, municipality=municipality,
                               tag=tag)
        counts = photo_counts(session)
        hint = "" if stories else _no_match_hint(session, municipality, tag)
    rows = [_row(story, counts.get(story.id or 0, 0)) for story in stories]
    echo_rows(rows, LIST_COLUMNS, fmt, empty="No stories match." + hint)


def _row(story: Story, photos: int) -> dict[str, Any]:
    if not photos:
        consent = "not needed"
    else:
        consent = "recorded" if story.consent_recorded else "missing"
    return {
        "id": story.id, "status": story.status, "kind": story.kind, "date": story.event_date,
        "municipality": story.municipality, "title": story.title, "photos": photos,
        "consent": consent, "tags": list(story.tags or []),
    }


def _no_match_hint(session: Any, municipality: str | None, tag: str | None) -> str:
    """Point at a likely typo in a filter, from the values stories really have."""
    from outreach.library.stories import list_stories

    stories = list_stories(session)
    if municipality is not None:
        known = sorted({s.municipality for s in stories if s.municipality})
        if municipality not in known and (hint := did_you_mean(municipality, known)):
            return f" No story is from {municipality!r}{hint}"
    if tag is not None:
        known = sorted({t for s in stories for t in (s.tags or [])})
        if tag not in known and (hint := did_you_mean(tag, known)):
            return f" No story has the tag {tag!r}{hint}"
    return ""


@content.command("show")
@click.argument("story_id", metavar="ID", type=int)
@click.pass_obj
def show(app: App, story_id: int) -> None:
    """Show one story: its fields, consent, photos and text."""
    from outreach.library.stories import get_story, photo_path, photos_of

    zone = _zone(app)
    with app.store.session() as session:
        story = get_story(session, story_id)
        photos = photos_of(session, story_id)
    consent = MISSING
    if story.consent_recorded and story.consent_at is not None:
        consent = f"recorded by {story.consent_by} on {story.consent_at.astimezone(zone):%Y-%m-%d}"
    elif photos:
        consent = "MISSING — the story cannot be approved until it is recorded"
    fields = [
        ("Story", f"#{story.id}  {story.title}"),
        ("Status", story.status),
        ("Kind", story.kind),
        ("Date", story.event_date.isoformat() if story.event_date else MISSING),
        ("Municipality", story.municipality or MISSING),
        ("Tags", ", ".join(story.tags or []) or MISSING),
        ("Summary", story.summary or MISSING),
        ("Consent", consent if photos or story.consent_recorded else "not needed (no photos)"),
        ("Folder", story.source_folder),
        ("Updated", f"{story.updated_at.astimezone(zone):%Y-%m-%d %H:%M}"
         if story.updated_at else MISSING),
    ]
    width = max(len(name) for name, _ in fields)
    for name, value in fields:
        click.echo(f"{name + ':':<{width + 1}} {value}")
    click.echo(f"\nPhotos ({len(photos)}):" if photos else "\nPhotos: none")
    for number, photo in enumerate(photos, start=1):
        try:
            present = "" if photo_path(story, photo).is_file() else "  [file missing]"
        except ContentError:
            present = "  [a link out of the story's folder: not published]"
        click.echo(f"  {number}. {photo.file}  {photo.width}×{photo.height}{present}")
        for label, value in (("caption", photo.caption), ("alt", photo.alt),
                             ("credit", photo.credit)):
            click.echo(f"     {label}: {value if value else MISSING}")
    click.echo("\n" + (story.body or "(no text)"))


def _zone(app: App) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(app.config.time_zone)


@content.command("approve")
@click.argument("story_id", metavar="ID", type=int)
@click.option("--unarchive", is_flag=True, help="Bring an archived story back and approve it.")
@click.pass_obj
def approve(app: App, story_id: int, unarchive: bool) -> None:
    """Approve a story for publishing (its photos need recorded consent)."""
    from outreach.library.stories import approve_story, get_story

    with app.store.session() as session:
        before = get_story(session, story_id).status
    story = approve_story(app.store, story_id, unarchive=unarchive)
    if before == StoryStatus.approved.value:
        click.echo(f"Story {story_id} was already approved: {story.title}")
    else:
        click.echo(f"Approved story {story_id}: {story.title}")


@content.command("archive")
@click.argument("story_id", metavar="ID", type=int)
@click.pass_obj
def archive(app: App, story_id: int) -> None:
    """Take a story out of campaigns; its planned publications are cancelled."""
    from outreach.library.stories import archive_story, get_story, planned_publications

    with app.store.session() as session:
        before = get_story(session, story_id).status
        planned = len(planned_publications(session, story_id))
    story = archive_story(app.store, story_id)
    if before == StoryStatus.archived.value:
        click.echo(f"Story {story_id} was already archived: {story.title}")
        return
    click.echo(f"Archived story {story_id}: {story.title}")
    if planned:
        click.echo(f"Cancelled {planned} planned publication{'s' if planned != 1 else ''}.")
