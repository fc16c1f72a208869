"""PDF reading: our reader against pdfplumber's ``extract_text`` on the same SYNTHETIC PDFs.

    python -m benchmarks.run --only pdf --out <file> [--pdf-reports 20 --pdf-pages 40]

Writes the reports with reportlab: a title page, then question headings, paragraphs with
raised footnote references and their footnotes, sub-headings and bulleted findings, a
running header and a page-number footer on every page, in embedded TrueType fonts. The text
is recombined from ``corpus/`` like the search benchmark's (for timing only). Then, each in
a fresh process over the same files: our reader (``read_all``: words, lines, layout), our
word extraction alone, and pdfplumber opening each file and calling ``page.extract_text()``
on every page. Worker entry point: ``python -m benchmarks.pdfreading ours|words|pdfplumber DIR``.
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .corpus import TextMaker, force_names, source_paragraphs
from .measure import emit, peak_rss_mb, run_worker

SEED = 20260301
LABEL = "SYNTHETIC BENCHMARK TEXT: recombined from real reports, for timing only. Not a real report."
TARGET_RATIO = 10.0
"""Our reader must read pages at least this many times as fast as pdfplumber's extract_text."""

QUESTIONS = (
    "How effective is the force at preventing crime and anti-social behaviour?",
    "How effective is the force at protecting vulnerable people?",
    "How well does the force investigate crime?",
    "How well does the force respond to the public?",
    "How efficiently does the force use its resources?",
    "How legitimate is the force in how it treats the public and its workforce?",
)
SUB_HEADINGS = ("Areas for improvement", "What the force does well", "Our findings")

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4, in points
LEFT, RIGHT = 72.0, 523.28
TOP, BOTTOM = 780.0, 80.0
BODY, LEADING = 11.0, 14.0
NOTE, NOTE_LEADING = 8.0, 10.0
BULLET_INDENT = 14.0


class _Writer:
    """Lays text out on A4 pages of one report, line by line, until the page budget is spent."""

    def __init__(self, path: Path, title: str, pages: int) -> None:
        self.canvas = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
        self.title, self.pages = title, pages
        self.page, self.y, self.full = 1, TOP, False
        self.notes: list[str] = []
        self._furniture()

    def _furniture(self) -> None:
        """The running header and the page-number footer."""
        self._draw(LEFT, PAGE_HEIGHT - 36, f"{self.title} | SYNTHETIC", "Vera", 9)
        self._draw(PAGE_WIDTH / 2 - 20, 30, f"Page {self.page} of {self.pages}", "Vera", 9)

    def _draw(self, x: float, y: float, text: str, font: str, size: float, marker: str = "") -> None:
        """One line of text; a footnote ``marker`` is raised after it in the same text object, as
        word processors set it."""
        line = self.canvas.beginText(x, y)
        line.setFont(font, size)
        line.textOut(text)
        if marker:
            line.setFont(font, size * 0.65)
            line.setRise(size * 0.35)
            line.textOut(marker)
            line.setRise(0)  # the rise is graphics state: it would outlive the text object
        self.canvas.drawText(line)

    def _floor(self, notes: int) -> float:
        """The lowest a text line may sit above ``notes`` footnotes at the page's foot."""
        return BOTTOM + notes * 2 * NOTE_LEADING

    def end_page(self) -> None:
        """Set the page's footnotes at its foot and start the next page, if the budget allows."""
        for number, note in enumerate(self.notes, start=1):
            y = self._floor(len(self.notes) - number)
            self._draw(LEFT, y + 3, str(number), "Vera", 5)
            self._draw(LEFT + 5, y, note, "Vera", NOTE)
        self.canvas.showPage()
        self.notes = []
        if self.page == self.pages:
            self.full = True
            return
        self.page += 1
        self.y = TOP
        self._furniture()

    def _line(self, x: float, text: str, font: str, size: float, leading: float, *, bullet: bool = False,
              note: str | None = None) -> None:
        """Draw a line where the last one left off, on a new page if this one is full."""
        if not self.full and self.y < self._floor(len(self.notes)):
            self.end_page()
        if self.full:
            return
        marker = ""
        if note and len(self.notes) < 3 and self.y >= self._floor(len(self.notes) + 1):
            self.notes.append(note)
            marker = str(len(self.notes))
        if bullet:
            self._draw(LEFT, self.y, "•", font, size)
        self._draw(x, self.y, text, font, size, marker)
        self.y -= leading

    def heading(self, text: str, size: float) -> None:
        """A bold heading, with space above and below."""
        self.y -= size * 0.8
        for line in simpleSplit(text, "VeraBd", size, RIGHT - LEFT):
            self._line(LEFT, line, "VeraBd", size, size * 1.3)
        self.y -= size * 0.4

    def paragraph(self, text: str, note: str | None = None, *, bullet: bool = False) -> None:
        """Wrapped body text (or a bullet), with a raised reference to ``note`` after its last line."""
        x = LEFT + BULLET_INDENT if bullet else LEFT
        lines = simpleSplit(text, "Vera", BODY, RIGHT - x)
        for number, line in enumerate(lines):
            last = number == len(lines) - 1
            self._line(x, line, "Vera", BODY, LEADING, bullet=bullet and number == 0, note=note if last else None)
        self.y -= LEADING * 0.5

    def save(self) -> None:
        """End the last page (unless the budget ended it) and write the file."""
        if not self.full:
            self.end_page()
        self.canvas.save()


