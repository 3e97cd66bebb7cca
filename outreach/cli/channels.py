"""``outreach channels``: what channels there are, and whether their tokens work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from outreach.cli.output import HEADERS as SHARED_HEADERS
from outreach.cli.output import echo_rows, format_option, number
from outreach.db.states import ChannelState, label
from outreach.errors import OutreachError, PluginError
from outreach.i18n import N_, _, _l, format_number, ngettext

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.platforms.registry import ChannelStatus, Registry

COLUMNS = ("name", "plugin", "state", "reason", "tags", "municipality", "text", "photos")
NO_CHANNELS = _l("No channels in the config file. Add a [channels.NAME] section with "
                 "plugin = \"vk\", \"telegram\" or \"local-media\".")
HEADERS = {**SHARED_HEADERS, "plugin": _l("Plugin"), "text": _l("Text")}


@click.group()
def channels() -> None:
    """Show channels and check their tokens."""


def _row(registry: Registry, status: ChannelStatus, fmt: str) -> dict[str, Any]:
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
    if fmt != "table":
        row["text"] = (f"{text.max_text} (caption {text.max_caption})"
                       if text.max_caption is not None else str(text.max_text))
        row["photos"] = limits.media_limits.max_photos
        return row
    row["text"] = (_("{text} (caption {caption})").format(
        text=format_number(text.max_text), caption=format_number(text.max_caption))
        if text.max_caption is not None else format_number(text.max_text))
    row["photos"] = number(limits.media_limits.max_photos)
    return row


@channels.command("list")
@format_option()
@click.pass_obj
def list_channels(app: App, fmt: str) -> None:
    """List channels with their state, and the reason when one is not ready."""
    registry = app.registry
    rows = [_row(registry, status, fmt) for status in registry.statuses()]
    if fmt == "table":
        rows = [{**row, "state": label(row["state"], ChannelState)} for row in rows]
    echo_rows(rows, COLUMNS, fmt, empty=str(NO_CHANNELS), headers=HEADERS)


@channels.command("check")
@click.argument("name", required=False, metavar=N_("NAME"))
@click.pass_context
def check(ctx: click.Context, name: str | None) -> None:
    """Check tokens and rights of every ready channel (or only NAME) with its platform.

    Exits with 1 when any check fails or a channel is not ready.
    """
    registry: Registry = ctx.obj.registry
    statuses = [registry.status(name)] if name else registry.statuses()
    if not statuses:
        click.echo(str(NO_CHANNELS))
        return
    failed = checked = 0
    rehearsing: list[str] = []
    for status in statuses:
        title = f"{status.name} ({status.plugin})"
        if status.state == "disabled":
            click.echo(_("{channel}: switched off (enabled = false), not checked").format(
                channel=title))
            continue
        checked += 1
        if status.state == "ready":
            try:
                results = registry.check(status.name)
            except PluginError:
                status = registry.status(status.name)
        if status.state != "ready":
            failed += 1
            rehearsing += [status.name] if _rehearses(registry, status.name) else []
            problems = registry.problems(status.name)
            state = label(status.state, ChannelState)
            if problems:
                click.echo(_("{channel}: PROBLEM — {state}:").format(channel=title, state=state))
                for problem in problems:
                    click.echo(f"  {problem}")
            else:
                click.echo(_("{channel}: PROBLEM — {state}: {reason}").format(
                    channel=title, state=state, reason=status.reason))
            continue
        bad = [r for r in results if not r.ok]
        failed += bool(bad)
        rehearsing += [status.name] if bad and _rehearses(registry, status.name) else []
        ok_word, problem_word = _("ok"), _("PROBLEM")
        click.echo(f"{title}: {problem_word if bad else ok_word}")
        for result in results:
            click.echo(f"  {ok_word if result.ok else problem_word}: {result.message}")
            if result.fix:
                click.echo("    " + _("to fix: {fix}").format(fix=result.fix))
    if rehearsing:
        # The demo's channels fail here for want of tokens the sandbox hands out itself.
        click.echo(_("{channels}: rehearsing in the sandbox (api_url on this computer), so "
                     "their tokens come from the sandbox: `make run` and `outreach run "
                     "--sandbox` set them by themselves, and `outreach sandbox` prints them "
                     "to set by hand.").format(channels=", ".join(rehearsing)))
    if failed:
        click.echo(ngettext("{failed} of {count} channel needs attention.",
                            "{failed} of {count} channels need attention.", checked).format(
            failed=format_number(failed), count=format_number(checked)))
        ctx.exit(1)
    click.echo(ngettext("{count} channel checked, all fine.",
                        "{count} channels checked, all fine.", checked).format(
        count=format_number(checked)))


def _rehearses(registry: Registry, channel_name: str) -> bool:
    """Whether the channel points at a sandbox on this computer (its api_url setting)."""
    from urllib.parse import urlsplit

    from outreach.platforms.sandbox import LOOPBACK

    channel = registry.config.channels.get(channel_name)
    try:
        setting = registry.plugin_class(channel_name).api_url_setting
    except OutreachError:
        return False  # a plugin that did not load: its own problem is reported
    url = channel.settings.get(setting) if channel is not None else None
    return isinstance(url, str) and urlsplit(url).hostname in LOOPBACK
