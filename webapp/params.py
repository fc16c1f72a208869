"""Search state in the URL: reading it strictly, and writing links that change one thing.

Every page that shows a search (HTML, API, exports, feed) reads its
parameters here, so a bookmarked or shared URL means the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import url_for
from werkzeug.datastructures import MultiDict

from indexer.search.query import QueryError
from indexer.search.service import MAX_FILTER_VALUES, SORTS, check_filter_count, check_paging

URL_FILTERS = (
    ("force", "forces"),
    ("inspectorate", "inspectorates"),
    ("theme", "themes"),
    ("section", "section_type"),
    ("finding", "finding_type"),
    ("type", "doc_type"),
    ("year", "year"),
    ("area", "areas"),
    ("grade", "grade"),
    ("programme", "programme"),
    ("status", "status"),
    ("answered", "answered"),
)
"""URL parameter -> search filter field; each parameter may repeat (values combine with OR)."""
DEFAULT_SORT = "relevance"
MAX_VALUE_CHARS = 500
MAX_PAGE_DIGITS = 7
NUMBER_RE = re.compile(rf"^[0-9]{{1,{MAX_PAGE_DIGITS}}}$")
# Control characters (C0 other than tab and newlines, DEL, and C1) have no business in a search and
# break XML output; U+FFFD is what the URL decoder leaves where the address was not valid UTF-8.
FORBIDDEN_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff"
FORBIDDEN_RE = re.compile(f"[{FORBIDDEN_CHARS}]")
TEXT_PATTERN = "^[^" + "".join(
    f"\\u{start:04x}-\\u{end:04x}" if start != end else f"\\u{start:04x}"
    for start, end in ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xFFFD, 0xFFFF))
) + "]*$"
"""The same rule as a JSON Schema pattern, for the OpenAPI document (a URL, being UTF-8, carries no surrogates)."""


class BadParams(ValueError):
    """A URL parameter that cannot be used; the message says what to send instead."""


@dataclass(frozen=True)
class SearchParams:
    """One search as the URL states it."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 20
    default_per_page: int = 20

    @property
    def service_filters(self) -> dict[str, list[str]]:
        """The filters as SearchService takes them."""
        return {name: list(values) for name, values in self.filters.items() if values}

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())


    def toggled(self, field_name: str, value: str) -> SearchParams:
        """This search with ``value`` added to or removed from a filter, back on page 1."""
        values = list(self.filters.get(field_name, ()))
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        filters = dict(self.filters)
        filters[field_name] = tuple(values)
        return replace(self, filters=filters, page=1)

    def with_filter(self, field_name: str, value: str) -> SearchParams:
        """This search with ``value`` as the only value of a filter (chart bars narrow, never widen)."""
        filters = dict(self.filters)
        filters[field_name] = (value,)
        return replace(self, filters=filters, page=1)

    def cleared(self) -> SearchParams:
        return replace(self, filters={}, page=1)

    def args(self, *, paging: bool = True) -> MultiDict:
        """URL parameters of this search, leaving out defaults so links stay short."""
        args: MultiDict = MultiDict()
        if self.q:
            args.add("q", self.q)
        for param, field_name in URL_FILTERS:
            for value in self.filters.get(field_name, ()):
                args.add(param, value)
        if self.sort != DEFAULT_SORT:
            args.add("sort", self.sort)
        if paging:
            if self.per_page != self.default_per_page:
                args.add("per_page", str(self.per_page))
            if self.page != 1:
                args.add("page", str(self.page))
        return args

    def url(self, endpoint: str = "search.search", *, paging: bool = True, **changes) -> str:
        """A relative URL of this search (with ``changes``) at ``endpoint``."""
        params = replace(self, **changes) if changes else self
        values: dict[str, Any] = params.args(paging=paging).to_dict(flat=False)
        return url_for(endpoint, **values)


def parse_args(args: MultiDict, *, default_per_page: int = 20) -> SearchParams:
    """Read a search from request arguments; raises BadParams with a helpful message."""
    # Counted first: every later step (and every link on the page) costs more with each value.
    try:
        check_filter_count({field_name: len(args.getlist(param)) for param, field_name in URL_FILTERS})
    except QueryError as error:
        raise BadParams(str(error)) from None
    for name, value in args.items(multi=True):
        check_text(name, value)
    query = args.get("q", "")
    filters = {}
    for param, field_name in URL_FILTERS:
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(param) if v.strip()))
        if values:
            filters[field_name] = values
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        raise BadParams(f"Unknown sort '{_shown(sort)}'. Use one of: {', '.join(SORTS)}.")
    per_page = _number(args.get("per_page"), "per_page", default_per_page)
    page = _number(args.get("page"), "page", 1)
    try:
        check_paging(page, per_page)
    except QueryError as error:
        raise BadParams(str(error)) from None
    return SearchParams(query, filters, sort, page, per_page, default_per_page)


def _number(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not NUMBER_RE.match(raw):
        raise BadParams(f"{name} must be a whole number, like {name}={default}; got '{_shown(raw)}'.")
    return int(raw)


def check_text(name: str, value: str) -> None:
    """Refuse NUL, other control characters, lone surrogates and over-long values in a parameter."""
    if "\x00" in name or "\x00" in value:
        raise BadParams("The address contains a NUL character. Remove it and try again.")
    if FORBIDDEN_RE.search(name) or FORBIDDEN_RE.search(value):
        raise BadParams(f"Parameter '{_shown(name)}' contains characters that cannot be searched for. Remove them.")
    if len(value) > MAX_VALUE_CHARS:
        raise BadParams(f"Parameter '{_shown(name)}' is too long. Keep it under {MAX_VALUE_CHARS} characters.")


def _shown(text: str, limit: int = 40) -> str:
    """User input echoed in a message: short and printable (templates escape it)."""
    text = FORBIDDEN_RE.sub("", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def salvage(args: MultiDict, *, default_per_page: int = 20) -> SearchParams:
    """What can be kept of a refused search (its clean query and filters) to refill the form."""

    def clean(value: str) -> bool:
        try:
            check_text("", value)
        except BadParams:
            return False
        return True

    query = args.get("q", "")
    filters = {}
    for param, field_name in URL_FILTERS:
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(param) if v.strip() and clean(v)))
        if values:
            filters[field_name] = values
    if sum(len(values) for values in filters.values()) > MAX_FILTER_VALUES:
        # A chip and a link per value, each repeating every other value, would make the page quadratic.
        filters = {}
    return SearchParams(
        query if clean(query) else "", filters, per_page=default_per_page, default_per_page=default_per_page
    )


def similar_args(args: MultiDict, *, default_limit: int) -> tuple[dict[str, list[str]], int]:
    """The filters and number of results of a similar-findings request; raises BadParams."""
    try:
        check_filter_count({field_name: len(args.getlist(param)) for param, field_name in URL_FILTERS})
    except QueryError as error:
        raise BadParams(str(error)) from None
    for name, value in args.items(multi=True):
        check_text(name, value)
    filters = {}
    for param, field_name in URL_FILTERS:
        values = list(dict.fromkeys(v.strip() for v in args.getlist(param) if v.strip()))
        if values:
            filters[field_name] = values
    return filters, _number(args.get("limit"), "limit", default_limit)
