"""Tests for the HTML reader: main content only, structure, links, encodings, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest.readers import html
from indexer.model import ReportParseError

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Inspection of Anyshire Police - HMICFRS</title>
  <style>body { font-family: sans-serif; }</style>
  <script>window.dataLayer = [];</script>
</head>
<body>
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <div class="govuk-cookie-banner" role="region" aria-label="Cookies on this site">
    <p>We use cookies to make this site work.</p>
    <button>Accept cookies</button>
  </div>
  <header class="site-header"><a href="/">HMICFRS</a><p>Inspecting policing</p></header>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/publications">Publications</a></li></ul></nav>
  <div class="govuk-breadcrumbs"><ol><li><a href="/">Home</a></li><li>Reports</li></ol></div>
  <main id="main-content">
    <h1>Inspection of Anyshire Police</h1>
    <p style="color: #333">We found that the force has   improved
       how it <strong>protects</strong> vulnerable people.<sup><a href="#fn1">1</a></sup></p>
    <div class="share-bar"><a href="https://twitter.com/share">Share on Twitter</a></div>
    <h2>Areas for improvement</h2>
    <ul>
      <li>The force should review <a href="https://example.org/crime">crime reports</a>.</li>
      <li><p>The force should train call handlers.</p></li>
    </ul>
    <div>Text directly in a div<br>on two lines.</div>
    <ol start="3">
      <li>Third step.</li>
      <li>Fourth step.</li>
    </ol>
    <p hidden>Hidden text.</p>
    <p aria-hidden="true">Decorative text.</p>
    <table>
      <tr><th>Area</th><th>Grade</th></tr>
      <tr><td>Investigations</td><td>Adequate</td></tr>
    </table>
    <dl><dt>PCC</dt><dd>Police and crime commissioner</dd></dl>
    <blockquote><p>A quoted finding.</p></blockquote>
    <p>The full report can be viewed here:</p>
    <p><a href="https://www.justiceinspectorates.gov.uk/hmicfrs/report.pdf">Read the report</a></p>
    <p><a href="https://www.justiceinspectorates.gov.uk/hmicfrs/letter.pdf">www.justiceinspectorates.gov.uk/…</a></p>
    <a href="#top" class="back-link">Back to top</a>
    <section class="footnotes">
      <ol>
        <li id="fn1"><p>See the 2019 inspection. <a href="#fnref1" class="footnote-back">↩</a></p></li>
      </ol>
    </section>
  </main>
  <footer><p>© Crown copyright</p></footer>
  <script>console.log("tracking");</script>
</body>
</html>
"""


def _read(tmp_path: Path, data: bytes | str) -> list:
    path = tmp_path / "page.html"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return html.read(path)


