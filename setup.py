"""The build's two custom steps: compile the gettext catalogues (.po) into .mo files,
and pack the working-folder template ``outreach init`` copies.

The .po files are the source, kept in git; a .mo is built from its .po on
every build and never committed, so it cannot go stale by hand. A wheel (and
a wheel built from the sdist) ships the .mo files beside the .po files'
place in the package; an editable install (``make setup``) writes them in
place, beside the .po, where the package reads them.

The template (config.example.toml, campaigns/, media/samples/, media/brand/)
lives at the top of the repository, where the README and docs point; a wheel
carries a copy as ``outreach/template``. A source checkout has no copy, and
``outreach.config.template`` reads the checkout's top folder instead.
Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build

# The compiler lives with the catalogues' other tools; Babel is a build requirement.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from outreach.i18n import catalogs  # noqa: E402


class _BuildStep(Command):
    """A step of ``build`` that writes into the build tree (``build_lib``), or in place
    for an editable install."""

    user_options: list[tuple[str, str | None, str]] = []

    def initialize_options(self) -> None:
        self.build_lib: str | None = None
        self.editable_mode = False

    def finalize_options(self) -> None:
        self.set_undefined_options("build_py", ("build_lib", "build_lib"))

    def get_output_mapping(self) -> dict[str, str]:
        return {}


class build_catalogs(_BuildStep):  # noqa: N801 - setuptools names commands in snake case
    """Compile outreach/locale/*/LC_MESSAGES/*.po into .mo files."""

    description = "compile the gettext catalogues (.po) into .mo files"

    def run(self) -> None:
        # Editable: beside the .po in the checkout, where the installed package
        # looks; otherwise into the build tree that becomes the wheel.
        into = None if self.editable_mode else Path(self.build_lib)
        for mo in catalogs.compile_all(into=into):
            print(f"compiled {mo}")

    def get_source_files(self) -> list[str]:
        return [str(po.relative_to(catalogs.ROOT)) for po in catalogs.po_files()]

    def get_outputs(self) -> list[str]:
        return [str(catalogs.mo_path(po, Path(self.build_lib))) for po in catalogs.po_files()]


class build_template(_BuildStep):  # noqa: N801 - setuptools names commands in snake case
    """Copy the working-folder template into the build tree as outreach/template."""

    description = "pack the working-folder template outreach init copies"

    def run(self) -> None:
        if self.editable_mode:  # the checkout's own top folder is the template
            return
        target = Path(self.build_lib) / "outreach" / "template"
        for source in _template_files():
            copy = target / source.relative_to(_ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)

    def get_source_files(self) -> list[str]:
        return [str(path.relative_to(_ROOT)) for path in _template_files()]

    def get_outputs(self) -> list[str]:
        target = Path(self.build_lib) / "outreach" / "template"
        return [str(target / path.relative_to(_ROOT)) for path in _template_files()]


_ROOT = Path(__file__).resolve().parent
#: What ``outreach init`` copies (keep in step with outreach.config.template).
_TEMPLATE = ("config.example.toml", "campaigns", "media/samples", "media/brand")


def _template_files() -> list[Path]:
    found: list[Path] = []
    for name in _TEMPLATE:
        path = _ROOT / name
        found += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return found


build.sub_commands = [*build.sub_commands, ("build_catalogs", None), ("build_template", None)]

setup(cmdclass={"build_catalogs": build_catalogs, "build_template": build_template})
