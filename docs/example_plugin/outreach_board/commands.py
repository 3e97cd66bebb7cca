"""``outreach board``: the plugin's own command. ``outreach --help`` imports this module,
so it imports only click and the API; the channel is imported inside the command."""

from __future__ import annotations

import click

from outreach.commands import (
    N_,
    Outreach,
    OutreachError,
    _,
    echo_rows,
    format_option,
    pass_outreach,
)

COLUMNS = ("channel", "id", "title", "views", "likes", "folder")


@click.group()
def board() -> None:
    """See what is on the notice boards."""


@board.command("list")
@click.option("--channel", "channel_name", default=None,
              help=N_("Only this board channel (default: every one)."))
@format_option()
@pass_outreach
def list_posts(outreach: Outreach, channel_name: str | None, fmt: str) -> None:
    """The posts on each board with the views and likes counted there."""
    from outreach_board.channel import BoardChannel

    boards = outreach.channels(BoardChannel)
    if channel_name is not None:
        if channel_name not in boards:
            raise OutreachError(_("no board channel {name} in {config}").format(
                name=channel_name, config=outreach.config_source))
        boards = {channel_name: boards[channel_name]}
    rows = [{"channel": name, **post} for name, channel in sorted(boards.items())
            for post in channel.posts()]
    echo_rows(rows, COLUMNS, fmt, empty=_("Nothing on the boards yet."))
