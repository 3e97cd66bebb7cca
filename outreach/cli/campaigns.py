"""``outreach campaigns``: list, validate and preview campaign files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import echo_rows, format_option, moment, number, yes_no
from outreach.errors import CampaignError, Problem
from outreach.i18n import (
    N_,
    _,
    _l,
    format_number,
    ngettext,
    npgettext,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from outreach.campaigns.preview import PreviewItem
    from outreach.channels import Channel
    from outreach.cli import App

LIST_COLUMNS = ("slug", "name", "schedule", "next", "channels", "active", "empty_slots")
PREVIEW_COLUMNS = ("slot", "channel", "story", "chars", "photos", "trimmed")
HEADERS = {**SHARED_HEADERS, "slug": _l("File"), "schedule": _l("Schedule"),
           "next": _l("Next slot"), "active": _l("Active"), "empty_slots": _l("Empty slots"),
           "chars": _l("Characters"),
           "trimmed": _l("Trimmed"), "folder": _l("Folder"), "notes": _l("Notes")}


@click.group()
def campaigns() -> None:
    """List, validate and preview campaign files."""


@campaigns.command("list")
@format_option()
@click.pass_obj
def list_(app: App, fmt: str) -> None:
    """Show every valid campaign: its schedule, next slot and channels."""
    from outreach.campaigns.routing import fixed_channels, possible_channels
    from outreach.campaigns.schedule import describe, local, next_slots
    from outreach.campaigns.spec import load_campaigns

    config = app.config
    specs, problems = load_campaigns(config)
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for spec in specs:
        upcoming = next_slots(spec, now, 1)
        channels = fixed_channels(spec, config)
        if spec.channels.by_municipality:
            local_ones = [c for c in possible_channels(spec, config) if c not in channels]
            channels.append(_("by municipality ({channels})").format(
                channels=", ".join(local_ones) or _("none yet")))
        rows.append({
            "slug": spec.slug,
            "name": spec.name,
            "schedule": describe(spec),
            "next": (local(spec, upcoming[0]).strftime("%Y-%m-%d %H:%M %a") if fmt != "table"
                     else moment(local(spec, upcoming[0]))) if upcoming else None,
            "channels": channels,
            "active": ("yes" if spec.active else "no") if fmt != "table" else yes_no(spec.active),
        })
    empty = _empty_slots(app, now - EMPTY_WINDOW)
    for row in rows:
        row["empty_slots"] = empty.get(row["slug"], 0)
    if fmt == "table":
        shown = [{**row, "empty_slots": number(row["empty_slots"])} for row in rows]
    else:
        shown = rows
    echo_rows(shown, LIST_COLUMNS, fmt,
              empty=_("No campaign files in {folder}.").format(folder=config.campaigns_dir),
              headers=HEADERS)
    if fmt == "table":
        for row in rows:
            if row["empty_slots"]:
                click.echo(ngettext(
                    "Warning: {campaign} had {count} slot with no approved story left in the "
                    "last {days} days: approve more stories or widen its content rules.",
                    "Warning: {campaign} had {count} slots with no approved story left in the "
                    "last {days} days: approve more stories or widen its content rules.",
                    row["empty_slots"]).format(campaign=row["slug"],
                                               count=format_number(row["empty_slots"]),
                                               days=EMPTY_WINDOW.days), err=True)
    if problems:
        files = len({p.source for p in problems})
        click.echo(ngettext("{count} campaign file with problems left out; run 'outreach "
                            "campaigns validate' to see it.",
                            "{count} campaign files with problems left out; run 'outreach "
                            "campaigns validate' to see them.", files).format(
            count=format_number(files)), err=True)


EMPTY_WINDOW = dt.timedelta(days=30)


def _empty_slots(app: App, since: dt.datetime) -> dict[str, int]:
    """Slots recorded as empty since ``since``, per campaign slug."""
    import sqlalchemy as sa

    from outreach.db.models import Campaign, CampaignSlot

    slot, campaign = CampaignSlot.__table__.c, Campaign.__table__.c
    query = (sa.select(campaign.slug, sa.func.count(slot.id))
             .select_from(CampaignSlot.__table__.join(Campaign.__table__,
                                                     campaign.id == slot.campaign_id))
             .where(slot.outcome == "empty", slot.slot >= since)
             .group_by(campaign.slug))
    with app.store.engine.connect() as connection:
        return {slug: count for slug, count in connection.execute(query)}


@campaigns.command()
@click.argument("slug", required=False, metavar=N_("SLUG"))
@click.pass_obj
def new(app: App, slug: str | None) -> None:
    """Write a campaign file (or change SLUG's) by answering questions."""
    from outreach.cli.campaign_wizard import campaign_wizard

    campaign_wizard(app, slug)


@campaigns.command()
@click.argument("slug", required=False, metavar=N_("SLUG"))
@click.pass_obj
def validate(app: App, slug: str | None) -> None:
    """Check campaign files (all, or SLUG) and report every problem at once."""
    from outreach.campaigns.printing import format_problems, printing_channels
    from outreach.campaigns.spec import load_campaign, load_campaigns

    config = app.config
    problems: list[Problem]
    if slug is not None:
        specs, problems = [load_campaign(config, slug)], []
    else:
        specs, problems = load_campaigns(config)
    for spec in specs:  # the formats of placements, against the channels that print them
        problems += format_problems(spec, printing_channels(spec, config, app.registry))
    if slug is not None and not problems:
        click.echo(_("{path} is valid.").format(path=config.campaigns_dir / (slug + ".toml")))
        return
    if problems:
        files = len({p.source for p in problems})
        count = len(problems)
        raise CampaignError(problems, ngettext("{count} problem in {files}:",
                                               "{count} problems in {files}:", count).format(
            count=format_number(count), files=_in_files(files)))
    if not specs:
        click.echo(_("No campaign files in {folder}.").format(folder=config.campaigns_dir))
        return
    click.echo(ngettext("{count} campaign file valid.", "{count} campaign files valid.",
                        len(specs)).format(count=format_number(len(specs))))


def _in_files(count: int) -> str:
    """"in 3 campaign files": the case Russian needs after "in" is not the count's own."""
    return npgettext("after 'in'", "{count} campaign file", "{count} campaign files",
                     count).format(count=format_number(count))


@campaigns.command()
@click.argument("slug", metavar=N_("SLUG"))
@click.option("--channel", "channel", default=None, help=N_("Only this channel."))
@click.option("--slots", type=click.IntRange(1, 100), default=3, show_default=True,
              help=N_("How many upcoming slots."))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar=N_("FOLDER"),
              help=N_("Folder for the preview (default: <output>/preview/<slug>/)."))
