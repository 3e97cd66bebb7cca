"""``outreach content``: import story folders, list and show stories, approve and archive."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import MISSING, aligned, echo_rows, format_option, moment, number
from outreach.db.states import StoryKind, StoryStatus, label
from outreach.errors import ContentError, did_you_mean
from outreach.i18n import N_, _, _l, format_date, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.db.models import Story
    from outreach.library.importer import ImportReport

LIST_COLUMNS = ("id", "status", "kind", "date", "municipality", "title", "photos", "consent",
                "tags")
HEADERS = {**SHARED_HEADERS, "consent": _l("Consent")}
# The consent column: stable words in JSON and CSV, the reader's in a table.
CONSENT = {"not needed": _l("not needed"), "recorded": _l("recorded"),
           "missing": _l("missing")}


@click.group()
def content() -> None:
    """Import, list, approve and archive stories."""


@content.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar=N_("PATH"))
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
        with click.progressbar(length=len(folders), label=_("Importing"), file=sys.stderr,
                               item_show_func=_folder_name) as bar:
            report = import_paths(store, folders,
                                  progress=lambda f: bar.update(1, current_item=f), **options)
    else:
        report = import_paths(store, folders, **options)
    _print_report(report)
    if report.failed:
        count = len(report.failed)
        raise ContentError(ngettext(
            "{count} story could not be imported (see above); fix it and run the import "
            "again — the others are stored",
            "{count} stories could not be imported (see above); fix them and run the import "
            "again — the others are stored", count).format(count=format_number(count)))


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _folder_name(folder: Path | None) -> str | None:
    return folder.name if folder else None


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _print_report(report: ImportReport) -> None:
    words = {"imported": _("imported"), "updated": _("updated"), "note": _("note"),
             "failed": _("failed")}
    width = max(len(word) for word in words.values()) + 2
    for folder in report.imported:
        click.echo(f"{words['imported']:<{width}} #{report.story_ids[folder]}  {_shown(folder)}")
    for folder in report.updated:
        click.echo(f"{words['updated']:<{width}} #{report.story_ids[folder]}  {_shown(folder)}")
    for folder, warning in report.warnings:
        click.echo(f"{words['note']:<{width}} {_shown(folder)}: {warning}")
    for folder, reason in report.failed:
        click.secho(f"{words['failed']:<{width}} {_shown(folder)}:", err=True, fg="red")
        for line in reason.splitlines():
            click.echo(f"    {line}", err=True)
    click.echo(_("Import: {summary}.").format(summary=report.summary()))


@content.command("new")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
                metavar=N_("FOLDER"))
@click.pass_obj
def new(app: App, folder: Path) -> None:
    """Write FOLDER's story.md (or change it) by answering questions."""
    from outreach.cli.story_wizard import story_wizard

    story_wizard(app, folder)


@content.command("list")
@click.option("--status", type=click.Choice([s.value for s in StoryStatus]),
              help=N_("Only stories with this status."))
@click.option("--kind", type=click.Choice([k.value for k in StoryKind]),
              help=N_("Only photo reports, or only stories."))
@click.option("--municipality", help=N_("Only stories from this municipality."))
@click.option("--tag", help=N_("Only stories with this tag."))
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
    rows = [_row(story, counts.get(story.id or 0, 0), fmt) for story in stories]
    echo_rows(rows, LIST_COLUMNS, fmt, empty=_("No stories match.") + hint, headers=HEADERS)


def _row(story: Story, photos: int, fmt: str) -> dict[str, Any]:
    if not photos:
        consent = "not needed"
    else:
        consent = "recorded" if story.consent_recorded else "missing"
    row = {
        "id": story.id, "status": story.status, "kind": story.kind, "date": story.event_date,
        "municipality": story.municipality, "title": story.title, "photos": photos,
        "consent": consent, "tags": list(story.tags or []),
    }
    if fmt == "table":
        row.update(status=label(story.status, StoryStatus), kind=label(story.kind, StoryKind),
                   date=story.event_date and format_date(story.event_date),
                   photos=number(photos), consent=str(CONSENT[consent]))
    return row


def _no_match_hint(session: Any, municipality: str | None, tag: str | None) -> str:
    """Point at a likely typo in a filter, from the values stories really have."""
    from outreach.library.stories import list_stories

    stories = list_stories(session)
    if municipality is not None:
        known = sorted({s.municipality for s in stories if s.municipality})
        if municipality not in known and (hint := did_you_mean(municipality, known)):
            return " " + _("No story is from {municipality!r}{did_you_mean}").format(
                municipality=municipality, did_you_mean=hint)
    if tag is not None:
        known = sorted({t for s in stories for t in (s.tags or [])})
        if tag not in known and (hint := did_you_mean(tag, known)):
            return " " + _("No story has the tag {tag!r}{did_you_mean}").format(
                tag=tag, did_you_mean=hint)
    return ""


