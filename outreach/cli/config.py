"""``outreach config show``: the configuration in effect, secrets hidden.

Defaults are filled in and paths resolved, so a volunteer sees exactly what
Outreach will use. Settings that name an environment variable show the
variable's name and whether it is set, never its value; a secret pasted
where the name belongs, and any value of a key named like a secret, shows as
``(hidden)`` whatever it holds; the database URL's password, and anything
shaped like a token, is replaced by ``***``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from outreach.config.tomlfile import dump_key, dump_value
from outreach.i18n import N_, _

if TYPE_CHECKING:
    from outreach.cli import App
    from outreach.config import Config
    from outreach.platforms.registry import Registry

# In the JSON as it is, a marker scripts can test for; the TOML view translates it.
HIDDEN = N_("(hidden)")
# A plugin key that looks like a secret but is not declared as an environment
# variable name is hidden too: better a blank than a leaked token.
_SECRET_NAME = re.compile(
    r"token|password|passwd|secret|api_?key|private_?key|access_?key|credential|cookie",
    re.IGNORECASE)


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
        shown = {key: _env_setting(value, env) if key in env_keys else _shown(key, value)
                 for key, value in settings.items()}
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
        "database_url": _database_url(redact_url(config.database_url)),
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
            "city": centre.city,
            "contact_person": centre.contact_person,
            "contact_phone": centre.contact_phone,
            "contact_email": centre.contact_email,
        },
        "channels": channels,
        "signups": _shown("signups", _signups(config)),
    }


def _env_setting(value: Any, env: Mapping[str, str]) -> Any:
    """A setting that names an environment variable: the name and whether it is set.

    Anything else found there is most likely the secret itself, pasted in: hidden.
    """
    from outreach.config.secrets import looks_like_secret

    if value is None:
        return None
    if not isinstance(value, str) or looks_like_secret(value):
        return HIDDEN
    return {"variable": value, "set": bool(env.get(value))}


def _shown(key: str, value: Any) -> Any:
    """``value`` of ``key`` as it may be shown: secrets hidden, however deep in a table."""
    from outreach.config.secrets import mask_tokens

    if value is None or value == "":
        return value
    if _SECRET_NAME.search(key):
        return HIDDEN
    if isinstance(value, dict):
        return {k: _shown(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_shown("", v) for v in value]
    if isinstance(value, str):
        return mask_tokens(value)
    return value


def _database_url(url: str) -> str:
    """A database URL whose query may carry a password too (``?password=...``)."""
    from outreach.config.secrets import mask_tokens

    return mask_tokens(url)


def _signups(config: Config) -> dict[str, Any]:
    """The [signups] section as it is written in config.toml."""
    signups = config.signups
    shown: dict[str, Any] = {}
    for item in dataclasses.fields(signups):
        value = getattr(signups, item.name)
        if item.name == "enabled":  # derived: whether the section is written at all
            continue
        if item.name.startswith("coordinators_"):
            if value is not None:
                shown.setdefault("coordinators", {})[item.name.split("_", 1)[1]] = value
            continue
        shown[item.name] = _duration(value) if isinstance(value, dt.timedelta) else value
    return shown


def _duration(value: dt.timedelta) -> str:
    """A timedelta as config.toml writes it: '48h', '2w', '30m' (hours below a week)."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600)):
        if seconds and seconds % size == 0 and (unit != "d" or seconds >= 604800):
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def _lines(table: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in table.items():
        if value is None:
            lines.append("# " + _("{key}: not set").format(key=key))
        elif isinstance(value, dict) and set(value) == {"variable", "set"}:
            state = _("set") if value["set"] else _("not set")
            lines.append(f"{dump_key(key)} = {dump_value(value['variable'])}  # ({state})")
        elif value == HIDDEN:
            lines.append(f"{dump_key(key)} = {dump_value(_(HIDDEN))}")
        else:
            lines.append(f"{dump_key(key)} = {dump_value(value)}")
    return lines


def render_toml(shown: Mapping[str, Any]) -> str:
    """``effective_config`` as TOML text a volunteer can read (and compare with their file)."""
    source = shown["config_file"] or _("no config file (built-in defaults)")
    out = ["# " + _("Effective configuration: {source}").format(source=source),
           "# " + _("Defaults filled in, paths resolved, secrets hidden."), ""]
    top = {k: v for k, v in shown.items()
           if k not in ("config_file", "paths", "centre", "channels", "signups")}
    out += _lines(top)
    for section in ("paths", "centre"):
        out += ["", f"[{section}]", *_lines(shown[section])]
    if not shown["channels"]:
        out += ["", "# " + _("No channels configured: add [channels.NAME] sections.")]
    for name, channel in shown["channels"].items():
        out += ["", f"[channels.{dump_key(name)}]", *_lines(channel)]
    out += ["", "[signups]", *_lines(shown["signups"])]
    return "\n".join(out)


@config.command()
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml",
              show_default=True, help=N_("Output format."))
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
