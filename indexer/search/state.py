"""Everything opened for one index generation: searcher, facet arrays, sort keys, cache.

Built once when a generation goes live and dropped when the next one does, so
a search does only the work that depends on the query.
"""

from __future__ import annotations

import difflib
import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher

from indexer.ingest.glossary import acronym_key, load_glossary
from indexer.ingest.metadata import load_gazetteer
from indexer.search.compile import Compiler
from indexer.search.facets import FacetTable, leaf_readers, posting_ids
from indexer.search.highlight import find_matches
from indexer.search.query import QueryError, plain_words, replace_words
from indexer.store.analysis import terms
from indexer.store.generations import open_generation, read_manifest
from indexer.store.schema import FACET_FIELDS, from_document

FILTER_FIELDS = (*FACET_FIELDS, "areas", "report_id")
SUGGEST_MIN_CHARS = 4


class SearchState:
    """The open searcher and derived data of one generation."""

    def __init__(self, generation: Path, cache_size: int) -> None:
        self.generation = generation
        self.index = open_generation(generation)
        self.searcher = self.index.searcher()
        self.reader = self.searcher.reader()
        self.manifest = read_manifest(generation)
        self.facets = FacetTable(self.reader, FILTER_FIELDS)
        self._leaves = leaf_readers(self.reader)
        self._bases = {id(leaf): (base, leaf.doc_count_all()) for leaf, base in self._leaves}
        self._local = threading.local()
        self.glossary_entries = _glossary_entries(self.manifest)
        facet_values = {name: values.values for name, values in self.facets.fields.items()}
        gazetteer = load_gazetteer()
        aliases = dict(gazetteer.force_names)
        aliases.update({k: v[0] for k, v in gazetteer.area_names.items()})
        self.compiler = Compiler(
            self.reader, {k: v["expansion"] for k, v in self.glossary_entries.items()}, facet_values, aliases
        )
        self.date_rank = self._date_ranks()
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        self.searcher.close()

    # -- cache -----------------------------------------------------------------------------

    def cache_get(self, key):
        with self._cache_lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    def cache_put(self, key, value) -> None:
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    # -- filters ---------------------------------------------------------------------------

    def resolve_filters(self, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        """Filter values as the index stores them, resolved the way field prefixes are.

        A value matches a stored value exactly, by a known alias, or by containing all the typed
        words (``devon`` -> "Devon and Cornwall Police"); a year may be a range (``2019..2021``).
        Raises QueryError, naming the closest known values, for a value that matches nothing.
        """
        resolved: dict[str, list[str]] = {}
        for name, values in filters.items():
            known = self.facets.fields[name].values
            found: list[str] = []
            for value in values:
                if name == "year":
                    matches = _years_in(value, known)
                elif name == "report_id":
                    matches = [value] if value in known else []
                else:
                    matches = self.compiler.resolve_values(name, value)
                if not matches:
                    raise QueryError(_no_match_message(name, value, known))
                found.extend(matches)
            resolved[name] = list(dict.fromkeys(found))
        return resolved

    # -- searching -------------------------------------------------------------------------

    def run(self, tree, query_text: str, filters: dict, sort: str, page: int, per_page: int) -> dict:
        """The result shape (citations are added by the caller)."""
        self._local.phrases = {}
        compiled = self.compiler.compile(tree)
        base_mask = self._mask(compiled)
        suggestion, corrected = self._suggest(tree, query_text), False
        filter_masks = {
            name: self.facets.fields[name].mask_for(values, self.facets.size) for name, values in filters.items()
        }
        result_mask = base_mask.copy()
        for mask in filter_masks.values():
            result_mask &= mask
        if suggestion and not result_mask.any():
            from indexer.search.query import parse

            corrected_compiled = self.compiler.compile(parse(suggestion))
            corrected_mask = self._mask(corrected_compiled)
            if (corrected_mask & _all(filter_masks, self.facets.size)).any():
                compiled, base_mask, corrected = corrected_compiled, corrected_mask, True
                result_mask = base_mask & _all(filter_masks, self.facets.size)
        facets = {}
        for name in FACET_FIELDS:
            others = [mask for other, mask in filter_masks.items() if other != name]
            mask = base_mask & _all(others, self.facets.size) if others else base_mask
            selected = filters.get(name, [])
            counts = self.facets.fields[name].counts(mask)
            if name == "year":
                counts.sort(key=lambda pair: pair[0], reverse=True)
            present = {value for value, _ in counts}
            facets[name] = [{"value": v, "count": c, "selected": v in selected} for v, c in counts] + [
                {"value": v, "count": 0, "selected": True} for v in selected if v not in present
            ]
        total = int(result_mask.sum())
        hits = self._page(compiled, result_mask, bool(filters), sort, page, per_page)
        spec = compiled.match_spec()
        results = []
        for docnum, score in hits:
            record = from_document(self.searcher.stored_fields(docnum))
            highlight = find_matches(record["text"], spec)
            results.append(
                dict(
                    record,
                    snippet=highlight.snippet(),
                    matched=highlight.matched,
                    score=score,
                    url=f"/p/{record['id']}",
                )
            )
        return {
            "query": query_text,
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": max(1, -(-total // per_page)),
            "sort": sort,
            "filters": filters,
            "facets": facets,
            "results": results,
            "suggestion": suggestion,
            "corrected": corrected,
            "glossary": [self.glossary_entries[a] for a in compiled.glossary if a in self.glossary_entries],
            "notes": compiled.notes,
        }

    def ranked_records(self, tree, filters: dict, sort: str, cap: int) -> list[dict]:
        self._local.phrases = {}
        compiled = self.compiler.compile(tree)
        mask = self._mask(compiled)
        for name, values in filters.items():
            mask &= self.facets.fields[name].mask_for(values, self.facets.size)
        hits = self._ranked(compiled, mask, bool(filters), sort, cap)
        return [dict(from_document(self.searcher.stored_fields(d)), score=s) for d, s in hits]

    def count_field(self, name: str, mask: np.ndarray) -> list[dict]:
        return [{"value": v, "count": c} for v, c in self.facets.fields[name].counts(mask)]

    def _query(self, compiled) -> wq.Query:
        query = compiled.query
        if isinstance(query, wq.Not):
            query = wq.And([wq.Every(), query])
        if compiled.filters:
            query = wq.And([query, *compiled.filters])
        return query

    def _mask(self, compiled) -> np.ndarray:
        query = self._query(compiled)
        if isinstance(query, wq.Every):
            return self.facets.live.copy()
        return self._matching(query) & self.facets.live

    def _matching(self, query: wq.Query) -> np.ndarray:
        """Documents ``query`` matches (deleted ones may be included), as a mask.

        Terms are read straight from their posting blocks and combined with
        numpy; only what needs positions or the term dictionary (phrases,
        prefixes, ranges) goes through whoosh's one-id-at-a-time matchers.
        """
        kind = type(query)
        if kind is wq.Term:
            mask = np.zeros(self.facets.size, dtype=bool)
            text = self.reader.schema[query.fieldname].to_bytes(query.text)
            for leaf, base in self._leaves:
                mask[posting_ids(leaf, query.fieldname, text) + base] = True
            return mask
        if kind is wq.Or:
            mask = np.zeros(self.facets.size, dtype=bool)
            for child in query.subqueries:
                mask |= self._matching(child)
            return mask
        if kind is wq.And:
            mask = self.facets.live.copy()
            phrases = [child for child in query.subqueries if type(child) is wq.Phrase]
            terms = [child for child in query.subqueries if type(child) is wq.Term and child.fieldname == "pairs"]
            for child in query.subqueries:
                if type(child) is not wq.Phrase:
                    mask &= self._matching(child)
            for phrase in phrases:
                # A phrase with its word pairs (see Compiler._text_phrase): positions are
                # checked only where the pairs' posting lists meet.
                mask &= self._phrase_mask(phrase, mask) if terms else self._whoosh_mask(phrase)
            return mask
        if kind is wq.Prefix:
            mask = np.zeros(self.facets.size, dtype=bool)
            field = self.reader.schema[query.fieldname]
            for text in self.reader.expand_prefix(query.fieldname, query.text):
                text = field.to_bytes(text)
                for leaf, base in self._leaves:
                    mask[posting_ids(leaf, query.fieldname, text) + base] = True
            return mask
        if kind is wq.Not:
            return ~self._matching(query.query)
        if kind is wq.Every:
            return self.facets.live.copy()
        if query is wq.NullQuery:
            return np.zeros(self.facets.size, dtype=bool)
        return self._whoosh_mask(query)

    def _phrase_mask(self, phrase: wq.Phrase, candidates: np.ndarray) -> np.ndarray:
        """The documents among ``candidates`` where ``phrase``'s words stand at consecutive positions.

        Whoosh's span matchers cost ~80 µs a document; this reads each word's positions
        at the candidates only. The candidates are the documents holding all the phrase's
        pairs, so the answer depends on the phrase alone: it is remembered for
        :meth:`_rank_query` until the thread's next search.
        """
        key = (phrase.fieldname, tuple(phrase.words))
        found = np.zeros(self.facets.size, dtype=bool)
        docs = np.flatnonzero(candidates)
        if phrase.slop != 1 or not len(docs):
            return self._whoosh_mask(phrase) & candidates if len(docs) else found
        field = self.reader.schema[phrase.fieldname]
        words = [field.to_bytes(word) for word in phrase.words]
        for leaf, base in self._leaves:
            start, end = np.searchsorted(docs, [base, base + leaf.doc_count_all()])
            if start == end:
                continue
            if any((phrase.fieldname, word) not in leaf for word in words):
                continue
            matchers = [_unfiltered(leaf.postings(phrase.fieldname, word)) for word in words]
            for docnum in (docs[start:end] - base).tolist():
                starts = None
                for offset, matcher in enumerate(matchers):
                    if not matcher.is_active():
                        starts = None
                        break
                    if matcher.id() < docnum:
                        _seek(matcher, docnum)
                    if not matcher.is_active() or matcher.id() != docnum:
                        starts = None
                        break
                    positions = matcher.value_as("positions")
                    if starts is None:
                        starts = set(positions)
                    else:
                        starts.intersection_update([p - offset for p in positions])
                    if not starts:
                        break
                if starts:
                    found[base + docnum] = True
        self._phrase_docs()[key] = found
        return found

    def _phrase_docs(self) -> dict:
        """Phrase masks computed by the current thread's current search."""
        docs = getattr(self._local, "phrases", None)
        if docs is None:
            docs = self._local.phrases = {}
        return docs

    def _rank_query(self, query: wq.Query) -> wq.Query:
        """``query`` with each phrase whose documents :meth:`_phrase_mask` found replaced by them."""
        if type(query) is wq.Phrase:
            found = self._phrase_docs().get((query.fieldname, tuple(query.words)))
            return query if found is None else _DocSet(np.flatnonzero(found), self._bases)
        if isinstance(query, wq.CompoundQuery):
            return type(query)([self._rank_query(child) for child in query.subqueries], boost=query.boost)
        if type(query) is wq.Not:
            return wq.Not(self._rank_query(query.query), boost=query.boost)
        return query

    def _whoosh_mask(self, query: wq.Query) -> np.ndarray:
        mask = np.zeros(self.facets.size, dtype=bool)
        mask[np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)] = True
        return mask

    def _page(self, compiled, mask, filtered: bool, sort: str, page: int, per_page: int):
        hits = self._ranked(compiled, mask, filtered, sort, page * per_page)
        return hits[(page - 1) * per_page :]

    def _ranked(self, compiled, mask, filtered: bool, sort: str, limit: int) -> list[tuple[int, float | None]]:
        query = self._query(compiled)
        if sort == "relevance" and not isinstance(query, wq.Every):
            docset = set(np.flatnonzero(mask).tolist()) if filtered else None
            if filtered and not docset:
                return []
            results = self.searcher.search(self._rank_query(query), limit=limit, filter=docset)
            return [(hit.docnum, round(float(hit.score), 4)) for hit in results]
        docnums = np.flatnonzero(mask)
        ranks = self.date_rank[docnums]
        if sort == "oldest":
            order = np.lexsort((docnums, np.where(ranks < 0, np.iinfo(np.int64).max, ranks)))
        else:
            order = np.lexsort((docnums, -ranks))
        return [(int(d), None) for d in docnums[order[:limit]]]

    def _date_ranks(self) -> np.ndarray:
        """Each document's publication date as a rank (-1 when undated), for date sorts."""
        values: list = [None] * self.facets.size
        # Per segment: whoosh's multi-segment column reader fails on some segment layouts.
        for segment, offset in self.reader.leaf_readers():
            if not segment.has_column("published"):
                continue
            column = segment.column_reader("published")
            for docnum in range(segment.doc_count_all()):
                values[offset + docnum] = column[docnum]
        distinct = sorted({v for v in values if v})
        position = {value: rank for rank, value in enumerate(distinct)}
        ranks = np.full(self.facets.size, -1, dtype=np.int64)
        for docnum, value in enumerate(values):
            if value:
                ranks[docnum] = position[value]
        return ranks

    def _suggest(self, tree, query_text: str) -> str | None:
        """A corrected query when some word is probably misspelt, else None."""
        if tree is None:
            return None
        replacements = {}
        for word in plain_words(tree):
            lower = word.lower()
            if len(lower) < SUGGEST_MIN_CHARS or not lower.isalpha() or acronym_key(word) in self.glossary_entries:
                continue
            if self.reader.doc_frequency("words", lower) > 0 or any(
                self.reader.doc_frequency("text", term) > 0 for term in terms(word)
            ):
                continue
            candidates = [t for t in self.reader.terms_within("words", lower, 2, prefix=1) if t != lower]
            if not candidates:
                candidates = [t for t in self.reader.terms_within("words", lower, 2) if t != lower]
            if candidates:
                best = max(candidates, key=lambda t: (-_distance(lower, t), self.reader.doc_frequency("words", t)))
                replacements[word] = best
        return replace_words(query_text, replacements) if replacements else None


