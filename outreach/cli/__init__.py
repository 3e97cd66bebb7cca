"""The ``outreach`` command: the one place errors become messages and exit codes.

Command groups live in their own modules and are imported only when used,
so ``outreach --help`` stays fast. The language is chosen before click reads
the command line (``LazyGroup.main``), and every text a person reads is
translated (docs/i18n.md).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, cast

import click

from outreach import __version__
from outreach.i18n import N_, _, lazy_gettext

# name -> (module, attribute, one-line help). The help is repeated here so that
# listing commands does not import them; it is translated when shown.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "content": ("outreach.cli.content", "content",
                N_("Import, list, approve and archive stories.")),
    "campaigns": ("outreach.cli.campaigns", "campaigns",
                  N_("List, validate and preview campaign files.")),
    "channels": ("outreach.cli.channels", "channels",
                 N_("Show channels and check their tokens.")),
    "config": ("outreach.cli.config", "config", N_("Show the effective configuration.")),
    "db": ("outreach.cli.db", "db", N_("Check, upgrade and back up the database.")),
    "people": ("outreach.cli.people", "people",
               N_("Coordinators and reporters: invite by link, list, revoke, see who did what.")),
    "publications": ("outreach.cli.publications", "publications",
                     N_("List, inspect, retry, cancel and resolve publications.")),
    "report": ("outreach.cli.report", "report",
               N_("The centre's results for a period: an Excel workbook and a PDF.")),
    "results": ("outreach.cli.results", "results",
                N_("Figures entered by hand for the report: seminars, agreements...")),
    "run": ("outreach.cli.run", "run", N_("Run the service: schedule, publish, collect.")),
    "sandbox": ("outreach.cli.sandbox", "sandbox",
                N_("Start local fakes of VK, Telegram, MAX and Odnoklassniki for rehearsals.")),
    "signups": ("outreach.cli.signups", "signups",
                N_("New volunteers: add, import, list, export and forget sign-ups.")),
    "stats": ("outreach.cli.stats", "stats", N_("What each campaign and channel earned.")),
    "status": ("outreach.cli.status", "status",
               N_("Is the service running and well? Exit code 0, 1 or 2 for monitoring.")),
    "backups": ("outreach.cli.backups", "backups",
                N_("Back up the database, config and media in one file; restore it.")),
    "deploy": ("outreach.cli.deploy", "deploy",
               N_("Write the files that make the server run the service and its nightly backup.")),
    "init": ("outreach.cli.init", "init",
             N_("Create config.toml and the database; --samples loads the sample library.")),
}


class UserError(click.ClickException):
    """An OutreachError as the user sees it: one message, no traceback."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        # click declares exit_code for the whole class; each error here carries its own.
        self.exit_code = getattr(error, "exit_code", 1)  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        from outreach.cli.logs import error_prefix

        message = _("Error: {message}").format(message=self.format_message())
        # sys.stderr: where click.secho(err=True) writes.
        click.secho(error_prefix(sys.stderr) + message, err=True, fg="red")


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, in the command line's language.

    Plugins add commands of their own (``outreach.cli.plugin_commands``); a core
    command keeps its name.
    """

    def main(self, args: Any = None, *rest: Any, **options: Any) -> Any:
        from outreach.cli.localize import localize
        from outreach.i18n import activate
        from outreach.i18n.choice import choose_language

        activate(choose_language(sys.argv[1:] if args is None else list(args)))
        localize(self)
        return super().main(args, *rest, **options)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS) | set(_plugins()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        if name in COMMANDS:
            module, attribute, _help = COMMANDS[name]
            command = getattr(importlib.import_module(module), attribute)
        elif name in _plugins():
            from outreach.cli import plugin_commands

            command = plugin_commands.load(name)
        if command is not None:
            from outreach.cli.localize import localize

            localize(command, ctx)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from outreach.errors import OutreachError

        try:
            return super().invoke(ctx)
        except OutreachError as exc:
            if isinstance(ctx.obj, App) and ctx.obj.debug:
                raise
            raise UserError(exc) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(COMMANDS[name][2])) for name in sorted(COMMANDS)]
        rows += [
            (name, cmd.get_short_help_str(limit=200))
            for name in sorted((set(super().list_commands(ctx)) | set(_plugins())) - set(COMMANDS))
            if (cmd := self.get_command(ctx, name)) is not None
        ]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(sorted(rows))


def _plugins() -> dict[str, str]:
    """The commands plugins add, by name ("module:attribute"), but not the core's."""
    from outreach.cli.plugin_commands import entry_points

    return {name: value for name, value in entry_points().items() if name not in COMMANDS}


class App:
    """What every command gets through ``click.pass_obj``: config and store, opened lazily."""

    def __init__(self, config_path: Path | None, debug: bool) -> None:
        self.config_path = config_path
        self.debug = debug
        self._config: Any = None
        self._store: Any = None
        self._direct: Any = None
        self._registry: Any = None

    @property
    def config(self) -> Any:
        if self._config is None:
            from outreach.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def store(self) -> Any:
        if self._store is None:
            from outreach.db import open_store

            self._store = open_store(self.config.database_url)
        return self._store

    @property
    def readable(self) -> Any:
        """What commands that only read use: the database opened with its driver alone
        when it is ready (``outreach.db.reader.direct``: no SQLAlchemy to load before the
        answer), else the store (opened, made or migrated as ever)."""
        if self._store is not None:
            return self._store
        if self._direct is None:
            from outreach.db.reader import direct

            self._direct = direct(self.config.database_url) or False
        return self._direct or self.store

    def keep_store(self, store: Any) -> Any:
        """Use ``store`` (opened as a command needs it) as this command's, closed with it."""
        self._store = store
        return store

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from outreach.cli.logs import hide_secrets_in_logs
            from outreach.library.posts import StoreLibrary
            from outreach.platforms.registry import Registry

            self._registry = Registry.from_config(self.config)
            # The store opens only when a channel asks for stories (a stand's reports).
            self._registry.library = StoreLibrary(self.config, lambda: self.store)
            hide_secrets_in_logs(self._registry)
        return self._registry

    def close(self) -> None:
        if self._registry is not None:
            self._registry.close()
        if self._store is not None:
            self._store.dispose()
        if self._direct:
            self._direct.dispose()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              envvar="OUTREACH_CONFIG", metavar=N_("FILE"),
              help=N_("Config file (default: ./config.toml; env OUTREACH_CONFIG)."))
@click.option("--debug", is_flag=True, help=N_("Show tracebacks and debug logging."))
@click.version_option(__version__, prog_name="outreach",
                      # click only applies % to it, which a lazy string does in the
                      # language of the moment.
                      message=cast(str, lazy_gettext("%(prog)s, version %(version)s")))
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, debug: bool) -> None:
    """Outreach publishes a volunteer centre's photo reports and stories to VK,
    Telegram and local media on schedule, and traces new volunteers to the
    posts and posters that brought them."""
    from outreach.cli.logs import configure_logging, report_crashes

    report_crashes()
    configure_logging(debug)
    app = App(config_path, debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="outreach")
    except Exception as exc:  # a bug: an OutreachError became a message already
        from outreach.cli.logs import crashed

        crashed(exc)
        raise SystemExit(1) from None
