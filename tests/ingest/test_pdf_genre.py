"""PDF reports of the genre's two main kinds, generated here, through the whole pipeline.

The fixtures are our own words (every finding, date and figure is invented; a force is named
only so that force recognition is tested): a PEEL-style force inspection with question
headings, numbered areas for improvement and footnotes, and a national thematic inspection
with deadline-led recommendations. Both carry a running header and page numbers, which must
come out as dropped text with their reasons, never as paragraphs.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from indexer.ingest.pipeline import parse_report

from .test_no_word_lost import _unaccounted

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))

LEFT, WIDTH = 72, 451
TOP = 770
BODY, LEADING = 11, 14
LABEL_WIDTH = 18
PAGE_WIDTH, PAGE_HEIGHT = A4


class _Pages:
    """Writes a report top to bottom: headings, wrapped paragraphs, numbered items, footnotes."""

    def __init__(self, path: Path, header: str, pages: int) -> None:
        self.path = path
        self.canvas = canvas.Canvas(str(path), pagesize=A4)
        self.header, self.pages = header, pages
        self.page, self.y = 1, TOP
        self.notes: list[tuple[str, str]] = []
        self._furniture()

    def _furniture(self) -> None:
        self.canvas.setFont("Vera", 9)
        self.canvas.drawString(LEFT, PAGE_HEIGHT - 30, self.header)
        self.canvas.drawString(PAGE_WIDTH / 2 - 25, 30, f"Page {self.page} of {self.pages}")

    def heading(self, text: str, size: float = 14) -> None:
        self.y -= size * 0.6
        for line in simpleSplit(text, "Vera-Bold", size, WIDTH):
            self.canvas.setFont("Vera-Bold", size)
            self.canvas.drawString(LEFT, self.y, line)
            self.y -= size * 1.25
        self.y -= size * 0.3

    def paragraph(self, text: str, note: tuple[str, str] | None = None, *, label: str = "", lines: int = 0) -> None:
        """Wrapped text; ``label`` hangs in the margin; a ``note`` is referenced after the last line.

        With ``lines``, the page breaks after that many lines, mid-paragraph.
        """
        x = LEFT + LABEL_WIDTH if label else LEFT
        if label:
            self.canvas.setFont("Vera", BODY)
            self.canvas.drawString(LEFT, self.y, label)
        wrapped = simpleSplit(text, "Vera", BODY, WIDTH - (x - LEFT))
        for number, line in enumerate(wrapped, start=1):
            marker = note[0] if note and number == len(wrapped) else ""
            self._line(x, line, marker)
            if number == lines:
                self.next_page()
        if note:
            self.notes.append(note)
        self.y -= LEADING * 0.5

    def _line(self, x: float, text: str, marker: str) -> None:
        line = self.canvas.beginText(x, self.y)
        line.setFont("Vera", BODY)
        line.textOut(text)
        if marker:
            line.setFont("Vera", 7)
            line.setRise(4)
            line.textOut(marker)
            line.setRise(0)
        self.canvas.drawText(line)
        self.y -= LEADING

    def next_page(self) -> None:
        """Set the page's footnotes at its foot, then start a new page."""
        y = 60 + 10 * len(self.notes)
        for marker, text in self.notes:
            self.canvas.setFont("Vera", 5)
            self.canvas.drawString(LEFT, y + 3, marker)
            self.canvas.setFont("Vera", 8)
            self.canvas.drawString(LEFT + 5, y, text)
            y -= 10
        self.notes = []
        self.canvas.showPage()
        self.page += 1
        if self.page <= self.pages:
            self.y = TOP
            self._furniture()

    def save(self) -> Path:
        self.next_page()
        self.canvas.save()
        return self.path


