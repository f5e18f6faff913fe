"""PDF documents with reportlab: A4 pages, Chinese set with line breaking by character.

The font is a TrueType CJK font found on the machine (WenQuanYi Micro Hei, which the README's
setup installs), embedded as a subset so every reader shows the same glyphs; without one,
reportlab's built-in Adobe CID font STSong-Light, which PDF readers supply themselves."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
"""TrueType CJK fonts tried in order (CFF-based OpenType fonts such as Noto CJK cannot be
embedded by reportlab)."""


@functools.cache
def font_name() -> str:
    """Register the document font once and answer its name."""
    for path in FONT_CANDIDATES:
        if path.exists():
            try:
                pdfmetrics.registerFont(TTFont("RescueCJK", str(path), subfontIndex=0))
                return "RescueCJK"
            except Exception:  # a damaged or unsupported font file: try the next
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def style(size: float = 11, *, leading: float | None = None, **extra: object) -> ParagraphStyle:
    """A paragraph style in the document font that breaks lines between any two characters."""
    return ParagraphStyle(f"cjk-{size}", fontName=font_name(), fontSize=size,
                          leading=leading or size * 1.6, wordWrap="CJK", **extra)


@dataclass(frozen=True)
class Line:
    """One paragraph of plain text (escaped here), larger for a heading."""

    text: str
    size: int = 11
    """Font size in points."""


def paragraphs(lines: Sequence[Line]) -> list[Flowable]:
    """Plain-text lines as flowables; an empty line is vertical space."""
    story: list[Flowable] = []
    for line in lines:
        if line.text:
            story.append(Paragraph(escape(line.text), style(line.size)))
        else:
            story.append(Spacer(1, 4 * mm))
    return story


def build(story: Sequence[Flowable], *, title: str) -> bytes:
    """The PDF bytes of a story of flowables on A4, with the title in the document's info."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author="救助管理系统",
                            leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm)
    doc.build(list(story))
    return out.getvalue()


def document(lines: Sequence[Line], *, title: str) -> bytes:
    """A document of plain-text lines, paginated on A4."""
    return build(paragraphs(lines), title=title)


def form_table(rows: Sequence[tuple[str, str]], *, label_width: float = 32 * mm) -> Flowable:
    """A form's fields as a two-column ruled table: the label, then the value (an empty value
    leaves a line to fill in by hand)."""
    body = style(10.5)
    head = style(10.5, textColor=colors.HexColor("#374151"))
    data = [[Paragraph(escape(k), head), Paragraph(escape(v) if v else "&nbsp;", body)] for k, v in rows]
    table = Table(data, colWidths=[label_width, None], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#6b7280")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f4f6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    """A centred document title (and a smaller line under it)."""
    out: list[Flowable] = [Paragraph(escape(title), style(18, alignment=TA_CENTER, spaceAfter=4))]
    if subtitle:
        out.append(Paragraph(escape(subtitle), style(10, alignment=TA_CENTER)))
    out.append(Spacer(1, 5 * mm))
    return out
