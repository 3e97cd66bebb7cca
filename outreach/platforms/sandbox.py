"""The sandbox: every configured platform's local fake, for rehearsals and the first run.

Each plugin's fake listens where the channels that rehearse with it point:
the port of their ``api_url`` (the plugin's ``api_url_setting``), on this
computer only. Two sandboxes on one machine, or a port another program holds,
are settled by changing that setting; the error names it. A fake that no
channel points at takes the plugin's ``sandbox_port``, or any free port when
that one is taken. Each fake says which environment variables let a channel
use it (its ready-made tokens). With the example config's sandbox channels,
``outreach run --sandbox`` publishes to the fakes exactly as it would to VK
and Telegram.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from outreach.errors import ConfigError, OutreachError, Problem, os_reason
from outreach.i18n import _

if TYPE_CHECKING:
    from pathlib import Path

    from outreach.channels import Channel, FakePlatform
    from outreach.config import ChannelConfig, Config
    from outreach.platforms.registry import Registry

log = logging.getLogger("outreach.sandbox")

LOOPBACK = ("127.0.0.1", "localhost")


@dataclass
class Sandbox:
    fakes: dict[str, FakePlatform] = field(default_factory=dict)  # plugin name -> running fake
    described: dict[str, Mapping[str, str]] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)  # for the channels using them

    def stop(self) -> None:
        for name, fake in self.fakes.items():
            try:
                fake.stop()
            except Exception as exc:  # noqa: BLE001  (stop the others all the same)
                log.warning(_("The {name} sandbox did not stop cleanly: {reason}").format(
                    name=name, reason=exc))
        self.fakes.clear()


@dataclass
class _Plan:
    """Where one plugin's fake listens, and the channels that rehearse with it."""

    port: int | None = None  # None: no channel points at it
    channels: list[ChannelConfig] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def start_sandbox(config: Config, registry: Registry, *, every_plugin: bool = False,
                  speed: float = 1.0) -> Sandbox:
    """Start the fakes of the plugins the enabled channels use (or of every plugin).

    Without ``every_plugin`` (``outreach run --sandbox``) every enabled channel
    of a plugin with a fake must rehearse: its API address on this computer.
    ``speed`` makes the fakes' audiences live faster than real time.
    """
    sandbox = Sandbox()
    plugins: dict[str, type[Channel]] = {}
    for status in registry.statuses():
        if status.state == "disabled":
            continue
        try:
            plugins.setdefault(status.plugin, registry.plugin_class(status.name))
        except OutreachError:
            continue
    if every_plugin:
        plugins.update(registry.plugin_classes())
    # Every problem of every plugin's channels at once, before anything listens.
    planned: list[tuple[str, type[Channel], _Plan, FakePlatform]] = []
    problems: list[Problem] = []
    for name, plugin in sorted(plugins.items()):
        plan = _plan(config, name, plugin, strict=not every_plugin)
        fake = plugin.fake_platform(_data_dir(config, name), _port(plugin, plan), speed)
        if fake is not None:
            planned.append((name, plugin, plan, fake))
            problems += plan.problems
    if problems:
        raise ConfigError(problems, _("the sandbox cannot start:"))
    try:
        for name, plugin, plan, fake in planned:
            started = _start(config, name, plugin, plan, fake, speed)
            sandbox.fakes[name] = started
            sandbox.described[name] = dict(started.describe())
            for channel in plan.channels:
                sandbox.environment.update(
                    plugin.sandbox_environment(channel.settings, sandbox.described[name]))
    except BaseException:
        sandbox.stop()
        raise
    return sandbox


