"""Helpers for reading parsed pages the way a person reads them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

VIST_PARAGRAPH = "plymouth-jtai-2020-letter--p-854c266a"
VIST_ANCHOR = "p-854c266a"
PLYMOUTH_LETTER = "plymouth-jtai-2020-letter"
PLYMOUTH_RESPONSE = "plymouth-jtai-2020-pcc-response"
DEVON = "Devon and Cornwall Police"
HAMPSHIRE = "Hampshire and Isle of Wight Constabulary"
VIST_CITATION = (
    "Ofsted, CQC, HMICFRS and HMI Probation, "
    "\"Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth\", "
    "8 January 2020, Areas for improvement, 36th paragraph, http://localhost/p/plymouth-jtai-2020-letter--p-854c266a"
)
VIST_MARKDOWN = (
    "Ofsted, CQC, HMICFRS and HMI Probation, "
    "\"[Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth]"
    "(http://localhost/p/plymouth-jtai-2020-letter--p-854c266a)\", 8 January 2020, Areas for improvement, "
    "36th paragraph"
)


def text_of(element) -> str:
    """An element's text with whitespace collapsed."""
    return " ".join(element.get_text(" ", strip=True).split())


def query_of(url: str) -> dict[str, list[str]]:
    """The parameters of a link, as lists."""
    return parse_qs(urlsplit(url).query)


def path_of(url: str) -> str:
    return urlsplit(url).path


def assert_no_internals(body: str, app) -> None:
    """An answer shows no traceback and none of the server's paths."""
    assert "Traceback" not in body
    assert app.root_path not in body
    assert str(app.config["INDEX_DIR"]) not in body
