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

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

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
