"""The working-folder template ``outreach init`` copies: config, sample library, campaigns.

An installed wheel carries it as package data (``outreach/template``, packed
by setup.py); a source checkout is its own template (the files at the top of
the repository), so both give the same folder.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

EXAMPLE = "config.example.toml"
#: Copied into every new working folder: the sample logo config.example.toml names.
BRAND = "media/brand"
#: Copied by ``outreach init --samples``.
SAMPLE_STORIES = "media/samples"
SAMPLE_CAMPAIGNS = "campaigns"


def template_dir() -> Path:
    """The folder holding config.example.toml, campaigns/ and media/ to copy from."""
    packed = files("outreach").joinpath("template")
    if packed.is_dir():
        return Path(str(packed))
    return Path(str(files("outreach"))).parent


def copy_missing(name: str, target: Path) -> list[Path]:
    """Copy the template's file or folder ``name`` to ``target``, keeping what is there.

    Returns the files written; a file already at its place is left as it is.
    """
    source = template_dir() / name
    pairs = ([(source, target)] if source.is_file() else
             [(path, target / path.relative_to(source))
              for path in sorted(source.rglob("*")) if path.is_file()])
    written = []
    for origin, copy in pairs:
        if copy.exists():
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, copy)
        written.append(copy)
    return written