def peel_report(path: Path) -> Path:
    """A three-page PEEL-style force inspection."""
    doc = _Pages(path, "PEEL 2025 | Durham Constabulary", 3)
    doc.heading("PEEL 2025: An inspection of Durham Constabulary", 20)
    doc.paragraph("Published 4 February 2026")
    doc.heading("Summary")
    doc.paragraph(
        "This report sets out what we found when we inspected Durham Constabulary in the autumn of 2025. "
        "We looked at how well the force keeps people safe and how it treats the public.",
        ("1", "We inspected the force between 6 and 24 October 2025."),
    )
    doc.paragraph(
        "The force answers emergency calls quickly, but too many people who call about less urgent matters "
        "give up before they speak to anyone."
    )
    doc.next_page()
    doc.heading("How effective is the force at protecting vulnerable people?")
    doc.paragraph(
        "Officers recognise vulnerability when they first meet a victim and record it well. In most of the "
        "cases we reviewed, a referral reached the local authority on the same day.",
        ("2", "We reviewed 60 cases of domestic abuse and 20 cases of missing children."),
    )
    doc.heading("Areas for improvement", 11)
    doc.paragraph(
        "The force should make sure that a supervisor reviews every domestic abuse risk assessment within "
        "24 hours.",
        label="1.",
    )
    doc.paragraph(
        "The force should improve how it records the views of children who are present at incidents of "
        "domestic abuse.",
        label="2.",
    )
    doc.paragraph(
        "Supervisors told us that they do not always have time to review risk assessments, because they "
        "also carry a large number of investigations themselves.",
        lines=1,
    )
    doc.heading("How good is the force at investigating crime?")
    doc.paragraph("Investigations are mostly thorough, and victims are kept informed of their progress.")
    doc.heading("Areas for improvement", 11)
    doc.paragraph(
        "The force should reduce the number of investigations it closes before it has followed every "
        "reasonable line of enquiry.",
        label="1.",
    )
    return doc.save()


def thematic_report(path: Path) -> Path:
    """A two-page national thematic inspection with deadline-led recommendations."""
    doc = _Pages(path, "Closing the gap: the police response to stalking", 2)
    doc.heading("Closing the gap", 20)
    doc.paragraph("A national thematic inspection of how the police respond to stalking")
    doc.paragraph("HMICFRS")
    doc.paragraph("March 2026")
    doc.heading("Summary")
    doc.paragraph(
        "Stalking causes lasting fear and harm. We found that forces often record it as harassment, so "
        "victims do not get the protection the law allows.",
        ("1", "The Protection from Harassment Act 1997 sets out both offences."),
    )
    doc.next_page()
    doc.heading("Recommendations")
    doc.heading("Recommendation 1", 11)
    doc.paragraph(
        "By 31 March 2027, chief constables should make sure that every report of harassment is checked "
        "for signs of stalking before it is recorded."
    )
    doc.heading("Recommendation 2", 11)
    doc.paragraph(
        "By 30 September 2027, the College of Policing should publish guidance on applying for stalking "
        "protection orders."
    )
    doc.heading("Areas for improvement")
    doc.paragraph(
        "Forces should make sure that call handlers are trained to recognise the patterns of behaviour "
        "that amount to stalking."
    )
    return doc.save()


HEADER = "running header or footer"
NUMBER = "page number"


