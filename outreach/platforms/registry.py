"""Finding channel plugins and making one channel per ``[channels.NAME]`` section.

A plugin that fails to import, or a channel whose settings are wrong, is
logged once with its name and the reason and gets a status; every other
channel goes on working (as Mopidy's extension loader does). Settings are
checked when the registry is built (cheap, no network), so ``outreach
channels list`` knows every status without starting any channel.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from outreach.channels import (
    Channel,
    ChannelContext,
    CheckResult,
    Leases,
    Library,
    LocalLeases,
    Records,
    private_folder,
)
from outreach.config import CHANNEL_COMMON
from outreach.config.schema import Checker
from outreach.errors import NotFoundError, OutreachError, PluginError, Problem, did_you_mean
from outreach.i18n import _, ngettext

if TYPE_CHECKING:
    from outreach.config import ChannelConfig, Config

GROUP = "outreach.channels"
log = logging.getLogger("outreach.registry")

READY = "ready"
DISABLED = "disabled"
PLUGIN_MISSING = "plugin-missing"
LOAD_FAILED = "load-failed"
CONFIG_ERROR = "config-error"
INIT_FAILED = "init-failed"


@dataclass(frozen=True)
class ChannelStatus:
    """Where one configured channel stands, and why when it is not ready."""

    name: str
    plugin: str
    state: str  # ready | disabled | plugin-missing | load-failed | config-error | init-failed
    reason: str | None
    tags: tuple[str, ...]
    municipality: str | None
    title: str | None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _load_entry_points() -> tuple[dict[str, type[Channel]], dict[str, str], list[str]]:
    """Import every plugin in the entry-point group: (classes, failures, all names)."""
    classes: dict[str, type[Channel]] = {}
    failures: dict[str, str] = {}
    names: list[str] = []
    for entry in metadata.entry_points(group=GROUP):
        if entry.name in names:
            log.warning(_("Plugin {name} is registered twice; {where} is ignored").format(
                name=entry.name, where=entry.value))
            continue
        names.append(entry.name)
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plugin must never stop the others
            failures[entry.name] = _("cannot import {where}: {reason}").format(
                where=entry.value, reason=_describe(exc))
            _log_failed(entry.name, failures[entry.name])
            continue
        problem = _not_a_channel(loaded, entry.value)
        if problem:
            failures[entry.name] = problem
            _log_failed(entry.name, problem)
        else:
            classes[entry.name] = loaded
    return classes, failures, names


def _log_failed(plugin: str, reason: str) -> None:
    log.warning(_("Plugin {name} failed to load: {reason}").format(name=plugin, reason=reason))


def _not_a_channel(obj: Any, where: str) -> str | None:
    if not (isinstance(obj, type) and issubclass(obj, Channel)):
        return _("{where} is not a subclass of outreach.channels.Channel").format(where=where)
    if inspect.isabstract(obj):
        missing = ", ".join(sorted(obj.__abstractmethods__))
        return _("{where} does not implement {missing}").format(where=where, missing=missing)
    return None


class Registry:
    """The configured channels, their plugins and their statuses."""

    def __init__(self, config: Config, classes: Mapping[str, type[Channel]],
                 failures: Mapping[str, str], known: list[str],
                 env: Mapping[str, str]) -> None:
        self.config = config
        self.env = env
        self._classes = dict(classes)
        self._statuses: dict[str, ChannelStatus] = {}
        self._settings: dict[str, dict[str, Any]] = {}
        self._problems: dict[str, list[Problem]] = {}
        self._instances: dict[str, Channel] = {}
        #: Handed to every channel made from now on; ``outreach run`` shares the store's.
        self.leases: Leases = LocalLeases()
        #: Makes each channel's durable notes; ``outreach run`` keeps them in the store.
        self.records: Callable[[str], Records] | None = None
        #: The centre's stories for channels that show more than one (a stand); set by
        #: whoever opens the store.
        self.library: Library | None = None
        text = _config_text(config)
        for name, channel in config.channels.items():
            self._statuses[name] = self._assess(channel, failures, known, text)

    @classmethod
    def from_config(cls, config: Config, plugins: Mapping[str, type[Channel]] | None = None,
                    env: Mapping[str, str] | None = None) -> Registry:
        """Build the registry for ``config``.

        With ``plugins`` given, exactly those are used (tests register their
        plugins explicitly); otherwise the entry-point group is loaded.
        """
        if plugins is None:
            classes, failures, known = _load_entry_points()
        else:
            classes, failures = {}, {}
            for name, plugin in plugins.items():
                problem = _not_a_channel(plugin, repr(plugin))
                if problem:
                    failures[name] = problem
                    _log_failed(name, problem)
                else:
                    classes[name] = plugin
            known = list(plugins)
        return cls(config, classes, failures, known, os.environ if env is None else env)

    def _assess(self, channel: ChannelConfig, failures: Mapping[str, str], known: list[str],
                text: str) -> ChannelStatus:
        def status(state: str, reason: str | None = None) -> ChannelStatus:
            if reason and state != LOAD_FAILED:  # a load failure was logged when loading
                _log_state(channel.name, channel.plugin, state, reason)
            return ChannelStatus(channel.name, channel.plugin, state, reason, channel.tags,
                                 channel.municipality, channel.title)

        # A disabled channel is left alone: people switch one off while it is half set up.
        if not channel.enabled:
            return status(DISABLED)
        if channel.plugin in failures:
            return status(LOAD_FAILED, failures[channel.plugin])
        plugin = self._classes.get(channel.plugin)
        if plugin is None:
            installed = ", ".join(sorted(known)) or _("none")
            message = _("no plugin named {name!r} is installed{hint}; installed: {installed}"
                        ).format(name=channel.plugin, hint=did_you_mean(channel.plugin, known),
                                 installed=installed)
            check = Checker(self.config.source, text)
            check.problem(f"channels.{channel.name}.plugin", message)
            self._problems[channel.name] = check.problems
            return status(PLUGIN_MISSING, message)
        problems = self._check_settings(channel, plugin, text)
        if problems:
            self._problems[channel.name] = problems
            first = problems[0]
            where = (_(" (line {line})").format(line=first.line) if first.line is not None
                     else "")
            more = (ngettext(" (and {count} more: see outreach channels check)",
                             " (and {count} more: see outreach channels check)",
                             len(problems) - 1).format(count=len(problems) - 1)
                    if len(problems) > 1 else "")
            return status(CONFIG_ERROR, f"{first.key}{where}: {first.message}{more}")
        return status(READY)

    def _check_settings(self, channel: ChannelConfig, plugin: type[Channel],
                        text: str) -> list[Problem]:
        check = Checker(self.config.source, text)
        prefix = f"channels.{channel.name}"
        schema = plugin.settings_schema
        # Checker would suggest only the plugin's keys; a misspelt common key
        # ("enabeld") lands here too, so offer both.
        for key in channel.settings:
            if key not in schema:
                check.problem(f"{prefix}.{key}",
                              _("unknown key") + did_you_mean(key, [*schema, *CHANNEL_COMMON]))
        known = {k: v for k, v in channel.settings.items() if k in schema}
        self._settings[channel.name] = check.table(known, schema, prefix)
        return check.problems

    # --- what the rest of Outreach calls ---

    def statuses(self) -> list[ChannelStatus]:
        return list(self._statuses.values())

    def status(self, channel_name: str) -> ChannelStatus:
        found = self._statuses.get(channel_name)
        if found is None:
            names = list(self._statuses)
            listed = ", ".join(names) if names else _("none configured")
            raise NotFoundError(_("no channel named {name!r}{hint}; channels: {listed}").format(
                name=channel_name, hint=did_you_mean(channel_name, names), listed=listed))
        return found

    def describe(self, channel_name: str) -> str:
        """A channel as people know it: its name, and its title when config gives one."""
        found = self._statuses.get(channel_name)
        if found is None or not found.title:
            return channel_name
        return _('{channel} "{title}"').format(channel=channel_name, title=found.title)

    def plugin_classes(self) -> dict[str, type[Channel]]:
        """Every plugin that loaded, by its name."""
        return dict(self._classes)

    def plugin_class(self, channel_name: str) -> type[Channel]:
        """The plugin class of a channel (for its limits), even if the channel is disabled."""
        status = self.status(channel_name)
        plugin = self._classes.get(status.plugin)
        if plugin is None:
            raise PluginError(_("channel {name}: {reason}").format(name=channel_name,
                                                                    reason=status.reason))
        return plugin

    def get(self, channel_name: str) -> Channel:
        """The channel instance, made on first use; PluginError when it is not ready."""
        status = self.status(channel_name)
        if channel_name in self._instances:
            return self._instances[channel_name]
        if status.state != READY:
            if status.reason:
                raise PluginError(_("channel {name} is {state}: {reason}").format(
                    name=channel_name, state=status.state, reason=status.reason))
            raise PluginError(_("channel {name} is {state}").format(name=channel_name,
                                                                     state=status.state))
        plugin = self._classes[status.plugin]
        # Plugins keep their state here (a bot's unread updates hold people's messages
        # and contact cards): the owner's alone, whoever made the folder first.
        try:
            private_folder(self.config.data_dir)
        except OSError as exc:  # the plugin says what it cannot write, if anything
            log.warning(_("Cannot make {path} readable by its owner only: {reason}").format(
                path=self.config.data_dir, reason=exc.strerror or exc))
        context = ChannelContext(
            name=channel_name,
            output_dir=self.config.output_dir / channel_name,
            data_dir=self.config.data_dir / channel_name,
            centre=self.config.centre,
            time_zone=self.config.time_zone,
            logger=logging.getLogger(f"outreach.channel.{channel_name}"),
            env=self.env,
            leases=self.leases,
            records=self.records(channel_name) if self.records is not None else None,
            library=self.library,
        )
        try:
            instance = plugin(context, self._settings[channel_name])
        except Exception as exc:  # a plugin's bug must not escape as a traceback
            reason = self.redact(channel_name, _("could not start: {reason}").format(
                reason=_describe(exc)))
            self._statuses[channel_name] = dataclasses.replace(
                status, state=INIT_FAILED, reason=reason)
            _log_state(channel_name, status.plugin, INIT_FAILED, reason)
            raise PluginError(_("channel {name} {reason}").format(name=channel_name,
                                                                   reason=reason)) from None
        self._instances[channel_name] = instance
        return instance

    def ready(self) -> dict[str, Channel]:
        """Every ready channel, instantiated; one that fails to start is left out."""
        channels: dict[str, Channel] = {}
        for status in self.statuses():
            if status.state == READY:
                try:
                    channels[status.name] = self.get(status.name)
                except PluginError:
                    continue  # now init-failed, logged by get()
        return channels

    def check(self, channel_name: str) -> list[CheckResult]:
        """Whether each secret's variable is set, then the plugin's own checks."""
        channel = self.get(channel_name)
        results = []
        for key, field in channel.settings_schema.items():
            variable = self._settings[channel_name].get(key)
            if field.env and variable and not self.env.get(variable):
                results.append(CheckResult(
                    ok=False,
                    message=_("environment variable {variable} (setting {key}) is not set")
                    .format(variable=variable, key=key),
                    fix=_("set {variable} to the token before starting outreach, e.g. "
                          "export {variable}=...").format(variable=variable),
                ))
        try:
            results.extend(channel.check())
        except OutreachError as exc:
            results.append(CheckResult(ok=False, message=self.redact(channel_name, str(exc))))
        except Exception as exc:  # a plugin's bug in check() is a failed check, not a crash
            results.append(CheckResult(
                ok=False, message=self.redact(channel_name, _("check failed: {reason}").format(
                    reason=_describe(exc)))))
        return results

    def problems(self, channel_name: str) -> list[Problem]:
        """The settings problems of one channel (a config-error reason shows only the first)."""
        self.status(channel_name)
        return list(self._problems.get(channel_name, ()))

    def close(self) -> None:
        for name, channel in self._instances.items():
            try:
                channel.close()
            except Exception as exc:  # closing one channel must not keep others open
                log.warning(_("channel {name} did not close cleanly: {reason}").format(
                    name=name, reason=self.redact(name, _describe(exc))))
        self._instances.clear()

    def secrets(self, channel_name: str | None = None) -> list[str]:
        """The values of the secrets the channel's settings name (of every channel: None)."""
        return [secret for variable in self.secret_variables(channel_name)
                if (secret := self.env.get(variable))]

    def secret_variables(self, channel_name: str | None = None) -> list[str]:
        """The environment variables the channel's settings name for secrets (every channel's:
        None)."""
        names = [channel_name] if channel_name is not None else list(self._statuses)
        found: list[str] = []
        for name in names:
            plugin = self._classes.get(self._statuses[name].plugin)
            settings = self._settings.get(name, {})
            for key, field in (plugin.settings_schema.items() if plugin else ()):
                if field.env and settings.get(key):
                    found.append(settings[key])
        return found

    def redact(self, channel_name: str | None, text: str) -> str:
        """Hide the values of the channel's (or every channel's) secrets in ``text``,
        and anything else shaped like a token (one in a request URL, say)."""
        from outreach.config.secrets import MASK, mask_tokens

        for secret in self.secrets(channel_name):
            text = text.replace(secret, MASK)
        return mask_tokens(text)


def _log_state(channel: str, plugin: str, state: str, reason: str) -> None:
    """A channel that will not publish, and why (``state`` stays the identifier)."""
    log.warning(_("Channel {name} (plugin {plugin}) is {state}: {reason}").format(
        name=channel, plugin=plugin, state=state, reason=reason))


def _config_text(config: Config) -> str:
    """The config file's text, for line numbers in messages ("" when there is none)."""
    if config.path is None:
        return ""
    try:
        return config.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
