"""Tests for the PDF reader: layout into blocks, page furniture, footnotes, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from indexer.ingest.readers import pdf
from indexer.model import ReportParseError

# Vera ships with reportlab; an embedded TrueType font maps "•" to Unicode like real reports do.
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))

LEFT = 72
BULLET_TEXT = 86
LEADING = 14
PAGE_HEIGHT = A4[1]


def _text(c: canvas.Canvas, x: float, y: float, text: str, font: str = "Vera", size: float = 11) -> None:
    c.setFont(font, size)
    c.drawString(x, y, text)


def _furniture(c: canvas.Canvas, page: int) -> None:
    """A running header with the page in it and a "Page n of 2" footer."""
    _text(c, LEFT, PAGE_HEIGHT - 30, f"Anyshire Police inspection 2021 | {page}", size=9)
    _text(c, 280, 30, f"Page {page} of 2", size=9)


def _paragraph(c: canvas.Canvas, y: float, lines: list[str], x: float = LEFT) -> float:
    for line in lines:
        _text(c, x, y, line)
        y -= LEADING
    return y


def _report(path: Path) -> Path:
    """Two pages: title, paragraphs, bullets (one running over the page), footnote."""
    c = canvas.Canvas(str(path), pagesize=A4)
    _furniture(c, 1)
    _text(c, LEFT, 760, "Inspection of Anyshire Police", "Vera-Bold", 20)
    _text(c, LEFT, 725, "Summary", "Vera-Bold", 14)
    # A body line with a raised footnote reference after "force".
    text = c.beginText(LEFT, 700)
    text.setFont("Vera", 11)
    text.textOut("We found that the force")
    text.setFont("Vera", 7)
    text.setRise(4)
    text.textOut("1")
    text.setRise(0)
    text.setFont("Vera", 11)
    text.textOut(" has improved how it protects")
    c.drawText(text)
    y = _paragraph(c, 700 - LEADING, ["vulnerable people since our last", "inspection in 2019."])
    y = _paragraph(c, y - 8, ["It still needs to improve in two areas."])
    _text(c, LEFT, y - 12, "Areas for improvement", "Vera-Bold", 14)
    y -= 12 + 24
    for lines in (
        ["The force should make sure that supervisors", "review all crime reports."],
        ["The force should train its call handlers."],
    ):
        _text(c, LEFT, y, "•")
        y = _paragraph(c, y, lines, x=BULLET_TEXT) - 4
    _text(c, LEFT, y, "1.")
    y = _paragraph(c, y, ["Numbered item one."], x=BULLET_TEXT) - 4
    # The last bullet of the page stops mid-sentence; page 2 carries on.
    y = 120
    _text(c, LEFT, y, "•")
    _paragraph(c, y, ["The force should improve how it records"], x=BULLET_TEXT)
    _text(c, LEFT, 70, "1", size=5)
    _text(c, LEFT + 4, 66, "See the 2019 inspection report,", size=8)
    _text(c, LEFT + 4, 56, "published in March.", size=8)
    c.showPage()

    _furniture(c, 2)
    y = _paragraph(c, 780, ["crimes against children."], x=BULLET_TEXT)
    _text(c, LEFT, y - 12, "Next steps", "Vera-Bold", 11)
    _paragraph(c, y - 12 - 22, ["We will return to the force in 2022 to check", "on its progress."])
    c.showPage()
    c.save()
    return path


def test_reads_layout_into_blocks(tmp_path: Path) -> None:
    """Headings, paragraphs, bullets and a footnote come out in order, without page furniture."""
    blocks = pdf.read(_report(tmp_path / "report.pdf"))
    assert [(b.kind, b.text, b.page, b.after_page_break, b.level, b.marker) for b in blocks] == [
        ("heading", "Inspection of Anyshire Police", 1, False, 1, ""),
        ("heading", "Summary", 1, False, 2, ""),
        (
            "text",
            "We found that the force¹ has improved how it protects\n"
            "vulnerable people since our last\ninspection in 2019.",
            1,
            False,
            0,
            "",
        ),
        ("text", "It still needs to improve in two areas.", 1, False, 0, ""),
        ("heading", "Areas for improvement", 1, False, 2, ""),
        ("bullet", "The force should make sure that supervisors\nreview all crime reports.", 1, False, 0, "-"),
        ("bullet", "The force should train its call handlers.", 1, False, 0, "-"),
        ("bullet", "Numbered item one.", 1, False, 0, "1."),
        ("bullet", "The force should improve how it records", 1, False, 0, "-"),
        ("footnote", "See the 2019 inspection report,\npublished in March.", 1, False, 0, "1"),
        ("text", "crimes against children.", 2, True, 0, ""),
        ("heading", "Next steps", 2, False, 3, ""),
        ("text", "We will return to the force in 2022 to check\non its progress.", 2, False, 0, ""),
    ]


def test_single_page_keeps_repeated_margin_text(tmp_path: Path) -> None:
    """With one page nothing can be a running header, but a bare page number still goes."""
    path = tmp_path / "one.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _text(c, LEFT, PAGE_HEIGHT - 30, "Anyshire Police inspection", size=9)
    _text(c, LEFT, 700, "The body text of a one-page letter.")
    _text(c, 280, 30, "7", size=9)
    c.save()
    assert [(b.kind, b.text) for b in pdf.read(path)] == [
        ("text", "Anyshire Police inspection"),
        ("text", "The body text of a one-page letter."),
    ]


def test_list_labels_need_evidence(tmp_path: Path) -> None:
    """Unmapped base-14 bullets and hanging "(a)" labels start bullets; a dash wrapped into a line does not."""
    path = tmp_path / "labels.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    y = _paragraph(
        c, 700, ["The force has a plan for its custody suites", "– which it wrote in 2020 – and follows it."]
    )
    _text(c, LEFT, y - 8, "\u2022", font="Helvetica")  # reportlab writes code 127, which pdfminer cannot map
    y = _paragraph(c, y - 8, ["Helvetica bullet item."], x=BULLET_TEXT)
    _text(c, LEFT, y - 4, "(a)")
    _paragraph(c, y - 4, ["Lettered item."], x=BULLET_TEXT + 14)
    c.save()
    assert [(b.kind, b.text, b.marker) for b in pdf.read(path)] == [
        ("text", "The force has a plan for its custody suites\n– which it wrote in 2020 – and follows it.", ""),
        ("bullet", "Helvetica bullet item.", "-"),
        ("bullet", "Lettered item.", "(a)"),
    ]


def test_empty_user_password_is_accepted(tmp_path: Path) -> None:
    """A PDF encrypted only with an owner password opens and reads."""
    path = tmp_path / "owner.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("", ownerPassword="owner"))
    _text(c, LEFT, 700, "Readable text.")
    c.save()
    assert [(b.kind, b.text, b.page) for b in pdf.read(path)] == [("text", "Readable text.", 1)]


def _error(path: Path) -> str:
    with pytest.raises(ReportParseError) as caught:
        pdf.read(path)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    """A PDF that needs a user password raises "PDF is encrypted"."""
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("secret", ownerPassword="owner"))
    _text(c, LEFT, 700, "Secret text.")
    c.save()
    assert _error(path) == "PDF is encrypted"


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    """A PDF cut in half raises a corrupt-or-truncated error."""
    whole = _report(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    assert _error(path) == "corrupt or truncated PDF: no %%EOF at the end"


def test_damaged_pdf_body_is_refused(tmp_path: Path) -> None:
    """A PDF with a valid envelope but garbage inside raises a corrupt-or-truncated error."""
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n")
    assert _error(path).startswith("corrupt or truncated PDF: ")


def test_non_pdf_is_refused(tmp_path: Path) -> None:
    """A PNG named .pdf raises "not a PDF"."""
    path = tmp_path / "image.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert _error(path) == "not a PDF (no %PDF header)"


def test_pdf_without_text_is_refused(tmp_path: Path) -> None:
    """A PDF with only drawings (like a scan) raises "no extractable text"."""
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)
    c.save()
    assert _error(path) == "PDF has no extractable text (scanned?)"


def test_page_furniture_is_dropped_with_its_reason(tmp_path: Path) -> None:
    """Running heads and page numbers are not lost: they come out as dropped blocks, in place, with the reason,
    and the page break stays on the first block of text after them."""
    blocks = pdf.read_all(_report(tmp_path / "report.pdf"))
    assert [(b.text, b.marker, b.page) for b in blocks if b.kind == "dropped"] == [
        ("Anyshire Police inspection 2021 | 1", "running header or footer", 1),
        ("Page 1 of 2", "page number", 1),
        ("Anyshire Police inspection 2021 | 2", "running header or footer", 2),
        ("Page 2 of 2", "page number", 2),
    ]
    # Heads above the page's text, footers below its footnotes.
    assert [b.kind for b in blocks] == [
        "dropped", "heading", "heading", "text", "text", "heading", "bullet", "bullet", "bullet", "bullet",
        "footnote", "dropped", "dropped", "text", "heading", "text", "dropped",
    ]  # fmt: skip
    assert [b.text for b in blocks if b.after_page_break] == ["crimes against children."]
    assert [b for b in blocks if b.kind != "dropped"] == pdf.read(tmp_path / "report.pdf")


def test_a_lone_page_number_is_dropped_as_one(tmp_path: Path) -> None:
    """On a one-page letter the bare number at the foot is dropped as a page number; the heading is kept."""
    path = tmp_path / "one.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _text(c, LEFT, PAGE_HEIGHT - 30, "Anyshire Police inspection", size=9)
    _text(c, LEFT, 700, "The body text of a one-page letter.")
    _text(c, 280, 30, "7", size=9)
    c.save()
    assert [(b.kind, b.text, b.marker) for b in pdf.read_all(path)] == [
        ("text", "Anyshire Police inspection", ""),
        ("text", "The body text of a one-page letter.", ""),
        ("dropped", "7", "page number"),
    ]


def test_a_title_the_running_head_repeats_is_kept(tmp_path: Path) -> None:
    """A cover title high on the page, in large type, is the title even when every running head repeats it."""
    path = tmp_path / "cover.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _text(c, LEFT, PAGE_HEIGHT - 60, "Anyshire Police inspection", "Vera-Bold", 20)
    _text(c, LEFT, 700, "The body text of the cover page.")
    for page in (2, 3):
        c.showPage()
        _text(c, LEFT, PAGE_HEIGHT - 30, "Anyshire Police inspection", size=9)
        _text(c, LEFT, 700, f"The body text of page {page}.")
    c.save()
    assert [(b.kind, b.text, b.page, b.marker) for b in pdf.read_all(path)] == [
        ("heading", "Anyshire Police inspection", 1, ""),
        ("text", "The body text of the cover page.", 1, ""),
        ("dropped", "Anyshire Police inspection", 2, "running header or footer"),
        ("text", "The body text of page 2.", 2, ""),
        ("dropped", "Anyshire Police inspection", 3, "running header or footer"),
        ("text", "The body text of page 3.", 3, ""),
    ]
