"""The release as a Word file (python-docx) and a PDF (reportlab, fonts embedded).

Both lay out one ``Release`` the same way: the centre and "press release" on
top, the dateline, the headline once, the lead in bold, the body with quotes
set apart, then photo captions with credits, how to join and the contact for
the press. The PDF shows the first photo under the headline, reduced (the
print-size photos travel beside it); the Word file stays text, as editors
paste it into their own layout.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.channels import current_language, font_file
from outreach_local_media.release import Release, caption_line, headings

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph as DocxParagraph

_PDF_FONT = "DejaVuSans"
_PDF_BOLD = "DejaVuSans-Bold"
_PREVIEW_SIDE = 1600  # pixels: sharp at 17 cm wide, small enough for e-mail
_GREY = (0x55, 0x55, 0x55)


def _language_tag() -> str:
    return "ru-RU" if current_language() == "ru" else "en-GB"


def write_docx(release: Release, path: Path) -> None:
    """``release`` as a .docx at ``path``, marked in the reader's language for spell-check."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    head = headings()
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, not Letter
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(12)
    properties = normal.element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = properties.makeelement(qn("w:lang"), {})
        properties.append(language)
    language.set(qn("w:val"), _language_tag())
    document.core_properties.title = release.headline
    document.core_properties.author = release.centre
    document.core_properties.language = _language_tag()

    def paragraph(text: str, *, bold: bool = False, italic: bool = False, size: float = 12,
                  grey: bool = False, after: float = 8) -> DocxParagraph:
        made = document.add_paragraph()
        run = made.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        if grey:
            run.font.color.rgb = RGBColor(*_GREY)
        made.paragraph_format.space_after = Pt(after)
        return made

    if release.centre:
        paragraph(release.centre, size=10, grey=True, after=2)
    kind = head["kind"].upper() + (" · " + release.outlet if release.outlet else "")
    paragraph(kind, bold=True, size=10, grey=True, after=14)
    paragraph(release.dateline, italic=True, after=6)
    title = paragraph(release.headline, bold=True, size=18, after=12)
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if release.lead:
        paragraph(release.lead, bold=True)
    for block in release.blocks:
        made = paragraph(block.text, italic=block.quote)
        if block.quote:
            made.paragraph_format.left_indent = Cm(1)
    for heading, lines in _sections(release):
        paragraph(heading, bold=True, size=12, after=4).paragraph_format.space_before = Pt(10)
        for line in lines:
            paragraph(line, size=11, after=2)
    document.save(str(path))


def _sections(release: Release) -> list[tuple[str, list[str]]]:
    head = headings()
    found = [
        (head["photos"], [caption_line(p) for p in release.photos]),
        (head["join"], release.join_lines()),
        (head["contact"], release.contact_lines()),
    ]
    return [(heading, lines) for heading, lines in found if lines]


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in ((_PDF_FONT, "DejaVuSans.ttf"), (_PDF_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_file(file))))


def _preview(photo: Path) -> io.BytesIO:
    from PIL import Image

    with Image.open(photo) as opened:
        image = opened.convert("RGB")
    image.thumbnail((_PREVIEW_SIDE, _PREVIEW_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    out.seek(0)
    return out


def write_pdf(release: Release, path: Path, first_photo: Path | None = None) -> None:
    """``release`` as an A4 PDF at ``path`` with the fonts embedded (DejaVu, Cyrillic)."""
    from reportlab.lib.colors import Color
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus.flowables import KeepTogether

    _register_fonts()
    grey = Color(*(c / 255 for c in _GREY))
    base = ParagraphStyle("body", fontName=_PDF_FONT, fontSize=10.5, leading=14.5,
                          spaceAfter=5)
    styles = {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=grey,
                                spaceAfter=1),
        "kind": ParagraphStyle("kind", parent=base, fontName=_PDF_BOLD, fontSize=9,
                               textColor=grey, spaceAfter=10),
        "dateline": ParagraphStyle("dateline", parent=base, textColor=grey, spaceAfter=4),
        "headline": ParagraphStyle("headline", parent=base, fontName=_PDF_BOLD, fontSize=18,
                                   leading=22, spaceAfter=10),
        "lead": ParagraphStyle("lead", parent=base, fontName=_PDF_BOLD),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=8 * mm, textColor=grey),
        "heading": ParagraphStyle("heading", parent=base, fontName=_PDF_BOLD, spaceBefore=8,
                                  spaceAfter=3),
        "line": ParagraphStyle("line", parent=base, fontSize=9.5, leading=12.5, spaceAfter=1),
    }
    head = headings()
    story: list[Flowable] = []
    if release.centre:
        story.append(Paragraph(_escape(release.centre), styles["small"]))
    kind = head["kind"].upper()
    if release.outlet:
        kind += " · " + release.outlet
    story += [Paragraph(_escape(kind), styles["kind"]),
              Paragraph(_escape(release.dateline), styles["dateline"]),
              Paragraph(_escape(release.headline), styles["headline"])]
    width = A4[0] - 40 * mm
    if first_photo is not None:
        data = _preview(first_photo)
        pixels = ImageReader(data).getSize()
        data.seek(0)
        scale = min(width / pixels[0], 55 * mm / pixels[1])
        story.append(Image(data, width=pixels[0] * scale, height=pixels[1] * scale, hAlign="LEFT"))
        if release.photos:
            story.append(Paragraph(_escape(caption_line(release.photos[0])), styles["small"]))
        story.append(Spacer(1, 4 * mm))
    if release.lead:
        story.append(Paragraph(_escape(release.lead), styles["lead"]))
    for block in release.blocks:
        story.append(Paragraph(_escape(block.text), styles["quote" if block.quote else "body"]))
    for heading, lines in _sections(release):
        story.append(KeepTogether([Paragraph(_escape(heading), styles["heading"]),
                                   *[Paragraph(_escape(line), styles["line"]) for line in lines]]))
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                                 title=release.headline, author=release.centre,
                                 subject=head["kind"], lang=_language_tag(),
                                 # reportlab starts each page in Helvetica, which is not
                                 # embedded: a print shop's preflight flags it.
                                 initialFontName=_PDF_FONT, initialFontSize=11)
    document.build(story)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