FILTER_NOUNS = {
    "forces": "force",
    "inspectorates": "inspectorate",
    "themes": "theme",
    "section_type": "section type",
    "finding_type": "finding type",
    "doc_type": "document type",
    "year": "year",
    "areas": "area",
    "report_id": "report",
}
MAX_SUGGESTED_VALUES = 5
CLOSE_ENOUGH = 0.75
"""Similarity (difflib ratio, whole value or typed words against the value's words) to be suggested."""
MAX_COMPARED_CHARS, MAX_COMPARED_WORDS, MAX_COMPARED_VALUES = 80, 6, 2000


def _years_in(value: str, known: list[str]) -> list[str]:
    """Known years a year filter value stands for: one year, or a range such as 2019..2021."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:(?:\.\.|-|to)\s*(\d{4})\s*)?", value)
    if not match:
        raise QueryError(
            f"Year '{_shown(value)}' is not a year. Use a year such as 2020, or a range such as 2019..2021."
        )
    start, end = sorted((match.group(1), match.group(2) or match.group(1)))
    return [year for year in known if start <= year <= end]


def _no_match_message(name: str, value: str, known: list[str]) -> str:
    """What to say when a filter value matches nothing: the closest known values, or some known ones."""
    noun = FILTER_NOUNS.get(name, name)
    if name == "report_id":
        return f"No report has the id '{_shown(value)}'."
    if name == "year":
        return f"No documents from '{_shown(value)}'. Years in the index: {', '.join(sorted(known)) or 'none'}."
    close = _closest(value, known)
    if close:
        hint = f"Closest: {', '.join(close)}."
    elif known:
        shown = ", ".join(known[:MAX_SUGGESTED_VALUES])
        hint = f"Known values: {shown}." if len(known) <= MAX_SUGGESTED_VALUES else f"Known values include: {shown}."
    else:
        hint = f"The index has no {noun} values."
    return f"No {noun} matches '{_shown(value)}'. {hint}"


def _closest(value: str, known: list[str]) -> list[str]:
    """Known values most like a typed one, as a whole or word by word ("devan" -> "Devon and Cornwall Police")."""
    # Bounded: a 500-character value must not cost a comparison per word per known value.
    typed = value.lower().replace("_", " ")[:MAX_COMPARED_CHARS]
    typed_words = re.findall(r"\w+", typed)[:MAX_COMPARED_WORDS]
    known = known[:MAX_COMPARED_VALUES]
    scored = []
    for candidate in known:
        text = candidate.lower().replace("_", " ")
        words = re.findall(r"\w+", text)
        whole = difflib.SequenceMatcher(None, typed, text).ratio()
        by_word = (
            sum(max(difflib.SequenceMatcher(None, w, k).ratio() for k in words) for w in typed_words) / len(typed_words)
            if typed_words and words
            else 0.0
        )
        score = max(whole, by_word)
        if score >= CLOSE_ENOUGH:
            scored.append((-score, candidate))
    return [candidate for _, candidate in sorted(scored)[:MAX_SUGGESTED_VALUES]]


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unfiltered(matcher):
    """A segment's posting matcher without the deleted-documents filter (callers mask them)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _seek(matcher, target: int) -> None:
    """``matcher.skip_to(target)``, with a binary search inside the block instead of a linear walk."""
    if not isinstance(matcher, W3LeafMatcher):
        matcher.skip_to(target)
        return
    if target > matcher._maxid:
        matcher._skip_to_block(lambda: target > matcher._maxid)
        if not matcher.is_active():
            return
    if matcher._ids is None:
        matcher._read_ids()
    matcher._i = bisect_left(matcher._ids, target, matcher._i)
    if matcher._i == matcher._blocklength:  # cannot happen: the block's last id is >= target
        matcher._next_block()


