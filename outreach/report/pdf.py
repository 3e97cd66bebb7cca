"""The report as a PDF (reportlab): A4, the centre's name and logo, tables, charts, page numbers.

The fonts are the package's DejaVu (Cyrillic), embedded, so the PDF reads the
same on any computer and its text can be searched and copied. Each summary
figure carries a footnote number; the footnotes say how it was counted.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from outreach.errors import OutreachError, os_reason
from outreach.i18n import _, format_date, format_number, format_percent

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from outreach.report.model import Column, Report, Section

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN_MM = 16
NUMBER_MM, DATE_MM = 24, 24
HEADER_BLUE = "#dce6f1"
PDF_ROWS = 40  # a longer table is cut in the PDF, whole in the workbook


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from outreach.assets import font_file

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(font_file("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(font_file("DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "number": ParagraphStyle("number", parent=base, fontSize=8.5, leading=10.5,
                                 alignment=2),
        "part": ParagraphStyle("part", parent=base, fontSize=8.5, leading=10.5, leftIndent=12),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=25,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=16,
                                   textColor=colors.HexColor("#495057")),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=14, leading=18,
                             spaceBefore=12, spaceAfter=6),
        "h3": ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=11, leading=14,
                             spaceBefore=10, spaceAfter=2),
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=9.5,
                               textColor=colors.HexColor("#495057"), spaceBefore=2),
    }


def _text(value: Any, column: Column, unknown: str) -> str:
    if value is None:
        return unknown if column.kind in ("number", "share") else ""
    if column.kind == "number" and isinstance(value, int):
        return format_number(value)
    if column.kind == "share" and isinstance(value, float):
        return format_percent(value)
    if column.kind == "date" and isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def _widths(section: Section, usable: float) -> list[float]:
    """Figures and dates get a fixed width; text columns share the rest of the page by how
    long their text runs (a title needs more room than a channel's name)."""
    from reportlab.lib.units import mm

    columns = section.columns
    fixed = {"number": NUMBER_MM * mm, "share": 24 * mm, "date": DATE_MM * mm}
    texts = [i for i, c in enumerate(columns) if c.kind == "text"] or [0]
    taken = sum(fixed.get(c.kind, 0) for i, c in enumerate(columns) if i not in texts)
    free = max(usable - taken, 30 * mm * len(texts))
    longest = {i: max([len(columns[i].header) // 2,
                       *(min(45, len(str(r[i] or ""))) for r in section.rows[:200])], default=8)
               for i in texts}
    weight = sum(max(6, n) for n in longest.values())
    widths = [free * max(6, longest[i]) / weight if i in texts
              else fixed.get(c.kind, NUMBER_MM * mm) for i, c in enumerate(columns)]
    return _unbroken(section, widths, texts)


def _unbroken(section: Section, widths: list[float], texts: list[int]) -> list[float]:
    """Widen each column to its longest word («Муниципалитет», «Подписчиков»), taking the
    room from text columns that have some to spare, so no word is cut in two; as they
    were when the page has no room for that."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def narrowest(i: int) -> float:
        words = [(w, BOLD, 7.5) for w in section.columns[i].header.split()]
        words += [(w, FONT, 8.5) for r in section.rows[:200] for w in str(r[i] or "").split()]
        longest = max((stringWidth(w, font, size) for w, font, size in words), default=0.0)
        return min(longest + 12.5, 45 * mm)  # reportlab pads a cell 6 points a side

    need = [narrowest(i) for i in range(len(widths))]
    short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
    spare = {i: widths[i] - need[i] for i in texts if widths[i] > need[i]}
    if not short or sum(spare.values()) < short:
        return widths
    given = sum(spare.values())
    return [max(w, n) - (spare[i] * short / given if i in spare else 0.0)
            for i, (w, n) in enumerate(zip(widths, need, strict=True))]


def _table(section: Section, report: Report, usable: float, styles: dict[str, Any],
           marks: list[str] | None = None) -> Flowable:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    columns = section.columns
    head = [Paragraph(escape(c.header), styles["head"]) for c in columns]
    body = []
    rows = list(section.rows[:PDF_ROWS])
    if section.total is not None:
        rows.append(section.total)
    for number, row in enumerate(rows):
        cells = []
        for index, (value, column) in enumerate(zip(row, columns, strict=True)):
            text = escape(_text(value, column, report.unknown))
            if marks is not None and index == 0 and number < len(marks):
                text += f"<super>{marks[number]}</super>"
            style = styles["number"] if column.kind in ("number", "share") else styles["cell"]
            if index == 0 and number in section.indented:
                style = styles["part"]
            cells.append(Paragraph(text, style))
        body.append(cells)
    table = Table([head, *body], colWidths=_widths(section, usable), repeatRows=1)
    commands: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BLUE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#adb5bd")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if section.total is not None:
        commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)),
                         colors.HexColor("#f1f3f5")))
    table.setStyle(TableStyle(commands))
    return table


def _chart(chart: tuple[str, bytes], usable: float, styles: dict[str, Any]) -> Flowable:
    """The chart's title as text, and its picture as wide as the page's text, kept together."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph

    title, png = chart
    width, height = ImageReader(io.BytesIO(png)).getSize()
    return KeepTogether([Paragraph(escape(title), styles["h3"]),
                         Image(io.BytesIO(png), width=usable, height=usable * height / width)])


def _header(report: Report, usable: float, styles: dict[str, Any]) -> list[Flowable]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

    centre = report.centre.name or "Outreach"
    words = [Paragraph(escape(centre), styles["subtitle"]),
             Paragraph(escape(_("Results: {period}").format(period=report.period.title())),
                       styles["title"]),
             Paragraph(escape(report.period.span()), styles["subtitle"])]
    if report.compared is not None:
        words.append(Paragraph(escape(_("compared with {period} ({span})").format(
            period=report.compared.title(), span=report.compared.span())), styles["subtitle"]))
    logo = report.centre.logo
    flow: list[Flowable]
    if logo is not None and logo.is_file():
        try:
            from reportlab.lib.utils import ImageReader

            width, height = ImageReader(str(logo)).getSize()
            side = 26 * mm
            picture = Image(str(logo), width=side * min(1, width / height),
                            height=side * min(1, height / width))
            flow = [Table([[picture, words]], colWidths=[32 * mm, usable - 32 * mm],
                          style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                            ("LEFTPADDING", (0, 0), (0, 0), 0)]))]
        except OSError:
            flow = list(words)  # a logo that is not a picture: the report goes on without it
    else:
        flow = list(words)
    return [*flow, Spacer(1, 6 * mm)]


