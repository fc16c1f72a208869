"""The one search API: used by the CLI, the JSON API and the web app alike.

A :class:`SearchService` opens the live index generation once, keeps its
readers, facet arrays and result cache, and reopens them when a new
generation is published. Every method returns plain data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.model import ReportEntry, record_fields
from indexer.search.chain import CHAIN_FILTERS
from indexer.search.highlight import MatchSpec
from indexer.search.query import QueryError, parse
from indexer.search.similar import DEFAULT_LIMIT, MAX_LIMIT, similar_records
from indexer.search.state import FILTER_FIELDS, PARALLEL_SEARCHES
from indexer.search.state import SearchState as _State
from indexer.store.generations import CURRENT_FILE, IndexMissingError, current_generation

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 1000
"""Results beyond this rank are not served: narrow the search instead of paging on."""
CACHE_BYTES = 32 * 2**20
"""The result cache's bound: pages of one generation, least recently used dropped first (a page is ~50-200 kB)."""
MAX_FILTER_VALUES = 50
"""Filter values in one request, over all filters: enough for any real selection, and a bound on a page's size."""


def check_paging(page: int, per_page: int) -> None:
    """Refuse a page outside the result window; the message says what to do instead."""
    if not isinstance(page, int) or page < 1:
        raise QueryError("page must be a whole number from 1.")
    if not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page must be from 1 to {MAX_PER_PAGE}.")
    if page * per_page > MAX_RESULT_WINDOW:
        raise QueryError(
            f"Page {page} is too deep: only the first {MAX_RESULT_WINDOW} results can be paged through. "
            "Narrow the search with a filter or more words."
        )