class _DocSet(wq.Query):
    """Matches given documents (whole-index numbers, sorted) with score 0: a phrase already
    checked by :meth:`SearchState._phrase_mask`, whose pair terms score it."""

    def __init__(self, docs: np.ndarray, bases: dict) -> None:
        self.docs = docs
        self.bases = bases
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"_DocSet({len(self.docs)} documents)"

    def __eq__(self, other) -> bool:
        return type(other) is _DocSet and np.array_equal(self.docs, other.docs)

    def __hash__(self) -> int:
        return hash((len(self.docs), self.docs[:4].tobytes()))

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return len(self.docs)

    def normalize(self):
        return self

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        base, size = self.bases[id(reader)]  # a reader this searcher did not open is a bug: fail loudly
        start, end = np.searchsorted(self.docs, [base, base + size])
        if start == end:
            return NullMatcher()
        return ListMatcher((self.docs[start:end] - base).tolist(), all_weights=0.0)


def _all(masks, size: int) -> np.ndarray:
    result = np.ones(size, dtype=bool)
    for mask in masks.values() if isinstance(masks, dict) else masks:
        result &= mask
    return result


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (transpositions count once: "safegaurding")."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if previous2 is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _glossary_entries(manifest: dict) -> dict[str, dict]:
    entries = {}
    for acronym, expansion in load_glossary().items():
        entries[acronym_key(acronym)] = {"acronym": acronym, "expansion": expansion, "source": "glossary"}
    for acronym, expansion in manifest.get("glossary", {}).items():
        key = acronym_key(acronym)
        if key not in entries:
            entries[key] = {"acronym": acronym, "expansion": expansion, "source": "corpus"}
    return entries
