"""Photo-like 12-megapixel JPEGs for the benchmarks, generated once and kept in .cache/.

A camera photo is smooth areas, edges and sensor noise, and weighs 3-5 MB as a
JPEG. Uniform noise would weigh far more and compress far worse than a photo;
a flat gradient far less. So each picture is a colour gradient, soft
low-frequency blobs, a few sharp-edged shapes and fine noise, made with Pillow
alone (no numpy) in about a second.

Run it on its own to fill the cache: ``python benchmarks/images.py [COUNT]``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
SIZE = (4000, 3000)  # 12 megapixels, 4:3 like most camera sensors
QUALITY = 92  # what cameras and phones typically write


def make_photo(path: Path, seed: int, size: tuple[int, int] = SIZE) -> Path:
    """Write one photo-like JPEG to ``path``; the same ``seed`` gives the same composition."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = size
    turn = rng.choice([None, *Image.Transpose][:4])
    gradient = Image.linear_gradient("L")
    gradient = (gradient.transpose(turn) if turn is not None else gradient).resize(size)
    across = gradient.transpose(Image.Transpose.ROTATE_90).resize(size)
    blobs = Image.effect_noise((width // 40, height // 40), 60).resize(
        size, Image.Resampling.BICUBIC
    )
    detail = Image.effect_noise((width // 6, height // 6), 35).resize(
        size, Image.Resampling.BICUBIC
    )
    red = ImageChops.add(ImageChops.multiply(gradient, blobs), detail, scale=1.6, offset=-20)
    green = ImageChops.add(ImageChops.multiply(across, blobs), detail, scale=1.6, offset=-30)
    blue = ImageChops.add(blobs, detail, scale=1.8)
    picture = Image.merge("RGB", (red, green, blue))

    # Sharp edges, like people and buildings against a background.
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(100, 900), rng.randrange(100, 1200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=colour)
    picture = picture.filter(ImageFilter.GaussianBlur(1))

    grain = Image.effect_noise(size, 7)
    picture = ImageChops.add(picture, Image.merge("RGB", (grain, grain, grain)), offset=-128)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    picture.save(temporary, "JPEG", quality=QUALITY)
    temporary.replace(path)
    return path


def cached_photos(count: int, cache: Path = CACHE) -> list[Path]:
    """``count`` distinct 12 MP JPEGs from the cache, generating the missing ones."""
    photos = []
    for index in range(count):
        path = cache / f"photo-{index:03d}.jpg"
        if not path.exists():
            make_photo(path, seed=index)
        photos.append(path)
    return photos


def distinct_copy(source: Path, dest: Path, tag: str) -> Path:
    """Copy ``source`` to ``dest`` with a JPEG comment holding ``tag``.

    The pixels stay the same but the file's sha256 differs, so an importer that
    skips duplicate content still sees a new photo.
    """
    data = source.read_bytes()
    comment = tag.encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    dest.write_bytes(data[:2] + segment + data[2:])  # right after the SOI marker
    return dest


if __name__ == "__main__":
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for photo in cached_photos(wanted):
        print(f"{photo}  {photo.stat().st_size / 1e6:.1f} MB")
