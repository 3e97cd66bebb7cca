"""Commands that plugins add to ``outreach``: the entry-point group ``outreach.commands``.

The names are read straight from the installed distributions' ``entry_points.txt``
files, the way ``importlib.metadata`` finds them (along ``sys.path``, the first
distribution of a name wins), without importing it: that import alone takes longer
than the rest of ``outreach --help``. A command is imported when it is used or
listed; one that fails to import is reported and left out.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys

import click

from outreach.i18n import _

GROUP = "outreach.commands"

_loaded: dict[str, click.Command | None] = {}


@functools.cache
def entry_points(group: str = GROUP) -> dict[str, str]:
    """name -> "module:attribute" of every entry point in ``group``; the first of a name wins."""
    found: dict[str, str] = {}
    seen: set[str] = set()
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:  # a zip file, or a folder that is gone
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            distribution = _normalized(name.rpartition(".")[0].partition("-")[0])
            if distribution in seen:
                continue
            seen.add(distribution)
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"),
                          encoding="utf-8") as file:
                    text = file.read()
            except OSError:
                continue
            for key, value in _section(text, group):
                found.setdefault(key, value)
    return found


def load(name: str) -> click.Command | None:
    """The command a plugin registered as ``name``, or None (logged) when it cannot load."""
    if name not in _loaded:
        _loaded[name] = _import(name, entry_points()[name])
    return _loaded[name]


def _import(name: str, value: str) -> click.Command | None:
    module, _colon, attribute = value.partition(":")
    try:
        found: object = importlib.import_module(module.strip())
        for part in attribute.strip().split(".") if attribute.strip() else ():
            found = getattr(found, part)
    except Exception as exc:  # a broken plugin never stops the others
        _warn(_("plugin command {name} ({value}) cannot be loaded: {reason}").format(
            name=name, value=value, reason=f"{type(exc).__name__}: {exc}"))
        return None
    if not isinstance(found, click.Command):
        _warn(_("plugin command {name}: {value} is not a click command").format(
            name=name, value=value))
        return None
    return found


def _warn(message: str) -> None:
    import logging  # only when a plugin is broken: ``outreach --help`` never needs it

    logging.getLogger("outreach").warning(message)


def _normalized(name: str) -> str:
    # The distribution name as importlib.metadata compares them (PEP 503).
    return re.sub(r"[-_.]+", "_", name).lower()


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """(name, value) pairs of ``[group]`` in an entry_points.txt (an INI file)."""
    pairs = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            key, _equals, value = line.partition("=")
            pairs.append((key.strip(), value.strip()))
    return pairs
