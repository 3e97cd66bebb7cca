"""``outreach publications``: list, show, retry, cancel and resolve publications."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import (
    HEADERS,
    MISSING,
    aligned,
    echo_rows,
    format_option,
    moment,
    number,
    render,
)
from outreach.cli.when import WHEN, When
from outreach.db.states import AttemptOutcome, PublicationStatus, label
from outreach.i18n import N_, _, _l

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.engine.publications import Change, PublicationDetail, PublicationRow

LIST_COLUMNS = ("id", "status", "campaign", "channel", "story", "slot", "attempts",
                "url_or_error")
TITLE_WIDTH = 40
ERROR_WIDTH = 60


@click.group()
def publications() -> None:
    """List, inspect, retry, cancel and resolve publications."""


def _zone(app: App) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(app.config.time_zone)



def _short(text: str | None, width: int) -> str | None:
    if text is None:
        return None
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _error(text: str | None) -> str | None:
    """A stored error as shown: an older one may keep a token from a library's URL."""
    from outreach.config.secrets import mask_tokens

    return mask_tokens(text) if text else text


def _row(row: PublicationRow, zone: zoneinfo.ZoneInfo, fmt: str) -> dict[str, Any]:
    full = fmt != "table"
    error = _error(row.last_error) if full else _short(_error(row.last_error), ERROR_WIDTH)
    # A publication that failed after it went out (an e-mail that came back) keeps its
    # link, but what a person must see is why it failed.
    failed = row.status == PublicationStatus.failed.value and row.last_error
    return {
        "id": row.id, "status": row.status if full else label(row.status, PublicationStatus),
        "campaign": row.campaign, "channel": row.channel,
        "story": f"{row.story_id}: " + (row.story_title if full
                                        else _short(row.story_title, TITLE_WIDTH) or ""),
        "slot": moment(row.slot, zone) if not full else row.slot.astimezone(zone),
        "attempts": row.attempts if full else number(row.attempts),
        "url_or_error": error if failed else row.url or error,
    }


@publications.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice([s.value for s in PublicationStatus]),
              help=N_("Only this status (repeat for several)."))
@click.option("--campaign", help=N_("Only this campaign (its slug)."))
@click.option("--channel", help=N_("Only this channel."))
@click.option("--since", type=WHEN,
              help=N_("Only slots from this date (2026-10-01) or this far back (12h, 7d, 30d)."))
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help=N_("At most this many, newest slot first."))
@format_option()
@click.pass_obj
def list_(app: App, statuses: tuple[str, ...], campaign: str | None, channel: str | None,
          since: When | None, limit: int, fmt: str) -> None:
    """List publications, the newest slot first; slots in the config's time zone."""
    from outreach.engine.publications import known_channels, list_publications
    from outreach.errors import did_you_mean

    zone = _zone(app)
    with app.store.session() as session:
        rows = list_publications(
            session, statuses=statuses, campaign=campaign, channel=channel, limit=limit,
            since=since.at(zone) if since else None)
        hint = ""
        if not rows and channel is not None and channel not in (names := known_channels(session)):
            hint = " " + _("No publication was ever made for channel {channel!r}"
                           "{did_you_mean}.").format(channel=channel,
                                                     did_you_mean=did_you_mean(channel, names))
    echo_rows([_row(r, zone, fmt) for r in rows], LIST_COLUMNS, fmt, headers=HEADERS,
              empty=_("No publications match.") + hint)


@publications.command()
@click.argument("publication_id", metavar=N_("ID"), type=int)
@click.pass_obj
def show(app: App, publication_id: int) -> None:
    """Show one publication: its story, every attempt with its error, its latest figures."""
    from outreach.engine.publications import publication_detail

    with app.store.session() as session:
        detail = publication_detail(session, publication_id)
    for line in _detail_lines(detail, _zone(app)):
        click.echo(line)


