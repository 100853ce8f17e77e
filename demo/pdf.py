"""A minimal, valid one-page PDF with real (selectable) text, written by hand: deterministic."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence


def _text(value: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (cp1252 covers Dutch and the euro sign)."""
    raw = value.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def simple_pdf(title: str, lines: Sequence[str], *, heading: str = "") -> bytes:
    """An A4 page: an optional small heading, a bold title and the lines (wrapped, max ~45)."""
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, 88) or [""])
    content = [b"BT", b"/F1 10 Tf", b"56 800 Td", _text(heading) + b" Tj", b"ET"]
    content += [b"BT", b"/F2 18 Tf", b"56 760 Td", _text(title) + b" Tj", b"ET"]
    content += [b"BT", b"/F1 11 Tf", b"16 TL", b"56 724 Td"]
    content += [_text(line) + b" Tj T*" for line in wrapped[:45]]
    content += [b"ET"]
    stream = b"\n".join(content)

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> "
        b"/Producer (Ouderlink demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
