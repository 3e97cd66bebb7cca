"""The build's one custom step: compile the gettext catalogues (.po) into .mo files.

The .po files are the source, kept in git; a .mo is built from its .po on
every build and never committed, so it cannot go stale by hand. A wheel (and
a wheel built from the sdist) ships the .mo files beside the .po files'
place in the package; an editable install (``make setup``) writes them in
place, beside the .po, where the package reads them. Everything else is in
pyproject.toml.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build

# The compiler lives with the catalogues' other tools; Babel is a build requirement.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from outreach.i18n import catalogs  # noqa: E402


class build_catalogs(Command):  # noqa: N801 - setuptools names commands in snake case
    """Compile outreach/locale/*/LC_MESSAGES/*.po into .mo files."""

    description = "compile the gettext catalogues (.po) into .mo files"
    user_options: list[tuple[str, str | None, str]] = []

    def initialize_options(self) -> None:
        self.build_lib: str | None = None
        self.editable_mode = False

    def finalize_options(self) -> None:
        self.set_undefined_options("build_py", ("build_lib", "build_lib"))

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

    def get_output_mapping(self) -> dict[str, str]:
        return {}


build.sub_commands = [*build.sub_commands, ("build_catalogs", None)]

setup(cmdclass={"build_catalogs": build_catalogs})
