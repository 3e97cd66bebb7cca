"""``outreach config show``: the configuration in effect, secrets hidden.

Defaults are filled in and paths resolved, so a volunteer sees exactly what
Outreach will use. Settings that name an environment variable show the
variable's name and whether it is set, never its value; the database URL's
password is replaced by ``***``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from outreach.tomlfile import dump_key, dump_value

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.config import Config
    from outreach.registry import Registry

HIDDEN = "(hidden)"
# A plugin key that looks like a secret but is not declared as an environment
# variable name is hidden too: better a blank than a leaked token.
_SECRET_NAME = re.compile(r"token|password|passwd|secret|api_key|apikey", re.IGNORECASE)


@click.group()
def config() -> None:
    """Show the effective configuration."""


def _env_keys(registry: Registry | None, channel: str, settings: Mapping[str, Any]) -> set[str]:
    """Which settings of ``channel`` name environment variables (by the plugin's schema)."""
    from outreach.errors import OutreachError

    if registry is not None:
        try:
            schema = registry.plugin_class(channel).settings_schema
            return {key for key, field in schema.items() if field.env}
        except OutreachError:
            pass
    # The plugin cannot be loaded: fall back to the naming convention.
    return {key for key in settings if key.endswith("_env")}


def _plugin_defaults(registry: Registry | None, channel: str) -> dict[str, Any]:
    from outreach.errors import OutreachError

    if registry is None:
        return {}
    try:
        schema = registry.plugin_class(channel).settings_schema
    except OutreachError:
        return {}
    return {key: field.default for key, field in schema.items() if not field.required}


def effective_config(config: Config, env: Mapping[str, str] | None = None,
                     registry: Registry | None = None) -> dict[str, Any]:
    """The configuration as plain data, defaults filled in, secrets redacted.

    A setting naming an environment variable becomes
    ``{"variable": NAME, "set": bool}``; the variable's value is never read out.
    """
    from outreach.db import redact_url

    env = os.environ if env is None else env
    channels: dict[str, Any] = {}
    for name, channel in config.channels.items():
        settings = {**_plugin_defaults(registry, name), **channel.settings}
        env_keys = _env_keys(registry, name, settings)
        shown: dict[str, Any] = {}
        for key, value in settings.items():
            if key in env_keys and isinstance(value, str):
                shown[key] = {"variable": value, "set": bool(env.get(value))}
            elif key not in env_keys and _SECRET_NAME.search(key) and value:
                shown[key] = HIDDEN
            else:
                shown[key] = value
        channels[name] = {
            "plugin": channel.plugin,
            "enabled": channel.enabled,
            "tags": list(channel.tags),
            "municipality": channel.municipality,
            "title": channel.title,
            **shown,
        }
    centre = config.centre
    return {
        "config_file": str(config.path.resolve()) if config.path else None,
        "database_url": redact_url(config.database_url),
        "time_zone": config.time_zone,
        "municipalities": list(config.municipalities),
        "paths": {
            "media": str(config.media_dir),
            "campaigns": str(config.campaigns_dir),
            "output": str(config.output_dir),
            "cache": str(config.cache_dir),
            "data": str(config.data_dir),
        },
        "centre": {
            "name": centre.name,
            "slogan": centre.slogan,
            "phone": centre.phone,
            "email": centre.email,
            "website": centre.website,
            "logo": str(centre.logo) if centre.logo else None,
            "contact_person": centre.contact_person,
        },
        "channels": channels,
    }


def _lines(table: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in table.items():
        if value is None:
            lines.append(f"# {key}: not set")
        elif isinstance(value, dict) and set(value) == {"variable", "set"}:
            state = "set" if value["set"] else "not set"
            lines.append(f"{dump_key(key)} = {dump_value(value['variable'])}  # ({state})")
        else:
            lines.append(f"{dump_key(key)} = {dump_value(value)}")
    return lines


def render_toml(shown: Mapping[str, Any]) -> str:
    """``effective_config`` as TOML text a volunteer can read (and compare with their file)."""
    source = shown["config_file"] or "no config file (built-in defaults)"
    out = [f"# Effective configuration: {source}",
           "# Defaults filled in, paths resolved, secrets hidden.", ""]
    top = {k: v for k, v in shown.items()
           if k not in ("config_file", "paths", "centre", "channels")}
    out += _lines(top)
    for section in ("paths", "centre"):
        out += ["", f"[{section}]", *_lines(shown[section])]
    if not shown["channels"]:
        out += ["", "# No channels configured: add [channels.NAME] sections."]
    for name, channel in shown["channels"].items():
        out += ["", f"[channels.{dump_key(name)}]", *_lines(channel)]
    return "\n".join(out)


@config.command()
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml",
              show_default=True, help="Output format.")
@click.pass_obj
def show(app: App, fmt: str) -> None:
    """Print the configuration in effect: defaults filled in, paths resolved, secrets hidden."""
    loaded = app.config
    registry = app.registry if loaded.channels else None
    shown = effective_config(loaded, registry=registry)
    if fmt == "json":
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        click.echo(render_toml(shown))