def _summary(section: Section, report: Report, usable: float,
             styles: dict[str, Any]) -> list[Flowable]:
    """The summary without its "how" column: each figure gets a footnote number instead."""
    from dataclasses import replace

    from reportlab.platypus import Paragraph

    how = section.column("how")
    marks = [str(i + 1) for i in range(len(section.rows))]
    shown = replace(section, columns=[c for i, c in enumerate(section.columns) if i != how],
                    rows=[[v for i, v in enumerate(r) if i != how] for r in section.rows])
    flow: list[Flowable] = [Paragraph(escape(section.title), styles["h2"]),
                            _table(shown, report, usable, styles, marks)]
    flow += [Paragraph(escape(note), styles["note"]) for note in section.notes]
    flow += [Paragraph(f"<super>{mark}</super> {escape(row[0])}: {escape(row[how])}",
                       styles["note"]) for mark, row in zip(marks, section.rows, strict=True)]
    return flow


def _story(report: Report, usable: float, styles: dict[str, Any]) -> list[Flowable]:
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Paragraph

    from outreach.report import charts

    flow = _header(report, usable, styles)
    after: dict[str, list[tuple[str, bytes]]] = {
        "volunteers_home": [charts.volunteers_by_home(report.charts)],
        "publications": [charts.publications_by_channel(report.charts)],
        "audience": [charts.audience(report.charts)],
    }
    for section in report.sections:
        if section.key == "summary":
            flow += _summary(section, report, usable, styles)
            flow.append(CondPageBreak(100 * mm))
            flow.append(_chart(charts.volunteers_by_month(report.charts), usable, styles))
            continue
        flow.append(CondPageBreak(50 * mm))
        flow.append(Paragraph(escape(section.title), styles["h2"]))
        if section.rows:
            flow.append(_table(section, report, usable, styles))
        else:
            flow.append(Paragraph(escape(_("Nothing in this period.")), styles["base"]))
        if len(section.rows) > PDF_ROWS:
            flow.append(Paragraph(escape(_(
                "The first {shown} rows of {count}; the workbook (XLSX) has them all.").format(
                    shown=PDF_ROWS, count=len(section.rows))), styles["note"]))
        flow += [Paragraph(escape(note), styles["note"]) for note in section.notes]
        for chart in after.get(section.key, []):
            flow.append(_chart(chart, usable, styles))
    return flow


def write_pdf(report: Report, path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    styles = _styles()
    usable = A4[0] - 2 * MARGIN_MM * mm
    footer = _("{centre} · {period} · made {date}").format(
        centre=report.centre.name or "Outreach", period=report.period.title(),
        date=format_date(report.created.date()))

    class Numbered(Canvas):
        """Pages numbered "page 2 of 7": the count is known once every page is laid out."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's, not in the stubs

        def save(self) -> None:
            count = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                self.setFont(FONT, 7.5)
                self.setFillGray(0.35)
                number = _("page {page} of {count}").format(page=self.getPageNumber(),
                                                             count=count)
                self.drawRightString(A4[0] - MARGIN_MM * mm, 9 * mm, number)
                # A centre's full name is long: the footer wraps short of the page
                # number, its first line highest, instead of running under it.
                room = usable - stringWidth(number, FONT, 7.5) - 6 * mm
                lines = simpleSplit(footer, FONT, 7.5, room)[:3]
                for row, line in enumerate(lines):
                    self.drawString(MARGIN_MM * mm, (9 + 3.2 * (len(lines) - 1 - row)) * mm,
                                    line)
                super().showPage()
            super().save()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
        topMargin=MARGIN_MM * mm, bottomMargin=18 * mm,
        title=_("Results: {period}").format(period=report.period.title()),
        author=report.centre.name or "Outreach", creator="Outreach")
    from reportlab import rl_config

    # Binary image streams: ASCII85 text (reportlab's default) only makes the file larger
    # and, without reportlab's C accelerator, costs half a second on the charts.
    ascii85, rl_config.useA85 = rl_config.useA85, 0
    try:
        document.build(_story(report, usable, styles), canvasmaker=Numbered)
    finally:
        rl_config.useA85 = ascii85
    try:
        path.write_bytes(buffer.getvalue())
    except OSError as exc:
        raise OutreachError(_("cannot write the report to {path}: {reason}").format(
            path=path, reason=os_reason(exc))) from exc
    return path