def _detail_lines(detail: PublicationDetail, zone: zoneinfo.ZoneInfo) -> list[str]:
    p = detail.publication
    story = detail.story
    if story is None:
        title = MISSING
    else:
        title = story.title + (f" ({story.municipality})" if story.municipality else "")
    fields = [
        (_("Status"), label(p.status, PublicationStatus)),
        (_("Campaign"), detail.campaign or MISSING),
        (_("Channel"), p.channel),
        (_("Story"), f"{p.story_id}: {title}"),
        (_("Slot"), f"{moment(p.slot, zone)} ({zone.key})"),
        (_("Attempts"), number(p.attempts)),
        (_("Next attempt"), moment(p.next_attempt_at, zone) or MISSING),
        (_("Published at"), moment(p.published_at, zone) or MISSING),
        (_("Link"), p.url or MISSING),
        (_("Post id"), p.external_id or MISSING),
    ]
    if p.lease_owner:
        fields.append((_("Being sent by"), _("{worker} until {time}").format(
            worker=p.lease_owner, time=moment(p.lease_until, zone))))
    if p.last_error:
        fields.append((_("Last error"), _error(p.last_error)))
    referral = detail.referral
    if referral is not None:
        short = (" " + _("(said on the phone: {code})").format(code=referral.short_code)
                 if referral.short_code else "")
        fields.append((_("Referral code"), f"{referral.code}{short}"))
    else:
        fields.append((_("Referral code"), p.referral_code or MISSING))
    lines = [_("Publication {id}").format(id=p.id), *aligned(fields), ""]
    if detail.attempts:
        lines.append(_("Attempt log:"))
        rows = [{
            "number": a.number, "started": moment(a.started_at, zone),
            "finished": moment(a.finished_at, zone),
            "outcome": label(a.outcome, AttemptOutcome),
            "worker": a.worker, "error": _error(a.error),
        } for a in detail.attempts]
        lines += ["  " + line for line in render(
            rows, ("number", "started", "finished", "outcome", "worker", "error"),
            "table", ATTEMPT_HEADERS).splitlines()]
    else:
        lines.append(_("Attempt log: no attempts yet."))
    lines.append("")
    e = detail.engagement
    if e is None:
        lines.append(_("Engagement: no figures collected yet."))
    else:
        figures = ", ".join(f"{name} {MISSING if value is None else number(value)}"
                            for name, value in (
            (_("views"), e.views), (_("likes"), e.likes), (_("shares"), e.shares),
            (_("comments"), e.comments), (_("reactions"), e.reactions)))
        lines.append(_("Engagement at {time}: {figures}").format(
            time=moment(e.taken_at, zone), figures=figures))
        if None in (e.views, e.likes, e.shares, e.comments, e.reactions):
            lines.append("  " + _("({missing} means {channel} does not report that figure)")
                         .format(missing=MISSING, channel=p.channel))
    return lines


def _post_id(app: App, channel: str, url: str) -> str | None:
    """The post's id in ``url`` as the channel's plugin reads it, if it can."""
    from outreach.errors import OutreachError

    try:
        read: str | None = app.registry.plugin_class(channel).external_id_from_url(url)
    except OutreachError:  # the channel left config.toml, or its plugin did not load
        return None
    return read


ATTEMPT_HEADERS = {**HEADERS, "number": _l("Attempt"), "started": _l("Started"),
                   "finished": _l("Finished"), "worker": _l("Worker")}


def _due(change: Change, app: App) -> str:
    return moment(change.due, _zone(app)) or _("now")


@publications.command()
@click.argument("publication_id", metavar=N_("ID"), type=int)
@click.option("--force", is_flag=True,
              help=N_("Also retry an uncertain one (it may already be on the platform)."))
@click.pass_obj
def retry(app: App, publication_id: int, force: bool) -> None:
    """Send a failed publication again, now (uncertain ones need --force)."""
    from outreach.engine.publications import retry_publication

    change = retry_publication(app.store, publication_id, force=force)
    if not change.changed:
        click.echo(_("Publication {id} is already planned; it is due at {due}. "
                     "Nothing changed.").format(id=publication_id, due=_due(change, app)))
        return
    click.echo(_("Publication {id} ({before}) is planned again and will be sent to {channel} "
                 "at the next dispatch (from {due}).").format(
        id=publication_id, before=label(change.before, PublicationStatus),
        channel=change.channel, due=_due(change, app)))


@publications.command()
@click.argument("publication_id", metavar=N_("ID"), type=int)
@click.pass_obj
def cancel(app: App, publication_id: int) -> None:
    """Cancel a publication that has not gone out (planned, failed or uncertain)."""
    from outreach.engine.publications import cancel_publication

    change = cancel_publication(app.store, publication_id)
    if not change.changed:
        click.echo(_("Publication {id} was already cancelled. Nothing changed.").format(
            id=publication_id))
        return
    click.echo(_("Publication {id} ({before}) is cancelled; it will not be sent to "
                 "{channel}.").format(id=publication_id,
                                      before=label(change.before, PublicationStatus),
                                      channel=change.channel))


@publications.command()
@click.argument("publication_id", metavar=N_("ID"), type=int)
@click.option("--posted", metavar="URL", help=N_("It IS on the platform, at this link."))
@click.option("--not-posted", is_flag=True,
              help=N_("It is NOT on the platform: send it again."))
@click.pass_obj
def resolve(app: App, publication_id: int, posted: str | None, not_posted: bool) -> None:
    """Settle an uncertain publication after checking the platform yourself.

    Look at the channel: if the post is there, copy its link and run
    'resolve ID --posted URL'; if it is not, run 'resolve ID --not-posted'
    and it will be published again. The decision is kept in the attempt log.
    """
    from outreach.engine.publications import resolve_not_posted, resolve_posted

    if (posted is None) == (not not_posted):
        raise click.UsageError(_("say what you found: --posted URL (it is there) "
                                 "or --not-posted (it is not)"))
    if posted is not None:
        change = resolve_posted(app.store, publication_id, posted,
                                read_id=lambda channel, url: _post_id(app, channel, url))
        click.echo(_("Publication {id} ({before}) is recorded as published on {channel} at "
                     "{url}.").format(id=publication_id,
                                      before=label(change.before, PublicationStatus),
                                      channel=change.channel, url=posted.strip()))
        return
    change = resolve_not_posted(app.store, publication_id)
    click.echo(_("Publication {id} is planned again and will be published on {channel} at the "
                 "next dispatch (from {due}).").format(id=publication_id, channel=change.channel,
                                                       due=_due(change, app)))
