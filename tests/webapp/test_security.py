"""Headers, strict parameter handling and error pages: bad input is a 4xx with help, never a 500."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from tests.webapp.support import VIST_PARAGRAPH, assert_no_internals, text_of
from webapp.params import BadParams, parse_args
from webapp.security import CONTENT_SECURITY_POLICY

EVERY_ROUTE = [
    "/",
    "/search",
    "/search?q=VIST",
    "/help",
    "/reports",
    "/reports/plymouth-jtai-2020-letter?q=VIST&p=p-854c266a",
    f"/p/{VIST_PARAGRAPH}",
    "/search.csv?q=VIST",
    "/search.json?q=VIST",
    "/search.atom?q=VIST",
    "/api/search?q=VIST",
    "/api/reports/plymouth-jtai-2020-letter",
    f"/api/paragraphs/{VIST_PARAGRAPH}",
    "/api/openapi.json",
    "/static/findings.css",
    "/static/findings.js",
    "/static/favicon.svg",
    "/no-such-page",
    "/search?page=abc",
    "/api/search?page=abc",
]
HTML_PAGES = ["/", "/search", "/search?q=VIST&force=Devon+and+Cornwall+Police", "/help", "/reports",
              "/reports/plymouth-jtai-2020-letter?q=VIST&p=p-854c266a", "/no-such-page", "/search?sort=x"]  # fmt: skip


@pytest.mark.parametrize("url", EVERY_ROUTE)
def test_every_response_carries_security_headers(client, url):
    """Pages, files, exports, API answers and errors all carry the same protective headers."""
    response = client.get(url)
    response.close()
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_content_security_policy_allows_nothing_inline():
    """The policy names only 'self' for scripts and styles, and forbids framing and base tags."""
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
    }


@pytest.mark.parametrize("url", HTML_PAGES)
def test_pages_have_no_inline_script_or_style(client, url):
    """No <style>, no style= attribute, no inline <script> or on* handler: the CSP would block them."""
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "lxml")
    assert soup.find("style") is None
    assert soup.find(attrs={"style": True}) is None
    assert all(script.get("src") and not script.string for script in soup.find_all("script"))
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element.name


@pytest.mark.parametrize("url", HTML_PAGES)
def test_pages_have_landmarks_one_h1_and_a_skip_link(client, url):
    """Every page has header, nav, main and footer landmarks, one h1, and a skip link to main."""
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "lxml")
    assert soup.html["lang"] == "en-GB"
    for landmark in ("header", "nav", "main", "footer"):
        assert soup.find(landmark) is not None, landmark
    assert len(soup.find_all("h1")) == 1
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == "#main" and soup.find(id="main").name == "main"
    assert soup.body.find("a") is skip


@pytest.mark.parametrize("url", HTML_PAGES)
def test_every_form_control_is_labelled(client, url):
    """Inputs, selects and buttons have a label or accessible text."""
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "lxml")
    for control in soup.select("input:not([type=hidden]), select, textarea"):
        assert soup.find("label", attrs={"for": control.get("id")}) or control.get("aria-label"), control
    for button in soup.find_all("button"):
        assert text_of(button), button


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=0",
        "page=1.5",
        "page=" + "9" * 40,
        "page=99999",
        "per_page=0",
        "per_page=10000",
        "per_page=x",
        "sort=random",
        "sort=%00",
        "q=%00",
        "q=a%00b",
        "force=%00",
        "q=%01hidden",
        "q=" + "x" * 501,
        "q=ab%2A",
        "q=nosuchfield:value",
        "q=year:twenty",
        "q=" + "(" * 20 + "a" + ")" * 20,
        "q=" + "+".join(f"w{i}" for i in range(40)),
        "force=" + "&force=".join(f"f{i}" for i in range(60)),
    ],
)
def test_bad_parameters_are_400_with_help(app, client, query):
    """Malformed or refused parameters give a 400 page that explains, keeps the query box, and hides internals."""
    response = client.get(f"/search?{query}")
    assert response.status_code == 400, response.status_code
    body = response.get_data(as_text=True)
    assert_no_internals(body, app)
    soup = BeautifulSoup(body, "lxml")
    assert text_of(soup.select_one(".error-summary p"))
    assert soup.select_one("form[role=search] input[name=q]") is not None


@pytest.mark.parametrize("value", ["a\udc80b", "\ud800", "\ufffd", "x\x07"])
def test_parameters_with_unsearchable_characters_are_refused(value):
    """Lone surrogates, undecodable bytes and control characters are refused by the parameter reader."""
    with pytest.raises(BadParams, match="cannot be searched for"):
        parse_args(MultiDict([("q", value)]))
    with pytest.raises(BadParams, match="cannot be searched for"):
        parse_args(MultiDict([("force", value)]))


@pytest.mark.parametrize(
    "url", ["/search?q=%ED%A0%80", "/search?q=%FF%FE", "/search?q=%", "/api/search?q=%E2%82", "/search.atom?q=%C0%AF"]
)
def test_undecodable_escapes_never_crash(app, client, url):
    """Percent-escapes that are not UTF-8 are searched as typed or refused: never a 500."""
    response = client.get(url)
    assert response.status_code in (200, 400)
    assert_no_internals(response.get_data(as_text=True), app)


def test_problem_page_keeps_the_clean_query(page):
    """When only the page number is wrong, the query and filters are kept in the form."""
    soup = page("/search?q=VIST&force=Devon+and+Cornwall+Police&page=abc", status=400)
    assert soup.select_one("input[name=q]")["value"] == "VIST"
    assert [i["value"] for i in soup.select("form[role=search] input[type=hidden]")] == ["Devon and Cornwall Police"]
    assert text_of(soup.select_one(".error-summary p")) == "page must be a whole number, like page=1; got 'abc'."


def test_refused_query_message_is_shown(page):
    """The query language's own message tells the user what to change."""
    soup = page("/search?q=ab*", status=400)
    assert text_of(soup.select_one(".error-summary p")).startswith("'ab*' is too broad")


def test_not_found_page_is_friendly(page, app):
    """404 is a page with a way forward, not a bare error."""
    soup = page("/no/such/page", status=404)
    assert text_of(soup.h1) == "Page not found"
    assert {a["href"] for a in soup.select("main a")} >= {"/", "/search"}


def test_method_not_allowed_is_friendly(client):
    """POST to a page is 405 with an Allow header and a page."""
    response = client.post("/search", data={"q": "x"})
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]


def test_request_bodies_are_capped(app, client):
    """MAX_CONTENT_LENGTH is set, so a large body is refused before it is read."""
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024
    response = client.post("/search", data=b"x" * (64 * 1024), content_type="application/octet-stream")
    assert response.status_code in (405, 413)


def test_server_errors_hide_the_traceback(corpus_index):
    """An unexpected exception is a 500 page (JSON under /api/) without traceback or paths."""
    from webapp import create_app
    from webapp.service import get_service

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index), "PROPAGATE_EXCEPTIONS": False})
    service = get_service(app)

    def explode(*args, **kwargs):
        raise RuntimeError(f"secret detail in {corpus_index}")

    service.search = explode
    client = app.test_client()
    response = client.get("/search?q=VIST")
    assert response.status_code == 500 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "RuntimeError" not in body and str(corpus_index) not in body
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    response = client.get("/api/search?q=VIST")
    assert response.status_code == 500 and response.get_json() == {
        "error": "The problem has been logged. Try again, or go back to the search.",
        "status": 500,
    }
