"""``outreach channels``: what channels there are, and whether their tokens work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import echo_rows, format_option
from outreach.errors import OutreachError, PluginError

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.platforms.registry import ChannelStatus, Registry

COLUMNS = ("name", "plugin", "state", "reason", "tags", "municipality", "text", "photos")
NO_CHANNELS = ("No channels in the config file. Add a [channels.NAME] section with "
               "plugin = \"vk\", \"telegram\" or \"local-media\".")


@click.group()
def channels() -> None:
    """Show channels and check their tokens."""


def _row(registry: Registry, status: ChannelStatus) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": status.name, "plugin": status.plugin, "state": status.state,
        "reason": status.reason, "tags": list(status.tags),
        "municipality": status.municipality, "text": None, "photos": None,
    }
    limits: Any = None
    if status.state == "ready":
        try:
            # An instance may narrow its plugin's limits, so ask it, not the class.
            limits = registry.get(status.name)
        except PluginError:
            status = registry.status(status.name)  # now init-failed, with the reason
            row.update(state=status.state, reason=status.reason)
    if limits is None:
        try:
            limits = registry.plugin_class(status.name)
        except OutreachError:
            return row
    text = limits.text_limits
    row["text"] = (f"{text.max_text} (caption {text.max_caption})"
                   if text.max_caption is not None else str(text.max_text))
    row["photos"] = limits.media_limits.max_photos
    return row


@channels.command("list")
@format_option()
@click.pass_obj
def list_channels(app: App, fmt: str) -> None:
    """List channels with their state, and the reason when one is not ready."""
    registry = app.registry
    rows = [_row(registry, status) for status in registry.statuses()]
    echo_rows(rows, COLUMNS, fmt, empty=NO_CHANNELS)


@channels.command("check")
@click.argument("name", required=False)
@click.pass_context
def check(ctx: click.Context, name: str | None) -> None:
    """Check tokens and rights of every ready channel (or only NAME) with its platform.

    Exits with 1 when any check fails or a channel is not ready.
    """
    registry: Registry = ctx.obj.registry
    statuses = [registry.status(name)] if name else registry.statuses()
    if not statuses:
        click.echo(NO_CHANNELS)
        return
    failed = checked = 0
    for status in statuses:
        title = f"{status.name} ({status.plugin})"
        if status.state == "disabled":
            click.echo(f"{title}: switched off (enabled = false), not checked")
            continue
        checked += 1
        if status.state == "ready":
            try:
                results = registry.check(status.name)
            except PluginError:
                status = registry.status(status.name)
        if status.state != "ready":
            failed += 1
            problems = registry.problems(status.name)
            if problems:
                click.echo(f"{title}: PROBLEM — {status.state}:")
                for problem in problems:
                    click.echo(f"  {problem}")
            else:
                click.echo(f"{title}: PROBLEM — {status.state}: {status.reason}")
            continue
        bad = [r for r in results if not r.ok]
        failed += bool(bad)
        click.echo(f"{title}: {'PROBLEM' if bad else 'ok'}")
        for result in results:
            click.echo(f"  {'ok' if result.ok else 'PROBLEM'}: {result.message}")
            if result.fix:
                click.echo(f"    to fix: {result.fix}")
    if failed:
        click.echo(f"{failed} of {checked} channel(s) need attention.")
        ctx.exit(1)
    click.echo(f"{checked} channel(s) checked, all fine.")