def test_peel_report_through_the_pipeline(tmp_path: Path) -> None:
    """Question headings are sections, the numbered items under "Areas for improvement" are findings,
    a paragraph cut by the page break is one paragraph on its first page, footnotes are attached."""
    report = parse_report(peel_report(tmp_path / "peel-durham.pdf"), tmp_path)
    meta = report.meta
    assert (meta.title, meta.doc_type, meta.published, meta.inspectorates, meta.forces) == (
        "PEEL 2025: An inspection of Durham Constabulary",
        "inspection_report",
        "2026-02-04",
        ("HMICFRS",),
        ("Durham Constabulary",),
    )
    question = "How effective is the force at protecting vulnerable people?"
    afi = "Areas for improvement"
    assert [(p.section, p.section_type, p.finding_type, p.page, p.text) for p in report.paragraphs] == [
        ("Summary", "summary", None, 1, "Published 4 February 2026"),
        (
            "Summary",
            "summary",
            None,
            1,
            "This report sets out what we found when we inspected Durham Constabulary in the autumn of 2025. "
            "We looked at how well the force keeps people safe and how it treats the public.",
        ),
        (
            "Summary",
            "summary",
            None,
            1,
            "The force answers emergency calls quickly, but too many people who call about less urgent matters "
            "give up before they speak to anyone.",
        ),
        (
            question,
            "other",
            None,
            2,
            "Officers recognise vulnerability when they first meet a victim and record it well. In most of the "
            "cases we reviewed, a referral reached the local authority on the same day.",
        ),
        (
            afi,
            "areas_for_improvement",
            "area_for_improvement",
            2,
            "The force should make sure that a supervisor reviews every domestic abuse risk assessment within "
            "24 hours.",
        ),
        (
            afi,
            "areas_for_improvement",
            "area_for_improvement",
            2,
            "The force should improve how it records the views of children who are present at incidents of "
            "domestic abuse.",
        ),
        (
            afi,
            "areas_for_improvement",
            None,
            2,
            "Supervisors told us that they do not always have time to review risk assessments, because they "
            "also carry a large number of investigations themselves.",
        ),
        (
            "How good is the force at investigating crime?",
            "other",
            None,
            3,
            "Investigations are mostly thorough, and victims are kept informed of their progress.",
        ),
        (
            afi,
            "areas_for_improvement",
            "area_for_improvement",
            3,
            "The force should reduce the number of investigations it closes before it has followed every "
            "reasonable line of enquiry.",
        ),
    ]
    notes = [(p.paragraph_number, [(f.marker, f.text) for f in p.footnotes]) for p in report.paragraphs if p.footnotes]
    assert notes == [
        (2, [("1", "We inspected the force between 6 and 24 October 2025.")]),
        (4, [("2", "We reviewed 60 cases of domestic abuse and 20 cases of missing children.")]),
    ]
    assert [(d.text, d.reason) for d in report.dropped] == [
        ("PEEL 2025 | Durham Constabulary", HEADER),
        ("Page 1 of 3", NUMBER),
        ("PEEL 2025 | Durham Constabulary", HEADER),
        ("Page 2 of 3", NUMBER),
        ("PEEL 2025 | Durham Constabulary", HEADER),
        ("Page 3 of 3", NUMBER),
    ]


def test_thematic_report_through_the_pipeline(tmp_path: Path) -> None:
    """"Recommendation 1" headings over deadline-led text are recommendations; the report is a thematic."""
    report = parse_report(thematic_report(tmp_path / "thematic-stalking.pdf"), tmp_path)
    meta = report.meta
    assert (meta.title, meta.doc_type, meta.published, meta.inspectorates, meta.forces) == (
        "Closing the gap: A national thematic inspection of how the police respond to stalking",
        "thematic_report",
        "2026-03",
        ("HMICFRS",),
        (),
    )
    assert [(p.section, p.section_type, p.finding_type, p.page, p.text) for p in report.paragraphs] == [
        ("Summary", "summary", None, 1, "A national thematic inspection of how the police respond to stalking"),
        ("Summary", "summary", None, 1, "HMICFRS"),
        ("Summary", "summary", None, 1, "March 2026"),
        (
            "Summary",
            "summary",
            None,
            1,
            "Stalking causes lasting fear and harm. We found that forces often record it as harassment, so "
            "victims do not get the protection the law allows.",
        ),
        (
            "Recommendation 1",
            "recommendations",
            "recommendation",
            2,
            "By 31 March 2027, chief constables should make sure that every report of harassment is checked "
            "for signs of stalking before it is recorded.",
        ),
        (
            "Recommendation 2",
            "recommendations",
            "recommendation",
            2,
            "By 30 September 2027, the College of Policing should publish guidance on applying for stalking "
            "protection orders.",
        ),
        (
            "Areas for improvement",
            "areas_for_improvement",
            "area_for_improvement",
            2,
            "Forces should make sure that call handlers are trained to recognise the patterns of behaviour "
            "that amount to stalking.",
        ),
    ]
    assert [(f.marker, f.text) for f in report.paragraphs[3].footnotes] == [
        ("1", "The Protection from Harassment Act 1997 sets out both offences.")
    ]
    assert [(d.text, d.reason) for d in report.dropped] == [
        ("Closing the gap: the police response to stalking", HEADER),
        ("Page 1 of 2", NUMBER),
        ("Closing the gap: the police response to stalking", HEADER),
        ("Page 2 of 2", NUMBER),
        ("Recommendations", "heading with no text under it"),
    ]


def test_no_word_of_either_report_is_lost(tmp_path: Path) -> None:
    """Every word the reader finds is indexed, or dropped with a reason."""
    for path in (peel_report(tmp_path / "peel.pdf"), thematic_report(tmp_path / "thematic.pdf")):
        assert _unaccounted(path) == [], path.name