def _plan(config: Config, name: str, plugin: type[Channel], *, strict: bool) -> _Plan:
    plan = _Plan()
    setting = plugin.api_url_setting
    for channel in config.channels.values():
        if channel.plugin != name or not channel.enabled:
            continue
        key = f"channels.{channel.name}.{setting}"
        url = channel.settings.get(setting)
        if not isinstance(url, str) or not url:
            if strict:
                plan.problems.append(_problem(config, key, _(
                    "is not set, so channel {channel} would publish to the real platform: to "
                    "rehearse with the sandbox, set {setting} = \"{url}\", or set enabled = "
                    "false while rehearsing").format(
                        channel=channel.name, setting=setting,
                        url=f"http://127.0.0.1:{plugin.sandbox_port or _free_port()}")))
            continue
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            plan.problems.append(_problem(config, key, _("{url!r} has no valid port number")
                                          .format(url=url)))
            continue
        if parts.hostname not in LOOPBACK or parts.scheme != "http":
            if strict or parts.scheme == "http":
                plan.problems.append(_problem(config, key, _(
                    "{url!r} is not on this computer: the sandbox serves plain http on "
                    "127.0.0.1 only, so write \"{local}\"").format(
                        url=url,
                        local=f"http://127.0.0.1:{port or plugin.sandbox_port or _free_port()}")))
            continue
        port = port or 80
        if plan.port is not None and port != plan.port:
            first = plan.channels[0].name
            plan.problems.append(_problem(config, key, _(
                "port {port} differs from channel {first}'s port {other}: one {name} sandbox "
                "serves both, so give them the same {setting}").format(
                    port=port, first=first, other=plan.port, name=name, setting=setting)))
            continue
        plan.port = port
        plan.channels.append(channel)
    return plan


def _data_dir(config: Config, name: str) -> Path:
    return config.data_dir / "sandbox" / name


def _port(plugin: type[Channel], plan: _Plan) -> int:
    return plan.port if plan.port is not None else plugin.sandbox_port


def _start(config: Config, name: str, plugin: type[Channel], plan: _Plan,
           fake: FakePlatform, speed: float) -> FakePlatform:
    """Start ``fake`` where ``plan`` says; the setting to change when the port is taken."""
    port = _port(plugin, plan)
    try:
        fake.start()
    except OSError as exc:
        if plan.port is None and exc.errno == errno.EADDRINUSE and port:
            # No channel points at this fake: any free port will do, and it is printed.
            fallback = plugin.fake_platform(_data_dir(config, name), 0, speed)
            assert fallback is not None
            fallback.start()
            return fallback
        raise _cannot_listen(config, name, plugin, plan, port, exc) from None
    return fake


def _cannot_listen(config: Config, name: str, plugin: type[Channel], plan: _Plan, port: int,
                   exc: OSError) -> OutreachError:
    if exc.errno == errno.EADDRINUSE:
        # Most often the demo is still running in another window: say that first, since
        # the changes the message goes on to suggest are for a port another program holds.
        reason = _("the port is taken, most likely by Outreach running in another window "
                   "(`make run`, `outreach run --sandbox` or `outreach sandbox`): stop it "
                   "there with Ctrl+C. If another program holds it")
    else:
        reason = os_reason(exc)
    if not plan.channels:
        return OutreachError(_("cannot start the {name} sandbox on port {port}: {reason}")
                             .format(name=name, port=port, reason=reason))
    setting = plugin.api_url_setting
    free = _free_port()
    return ConfigError(
        [_problem(config, f"channels.{channel.name}.{setting}",
                  _('change the port to a free one, e.g. "{url}"').format(
                      url=f"http://127.0.0.1:{free}"))
         for channel in plan.channels],
        _("cannot start the {name} sandbox on 127.0.0.1:{port}: {reason}:").format(
            name=name, port=port, reason=reason))


def _problem(config: Config, key: str, message: str) -> Problem:
    from outreach.config.tomlfile import key_lines, line_of

    line = None
    if config.path is not None:
        try:
            line = line_of(key_lines(config.path.read_text(encoding="utf-8")), key)
        except (OSError, UnicodeDecodeError):
            line = None
    return Problem(config.source, key, message, line)


def _free_port() -> int:
    """A port free on 127.0.0.1 right now, to suggest."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