class SearchService:
    """Searches one index directory; safe to share between threads.

    Whoosh readers are not thread-safe, so each search borrows a reader
    bundle of its own from the live generation's pool (see
    :mod:`indexer.search.state`): at most ``parallel`` searches read the index
    at once, and the rest of each page (facet counts, snippets) is built after
    the bundle goes back, on the caller's thread, under no lock. Each search
    counts itself in and out of the generation it uses (:meth:`_using`), and a
    retired generation is closed only once its last search has finished.
    """

    def __init__(
        self, index_dir: Path, *, cache_bytes: int = CACHE_BYTES, parallel: int = PARALLEL_SEARCHES
    ) -> None:
        self.index_dir = Path(index_dir)
        self.cache_bytes = cache_bytes
        self.parallel = parallel
        self._lock = threading.Lock()
        """Held while a new generation is opened: one refresh at a time."""
        self._swap_lock = threading.Lock()
        """Held to replace ``_state`` and to count a search in: never while opening or searching."""
        self._state: _State | None = None
        self._pointer_stamp: tuple | None = None
        self.refresh()

    # -- lifecycle -------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Reopen the index if a new generation was published; True if it changed."""
        stamp = self._stamp()
        if stamp == self._pointer_stamp and self._state is not None:
            return False
        with self._lock:
            stamp = self._stamp()
            if stamp == self._pointer_stamp and self._state is not None:
                return False
            generation = current_generation(self.index_dir)
            if generation is None:
                raise IndexMissingError(
                    f"no index in {self.index_dir}: run `findings index CORPUS_DIR` first"
                )
            if self._state is not None and self._state.generation == generation:
                self._pointer_stamp = stamp
                return False
            new = _State(generation, self.cache_bytes, parallel=self.parallel)
            with self._swap_lock:
                old, self._state = self._state, new
                self._pointer_stamp = stamp
        if old is not None:
            old.retire()  # closed now, or when the last search still using it leaves
        return True

    def _stamp(self) -> tuple | None:
        try:
            info = (self.index_dir / CURRENT_FILE).stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    @property
    def state(self) -> _State:
        """The live generation's state, for single-threaded callers (tests, tools)."""
        self.refresh()
        assert self._state is not None
        return self._state

    @contextmanager
    def _using(self) -> Iterator[_State]:
        """The live state, kept open for this caller until the block ends (even if a new one goes live)."""
        while True:
            self.refresh()
            with self._swap_lock:
                state = self._state
                if state is not None:  # else closed since the refresh: a closed service reopens on use
                    state.enter()
                    break
        try:
            yield state
        finally:
            state.leave()

    def close(self) -> None:
        """Close the live generation once the searches still running on it finish."""
        with self._swap_lock:
            state, self._state = self._state, None
            self._pointer_stamp = None
        if state is not None:
            state.retire()

    def __enter__(self) -> SearchService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- searching -------------------------------------------------------------------------

    def search(
        self,
        query: str = "",
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        group_by_report: bool = False,
    ) -> dict:
        """Search and facet counts in the shared result shape; raises QueryError if refused."""
        filters = _checked_filters(filters or {})
        if sort not in SORTS:
            raise QueryError(f"Unknown sort '{sort}'. Use one of: {', '.join(SORTS)}.")
        check_paging(page, per_page)
        tree = parse(query)
        with self._using() as state:
            filters = state.resolve_filters(filters)
            filter_key = tuple(sorted((k, tuple(sorted(v))) for k, v in filters.items()))
            key = (query.strip(), filter_key, sort, page, per_page)
            cached = state.cache.get(key)
            if cached is None:
                cached = state.run(tree, query, filters, sort, page, per_page)
                state.cache.put(key, cached)
        result = dict(cached, query=query)
        result["results"] = [dict(r) for r in cached["results"]]
        if group_by_report:
            result["groups"] = _group(result["results"])
        return result

    def resolve_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Filter values as stored ("devon" -> "Devon and Cornwall Police"); QueryError for one matching nothing."""
        checked = _checked_filters(filters)
        with self._using() as state:
            return state.resolve_filters(checked)

    def export(
        self, query: str = "", *, filters=None, sort: str = "relevance", cap: int = 5000
    ) -> list[dict]:
        """Every match up to ``cap``: paragraph records with their scores (ids, no links)."""
        filters = _checked_filters(filters or {})
        if sort not in SORTS:
            raise QueryError(f"Unknown sort '{sort}'. Use one of: {', '.join(SORTS)}.")
        tree = parse(query)
        with self._using() as state:
            records = state.ranked_records(tree, state.resolve_filters(filters), sort, cap)
        return records

    def similar(
        self, paragraph_id: str, *, filters: dict[str, list[str]] | None = None, limit: int = DEFAULT_LIMIT
    ) -> dict | None:
        """The paragraphs of other reports most like this one (see :mod:`indexer.search.similar`), or None
        when there is no such paragraph; QueryError for a bad limit or a filter value matching nothing."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be from 1 to {MAX_LIMIT}.")
        filters = _checked_filters(filters or {})
        with self._using() as state:
            # No such paragraph is a "not found" whatever the filters say.
            if state.paragraph_record(paragraph_id) is None:
                return None
            return similar_records(state, paragraph_id, state.resolve_filters(filters), limit)

    def paragraphs(self, paragraph_ids: list[str]) -> dict[str, dict]:
        """The records of the paragraphs that exist among ``paragraph_ids``, by id (ids, no links)."""
        with self._using() as state:
            return state.paragraph_records(paragraph_ids)

    # -- reading ---------------------------------------------------------------------------

    def report(self, report_id: str) -> dict | None:
        """A report's manifest entry with its paragraphs in order, and linked responses."""
        with self._using() as state:
            reports = state.manifest["reports"]
            entry = reports.get(report_id)
            if entry is None:
                return None
            paragraphs = state.report_paragraphs(report_id)
        responses = [
            {"report_id": rid, "title": other["title"], "published": other["published"]}
            for rid, other in sorted(reports.items())
            if other.get("responds_to") == report_id
        ]
        responds_to = entry.get("responds_to")
        target = reports.get(responds_to) if responds_to else None
        unserved = {name for name, _, spec in record_fields(ReportEntry) if not spec.served}
        public = {k: v for k, v in entry.items() if k not in unserved}
        return dict(
            public,
            paragraphs=paragraphs,
            responses=responses,
            responds_to_report={"report_id": responds_to, "title": target["title"]} if target else None,
        )

    def paragraph(self, paragraph_id: str) -> dict | None:
        """One paragraph record with the chain through it (ids, no links: callers add permalinks and citations)."""
        with self._using() as state:
            record = state.paragraph_record(paragraph_id)
            return None if record is None else state.chain.links_of(record)

    # -- the accountability chain ----------------------------------------------------------

    def report_findings(self, report_id: str) -> list[dict] | None:
        """A report's recommendations, areas for improvement and causes of concern, each with its responses."""
        with self._using() as state:
            if report_id not in state.manifest["reports"]:
                return None
            return state.chain.of_report(report_id)

    def answers_in(self, report_id: str) -> dict[str, list[dict]]:
        """For a response: paragraph id -> the findings that paragraph answers, with their reports' titles."""
        with self._using() as state:
            chain = state.chain
            answered: dict[str, list[dict]] = {}
            for record_id, links in chain.answers.items():
                if not record_id.startswith(f"{report_id}--"):
                    continue
                found = [
                    dict(link, finding=chain.finding(link["paragraph_id"]))
                    for link in links
                    if link["paragraph_id"] in chain.findings
                ]
                # In the order the findings are printed in their reports.
                answered[record_id] = sorted(
                    found, key=lambda link: (link["report_id"], link["finding"]["paragraph_number"])
                )
            return answered

    def recommendations(self, filters: dict | None = None, *, page: int = 1, per_page: int = 50) -> dict:
        """The corpus's tracked findings that pass ``filters``, a page of them, with counts by status."""
        filters = _checked_filters(filters or {})
        unknown = set(filters) - set(CHAIN_FILTERS)
        if unknown:
            raise QueryError(
                f"Unknown filter '{sorted(unknown)[0]}' for findings. Filters: {', '.join(CHAIN_FILTERS)}."
            )
        check_paging(page, per_page)
        with self._using() as state:
            resolved = state.resolve_filters(filters)
            chosen = state.chain.select(resolved)
        statuses: dict[str, int] = {}
        for finding in chosen:
            statuses[finding["status"]] = statuses.get(finding["status"], 0) + 1
        start = (page - 1) * per_page
        return {
            "total": len(chosen),
            "page": page,
            "per_page": per_page,
            "filters": resolved,
            "statuses": dict(sorted(statuses.items(), key=lambda item: (-item[1], item[0]))),
            "findings": chosen[start : start + per_page],
        }

    def all_recommendations(self, filters: dict | None = None) -> list[dict]:
        """Every tracked finding that passes ``filters`` (for exports: bounded by the corpus)."""
        filters = _checked_filters(filters or {})
        with self._using() as state:
            return state.chain.select(state.resolve_filters(filters))

    def reading(self, report_id: str) -> dict | None:
        """How a report was read: its words read and indexed, and the text dropped with each reason."""
        with self._using() as state:
            entry = state.manifest["reports"].get(report_id)
        if entry is None:
            return None
        return {
            "words_read": entry.get("words_read", 0),
            "words_indexed": entry.get("words_indexed", 0),
            "dropped": [{"text": text, "reason": reason} for text, reason in entry.get("dropped", [])],
            "facts": [{"field": name, "value": value, "from": line} for name, value, line in entry.get("facts", [])],
        }

    def reports(self) -> list[dict]:
        """Every report's manifest entry, newest first."""
        with self._using() as state:
            entries = list(state.manifest["reports"].values())
        return sorted(entries, key=lambda e: (e.get("published") or "", e["report_id"]), reverse=True)

    def all_paragraphs(self) -> Iterator[dict]:
        """Every paragraph record, by source file and reading order."""
        with self._using() as state:
            entries = sorted(state.manifest["reports"].values(), key=lambda e: e["source_file"])
            report_ids = [e["report_id"] for e in entries]
        for report_id in report_ids:
            report = self.report(report_id)
            if report is not None:
                with self._using() as state:
                    chain = state.chain
                yield from (chain.links_of(record) for record in report["paragraphs"])

    def glossary(self) -> dict[str, dict]:
        """Acronym -> {expansion, source}: the glossary file, then definitions in the corpus."""
        with self._using() as state:
            return state.glossary_entries

    def match_spec(self, query: str) -> MatchSpec:
        """What a query marks, for highlighting many paragraphs at once."""
        try:
            tree = parse(query)
        except QueryError:
            return MatchSpec()
        with self._using() as state:
            return state.match_spec(tree)

    def generation(self) -> str:
        """The name of the live generation (reopening the index first if a new one went live)."""
        self.refresh()
        state = self._state
        if state is None:
            raise IndexMissingError(f"no index in {self.index_dir}")
        return state.generation.name

    def stats(self) -> dict:
        """What is in the corpus, for the home page."""
        with self._using() as state:
            reports = list(state.manifest["reports"].values())
            dates = sorted(e["published"] for e in reports if e.get("published"))
            every = state.facets.live
            return {
                "reports": len(reports),
                "paragraphs": int(every.sum()),
                "by_doc_type": state.count_field("doc_type", every),
                "forces": state.count_field("forces", every),
                "inspectorates": state.count_field("inspectorates", every),
                "first_published": dates[0] if dates else None,
                "last_published": dates[-1] if dates else None,
                "generation": state.generation.name,
                "built_at": state.manifest.get("built_at"),
            }


