"""How the plugins' modules import each other: no loops, and the core only through its API.

Every import counts, also those made inside a function or only for type checking:
a loop through any of them means the modules were cut from one class, not made
into collaborators that are handed to each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
PACKAGES = sorted(p.name for p in PLUGINS.glob("outreach_*") if (p / "__init__.py").exists())

#: Core modules a plugin still imports besides the plugin API, until the API exports
#: what they are imported for (the centre's details: ``Centre``).
NOT_YET_THROUGH_THE_API = {
    ("outreach_local_media.presskit", "outreach.config"),
    ("outreach_local_media.release", "outreach.config"),
    # The i18n functions, until the API re-exports them (docs/i18n.md, "Plugins").
    *((f"outreach_max.{module}", "outreach.i18n")
      for module in ("channel", "checks", "client", "intake")),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PLUGINS).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The modules ``path`` imports (``from a import b`` is module a.b when there is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(path): path for package in PACKAGES
             for path in (PLUGINS / package).rglob("*.py")}
    modules = set(files)
    return {name: imports_of(path, modules) for name, path in files.items()}


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module] & edges.keys():
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_plugins_are_found() -> None:
    assert {"outreach_local_media", "outreach_telegram", "outreach_vk"} <= set(PACKAGES)


def test_no_plugin_module_imports_itself_round_a_loop() -> None:
    assert loops(graph()) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_only_the_package_imports_its_channel_module(package: str) -> None:
    importers = {name for name, imported in graph().items()
                 if f"{package}.channel" in imported}
    assert importers <= {package}


def test_plugins_import_the_core_only_through_the_plugin_api() -> None:
    around = {(name, module) for name, imported in graph().items() for module in imported
              if module.split(".")[0] == "outreach" and module != "outreach.channels"}
    assert around <= NOT_YET_THROUGH_THE_API