def _first_line(text: str) -> str:
    """As much of ``text`` as fits on one footnote line, in whole words."""
    return simpleSplit(text, "Vera", NOTE, RIGHT - LEFT - 5)[0]


def _register_fonts() -> None:
    """Vera ships with reportlab; embedded TrueType with a Unicode map, as real reports are set."""
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))


def write_report(path: Path, maker: TextMaker, rng: random.Random, title: str, pages: int) -> None:
    """One report of exactly ``pages`` pages: title page, then questions, findings and notes."""
    writer = _Writer(path, title, pages)
    writer.heading(title, 24)
    writer.paragraph(LABEL)
    writer.end_page()
    while not writer.full:
        writer.heading(rng.choice(QUESTIONS), 16)
        for _ in range(rng.randint(2, 5)):
            note = _first_line(maker.sentence()) if rng.random() < 0.3 else None
            writer.paragraph(maker.paragraph(), note)
        writer.heading(rng.choice(SUB_HEADINGS), 12)
        for _ in range(rng.randint(2, 4)):
            writer.paragraph(maker.sentence(), bullet=True)
    writer.save()


def make_pdfs(folder: Path, reports: int, pages: int, *, seed: int = SEED) -> list[Path]:
    """Write ``reports`` SYNTHETIC PDF reports of ``pages`` pages each into ``folder`` (replaced)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    _register_fonts()
    rng = random.Random(seed)
    maker = TextMaker(source_paragraphs(), rng)
    forces = force_names()
    paths = []
    for number in range(reports):
        path = folder / f"synthetic-{number:03d}.pdf"
        write_report(path, maker, rng, f"PEEL inspection of {rng.choice(forces)} {2014 + number % 12}", pages)
        paths.append(path)
    return paths


def bench_pdf(folder: Path, reports: int, pages: int, log: Callable[[str], None]) -> dict:
    """Write the PDFs, time each reader on all of them in a fresh process, and compare."""
    log(f"[pdf] writing {reports} SYNTHETIC reports of {pages} pages")
    started = time.perf_counter()
    make_pdfs(folder, reports, pages)
    generated = round(time.perf_counter() - started, 2)
    result: dict = {"reports": reports, "pages_per_report": pages, "generation_s": generated}
    for mode in ("ours", "words", "pdfplumber"):
        log(f"[pdf] reading with {mode}")
        result[mode] = run_worker("benchmarks.pdfreading", mode, folder)
    log("[pdf] full build of the PDF reports (findings index)")
    index = folder.parent / "pdf-index"
    if index.exists():
        shutil.rmtree(index)
    build = run_worker("benchmarks.ours", "build", folder, index)
    shutil.rmtree(index, ignore_errors=True)
    build["pages_per_s"] = round(result["ours"]["pages"] / build["wall_s"], 1)
    build["paragraphs_per_s"] = round(build["paragraphs_total"] / build["wall_s"], 1)
    result["build"] = build
    ratio = result["ours"]["pages_per_s"] / result["pdfplumber"]["pages_per_s"]
    result["ratio_ours_to_pdfplumber"] = round(ratio, 1)
    wall = result["pdfplumber"]["wall_ms_per_page"] / result["ours"]["wall_ms_per_page"]
    result["wall_ratio_ours_to_pdfplumber"] = round(wall, 1)
    result["target_ratio_min"] = TARGET_RATIO
    result["target_met"] = ratio >= TARGET_RATIO
    return result


def pdf_table(result: dict) -> str:
    """The PDF results as a markdown table."""
    rows = [("Reader", "pages/s (CPU)", "CPU ms per page", "wall ms per page", "words read")]
    names = {
        "ours": "ours (`read_all`: words, lines, layout)",
        "words": "ours, words only (`pdfwords.read_pages`)",
        "pdfplumber": "pdfplumber `page.extract_text()`",
    }
    for mode, name in names.items():
        run = result[mode]
        rows.append((
            name, f"{run['pages_per_s']:,.0f}", f"{run['ms_per_page']:.2f}", f"{run['wall_ms_per_page']:.2f}",
            f"{run['words']:,}",
        ))  # fmt: skip
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    met = "yes" if result["target_met"] else "NO"
    lines.append(
        f"\n{result['reports']} reports x {result['pages_per_report']} pages: ours reads "
        f"{result['ratio_ours_to_pdfplumber']}x as many pages per CPU second as pdfplumber "
        f"({result['wall_ratio_ours_to_pdfplumber']}x by wall time; target >= {TARGET_RATIO:g}x: {met})"
    )
    if "build" in result:
        build = result["build"]
        lines.append(
            f"Full build of these reports (`findings index`, all cores): {build['pages_per_s']:,.0f} pages/s, "
            f"{build['paragraphs_per_s']:,.0f} paragraphs/s, {build['wall_s']:.1f} s"
        )
    return "\n".join(lines)


# -- the workers, each in a fresh process ---------------------------------------------------


def _read_ours(path: Path) -> list[str]:
    from indexer.ingest.readers.pdf import read_all

    return [block.text for block in read_all(path)]


def _read_words(path: Path) -> list[str]:
    from indexer.ingest.readers.pdfwords import read_pages

    return [word.text for _, words in read_pages(path) for word in words]


def _read_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


READERS: dict[str, Callable[[Path], list[str]]] = {
    "ours": _read_ours,
    "words": _read_words,
    "pdfplumber": _read_pdfplumber,
}


def measure(mode: str, folder: Path) -> dict:
    """Read every PDF in ``folder`` with one reader: pages per second over all of them.

    The rate is per second of the reading thread's CPU time: the readers are single-threaded,
    and on a shared machine CPU time moves far less than wall time between runs (both are
    kept). The thread's, not the process's: numpy's BLAS threads may spin meanwhile.
    Words are counted as each reader gives them (split on whitespace), to show the readers
    found the same text; they and the pages (counted by PDFium) are counted outside the timing.
    """
    import pypdfium2

    read = READERS[mode]
    paths = sorted(folder.glob("*.pdf"))
    read(paths[0])  # imports and first-call costs stay out of the timing
    texts: list[str] = []
    cpu = wall = 0.0
    for path in paths:
        started, started_cpu = time.perf_counter(), time.thread_time()
        texts += read(path)
        cpu += time.thread_time() - started_cpu
        wall += time.perf_counter() - started
    pages = 0
    for path in paths:
        with pypdfium2.PdfDocument(path) as document:
            pages += len(document)
    return {
        "files": len(paths),
        "pages": pages,
        "words": sum(len(text.split()) for text in texts),
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "pages_per_s": round(pages / cpu, 1),
        "ms_per_page": round(cpu / pages * 1000, 3),
        "wall_ms_per_page": round(wall / pages * 1000, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


if __name__ == "__main__":
    emit(measure(sys.argv[1], Path(sys.argv[2])))
