"""Group photos made from a real photograph of a face that ships inside a package.

The face is the astronaut photograph in scikit-image's wheel
(``skimage/data/astronaut.png``, Eileen Collins, public domain, NASA); a photo
without people is its ``coffee.png``. Neither is downloaded.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from PIL import Image, ImageOps


def sample(name: str) -> Image.Image:
    path = importlib.resources.files("skimage") / "data" / name
    with importlib.resources.as_file(path) as real, Image.open(real) as image:
        return image.convert("RGB")


def person(scale: float = 1.0, mirror: bool = False) -> Image.Image:
    """The astronaut's head and shoulders (her face is about 93 px in the original)."""
    tile = sample("astronaut.png").crop((110, 10, 350, 330))
    if mirror:
        tile = ImageOps.mirror(tile)
    return tile.resize((round(tile.width * scale), round(tile.height * scale)),
                       Image.Resampling.LANCZOS)


def group(path: Path, size: tuple[int, int], places: list[tuple[int, int, float]]) -> Path:
    """A photo of ``size`` on a plain wall with a person at each (x, y, scale)."""
    canvas = Image.new("RGB", size, (196, 190, 178))
    for index, (x, y, scale) in enumerate(places):
        canvas.paste(person(scale, mirror=index % 2 == 1), (x, y))
    canvas.save(path, quality=92)
    return path