def check_filter_count(counts: dict[str, int]) -> None:
    """Refuse more than MAX_FILTER_VALUES filter values, before any work is done on them."""
    for name, count in counts.items():
        if count > MAX_FILTER_VALUES:
            raise QueryError(f"Too many values for filter '{name}' (the limit is {MAX_FILTER_VALUES}).")
    if sum(counts.values()) > MAX_FILTER_VALUES:
        raise QueryError(f"Too many filter values ({sum(counts.values())}); the limit is {MAX_FILTER_VALUES} in all.")


def _checked_filters(filters: dict) -> dict[str, list[str]]:
    checked = {}
    for name, values in filters.items():
        if name not in FILTER_FIELDS:
            raise QueryError(f"Unknown filter '{name}'. Filters: {', '.join(FILTER_FIELDS)}.")
        values = [values] if isinstance(values, str) else list(values)
        values = [str(v).strip() for v in values if str(v).strip()]
        if values:
            checked[name] = values
    check_filter_count({name: len(values) for name, values in checked.items()})
    return checked


def _group(results: list[dict]) -> list[dict]:
    groups: OrderedDict[str, dict] = OrderedDict()
    for result in results:
        group = groups.setdefault(
            result["report_id"],
            {"report_id": result["report_id"], "report_title": result["report_title"], "results": []},
        )
        group["results"].append(result)
    return list(groups.values())

