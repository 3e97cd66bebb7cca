"""The sandbox: every configured platform's local fake, for rehearsals and the first run.

Each plugin with a fake serves it on its ``sandbox_port`` on 127.0.0.1, and
says which environment variables let a channel use it (its ready-made
tokens). With the example config's sandbox channels, ``outreach run
--sandbox`` publishes to the fakes exactly as it would to VK and Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach.errors import OutreachError

if TYPE_CHECKING:
    from outreach.channels import FakePlatform
    from outreach.config import Config
    from outreach.registry import Registry

log = logging.getLogger("outreach.sandbox")


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
                log.warning("the %s sandbox did not stop cleanly: %s", name, exc)
        self.fakes.clear()


def start_sandbox(config: Config, registry: Registry, *, every_plugin: bool = False,
                  speed: float = 1.0) -> Sandbox:
    """Start the fakes of the plugins the enabled channels use (or of every plugin).

    ``speed`` makes the fakes' audiences live faster than real time.
    """
    sandbox = Sandbox()
    plugins: dict[str, type] = {}
    for status in registry.statuses():
        if status.state == "disabled":
            continue
        try:
            plugins.setdefault(status.plugin, registry.plugin_class(status.name))
        except OutreachError:
            continue
    if every_plugin:
        plugins.update(registry.plugin_classes())
    try:
        for name, plugin in sorted(plugins.items()):
            fake = plugin.fake_platform(config.data_dir / "sandbox" / name, plugin.sandbox_port,
                                        speed)
            if fake is None:
                continue
            try:
                fake.start()
            except OSError as exc:
                raise OutreachError(
                    f"cannot start the {name} sandbox on port {plugin.sandbox_port}: "
                    f"{exc.strerror or exc} (is another `outreach sandbox` running?)") from exc
            sandbox.fakes[name] = fake
            sandbox.described[name] = dict(fake.describe())
    except BaseException:
        sandbox.stop()
        raise
    for channel in config.channels.values():
        described = sandbox.described.get(channel.plugin)
        if described is not None and channel.enabled:
            sandbox.environment.update(
                plugins[channel.plugin].sandbox_environment(channel.settings, described))
    return sandbox
