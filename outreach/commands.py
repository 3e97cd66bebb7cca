"""The plugin API for commands: what a plugin's own ``outreach`` commands use.

A plugin adds commands to ``outreach`` through the entry-point group
``outreach.commands``: the name is the command's, the value a click command
or group::

    [project.entry-points."outreach.commands"]
    posters = "outreach_local_media.commands:posters"

``outreach --help`` imports that module to show the command's first help
line, so keep it light: click and this module at the top, everything else
(Pillow, the plugin's channel, HTTP clients) inside the command functions. A
command that fails to load is reported and left out; the rest of ``outreach``
works. A name the core uses (``run``, ``stats``...) stays the core's.

A command's docstring and its options' ``help=N_("...")`` are translated like
the core's (docs/i18n.md); ``--format json`` keys and CSV columns never are.
A command takes the running Outreach with ``@pass_outreach``: the
configuration, the store and the channels, opened when first used. To stop
with a message, raise ``OutreachError`` (or any error of ``outreach.channels``):
the CLI shows "Error: ..." and exits with 1, without a traceback. Together
with ``outreach.channels`` this is everything a plugin imports from Outreach.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import click

from outreach.i18n import (
    N_,
    _,
    format_number,
    lazy_gettext,
    ngettext,
    pgettext,
)

if TYPE_CHECKING:
    from outreach.channels import Channel, Post
    from outreach.cli import App
    from outreach.engine.returns import ReturnsReport
    from outreach.errors import NotFoundError, OutreachError, did_you_mean
    from outreach.signups.placements import Placement

__all__ = [
    "N_",
    "_",
    "NotFoundError",
    "Outreach",
    "OutreachError",
    "Placement",
    "did_you_mean",
    "echo_rows",
    "format_number",
    "format_option",
    "lazy_gettext",
    "ngettext",
    "pass_outreach",
    "pgettext",
]

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound="Channel")


def __getattr__(name: str) -> Any:
    # Imported when first asked for, so that a command's module stays quick to load.
    if name in ("NotFoundError", "OutreachError", "did_you_mean"):
        from outreach import errors

        return getattr(errors, name)
    if name == "Placement":
        from outreach.signups.placements import Placement

        return Placement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Outreach:
    """The running Outreach, as a plugin's command sees it."""

    def __init__(self, app: App) -> None:
        self._app = app
        registry = app.registry
        if registry.records is None:
            # A channel's notes (the e-mails it sent) live in the store, as under
            # ``outreach run``, so a command sees what the service did.
            from outreach.engine.records import StoreRecords

            registry.records = lambda name: StoreRecords(app.store, name)

    @property
    def config_source(self) -> str:
        """The configuration file in use, as messages name it ("set ... in config.toml")."""
        source: str = self._app.config.source
        return source

    @property
    def output_dir(self) -> Path:
        """Where files for people go (``output_dir`` of config.toml)."""
        folder: Path = self._app.config.output_dir
        return folder

    @property
    def media_dir(self) -> Path:
        """The folder of story folders (``paths.media`` of config.toml)."""
        folder: Path = self._app.config.media_dir
        return folder

    def channel(self, name: str) -> Channel:
        """The configured channel ``name``; an error saying why when it is not ready."""
        channel: Channel = self._app.registry.get(name)
        return channel

    def channels(self, kind: type[C]) -> dict[str, C]:
        """The ready channels made by the plugin class ``kind``, by name."""
        ready: Mapping[str, Channel] = self._app.registry.ready()
        return {name: channel for name, channel in ready.items() if isinstance(channel, kind)}

    def story_post(self, story_id: int, channel: Channel, *, idempotency_key: str,
                   referral_code: str | None = None, signup_link: str | None = None) -> Post:
        """Story ``story_id`` as a ``Post`` for ``channel``, outside any campaign: its
        text, title, summary (``extra["summary"]``), date (``extra["event_date"]``, a
        date or None) and photos fitted to the channel's ``media_limits``. Raises
        NotFoundError for an unknown story."""
        from outreach.library.posts import story_post
        from outreach.library.stories import get_story

        with self._app.store.session() as session:
            return story_post(session, self._app.config, get_story(session, story_id),
                              channel.media_limits, idempotency_key=idempotency_key,
                              referral_code=referral_code, signup_link=signup_link)

    def read_returns(self, names: Collection[str]) -> ReturnsReport:
        """Ask channels ``names`` what came back after publishing (e-mails that bounced),
        as ``outreach run`` does on its schedule: each return fails its publication and
        is told to the coordinators, once. ``recorded`` lists (publication id, reason) of
        those new now; ``problems`` the channels that could not be read, and why."""
        from outreach.engine.returns import read_returns

        report: ReturnsReport = read_returns(self._app.store, self._app.registry, names)
        return report

    def placement(self, name: str, campaign: str | None = None) -> Placement:
        """The referral code of a placement (where a poster goes), made on first use.

        A placement a campaign file lists (in ``campaign`` only, when given) keeps
        that campaign's code; any other gets a code of its own.
        """
        from outreach.signups.placements import placement_for

        with self._app.store.session() as session:
            return placement_for(session, self._app.config, name, campaign)

    def placements(self, outlets: Mapping[str, Sequence[str]] | None = None) -> list[Placement]:
        """Every placement and outlet with its code and the sign-ups it brought.

        Each placement of a valid campaign file, and each outlet in ``outlets``
        (channel name -> the outlets it serves), gets its code first if it has none.
        """
        from outreach.signups.placements import campaign_placements, outlet_for, placements

        with self._app.store.session() as session:
            campaign_placements(session, self._app.config)
            for channel, names in (outlets or {}).items():
                for outlet in names:
                    outlet_for(session, self._app.config, outlet, channel)
            return placements(session)


def pass_outreach(command: Callable[Concatenate[Outreach, P], R]) -> Callable[P, R]:
    """Decorate a click command's function to take the running ``Outreach`` first."""
    from outreach.cli import App

    @functools.wraps(command)
    def with_outreach(*args: P.args, **kwargs: P.kwargs) -> R:
        app = click.get_current_context().find_object(App)
        if app is None:
            raise click.UsageError(_("run this command as 'outreach {name}'").format(
                name=command.__name__))
        return command(Outreach(app), *args, **kwargs)

    return with_outreach


def format_option(default: str = "table") -> Callable[[Any], Any]:
    """The ``--format table|csv|json`` option every list command has (passed as ``fmt``)."""
    from outreach.cli.output import format_option as option

    return option(default)


def echo_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str,
              empty: str | None = None, headers: Mapping[str, Any] | None = None) -> None:
    """Print ``rows`` (dicts keyed by ``columns``) as a table, CSV or JSON, like the core's
    list commands; ``empty`` is said instead of an empty table. Keys are stable identifiers
    (JSON keys, CSV columns); ``headers`` gives a table's translated headers, over the
    core's for the columns the commands share (campaign, kind, signups...)."""
    from outreach.cli.output import HEADERS
    from outreach.cli.output import echo_rows as echo

    echo([dict(row) for row in rows], columns, fmt, empty, {**HEADERS, **(headers or {})})
