"""A scraped inspection web page through the whole pipeline."""

from __future__ import annotations

from indexer.ingest.pipeline import parse_report

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PEEL 2021: Kent Police - HMICFRS</title>
<script>window.dataLayer = [];</script><style>.x{color:red}</style></head>
<body>
<div id="global-cookie-message" class="cookie-banner"><p>We use cookies to collect information
about how you use this site.</p>
<button>Accept additional cookies</button></div>
<a href="#main" class="skip-link">Skip to main content</a>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/peel">PEEL</a></li></ul></nav></header>
<div class="breadcrumbs"><ol><li><a href="/">Home</a></li><li>Kent</li></ol></div>
<main id="main">
<h1>PEEL 2021/22: An inspection of Kent Police</h1>
<p>This report was published on 14 March 2022.</p>
<p>The full report can be viewed here: <a href="https://example.org/peel-2021-kent.pdf">https://example.org/peel-2021-kent.pdf</a></p>
<h2>Areas for improvement</h2>
<ul>
<li>The force should make sure it records <strong>crime</strong> accurately.</li>
<li>The force should improve how it responds to <em>missing children</em>.</li>
</ul>
<h2>Recommendations</h2>
<ol><li>By March 2023, the force should review its custody arrangements for children.</li></ol>
</main>
<footer><p>© Crown copyright</p><a href="/accessibility">Accessibility</a></footer>
</body></html>
"""


def test_web_page_report(tmp_path):
    """Chrome is dropped; headings make sections; list items are typed findings; metadata is read."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = corpus / "peel-kent.html"
    path.write_text(PAGE, encoding="utf-8")
    report = parse_report(path, corpus)
    assert [(p.section_type, p.finding_type, p.text) for p in report.paragraphs] == [
        ("summary", None, "This report was published on 14 March 2022."),
        ("summary", None, "The full report can be viewed here: https://example.org/peel-2021-kent.pdf"),
        ("areas_for_improvement", "area_for_improvement", "The force should make sure it records crime accurately."),
        (
            "areas_for_improvement",
            "area_for_improvement",
            "The force should improve how it responds to missing children.",
        ),
        (
            "recommendations",
            "recommendation",
            "By March 2023, the force should review its custody arrangements for children.",
        ),
    ]
    meta = report.meta
    assert (meta.title, meta.doc_type, meta.published, meta.inspectorates, meta.forces, meta.source_url) == (
        "PEEL 2021/22: An inspection of Kent Police",
        "inspection_report",
        "2022-03-14",
        ("HMICFRS",),
        ("Kent Police",),
        "https://example.org/peel-2021-kent.pdf",
    )
