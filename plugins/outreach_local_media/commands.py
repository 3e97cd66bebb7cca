"""``outreach posters``: render a poster for a story and list placements with their codes;
``outreach press bounces``: read the e-mails to editors that came back.

Registered in the entry-point group ``outreach.commands``. ``outreach --help``
imports this module: the channel and Pillow are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from outreach.commands import (
    N_,
    Outreach,
    _,
    echo_rows,
    format_option,
    lazy_gettext,
    pass_outreach,
)

if TYPE_CHECKING:
    from outreach_local_media import LocalMediaChannel

PLACEMENT_COLUMNS = ("campaign", "placement", "kind", "short_code", "signups", "link")
PLACEMENT_HEADERS = {"short_code": lazy_gettext("Short code"), "link": lazy_gettext("Link")}
# A table reads a code's kind in words; JSON and CSV keep the identifier.
KINDS = {"placement": lazy_gettext("place"), "outlet": lazy_gettext("outlet")}


@click.group()
def posters() -> None:
    """Render posters and stands; list placements and their codes."""


@posters.command("render")
@click.argument("story_id", type=int, metavar=N_("STORY_ID"))
@click.option("--format", "layout", default="a4", show_default=True,
              help=N_("Poster format: a4, a3, stand, billboard, social, or one from config."))
@click.option("--placement", default=None,
              help=N_("Where the poster goes; a placement of a campaign file keeps its code."))
@click.option("--campaign", "campaign_slug", default=None,
              help=N_("Look the placement up in this campaign only."))
@click.option("--channel", "channel_name", default=None,
              help=N_("The channel that makes posters (default: the only one that does)."))
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help=N_("Folder for the files (default: <output>/posters)."))
@click.option("--marks/--no-marks", default=None,
              help=N_("Crop marks around the page for the print shop (default: the "
                      "channel's crop_marks setting)."))
@pass_outreach
def render(outreach: Outreach, story_id: int, layout: str, placement: str | None,
           campaign_slug: str | None, channel_name: str | None,
           output_dir: Path | None, marks: bool | None) -> None:
    """Render story STORY_ID as a print-ready PDF and a PNG preview.

    A stand shows the latest reports from the placement's municipality (or
    the story's) and the meetings ahead from events.toml in the media folder.
    """
    name, channel = _only(outreach, _makers(outreach, channel_name))
    # A campaign's call to action is written for posts ("follow the link:"); a poster
    # takes the poster channel's own.
    post = outreach.story_post(story_id, channel, idempotency_key=f"poster-{story_id}")
    code = outreach.placement(placement, campaign_slug) if placement else None
    folder = output_dir or outreach.output_dir / "posters"
    link = None
    if code is not None:
        # The same link as printed in text: the short code, which a QR code holds as well
        # as the long one (a smaller code scans more easily); old posters' long ones work.
        link = channel.signup_link(code.short_code or code.code)
        result = channel.render_placement(post, layout, folder, short_code=code.short_code,
                                          link=link, municipality=code.municipality,
                                          marks=marks)
    else:
        result = channel.render_poster(post, layout, folder, marks=marks)
    for path in (result.pdf, result.png):
        if path is not None:
            click.echo(_("wrote  {path}").format(path=path))
    if code is not None:
        if code.campaign is not None:
            said = _("placement  {placement} (campaign {campaign}): code {code}")
        else:
            said = _("placement  {placement}: code {code}")
        click.echo(said.format(placement=code.placement, campaign=code.campaign,
                               code=code.short_code))
        if link is None:
            click.echo(_("No QR code on the poster: set signup_url in [channels.{name}] of "
                         "{config}, e.g. signup_url = \"{example}\"; the poster shows the "
                         "phone and the code to say.").format(
                name=name, config=outreach.config_source,
                example="https://t.me/your_bot?start={code}"))
    for warning in result.warnings:
        click.echo(_("Warning: {message}").format(message=warning), err=True)


@posters.command("placements")
@click.option("--channel", "channel_name", default=None,
              help=N_("The channel whose sign-up link is shown (default: the poster channel)."))
@format_option()
@pass_outreach
def placements(outreach: Outreach, channel_name: str | None, fmt: str) -> None:
    """Placements and outlets with their codes and the sign-ups each brought.

    Every placement of a valid campaign file and every outlet of the poster
    channel gets its code here if it has none yet.
    """
    makers = _makers(outreach, channel_name)
    name, channel = _only(outreach, makers) if makers else ("", None)
    found = outreach.placements({name: channel.outlets()} if channel is not None else None)
    rows = [{
        "campaign": place.campaign,
        "placement": place.placement,
        "kind": str(KINDS.get(place.kind, place.kind)) if fmt == "table" else place.kind,
        "short_code": place.short_code,
        "signups": place.signups,
        # The link a coordinator copies into print: with the code people can type.
        "link": channel.signup_link(place.short_code or place.code)
        if channel is not None else None,
    } for place in found]
    echo_rows(rows, PLACEMENT_COLUMNS, fmt, headers=PLACEMENT_HEADERS,
              empty=_("No placements yet: add placements to a campaign file "
                      "(see docs/posters.md) or outlets to the poster channel."))


@click.group()
def press() -> None:
    """Press kits e-mailed to editors: the e-mails that came back."""


@press.command("bounces")
@click.option("--channel", "channel_name", default=None,
              help=N_("Read this channel's mailbox only (default: every channel that has "
                      "imap_server)."))
@pass_outreach
def bounces(outreach: Outreach, channel_name: str | None) -> None:
    """Read the mailbox of mail_from for e-mails to editors that came back undelivered.

    Each one fails its publication with the reason: it shows in `outreach
    publications list` and goes to the coordinators' chat. `outreach run` reads
    the mailbox every 10 minutes by itself. Letters of the last 30 days are
    looked at, read or unread; the others' flags are left as they were.
    """
    from outreach.commands import OutreachError
    from outreach_local_media import LocalMediaChannel

    readers = [name for name, channel in outreach.channels(LocalMediaChannel).items()
               if channel.capabilities.returns and channel_name in (None, name)]
    if channel_name is not None and not readers:
        outreach.channel(channel_name)  # an error with the reason when it is not ready
        raise OutreachError(_("channel {name} reads no mailbox: set imap_server in "
                              "[channels.{name}] of {config} (see docs/press.md)").format(
            name=channel_name, config=outreach.config_source))
    if not readers:
        raise OutreachError(_("no channel reads a mailbox for bounced e-mails: set imap_server "
                              "in the press channel's section of {config} (see "
                              "docs/press.md)").format(config=outreach.config_source))
    report = outreach.read_returns(readers)
    for number, reason in report.recorded:
        click.echo(_("Publication {id} failed: {reason}").format(id=number, reason=reason))
    if report.problems:
        raise OutreachError("\n".join(report.problems))
    if not report.recorded:
        click.echo(_("No new e-mails came back."))
    else:
        click.echo(_("Correct the addresses, then send again: outreach publications retry ID"))


def _makers(outreach: Outreach, wanted: str | None) -> dict[str, LocalMediaChannel]:
    """The channels that render posters: ``wanted`` only, when given."""
    from outreach.commands import OutreachError
    from outreach_local_media import LocalMediaChannel

    if wanted is None:
        return outreach.channels(LocalMediaChannel)
    channel = outreach.channel(wanted)  # an error with the reason when it is not ready
    if not isinstance(channel, LocalMediaChannel):
        raise OutreachError(_("channel {name} does not make posters; posters come from "
                              "a channel with plugin = \"local-media\"").format(name=wanted))
    return {wanted: channel}


def _only(outreach: Outreach,
          makers: dict[str, LocalMediaChannel]) -> tuple[str, LocalMediaChannel]:
    """(name, channel) of the one channel in ``makers``; an error when there are none or more."""
    from outreach.commands import OutreachError

    if len(makers) == 1:
        return next(iter(makers.items()))
    if not makers:
        raise OutreachError(_("no channel in {config} makes posters: add a section "
                              "[channels.press] with plugin = \"local-media\"").format(
            config=outreach.config_source))
    raise OutreachError(_("several channels make posters ({names}); choose one with "
                          "--channel").format(names=", ".join(sorted(makers))))