@content.command("show")
@click.argument("story_id", metavar=N_("ID"), type=int)
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
        consent = _("recorded by {who} on {date}").format(
            who=story.consent_by, date=format_date(story.consent_at.astimezone(zone).date()))
        if form := _consent_form(story):
            consent += "; " + _("form: {form}").format(form=form)
    elif photos:
        consent = _("MISSING — the story cannot be approved until it is recorded. When the "
                    "people in the photos have agreed (a signed form), record it with: "
                    "outreach content consent {id} --form \"form no. 12 of 1 December\""
                    ).format(id=story.id)
    fields = [
        (_("Story"), f"#{story.id}  {story.title}"),
        (_("Status"), label(story.status, StoryStatus)),
        (_("Kind"), label(story.kind, StoryKind)),
        (_("Date"), format_date(story.event_date) if story.event_date else MISSING),
        (_("Municipality"), story.municipality or MISSING),
        (_("Tags"), ", ".join(story.tags or []) or MISSING),
        (_("Summary"), story.summary or MISSING),
        (_("Consent"), consent if photos or story.consent_recorded
         else _("not needed (no photos)")),
        (_("Folder"), story.source_folder),
        (_("Updated"), moment(story.updated_at, zone) or MISSING),
    ]
    for line in aligned(fields):
        click.echo(line)
    click.echo("\n" + (_("Photos ({count}):").format(count=format_number(len(photos)))
                       if photos else _("Photos: none")))
    for position, photo in enumerate(photos, start=1):
        try:
            present = "" if photo_path(story, photo).is_file() else "  " + _("[file missing]")
        except ContentError:
            present = "  " + _("[a link out of the story's folder: not published]")
        click.echo(f"  {position}. {photo.file}  {photo.width}×{photo.height}{present}")
        for name, value in ((_("caption"), photo.caption), (_("alt"), photo.alt),
                            (_("credit"), photo.credit)):
            click.echo(f"     {name}: {value if value else MISSING}")
    click.echo("\n" + (story.body or _("(no text)")))


def _consent_form(story: Story) -> str | None:
    """What shows the consent, as story.md says (the store keeps who and when only)."""
    from outreach.library.frontmatter import read_front_matter

    try:
        data, _body = read_front_matter(Path(story.source_folder))
    except ContentError:
        return None
    consent = data.get("consent")
    form = consent.get("form") if isinstance(consent, dict) else None
    return (form.strip() or None) if isinstance(form, str) else None


def _zone(app: App) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(app.config.time_zone)


@content.command("approve")
@click.argument("story_id", metavar=N_("ID"), type=int)
@click.option("--unarchive", is_flag=True,
              help=N_("Bring an archived story back and approve it."))
@click.pass_obj
def approve(app: App, story_id: int, unarchive: bool) -> None:
    """Approve a story for publishing (its photos need recorded consent)."""
    from outreach.library.stories import approve_story, get_story

    with app.store.session() as session:
        before = get_story(session, story_id).status
    story = approve_story(app.store, story_id, unarchive=unarchive)
    if before == StoryStatus.approved.value:
        click.echo(_("Story {id} was already approved: {title}").format(
            id=story_id, title=story.title))
    else:
        click.echo(_("Approved story {id}: {title}").format(id=story_id, title=story.title))


@content.command("consent")
@click.argument("story_id", metavar=N_("ID"), type=int)
@click.option("--form", required=True, metavar=N_("TEXT"),
              help=N_("What shows the consent: the signed form's number and date, e.g. "
                      "\"form no. 12 of 1 December\"."))
@click.option("--by", metavar=N_("NAME"),
              help=N_("Who records it, as story.md will say (default: your user name on "
                      "this computer)."))
@click.pass_obj
def consent(app: App, story_id: int, form: str, by: str | None) -> None:
    """Record that the people in a story's photos have agreed (e.g. signed a paper form).

    Writes who, when and what form into the story's story.md (its [consent]
    table, as the reporters' bot writes it) and imports the story again. Then
    the story can be approved and published.
    """
    from outreach.library.consent import record_consent
    from outreach.people import audit

    config = app.config
    recorded = record_consent(app.store, story_id, by=by if by is not None else _user_name(),
                              form=form, actor=audit.cli_actor(),
                              municipalities=config.municipalities,
                              time_zone=config.time_zone)
    click.echo(_("Consent recorded for story {id} “{title}”: {who}, {date}, form: {form}.")
               .format(id=recorded.story_id, title=recorded.title, who=recorded.by,
                       date=format_date(recorded.at.astimezone(_zone(app)).date()),
                       form=recorded.form))
    click.echo(_("Written to {path}.").format(path=_shown(recorded.path)))
    if recorded.status == StoryStatus.draft.value:
        click.echo(_("To publish it, approve it: outreach content approve {id}").format(
            id=recorded.story_id))
    elif recorded.status == StoryStatus.archived.value:
        click.echo(_("It is archived; to publish it: outreach content approve {id} "
                     "--unarchive").format(id=recorded.story_id))


def _user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (containers)
        return _("coordinator")


@content.command("archive")
@click.argument("story_id", metavar=N_("ID"), type=int)
@click.pass_obj
def archive(app: App, story_id: int) -> None:
    """Take a story out of campaigns; its planned publications are cancelled."""
    from outreach.library.stories import archive_story, get_story, planned_publications

    with app.store.session() as session:
        before = get_story(session, story_id).status
        planned = len(planned_publications(session, story_id))
    story = archive_story(app.store, story_id)
    if before == StoryStatus.archived.value:
        click.echo(_("Story {id} was already archived: {title}").format(
            id=story_id, title=story.title))
        return
    click.echo(_("Archived story {id}: {title}").format(id=story_id, title=story.title))
    if planned:
        click.echo(ngettext("Cancelled {count} planned publication.",
                            "Cancelled {count} planned publications.", planned).format(
            count=format_number(planned)))
