"""Words from PDFium's characters: sizes, fonts, hyphens, unmapped glyphs, and files closed after reading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from indexer.ingest.readers import pdf
from indexer.ingest.readers.pdfwords import read_pages
from indexer.model import ReportParseError

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))


def _raw_pdf(path: Path, content: bytes, fonts: dict[str, bytes], extra: tuple[bytes, ...] = ()) -> Path:
    """A one-page PDF written object by object, for what reportlab will not write."""
    names = list(fonts)
    font_refs = " ".join(f"/{name} {5 + i} 0 R" for i, name in enumerate(names)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << "
        + font_refs
        + b" >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *fonts.values(),
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _words(path: Path) -> list[tuple[str, float, bool]]:
    return [(w.text, w.size, w.bold) for _, words in read_pages(path) for w in words]


def test_size_is_the_font_size_as_scaled_by_the_text_matrix(tmp_path: Path) -> None:
    """Text set as "1 Tf" in a ten-times matrix is 10pt, as it prints (and as pdfminer measured it)."""
    path = _raw_pdf(tmp_path / "scaled.pdf", b"BT /F1 1 Tf 10 0 0 10 72 700 Tm (Scaled text.) Tj ET", {"F1": HELVETICA})
    assert _words(path) == [("Scaled", 10.0, False), ("text.", 10.0, False)]


def test_words_split_at_spaces_gaps_and_font_changes(tmp_path: Path) -> None:
    """A bold word glued to regular text is its own word; a wide gap splits; rotated text is left out."""
    path = tmp_path / "fonts.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    line = c.beginText(72, 700)
    line.setFont("Vera-Bold", 11)
    line.textOut("Bold")
    line.setFont("Vera", 11)
    line.textOut("regular words")
    c.drawText(line)
    c.setFont("Vera", 11)
    c.drawString(300, 700, "apart")
    c.saveState()
    c.translate(500, 400)
    c.rotate(90)
    c.drawString(0, 0, "Sideways margin note")
    c.restoreState()
    c.save()
    assert _words(path) == [
        ("Bold", 11.0, True), ("regular", 11.0, False), ("words", 11.0, False), ("apart", 11.0, False)
    ]  # fmt: skip


def test_a_word_broken_at_the_line_end_keeps_its_hyphen(tmp_path: Path) -> None:
    """PDFium marks a line-end hyphen specially; it reads as the hyphen printed."""
    path = tmp_path / "hyphen.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Vera", 11)
    c.drawString(72, 700, "the well-")
    c.drawString(72, 686, "being of staff")
    c.save()
    assert [text for text, _, _ in _words(path)] == ["the", "well-", "being", "of", "staff"]


def test_control_characters_read_as_unmapped(tmp_path: Path) -> None:
    """A control character (which PDFium leaves out of a page's text) reads as U+FFFD, in place."""
    path = tmp_path / "control.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Vera", 11)
    c.drawString(72, 700, "An odd \x03 glyph.")
    c.save()
    assert [text for text, _, _ in _words(path)] == ["An", "odd", "\ufffd", "glyph."]


def test_an_unmapped_glyph_before_indented_text_is_a_bullet(tmp_path: Path) -> None:
    """A symbol with no Unicode mapping (here a Type 3 square) hanging in the margin starts a bullet."""
    square = b"750 0 100 100 650 650 d1 100 100 550 550 re f"
    type3 = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 750 750] /FontMatrix [0.001 0 0 0.001 0 0] "
        b"/CharProcs << /g65 7 0 R >> /Encoding << /Type /Encoding /Differences [65 /g65] >> "
        b"/FirstChar 65 /LastChar 65 /Widths [750] >>"
    )
    path = _raw_pdf(
        tmp_path / "symbol.pdf",
        b"BT /F2 11 Tf 72 700 Td (A) Tj ET BT /F1 11 Tf 86 700 Td (Lettered item.) Tj ET",
        {"F1": HELVETICA, "F2": type3},
        (b"<< /Length %d >>\nstream\n" % len(square) + square + b"\nendstream",),
    )
    assert [(b.kind, b.text, b.marker) for b in pdf.read(path)] == [("bullet", "Lettered item.", "-")]


def _reason(path: Path) -> str:
    with pytest.raises(ReportParseError) as caught:
        pdf.read(path)
    return caught.value.reason


def test_a_pdf_without_pages_is_refused_as_such(tmp_path: Path) -> None:
    """A well-formed PDF whose page tree is empty says so, even right after a file PDFium could not parse
    (PDFium keeps its last error until the next one)."""
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n")
    empty = _raw_pdf(tmp_path / "empty.pdf", b"", {})
    # Same length, so the cross-reference offsets still hold.
    empty.write_bytes(empty.read_bytes().replace(b"/Kids [3 0 R] /Count 1", b"/Kids [     ] /Count 0"))
    assert _reason(garbage) == "corrupt or truncated PDF: PDFium cannot parse its structure"
    assert _reason(empty) == "PDF has no pages"


def _open_descriptors(path: Path) -> list[str]:
    """This process's file descriptors open on ``path``."""
    folder = Path("/proc/self/fd")
    links = []
    for entry in folder.iterdir():
        try:
            links.append(os.readlink(entry))
        except OSError:
            continue  # the descriptor iterdir itself used, closed since
    return [link for link in links if link == str(path.resolve())]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_the_file_is_closed_after_reading_or_failing(tmp_path: Path) -> None:
    """The document is closed when the read returns or raises, not when the garbage collector runs."""
    good = tmp_path / "good.pdf"
    c = canvas.Canvas(str(good), pagesize=A4)
    c.setFont("Vera", 11)
    c.drawString(72, 700, "Readable text.")
    c.save()
    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), pagesize=A4, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    c.drawString(72, 700, "Secret text.")
    c.save()
    blocks = pdf.read(good)
    assert _open_descriptors(good) == []
    with pytest.raises(ReportParseError):
        pdf.read(locked)
    assert _open_descriptors(locked) == []
    assert blocks  # still referenced: nothing above depended on it being collected
