"""QR codes for the PNG preview, drawn with Pillow from segno's module matrix.

The print PDF draws the same matrix as vector squares (``pdf``).

segno (pure Python, no dependencies) encodes; every module becomes a whole
number of pixels, so the printed code has crisp edges. Error correction level
M survives a crease or a smudge on a stand; the quiet zone is the four
modules the standard asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004)


def qr_image(data: str, side: int) -> PILImage.Image:
    """A square black-on-white QR code of ``data``, at most ``side`` pixels wide."""
    import segno
    from PIL import Image

    code = segno.make_qr(data, error="m")
    count = int(code.symbol_size(scale=1, border=QUIET_ZONE)[0])
    scale = max(1, side // count)
    matrix = Image.new("1", (count, count), 1)
    pixels = matrix.load()
    assert pixels is not None  # a new image's pixels are there to load
    for y, row in enumerate(code.matrix_iter(scale=1, border=QUIET_ZONE)):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    return matrix.resize((count * scale, count * scale), Image.Resampling.NEAREST)

