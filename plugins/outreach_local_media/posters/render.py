"""Rendering a poster: its print PDF (vector, with bleed) and its PNG preview.

The page is laid out once (``designs``) as a list of things to draw
(``page``); the PDF draws that list with vector text and the photos' own
pixels (``pdf``), the preview draws it with Pillow at 1600 pixels on the long
side (the social card at its own 1080). Neither makes a print-size raster.
With a print shop's CMYK profile the PDF is in its inks (``cmyk``); the
preview stays sRGB, for screens.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from outreach_local_media.posters.composer import Composer, PosterContent, TextBox
from outreach_local_media.posters.designs import compose
from outreach_local_media.posters.layouts import Layout
from outreach_local_media.posters.page import Box, preview

PREVIEW_SIDE = 1600  # pixels on the long side of a preview

__all__ = ["PREVIEW_SIDE", "PosterContent", "PosterResult", "render_poster"]


@dataclass
class PosterResult:
    png: Path
    pdf: Path | None
    layout: Layout
    warnings: list[str] = field(default_factory=list)
    texts: list[TextBox] = field(default_factory=list)  # in page pixels (Layout.pixels)
    photo_frames: list[tuple[Box, tuple[int, int]]] = field(default_factory=list)
    qr_box: Box | None = None


def render_poster(content: PosterContent, layout: Layout, out_dir: Path, name: str, *,
                  marks: bool = False, print_profile: Path | None = None) -> PosterResult:
    """Compose ``content`` in ``layout``; write ``<name>.png`` (and ``<name>.pdf``, with
    crop marks when ``marks``, in CMYK for the ICC output profile ``print_profile`` when
    given) in ``out_dir``. Files are renamed into place only when complete.

    Raises ProfileError when ``print_profile`` is no CMYK output profile, OSError when a
    photo or the logo cannot be read or the folder written.
    """
    cmyk = None
    if print_profile is not None and layout.pdf:
        from outreach_local_media.posters.cmyk import open_profile

        cmyk = open_profile(print_profile)
    composer = Composer(layout, content)
    compose(composer)
    page = composer.page
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = None
    if layout.pdf:
        from outreach_local_media.posters.pdf import write_pdf

        pdf = out_dir / f"{name}.pdf"
        _save(pdf, lambda out: write_pdf(page, layout, out, marks=marks, cmyk=cmyk))
    scale = min(1.0, PREVIEW_SIDE / max(page.width, page.height)) if layout.pdf else 1.0
    image = preview(page, scale)
    png = out_dir / f"{name}.png"
    _save(png, lambda out: image.save(out, "PNG"))  # a new image: no EXIF, no comments
    return PosterResult(png, pdf, layout, composer.warnings, composer.result_texts,
                        composer.frames, composer.qr_box)


def _save(dest: Path, write: Callable[[IO[bytes]], None]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp",
                                         dir=dest.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, dest)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
