"""Ingestion robustness: every bad file costs one line with a reason; the rest is indexed, the old index kept.

The bad files are generated here rather than stored, so each one says how it was made.
"""

from __future__ import annotations

import io
import shutil
import time
import zlib

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from indexer.search.service import SearchService
from indexer.store.indexing import index_corpus

from reportgen import report_text
from support import index_contents, live_manifest, run_findings

GOOD = report_text(1)
ENCODED_TEXT = "Inspection of Café Town\n\nThe café cost £1.5 million, inspectors said.\n"


def pdf_bytes(text: str = "Inspectors found the custody suite clean.", *, password: str | None = None) -> bytes:
    buffer = io.BytesIO()
    encrypt = StandardEncryption(password, ownerPassword="owner") if password else None
    page = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    page.setFont("Helvetica", 11)
    page.drawString(72, 700, text)
    page.save()
    return buffer.getvalue()


def slow_pdf(operations: int = 200_000) -> bytes:
    """A small, valid PDF whose one page draws a letter, steps left, and repeats.

    Each letter lands left of all the ones before it on the same line, and PDFium's text
    extraction files every new text object in place along the line by a scan from its end:
    quadratic in the number of objects, so this 6 kB file takes it hours, in bounded
    memory. The practical form of "a PDF that makes the parser loop". (A letter repeated in
    one place no longer serves: PDFium sees the copies are one and reads them in seconds.)
    """
    stream = zlib.compress(b"BT /F1 1 Tf 1000000 10 Td " + b"-2 0 Td (a) Tj " * operations + b"ET", 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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
    return bytes(out)


def deep_html(levels: int = 100_000) -> str:
    return (
        "<html><body><main><h1>Deeply nested page</h1>" + "<div>" * levels
        + "<p>Inspectors found the deeply nested paragraph.</p>" + "</div>" * levels + "</main></body></html>"
    )


BAD_FILES: list[tuple[str, bytes, str]] = [
    # (file name, content, what the reason must say)
    ("empty.txt", b"", "empty file"),
    ("empty.md", b"", "empty file"),
    ("empty.pdf", b"", "empty file"),
    ("empty.html", b"", "empty file"),
    ("whitespace.md", b" \n\t\n  \n", "empty file"),
    ("random.txt", bytes(range(256)) * 64, "binary file, not text"),
    ("image.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, "not a PDF"),
    ("zip-as-text.md", b"PK\x03\x04" + bytes(200) + b"payload" * 20, "binary file, not text"),
    ("truncated.pdf", pdf_bytes()[: len(pdf_bytes()) // 2], "corrupt or truncated PDF"),
    ("encrypted.pdf", pdf_bytes(password="secret"), "PDF is encrypted"),
    ("loops.pdf", slow_pdf(), "timed out after 3 s while parsing"),
    ("copy-of-good.md", GOOD.encode("utf-8"), "duplicate content: same as good.md"),
]
"""Files that must fail, each with its reason."""

ENCODED_FILES: list[tuple[str, bytes]] = [
    ("utf16-bom.txt", ENCODED_TEXT.encode("utf-16")),
    ("utf16-be-no-bom.txt", ENCODED_TEXT.replace("Café Town", "Café City").encode("utf-16-be")),
    ("cp1252.txt", ENCODED_TEXT.replace("Café Town", "Café Village").encode("cp1252")),
    (
        "mixed.txt",
        ENCODED_TEXT.replace("Café Town", "Café Hamlet").encode("utf-8")
        + "Paragraph in cp1252: the café spent £2 million.\n".encode("cp1252"),
    ),
]
"""Files that look hostile but are readable, and must be indexed."""


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """Index a good corpus, then add every bad file and break one good file; run again."""
    corpus = tmp_path_factory.mktemp("bad") / "corpus"
    corpus.mkdir()
    index_dir = corpus.parent / "index"
    (corpus / "good.md").write_text(GOOD, encoding="utf-8")
    (corpus / "edited.md").write_text(report_text(2), encoding="utf-8")
    first = index_corpus(corpus, index_dir)
    assert first.failed == []
    before = index_contents(index_dir)
    for name, content, _ in BAD_FILES:
        (corpus / name).write_bytes(content)
    for name, content in ENCODED_FILES:
        (corpus / name).write_bytes(content)
    (corpus / "over-limit.md").write_text(report_text(3) + "Padding words. " * 150_000, encoding="utf-8")
    (corpus / "edited.md").write_bytes(b"\x00\x01\x02" * 100)  # an indexed report, now broken
    started = time.monotonic()
    summary = index_corpus(corpus, index_dir, timeout=3, max_bytes=2_000_000)
    return corpus, index_dir, before, summary, time.monotonic() - started


def test_each_bad_file_is_reported_with_its_reason(bad_run):
    """Every bad file appears once in the failures, with the reason that explains it."""
    _, _, _, summary, _ = bad_run
    reasons = dict(summary.failed)
    expected = {name: reason for name, _, reason in BAD_FILES}
    expected["over-limit.md"] = "file is 2.3 MB, over the 2 MB limit"
    expected["edited.md"] = "binary file, not text"
    assert sorted(reasons) == sorted(expected)
    for name, reason in expected.items():
        assert reason in reasons[name], (name, reasons[name])


def test_the_rest_is_indexed_and_the_last_good_version_kept(bad_run):
    """Readable files are indexed; a report that now fails keeps its previous paragraphs."""
    _, index_dir, before, summary, seconds = bad_run
    assert sorted(summary.indexed) == sorted(name for name, _ in ENCODED_FILES)
    assert summary.unchanged == ["good.md"]
    after = index_contents(index_dir)
    assert before.paragraph_ids < after.paragraph_ids  # nothing lost, including edited.md's old version
    assert dict(after.hashes)["edited.md"] == dict(before.hashes)["edited.md"]
    assert seconds < 30, "the looping PDF was not stopped by the timeout"


def test_encodings_decode_to_the_same_words(bad_run):
    """UTF-16 (with and without BOM), cp1252 and mixed files all read as the same clean text."""
    _, index_dir, _, _, _ = bad_run
    with SearchService(index_dir) as service:
        records = [r for r in service.all_paragraphs() if r["source_file"] not in ("good.md", "edited.md")]
        hits = {r["source_file"] for r in service.search("café", per_page=50)["results"]}
    found = {r["source_file"]: (r["report_title"], r["text"]) for r in records}
    said = "The café cost £1.5 million, inspectors said."
    assert found == {
        "utf16-bom.txt": ("Inspection of Café Town", said),
        "utf16-be-no-bom.txt": ("Inspection of Café City", said),
        "cp1252.txt": ("Inspection of Café Village", said),
        "mixed.txt": ("Inspection of Café Hamlet", said + " Paragraph in cp1252: the café spent £2 million."),
    }
    assert hits == {"utf16-bom.txt", "utf16-be-no-bom.txt", "cp1252.txt", "mixed.txt"}


def test_cli_reports_each_failure_and_exits_non_zero(bad_run, tmp_path):
    """The CLI prints one "failed: file: reason" line per bad file, no traceback, and exits 1."""
    # The slow files were timed in-process above; here the CLI's reporting is what is tested.
    slow = ("over-limit.md", "loops.pdf")
    corpus = shutil.copytree(bad_run[0], tmp_path / "corpus", ignore=shutil.ignore_patterns(*slow))
    index_dir = shutil.copytree(bad_run[1], tmp_path / "index")
    result = run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    failures = sorted(line.split(": ")[1] for line in result.stderr.splitlines() if line.startswith("failed: "))
    assert failures == sorted([name for name, _, _ in BAD_FILES if name not in slow] + ["edited.md"])
    indexed = {entry["source_file"] for entry in live_manifest(index_dir)["reports"].values()}
    assert indexed == {"good.md", "edited.md"} | {name for name, _ in ENCODED_FILES if name not in slow}


def test_copy_of_an_indexed_report_does_not_displace_it(make_corpus, tmp_path):
    """A duplicate whose name sorts first is the one refused; the indexed original stays, once."""
    corpus = make_corpus({"original.md": GOOD})
    index_dir = tmp_path / "index"
    index_corpus(corpus, index_dir, workers=0)
    before = index_contents(index_dir)
    (corpus / "a-copy.md").write_text(GOOD, encoding="utf-8")
    summary = index_corpus(corpus, index_dir, workers=0)
    assert summary.failed == [("a-copy.md", "duplicate content: same as original.md")]
    assert index_contents(index_dir) == before


def test_html_nested_100k_deep_is_read_without_recursion(make_corpus, tmp_path):
    """A page nested 100,000 elements deep is read (the walker uses no recursion), in bounded time."""
    corpus = make_corpus({"deep.html": deep_html()})
    started = time.monotonic()
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert time.monotonic() - started < 30
    assert (summary.indexed, summary.failed) == (["deep.html"], [])
    with SearchService(tmp_path / "index") as service:
        texts = [r["text"] for r in service.all_paragraphs()]
    assert texts == ["Inspectors found the deeply nested paragraph."]


def _sleeping_reader(path):
    time.sleep(3600)


def test_hanging_reader_is_stopped_by_the_timeout(make_corpus, tmp_path, monkeypatch):
    """A reader that never returns (simulated) is killed in its worker; the run finishes."""
    import indexer.ingest.readers as readers

    corpus = make_corpus({"good.md": GOOD, "hangs.txt": "Inspection of Hangshire\n\nText that never gets read.\n"})
    real = readers.reader
    monkeypatch.setattr(readers, "reader", lambda name: _sleeping_reader if name == "text" else real(name))
    started = time.monotonic()
    summary = index_corpus(corpus, tmp_path / "index", timeout=1, workers=2)
    assert time.monotonic() - started < 10
    assert summary.indexed == ["good.md"]
    assert summary.failed == [("hangs.txt", "timed out after 1 s while parsing")]


def test_symlink_out_of_the_corpus_is_refused(make_corpus, tmp_path):
    """A link to a file outside the corpus is refused by name, never read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Inspection of Secretshire\n\nA secret that must not be indexed.\n", encoding="utf-8")
    corpus = make_corpus({"good.md": GOOD})
    (corpus / "link.txt").symlink_to(secret)
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert summary.failed == [("link.txt", "symbolic link to a file outside the corpus")]
    with SearchService(tmp_path / "index") as service:
        assert service.search("secret")["total"] == 0
