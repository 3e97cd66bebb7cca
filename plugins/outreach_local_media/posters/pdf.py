"""The print PDF of a poster page: vector text and shapes, photos, bleed and boxes.

What a print shop checks, and where it comes from here:

- Text is text, in DejaVu Sans embedded as a subset (reportlab embeds every
  TrueType font it draws with), and shapes and the QR code are vector: sharp
  at any size. Type above 1,000 pt (a billboard's phone) is drawn as the
  font's outlines (fontTools reads them), with the same words as invisible text.
- Photos carry as many of their own pixels as the format asks (``Layout.dpi``:
  300 for sheets) and never more than the photo has: a PDF enlarges in the
  printer, not in memory.
- The page is the trim size plus bleed on every side (``Layout.bleed_mm``);
  fills and photos that touch the trim edge run on into the bleed. TrimBox and
  BleedBox say which is which; with ``marks`` the page grows by a margin that
  carries crop marks at the trim lines, outside the bleed.
- Colours are sRGB, declared by an sRGB ICC profile as the document's output
  intent (the profile Pillow's ImageCms makes, IEC 61966-2.1); or, given a
  print shop's CMYK profile (``cmyk``), CMYK converted through it, with that
  profile as the output intent.
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from outreach_local_media.posters.layouts import MM_PER_INCH, POINTS_PER_INCH, Layout
from outreach_local_media.posters.page import Code, Fill, Line, Logo, Page, Picture, logo_image
from outreach_local_media.posters.photos import place_photo
from outreach_local_media.posters.textfit import REGULAR, font

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from reportlab.pdfgen.canvas import Canvas

    from outreach_local_media.posters.cmyk import CmykProfile
    from outreach_local_media.posters.page import Colour

MARKS_MM = 10.0  # margin outside the bleed that holds the crop marks
MARK_GAP_MM = 2.0  # crop marks start this far outside the bleed, never inside it
MARK_WIDTH_PT = 0.3
JPEG_QUALITY = 92
OUTLINE_ABOVE_PT = 1000


def write_pdf(page: Page, layout: Layout, out: IO[bytes], *, marks: bool = False,
              cmyk: CmykProfile | None = None) -> None:
    """Draw ``page`` (laid out in ``layout.pixels``) as a one-page print PDF into ``out``;
    in the inks of ``cmyk`` when given, else in sRGB."""
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    rl_config.useA85 = 0  # binary streams: ASCII85 would make every photo 25 % larger
    k = POINTS_PER_INCH / layout.dpi  # points per page pixel
    bleed = layout.bleed_mm / MM_PER_INCH * POINTS_PER_INCH
    margin = bleed + (MARKS_MM / MM_PER_INCH * POINTS_PER_INCH if marks else 0)
    trim_w, trim_h = page.width * k, page.height * k
    # Every font the page names is registered first: a canvas otherwise starts with
    # Helvetica, which a print shop would see as a font not embedded.
    fonts = {item.font: _register(item.font) for item in page.items if isinstance(item, Line)}
    canvas = Canvas(out, pagesize=(trim_w + 2 * margin, trim_h + 2 * margin),
                    pageCompression=1, invariant=1,
                    # types-reportlab types this a float; reportlab takes a font name.
                    initialFontName=next(iter(fonts.values()), _register(REGULAR)),  # type: ignore[arg-type]
                    )
    canvas.setTitle("")
    canvas.setAuthor("")
    canvas.setCreator("outreach")
    canvas.setTrimBox((margin, margin, margin + trim_w, margin + trim_h))
    canvas.setBleedBox((margin - bleed, margin - bleed, margin + trim_w + bleed,
                        margin + trim_h + bleed))
    bleed_px = bleed / k
    drawer = _Drawer(canvas, page, k, margin, bleed_px, fonts, cmyk)
    for item in page.items:
        drawer.draw(item)
    if marks:
        _crop_marks(canvas, margin, trim_w, trim_h, bleed, registration=cmyk is not None)
    if cmyk is None:
        _srgb_output_intent(canvas)
    else:
        _output_intent(canvas, cmyk.data, 4, cmyk.description)
    canvas.showPage()
    canvas.save()


class _Drawer:
    def __init__(self, canvas: Canvas, page: Page, k: float, margin: float,
                 bleed_px: float, fonts: dict[Path, str], cmyk: CmykProfile | None) -> None:
        self.canvas, self.page, self.k, self.margin = canvas, page, k, margin
        self.bleed_px = bleed_px
        self.fonts = fonts
        self.cmyk = cmyk

    def colour(self, colour: Colour) -> None:
        """Fill with ``colour`` (sRGB), in the print profile's inks when there is one."""
        if self.cmyk is None:
            self.canvas.setFillColorRGB(*(c / 255 for c in colour))
        else:
            self.canvas.setFillColorCMYK(*self.cmyk.ink(colour))

    def x(self, px: float) -> float:
        return self.margin + px * self.k

    def y(self, px: float) -> float:
        """PDF y (from the bottom) of the page pixel row ``px`` (from the top)."""
        return self.margin + (self.page.height - px) * self.k

    def bled(self, box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        """``box`` run on into the bleed on every side where it touches the trim edge."""
        left, top, right, bottom = (float(v) for v in box)
        b = self.bleed_px
        return (left - b if left <= 0 else left, top - b if top <= 0 else top,
                right + b if right >= self.page.width else right,
                bottom + b if bottom >= self.page.height else bottom)

    def draw(self, item: Fill | Line | Picture | Logo | Code) -> None:
        if isinstance(item, Fill):
            self.fill(item)
        elif isinstance(item, Line):
            self.line(item)
        elif isinstance(item, Picture):
            self.picture(item)
        elif isinstance(item, Logo):
            self.logo(item)
        else:
            self.code(item)

    def fill(self, item: Fill) -> None:
        left, top, right, bottom = self.bled(item.box)
        self.colour(item.colour)
        self.canvas.rect(self.x(left), self.y(bottom), (right - left) * self.k,
                         (bottom - top) * self.k, stroke=0, fill=1)

    def line(self, item: Line) -> None:
        name = self.fonts[item.font]
        ascent = font(item.font, item.size).getmetrics()[0]
        size = item.size * self.k
        x, y = self.x(item.x), self.y(item.y + ascent)
        self.colour(item.colour)
        if size <= OUTLINE_ABOVE_PT:
            self.canvas.setFont(name, size)
            self.canvas.drawString(x, y, item.text)
            return
        # Type this large (a billboard's phone) goes as outlines, as outdoor printers ask
        # ("convert all text to outlines": pgaustin.com) and because some viewers drop
        # glyphs above about 1,200 pt (poppler's Splash renderer does). The same words
        # stay on the page as invisible text, so the PDF can still be searched and read.
        self.canvas.drawPath(_outlines(item.font, item.text, x, y, size), stroke=0, fill=1,
                             fillMode=1)  # TrueType outlines fill by the non-zero rule
        text = self.canvas.beginText(x, y)
        text.setTextRenderMode(3)  # neither fill nor stroke
        text.setFont(name, size)
        text.textOut(item.text)
        self.canvas.drawText(text)

    def picture(self, item: Picture) -> None:
        from reportlab.lib.utils import ImageReader

        left, top, right, bottom = self.bled(item.frame)
        size = (max(1, math.ceil(right - left)), max(1, math.ceil(bottom - top)))
        placed = place_photo(item.path, size, crop=item.crop, enlarge=False)
        photo = placed.image
        if self.cmyk is not None:
            photo = self.cmyk.image(placed.image)
            placed.image.close()  # the sRGB pixels go before the JPEG is written
        data = io.BytesIO()
        # Pillow writes CMYK JPEGs inverted, as Adobe's do (APP14); reportlab's
        # DCTDecode image says so with its Decode [1 0 1 0 1 0 1 0].
        photo.save(data, "JPEG", quality=JPEG_QUALITY, optimize=True)
        photo.close()
        data.seek(0)
        self.canvas.drawImage(ImageReader(data), self.x(left), self.y(bottom),
                              (right - left) * self.k, (bottom - top) * self.k)

    def logo(self, item: Logo) -> None:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        left, top, right, bottom = item.box
        with Image.open(item.path) as source:
            native = source.size
        # The logo's own pixels when it has fewer than the box: no enlarging in memory.
        factor = min(1.0, native[0] / max(1, right - left))
        logo = logo_image(item.path, (max(1, round((right - left) * factor)),
                                      max(1, round((bottom - top) * factor))))
        reader = (ImageReader(logo) if self.cmyk is None
                  else _with_alpha(self.cmyk.image(logo.convert("RGB")), logo.getchannel("A")))
        self.canvas.drawImage(reader, self.x(left), self.y(bottom),
                              (right - left) * self.k, (bottom - top) * self.k, mask="auto")

    def code(self, item: Code) -> None:
        import segno

        from outreach_local_media.posters.qr import QUIET_ZONE

        qr = segno.make_qr(item.data, error="m")
        rows = [list(row) for row in qr.matrix_iter(scale=1, border=QUIET_ZONE)]
        left, top, right, _bottom = item.box
        module = (right - left) / len(rows) * self.k
        canvas = self.canvas
        self.colour((255, 255, 255))
        canvas.rect(self.x(left), self.y(top) - module * len(rows), module * len(rows),
                    module * len(rows), stroke=0, fill=1)
        self.colour((0, 0, 0))
        path = canvas.beginPath()
        for row, cells in enumerate(rows):
            column = 0
            while column < len(cells):
                if not cells[column]:
                    column += 1
                    continue
                start = column
                while column < len(cells) and cells[column]:
                    column += 1
                # One rectangle per run of dark modules: fewer, seamless shapes.
                path.rect(self.x(left) + start * module, self.y(top) - (row + 1) * module,
                          (column - start) * module, module)
        canvas.drawPath(path, stroke=0, fill=1)


@functools.lru_cache(maxsize=4)
def _font_file(path: Path) -> Any:
    from fontTools.ttLib import TTFont

    return TTFont(str(path), lazy=True)


def _outlines(path: Path, text: str, x: float, y: float, size: float) -> Any:
    """``text`` in the TrueType font at ``path`` as one reportlab path, its baseline
    starting at (``x``, ``y``) points, ``size`` points high."""
    from fontTools.pens.basePen import BasePen

    ttf = _font_file(path)
    scale = size / ttf["head"].unitsPerEm
    glyphs, cmap, metrics = ttf.getGlyphSet(), ttf.getBestCmap(), ttf["hmtx"].metrics
    shape = _canvas_path()

    class Pen(BasePen):  # type: ignore[misc]  # fontTools ships no type information
        origin = x

        def at(self, point: tuple[float, float]) -> tuple[float, float]:
            return (self.origin + point[0] * scale, y + point[1] * scale)

        def _moveTo(self, point: tuple[float, float]) -> None:
            shape.moveTo(*self.at(point))

        def _lineTo(self, point: tuple[float, float]) -> None:
            shape.lineTo(*self.at(point))

        def _curveToOne(self, one: tuple[float, float], two: tuple[float, float],
                        three: tuple[float, float]) -> None:
            shape.curveTo(*self.at(one), *self.at(two), *self.at(three))

        def _closePath(self) -> None:
            shape.close()

    pen = Pen(glyphs)
    for char in text:
        name = cmap.get(ord(char), ".notdef")
        glyphs[name].draw(pen)
        pen.origin += metrics[name][0] * scale
    return shape


def _canvas_path() -> Any:
    from reportlab.pdfgen.pathobject import PDFPathObject

    return PDFPathObject()


def _register(path: Path) -> str:
    """The reportlab name of the TrueType font at ``path``, registered once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = path.stem
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _crop_marks(canvas: Canvas, margin: float, width: float, height: float,
                bleed: float, *, registration: bool) -> None:
    gap = MARK_GAP_MM / MM_PER_INCH * POINTS_PER_INCH
    start, end = margin - bleed - gap, 0.0  # from just outside the bleed to the sheet edge
    if registration:  # on every plate, so each ink's sheet shows where to cut
        canvas.setStrokeColorCMYK(1, 1, 1, 1)
    else:
        canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(MARK_WIDTH_PT)
    lines = []
    for x in (margin, margin + width):
        lines += [(x, start, x, end), (x, 2 * margin + height - start,
                                       x, 2 * margin + height - end)]
    for y in (margin, margin + height):
        lines += [(start, y, end, y), (2 * margin + width - start, y,
                                       2 * margin + width - end, y)]
    canvas.lines(lines)


def _with_alpha(image: PILImage.Image, alpha: PILImage.Image) -> Any:
    """A reportlab image of ``image`` (CMYK) with ``alpha`` as its soft mask
    (drawn with ``mask="auto"``): reportlab keeps transparency for RGBA only."""
    from reportlab.lib.utils import ImageReader

    class WithAlpha(ImageReader):
        def getRGBData(self) -> bytes:
            data: bytes = super().getRGBData()  # type: ignore[no-untyped-call]
            # What reportlab's own RGBA path sets; PDFImageXObject makes it the SMask.
            self._dataA = ImageReader(alpha)
            return data

    return WithAlpha(image)


def _srgb_output_intent(canvas: Canvas) -> None:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _output_intent(canvas, profile, 3, "sRGB IEC61966-2.1")


def _output_intent(canvas: Canvas, profile: bytes, components: int, name: str) -> None:
    """Declare ``profile`` (ICC, ``components`` colours) the colours the file was made
    for: a PDF/X output intent (ISO 15930, /S /GTS_PDFX)."""
    from reportlab.pdfbase import pdfdoc

    stream = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": components}), profile,
                              filters=[pdfdoc.PDFZCompress])
    document = canvas._doc  # type: ignore[attr-defined]  # no public way to the catalog
    intent = pdfdoc.PDFDictionary({
        "Type": pdfdoc.PDFName("OutputIntent"),
        "S": pdfdoc.PDFName("GTS_PDFX"),
        "OutputConditionIdentifier": pdfdoc.PDFString(name),
        "Info": pdfdoc.PDFString(name),
        "DestOutputProfile": document.Reference(stream),
    })
    catalog = document.Catalog
    # reportlab's catalog writes only the keys it knows: name OutputIntents as one of them.
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