def _error(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    with pytest.raises(ReportParseError) as caught:
        html.read(path)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_reads_main_content_only(tmp_path: Path) -> None:
    """Only the main content comes out, as headings, paragraphs, bullets, rows and a footnote."""
    blocks = [b for b in _read(tmp_path, PAGE) if b.kind != "dropped"]
    assert [(b.kind, b.text, b.level, b.marker, b.page, b.after_page_break) for b in blocks] == [
        ("heading", "Inspection of Anyshire Police", 1, "", None, False),
        ("text", "We found that the force has improved how it protects vulnerable people.¹", 0, "", None, False),
        ("heading", "Areas for improvement", 2, "", None, False),
        ("bullet", "The force should review crime reports.", 0, "-", None, False),
        ("bullet", "The force should train call handlers.", 0, "-", None, False),
        ("text", "Text directly in a div\non two lines.", 0, "", None, False),
        ("bullet", "Third step.", 0, "3.", None, False),
        ("bullet", "Fourth step.", 0, "4.", None, False),
        ("text", "Area | Grade", 0, "", None, False),
        ("text", "Investigations | Adequate", 0, "", None, False),
        ("text", "PCC", 0, "", None, False),
        ("text", "Police and crime commissioner", 0, "", None, False),
        ("text", "A quoted finding.", 0, "", None, False),
        ("text", "The full report can be viewed here:", 0, "", None, False),
        ("text", "https://www.justiceinspectorates.gov.uk/hmicfrs/report.pdf", 0, "", None, False),
        ("text", "https://www.justiceinspectorates.gov.uk/hmicfrs/letter.pdf", 0, "", None, False),
        ("footnote", "See the 2019 inspection.", 0, "1", None, False),
    ]


def test_links_are_recorded(tmp_path: Path) -> None:
    """Each block lists the absolute http(s) targets of its links; in-page and relative ones are left out."""
    blocks = _read(tmp_path, PAGE)
    assert [(b.text, b.links) for b in blocks if b.links] == [
        ("The force should review crime reports.", ("https://example.org/crime",)),
        (
            "https://www.justiceinspectorates.gov.uk/hmicfrs/report.pdf",
            ("https://www.justiceinspectorates.gov.uk/hmicfrs/report.pdf",),
        ),
        (
            "https://www.justiceinspectorates.gov.uk/hmicfrs/letter.pdf",
            ("https://www.justiceinspectorates.gov.uk/hmicfrs/letter.pdf",),
        ),
    ]


def test_without_main_uses_body_and_drops_chrome(tmp_path: Path) -> None:
    """Without a content element the body is read, minus header, nav, menus and print links."""
    page = """<html><body>
      <header><h1>Site name</h1></header>
      <div id="menu"><a href="/a">A</a></div>
      <div class="layout has-sidebar">
        <h1>Letter to the chief constable</h1>
        <p>Dear chief constable, thank you for your help with this inspection.</p>
        <p><a href="javascript:print()">Print this page</a></p>
      </div>
      <footer>Contact us</footer>
    </body></html>"""
    blocks = _read(tmp_path, page)
    assert [(b.kind, b.text) for b in blocks if b.kind != "dropped"] == [
        ("heading", "Letter to the chief constable"),
        ("text", "Dear chief constable, thank you for your help with this inspection."),
    ]
    # Nothing is lost silently: the chrome comes back as dropped blocks, with the reason.
    assert [(b.text, b.marker) for b in blocks if b.kind == "dropped"] == [
        (text, "site chrome: navigation, banner, footer, cookie notice or hidden text")
        for text in ("Site name", "A", "Print this page", "Contact us")
    ]


def test_the_site_around_the_main_content_is_dropped_with_its_reason(tmp_path: Path) -> None:
    """Text outside <main> and chrome inside it are recorded as dropped, never silently lost."""
    dropped = [(b.text, b.marker) for b in _read(tmp_path, PAGE) if b.kind == "dropped"]
    chrome = "site chrome: navigation, banner, footer, cookie notice or hidden text"
    assert dropped == [
        (
            "Skip to main content We use cookies to make this site work. Accept cookies HMICFRS Inspecting policing "
            "Home Publications Home Reports © Crown copyright",
            "the site around the report's main content",
        ),
        ("Share on Twitter", chrome),
        ("Hidden text.", chrome),
        ("Decorative text.", chrome),
        ("Back to top", chrome),
        ("↩", chrome),
    ]


def test_article_header_and_nested_list(tmp_path: Path) -> None:
    """An article's own <header> keeps its title; a nested list splits its parent item."""
    page = """<html><body><article>
      <header><h1>Response from the PCC</h1></header>
      <ul><li>Parent item<ul><li>Child item</li></ul>tail text</li></ul>
    </article></body></html>"""
    assert [(b.kind, b.text, b.marker) for b in _read(tmp_path, page)] == [
        ("heading", "Response from the PCC", ""),
        ("bullet", "Parent item", "-"),
        ("bullet", "Child item", "-"),
        ("text", "tail text", ""),
    ]


def test_footnote_divs_and_ids(tmp_path: Path) -> None:
    """Footnotes marked by class or id give their number as the marker, printed once."""
    page = """<html><body><div id="content">
      <p>Body text.<a href="#footnote-2"><sup>2</sup></a></p>
      <div class="footnote" id="footnote-2"><p><sup>2</sup> Home Office data.</p></div>
      <div id="footnotes"><ul><li>[3] Unnumbered list note.</li></ul></div>
    </div></body></html>"""
    assert [(b.kind, b.text, b.marker) for b in _read(tmp_path, page)] == [
        ("text", "Body text.²", ""),
        ("footnote", "Home Office data.", "2"),
        ("footnote", "Unnumbered list note.", "3"),
    ]


def test_cp1252_with_meta_charset(tmp_path: Path) -> None:
    """Bytes in windows-1252 are decoded by the <meta charset> they declare."""
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
    page += "<body><p>The force’s “approach” – costs £5</p></body></html>"
    blocks = _read(tmp_path, page.encode("cp1252"))
    assert [(b.kind, b.text) for b in blocks] == [("text", "The force’s “approach” – costs £5")]


def test_undeclared_cp1252_falls_back(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 and declare nothing are read as windows-1252."""
    blocks = _read(tmp_path, "<p>The force’s plan</p>".encode("cp1252"))
    assert [(b.kind, b.text) for b in blocks] == [("text", "The force’s plan")]


def test_utf8_bom(tmp_path: Path) -> None:
    """A UTF-8 byte order mark wins over a wrong <meta charset> and is not kept as text."""
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café’s report</p></body></html>'
    blocks = _read(tmp_path, b"\xef\xbb\xbf" + page.encode("utf-8"))
    assert [(b.kind, b.text) for b in blocks] == [("text", "Café’s report")]


def test_xml_declaration_and_bare_url(tmp_path: Path) -> None:
    """A fragment behind an XML declaration, or a page that is only a URL, reads without bs4 warnings."""
    page = '<?xml version="1.0" encoding="utf-8"?>\n<body><h2>Findings</h2><p>Text.</p></body>'
    blocks = [(b.kind, b.text, b.level) for b in _read(tmp_path, page)]
    assert blocks == [("heading", "Findings", 2), ("text", "Text.", 0)]
    url = "https://www.justiceinspectorates.gov.uk/hmicfrs/report.pdf"
    assert [(b.kind, b.text) for b in _read(tmp_path, url)] == [("text", url)]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """An empty file raises "no text found"."""
    assert _error(tmp_path, b"") == "no text found"


def test_page_of_only_chrome_is_refused(tmp_path: Path) -> None:
    """A page whose only text is chrome raises "no text found"."""
    page = b"<html><body><nav>Home</nav><script>x()</script><footer>Contact</footer></body></html>"
    assert _error(tmp_path, page) == "no text found"


def test_deeply_nested_divs(tmp_path: Path) -> None:
    """100,000 nested divs are read without a RecursionError."""
    depth = 100_000
    page = "<html><body>" + "<div>" * depth + "Deep text." + "</div>" * depth + "<p>After.</p></body></html>"
    assert [(b.kind, b.text) for b in _read(tmp_path, page)] == [("text", "Deep text."), ("text", "After.")]
