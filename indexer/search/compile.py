"""Query tree to whoosh query, with acronyms, hyphen variants and field values resolved.

Also records what the highlighter should mark and which glossary entries the
query used, so the results can say which form matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from whoosh import query as wq

from indexer.ingest.glossary import acronym_key
from indexer.search.highlight import MatchSpec
from indexer.search.query import And, Field, Not, Or, Phrase, QueryError, Word, year_range
from indexer.store.analysis import analyze, pair_term

SECTION_BOOST = 0.5
"""A word in the heading a paragraph sits under counts half as much as one in the text."""
ALL_WORDS_BOOST = 100.0
"""Paragraphs with every plain word outrank those with only some."""
MAX_PREFIX_EXPANSIONS = 256
MAX_PREFIX_POSTINGS = 20_000
"""Most postings (summed over a prefix's expansions) a trailing wildcard may read: whoosh ranks
them one document at a time in Python, so a broad prefix ("con*") is refused quickly instead."""
MAX_FIELD_VALUES = 64


@dataclass
class Compiled:
    """A whoosh query and what it means for highlighting and the glossary."""

    query: wq.Query
    filters: list[wq.Query] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def match_spec(self) -> MatchSpec:
        return MatchSpec(frozenset(self.terms), tuple(self.phrases), tuple(self.prefixes))


class Compiler:
    """Compiles query trees against one open index."""

    def __init__(self, reader, glossary: dict[str, str], facet_values: dict[str, list[str]], aliases: dict[str, str]):
        self.reader = reader
        self.glossary = {acronym_key(k): v for k, v in glossary.items()}
        self.expansions = {tuple(_phrase_terms(v)): k for k, v in self.glossary.items() if len(_phrase_terms(v)) > 1}
        self.facet_values = facet_values
        self.aliases = aliases

    def compile(self, tree) -> Compiled:
        compiled = Compiled(wq.Every())
        if tree is None:
            return compiled
        filters: list[wq.Query] = []
        compiled.query = self._node(tree, compiled, filters, top=True)
        compiled.filters = filters
        return compiled

    def _node(self, node, compiled: Compiled, filters: list, *, top: bool = False) -> wq.Query:
        if isinstance(node, Word):
            return self._word(node, compiled)
        if isinstance(node, Phrase):
            return self._phrase(node.words, compiled)
        if isinstance(node, Field):
            query = self._field(node, compiled)
            if top:
                filters.append(query)
                return wq.Every()
            return query
        if isinstance(node, Not):
            return wq.Not(self._node(node.child, Compiled(wq.NullQuery), []))
        if isinstance(node, Or):
            return wq.Or([self._node(child, compiled, []) for child in node.children])
        if isinstance(node, And):
            children = list(node.children)
            if top:
                kept = []
                for child in children:
                    if isinstance(child, Field):
                        filters.append(self._field(child, compiled))
                    else:
                        kept.append(child)
                children = kept
                if not children:
                    return wq.Every()
            children = self._merge_expansions(children)
            parts = [self._node(child, compiled, []) for child in children]
            positives = [p for p, c in zip(parts, children, strict=True) if not isinstance(c, Not)]
            negatives = [p for p, c in zip(parts, children, strict=True) if isinstance(c, Not)]
            plain = all(isinstance(c, (Word, Phrase)) for c in children if not isinstance(c, Not))
            if not positives:
                positive: wq.Query = wq.Every()
            elif len(positives) == 1:
                positive = positives[0]
            elif plain:
                # Every word counts; paragraphs with all of them rank first.
                positive = wq.Or([wq.And(positives, boost=ALL_WORDS_BOOST), wq.Or(positives)])
            else:
                positive = wq.And(positives)
            return wq.And([positive, *negatives]) if negatives else positive
        raise QueryError("Query could not be understood. Try plain words.")

    def _merge_expansions(self, children: list) -> list:
        """Treat consecutive plain words that spell out an acronym as that phrase."""
        words = [c.text if isinstance(c, Word) and not c.wildcard else None for c in children]
        out, index = [], 0
        while index < len(children):
            for size in range(min(8, len(children) - index), 1, -1):
                span = [word for word in words[index : index + size] if word is not None]
                if len(span) == size and tuple(_phrase_terms(" ".join(span))) in self.expansions:
                    out.append(Phrase(tuple(span), " ".join(span)))
                    index += size
                    break
            else:
                out.append(children[index])
                index += 1
        return out

    def _word(self, node: Word, compiled: Compiled) -> wq.Query:
        if node.wildcard:
            return self._prefix(node.text, compiled)
        options: list[wq.Query] = []
        tokens = analyze(node.text, positions=True)
        if not tokens:
            return wq.NullQuery
        key = acronym_key(node.text)
        if key in self.glossary and (node.text.isupper() or node.text.lower() != self.glossary[key].lower()):
            expansion = _phrase_terms(self.glossary[key])
            compiled.glossary[key] = self.glossary[key]
            compiled.phrases.append(tuple(expansion))
            options.append(self._text_phrase(expansion))
        if len({position for _, position, _, _ in tokens}) > 1:
            # "multi-agency": the parts as a phrase, or the joined compound.
            parts = _phrase_terms(node.text)
            compiled.phrases.append(tuple(parts))
            options.append(self._text_phrase(parts))
            compound = [term for term, *_ in tokens][-1]
            compiled.terms.add(compound)
            options.append(self._text_term(compound))
        else:
            term = tokens[0][0]
            compiled.terms.add(term)
            options.append(self._text_term(term))
            split = self._split_compound(node.text.lower())
            if split:
                compiled.phrases.append(split)
                options.append(self._text_phrase(list(split)))
        return options[0] if len(options) == 1 else wq.Or(options)

    def _phrase(self, words: tuple[str, ...], compiled: Compiled) -> wq.Query:
        terms = _phrase_terms(" ".join(words))
        if not terms:
            return wq.NullQuery
        compiled.phrases.append(tuple(terms))
        options = [self._text_phrase(terms)]
        acronym = self.expansions.get(tuple(terms))
        if acronym:
            compiled.glossary[acronym] = self.glossary[acronym]
            acronym_term = analyze(acronym)[0][0]
            compiled.terms.add(acronym_term)
            options.append(self._text_term(acronym_term))
        return options[0] if len(options) == 1 else wq.Or(options)

    def _prefix(self, prefix: str, compiled: Compiled) -> wq.Query:
        expansions = []
        postings = 0
        for term in self.reader.expand_prefix("words", prefix):
            expansions.append(term)
            postings += self.reader.doc_frequency("words", term)
            if len(expansions) > MAX_PREFIX_EXPANSIONS or postings > MAX_PREFIX_POSTINGS:
                raise QueryError(f"'{prefix}*' matches too many words. Type more letters before the *.")
        compiled.prefixes.append(prefix)
        return wq.Prefix("words", prefix)

    def _field(self, node: Field, compiled: Compiled) -> wq.Query:
        if node.field == "year":
            return self._years(node.value)
        if node.field == "report_id":
            return wq.Term("report_id", node.value)
        values = self.resolve_values(node.field, node.value)
        if not values:
            compiled.notes.append(f"No {node.field.rstrip('s').replace('_', ' ')} matches '{node.value}'.")
            return wq.NullQuery
        return wq.Or([wq.Term(node.field, value) for value in values])

    def resolve_values(self, field_name: str, typed: str) -> list[str]:
        """Index values a typed field value stands for: exact, alias, or contained words."""
        known = self.facet_values.get(field_name, [])
        wanted = typed.strip().lower().replace("_", " ")
        alias = self.aliases.get(wanted)
        exact = [v for v in known if v.lower().replace("_", " ") == wanted or v == alias]
        if exact:
            return exact
        words = re.findall(r"\w+", wanted)
        return [v for v in known if all(w in v.lower().replace("_", " ") for w in words)][:MAX_FIELD_VALUES]

    def _years(self, value: str) -> wq.Query:
        years = year_range(value)
        if years is None:
            raise QueryError(f"'year:{value}' is not a year. Use year:2020 or a range, year:2019..2021.")
        return wq.TermRange("year", *years)

    def _split_compound(self, word: str) -> tuple[str, ...] | None:
        """"multiagency" -> ("multi", "agenc") when both halves are indexed words."""
        if len(word) < 6 or not word.isalpha():
            return None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if self.reader.doc_frequency("words", left) and self.reader.doc_frequency("words", right):
                terms = _phrase_terms(f"{left} {right}")
                if len(terms) == 2:
                    return tuple(terms)
        return None

    @staticmethod
    def _text_term(term: str) -> wq.Query:
        return wq.Or([wq.Term("text", term), wq.Term("section", term, boost=SECTION_BOOST)])

    @staticmethod
    def _text_phrase(terms: list[str]) -> wq.Query:
        """A phrase over ``text``: its word pairs first, so whoosh checks positions only where all occur.

        Two words are exactly their pair (the pairs field holds every two consecutive positions).
        """
        if len(terms) == 1:
            return wq.Term("text", terms[0])
        pairs = list(dict.fromkeys(pair_term(left, right) for left, right in pairwise(terms)))
        if len(terms) == 2:
            return wq.Term("pairs", pairs[0])
        return wq.And([*(wq.Term("pairs", pair) for pair in pairs), wq.Phrase("text", terms)])


def _phrase_terms(text: str) -> list[str]:
    """The index terms of a phrase, one per position (compounds left out)."""
    seen: dict[int, str] = {}
    for term, position, _, _ in analyze(text, positions=True):
        seen.setdefault(position, term)
    return [seen[position] for position in sorted(seen)]
