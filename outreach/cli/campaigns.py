"""``outreach campaigns``: list, validate and preview campaign files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.cli.output import echo_rows, format_option
from outreach.errors import CampaignError

if TYPE_CHECKING:
    from outreach.cli import App

LIST_COLUMNS = ("slug", "name", "schedule", "next", "channels", "active", "empty_slots")
PREVIEW_COLUMNS = ("slot", "channel", "story", "chars", "photos", "trimmed")


@click.group()
def campaigns() -> None:
    """List, validate and preview campaign files."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


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
    rows = []
    for spec in specs:
        upcoming = next_slots(spec, now, 1)
        channels = fixed_channels(spec, config)
        if spec.channels.by_municipality:
            local_ones = [c for c in possible_channels(spec, config) if c not in channels]
            channels.append(f"by municipality ({', '.join(local_ones) or 'none yet'})")
        rows.append({
            "slug": spec.slug,
            "name": spec.name,
            "schedule": describe(spec),
            "next": local(spec, upcoming[0]).strftime("%Y-%m-%d %H:%M %a") if upcoming else None,
            "channels": channels,
            "active": "yes" if spec.active else "no",
        })
    empty = _empty_slots(app, now - EMPTY_WINDOW)
    for row in rows:
        row["empty_slots"] = empty.get(row["slug"], 0)
    echo_rows(rows, LIST_COLUMNS, fmt,
              empty=f"No campaign files in {config.campaigns_dir}.")
    if fmt == "table":
        for row in rows:
            if row["empty_slots"]:
                click.echo(f"Warning: {row['slug']} had {_plural(row['empty_slots'], 'slot')} "
                           f"with no approved story left in the last {EMPTY_WINDOW.days} days: "
                           "approve more stories or widen its content rules.", err=True)
    if problems:
        files = len({p.source for p in problems})
        click.echo(f"{_plural(files, 'campaign file')} with problems left out; "
                   "run 'outreach campaigns validate' to see them.", err=True)


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
@click.argument("slug", required=False)
@click.pass_obj
def new(app: App, slug: str | None) -> None:
    """Write a campaign file (or change SLUG's) by answering questions."""
    from outreach.cli.campaign_wizard import campaign_wizard

    campaign_wizard(app, slug)


@campaigns.command()
@click.argument("slug", required=False)
@click.pass_obj
def validate(app: App, slug: str | None) -> None:
    """Check campaign files (all, or SLUG) and report every problem at once."""
    from outreach.campaigns.spec import load_campaign, load_campaigns

    config = app.config
    if slug is not None:
        load_campaign(config, slug)
        click.echo(f"{config.campaigns_dir / (slug + '.toml')} is valid.")
        return
    specs, problems = load_campaigns(config)
    if problems:
        files = len({p.source for p in problems})
        raise CampaignError(problems, f"{_plural(len(problems), 'problem')} in "
                                      f"{_plural(files, 'campaign file')}:")
    if not specs:
        click.echo(f"No campaign files in {config.campaigns_dir}.")
        return
    click.echo(f"{_plural(len(specs), 'campaign file')} valid.")


@campaigns.command()
@click.argument("slug")
@click.option("--channel", "channel", default=None, help="Only this channel.")
@click.option("--slots", type=click.IntRange(1, 100), default=3, show_default=True,
              help="How many upcoming slots.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the preview (default: <output>/preview/<slug>/).")
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
        raise NotFoundError(f"campaign {slug} does not publish to {channel!r}"
                            + did_you_mean(channel, reachable)
                            + f"; its channels: {', '.join(reachable) or 'none'}")
    folder = out or default_folder(config, spec)
    items = preview_campaign(spec, config, app.store, app.registry,
                             after=dt.datetime.now(dt.UTC), slots=slots, out=folder,
                             only_channel=channel)
    columns = PREVIEW_COLUMNS if fmt == "table" else (*PREVIEW_COLUMNS, "folder", "notes")
    echo_rows([item.row(readable=fmt == "table") for item in items], columns, fmt,
              empty=f"No upcoming slots for {slug} (has it ended?).")
    if fmt == "table":
        for item in items:
            for note in item.notes:
                where = f"{item.slot_local:%Y-%m-%d %H:%M}" + (f" {item.channel}"
                                                              if item.channel else "")
                click.echo(f"  {where}: {note}")
        click.echo(f"Preview written to {folder} (nothing was published).")
