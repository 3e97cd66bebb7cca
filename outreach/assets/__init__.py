"""Files the core ships for itself and for plugins: fonts (DejaVu, see fonts/LICENSE-DejaVu.txt).

They are package data, found through ``importlib.resources``, so they are
there in an installed wheel as in a source checkout. Plugins reach them
through ``outreach.channels.font_file``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The fonts ``font_file`` knows: Cyrillic and Latin, regular and bold.
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


def font_file(name: str) -> Path:
    """The path of the shipped font ``name`` (one of ``FONTS``), for Pillow's ``truetype``.

    Raises ``FileNotFoundError`` naming the fonts there are. An installed
    package is a folder on disk (pip unpacks wheels), so the path is real.
    """
    resource = files(__name__).joinpath("fonts", name)
    if name not in FONTS or not resource.is_file():
        raise FileNotFoundError(f"no font {name!r} in outreach; fonts: {', '.join(FONTS)}")
    return Path(str(resource))