@format_option()
@click.pass_obj
def preview(app: App, slug: str, channel: str | None, slots: int, out: Path | None,
            fmt: str) -> None:
    """Show what SLUG would publish at its next slots, without publishing anything.

    For each slot, story and channel a folder gets post.txt (the exact text),
    the photos as the channel would receive them and post.json.
    """
    from outreach.campaigns.preview import default_folder, preview_campaign
    from outreach.campaigns.routing import possible_channels
    from outreach.campaigns.spec import load_campaign
    from outreach.errors import NotFoundError, did_you_mean

    config = app.config
    spec = load_campaign(config, slug)
    if channel is not None and channel not in possible_channels(spec, config):
        reachable = possible_channels(spec, config)
        raise NotFoundError(
            _("campaign {slug} does not publish to {channel!r}{did_you_mean}; its channels: "
              "{channels}").format(slug=slug, channel=channel,
                                   did_you_mean=did_you_mean(channel, reachable),
                                   channels=", ".join(reachable) or _("none")))
    folder = out or default_folder(config, spec)

    def places(session: Session, maker: Channel) -> list[dict[str, Any]]:
        from outreach.signups.placements import campaign_id_of, campaign_places

        return campaign_places(session, config, maker, spec, campaign_id_of(session, spec.slug),
                               store=False)

    items = preview_campaign(spec, config, app.store, app.registry,
                             after=dt.datetime.now(dt.UTC), slots=slots, out=folder,
                             only_channel=channel, places=places)
    columns: tuple[str, ...]
    if fmt == "table":
        from outreach.campaigns.schedule import describe

        click.echo(_("Schedule: {schedule}").format(schedule=describe(spec)))
        columns, rows = PREVIEW_COLUMNS, [_preview_row(item) for item in items]
    else:
        columns, rows = (*PREVIEW_COLUMNS, "folder", "notes"), [item.row() for item in items]
    echo_rows(rows, columns, fmt, headers=HEADERS,
              empty=_("No upcoming slots for {slug} (has it ended?).").format(slug=slug))
    if fmt == "table":
        for item in items:
            for note in item.notes:
                where = moment(item.slot_local) + (f" {item.channel}" if item.channel else "")
                click.echo(f"  {where}: {note}")
        click.echo(_("Preview written to {folder} (nothing was published).").format(
            folder=folder))


def _preview_row(item: PreviewItem) -> dict[str, object]:
    """A preview's row as a person reads it (``item.row()`` is the machine one)."""
    row = item.row()
    row["slot"] = moment(item.slot_local)
    if item.channel:
        row["chars"] = (f"{format_number(item.length)}/{format_number(item.limit)}"
                        if item.limit else None)
        row["photos"] = (_("{count} (+{left_out} left out)").format(
            count=format_number(len(item.photos)),
            left_out=format_number(item.photos_left_out))
            if item.photos_left_out else format_number(len(item.photos)))
        row["trimmed"] = yes_no(bool(item.trimmed))
    return row
