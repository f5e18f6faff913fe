"""A minimal PDF writer for Chinese text (the handbook): A4 pages of wrapped lines in the
standard Adobe CID font STSong-Light (UniGB-UCS2-H), which PDF readers supply themselves, so
nothing is embedded and no PDF library or browser is needed. Headings are set larger."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_W, PAGE_H, MARGIN = 595, 842, 50


@dataclass(frozen=True)
class Line:
    text: str
    size: int = 11
    """Font size in points (a heading is larger)."""


def _em(ch: str) -> float:
    return 0.5 if ord(ch) < 0x80 else 1.0


def wrap(text: str, size: int) -> list[str]:
    """Break a paragraph into lines that fit the page width at ``size`` points."""
    limit = (PAGE_W - 2 * MARGIN) / size
    lines, current, width = [], "", 0.0
    for ch in text:
        if width + _em(ch) > limit:
            lines.append(current)
            current, width = "", 0.0
        current += ch
        width += _em(ch)
    lines.append(current)
    return lines


def _hex(text: str) -> str:
    # UCS-2: characters outside the basic plane are replaced (the handbook has none).
    return "".join(f"{ord(c) if ord(c) <= 0xFFFF else 0x3013:04X}" for c in text)


def _pages(paragraphs: list[Line]) -> list[list[tuple[str, int, float]]]:
    pages: list[list[tuple[str, int, float]]] = [[]]
    y = PAGE_H - MARGIN
    for para in paragraphs:
        for piece in wrap(para.text, para.size) if para.text else [""]:
            lead = para.size * 1.6
            if y - lead < MARGIN:
                pages.append([])
                y = PAGE_H - MARGIN
            y -= lead
            pages[-1].append((piece, para.size, y))
    return pages


def document(paragraphs: list[Line], *, title: str) -> bytes:
    """The PDF bytes of the paragraphs, paginated on A4."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R"
        b" /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title <FEFF" + _hex(title).encode() + b"> /Producer (rescue handbook) >>",
    ]
    kids = []
    for lines in _pages(paragraphs):
        body = "".join(f"BT /F1 {size} Tf {MARGIN} {y:.1f} Td <{_hex(text)}> Tj ET\n"
                       for text, size, y in lines).encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"endstream")
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources"
                       b" << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (PAGE_W, PAGE_H, content))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
