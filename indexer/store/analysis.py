"""The text analyzer shared by indexing, querying and highlighting.

It makes the variants officers type match each other:
- hyphen and spacing: "multi-agency" is indexed as "multi", "agency" and the
  compound "multiagency", so "multi agency", "multi-agency" and "multiagency"
  all meet;
- British and American spelling: both are folded to one form before stemming;
- inflection: Porter2 (English Snowball) stemming ("criminalised" meets "criminalisation").
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Composable, Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token
from whoosh.lang.porter2 import stem

TOKEN_PATTERN = r"\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)*"

# Words left out of the index; phrases still match across them.
STOP_WORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on",
     "or", "that", "the", "this", "to", "was", "were", "will", "with"]
)

# British -> American endings, applied to both index and query so either spelling
# finds both. Irregular pairs come first. Symmetric folding means an odd fold
# ("advise" -> "advize") is harmless: it happens on both sides.
SPELLING_PAIRS = {
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "practise": "practice",
    "programme": "program",
    "programmes": "programs",
    "judgement": "judgment",
    "ageing": "aging",
    "enrol": "enroll",
    "fulfil": "fulfill",
    "paediatric": "pediatric",
    "anaesthetic": "anesthetic",
    "grey": "gray",
    "cheque": "check",
    "manoeuvre": "maneuver",
}
SPELLING_RULES = (
    (re.compile(r"(\w{2,})isation(s?)$"), r"\1ization\2"),
    (re.compile(r"(\w{3,})is(e|ed|es|ing|er|ers)$"), r"\1iz\2"),
    (re.compile(r"(\w{2,})ys(e|ed|es|ing|er|ers)$"), r"\1yz\2"),
    (re.compile(r"(\w{3,})our(s|ed|ing|ite|ites|able|ful|hood)?$"), r"\1or\2"),
    (re.compile(r"(\w{3,})tre(s?)$"), r"\1ter\2"),
    (re.compile(r"(\w{3,})ogue(s?)$"), r"\1og\2"),
    (re.compile(r"(\w{3,})elled$"), r"\1eled"),
    (re.compile(r"(\w{3,})elling$"), r"\1eling"),
)


@lru_cache(maxsize=100_000)
def fold_spelling(word: str) -> str:
    """The American form of a lower-case word, or the word unchanged."""
    if word in SPELLING_PAIRS:
        return SPELLING_PAIRS[word]
    for pattern, replacement in SPELLING_RULES:
        folded, count = pattern.subn(replacement, word)
        if count:
            return folded
    return word


class HyphenFilter(Filter):
    """Split "multi-agency" into its parts and add the joined compound.

    The compound takes the first part's position, so phrases over the parts
    still work; positions after the word shift to make room for the parts.
    """

    def __call__(self, tokens):
        shift = 0
        for token in tokens:
            text = token.text.replace("’", "'")
            if text.endswith("'s"):
                text = text[:-2]
                if token.chars:
                    token.endchar -= 2
            if "-" not in text:
                token.text = text
                if token.positions:
                    token.pos += shift
                yield token
                continue
            parts = [part for part in text.split("-") if part]
            start = token.startchar if token.chars else 0
            end = token.endchar if token.chars else 0
            base = token.pos + shift if token.positions else 0
            offset = 0
            for index, part in enumerate(parts):
                found = text.index(part, offset)
                offset = found + len(part)
                token.text = part
                if token.chars:
                    token.startchar = start + found
                    token.endchar = start + offset
                if token.positions:
                    token.pos = base + index
                yield token
            token.text = "".join(parts)
            if token.chars:
                token.startchar, token.endchar = start, end
            if token.positions:
                token.pos = base
            yield token
            shift += len(parts) - 1


class SpellingFilter(Filter):
    """Fold British and American spellings together (see :data:`SPELLING_RULES`)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold_spelling(token.text)
            yield token


def make_analyzer():
    """The analyzer of the searchable text fields."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=True)
        | HyphenFilter()
        | SpellingFilter()
        # Whoosh's own stem cache is not thread-safe once full; functools' is, and searches run on many threads.
        | StemFilter(stemfn=cached_stem, cachesize=0)
    )


@lru_cache(maxsize=200_000)
def cached_stem(word: str) -> str:
    """The Porter2 stem of a word, remembered (a module-level function, so the schema pickles by name)."""
    return stem(word)


def make_word_analyzer():
    """Lower-case, unstemmed words: the vocabulary "did you mean" suggests from."""
    return RegexTokenizer(r"[A-Za-z]{3,}") | LowercaseFilter()


ANALYZER = make_analyzer()


def analyze(text: str, *, positions: bool = False, chars: bool = False) -> list[tuple[str, int, int, int]]:
    """(term, position, startchar, endchar) for each token of ``text``."""
    return [
        (token.text, token.pos if positions else 0, token.startchar if chars else 0, token.endchar if chars else 0)
        for token in ANALYZER(text, positions=positions, chars=chars, mode="index")
    ]


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order (compounds included)."""
    return [token.text for token in ANALYZER(text, mode="query")]


# -- indexing fast path -------------------------------------------------------------------
#
# Whoosh runs every token of every paragraph through six generator stages. At
# index time the outcome for a token depends only on its own text (and, for
# positions, on how many positions the tokens before it took), so the writer
# analyses each distinct token once and reuses the answer.

_TOKEN_RE = re.compile(TOKEN_PATTERN, re.UNICODE)
_WORD_RE = re.compile(r"[A-Za-z]{3,}")
_TOKEN_TERMS: dict[str, tuple[int, tuple[tuple[int, str], ...], tuple[tuple[str, ...], ...]] | None] = {}
_TOKEN_CACHE_LIMIT = 500_000


def _token_terms(raw: str):
    """(positions taken, ((offset, term), ...), (distinct terms at each offset, ...)) for one
    token, or None for a stop word."""
    outs = tuple((token.pos, token.text) for token in ANALYZER(raw, positions=True, mode="index"))
    entry = None
    if outs:
        taken = max(offset for offset, _ in outs) + 1
        groups: list[list[str]] = [[] for _ in range(taken)]
        for offset, term in outs:
            if term not in groups[offset]:
                groups[offset].append(term)
        entry = (taken, outs, tuple(tuple(group) for group in groups))
    if len(_TOKEN_TERMS) >= _TOKEN_CACHE_LIMIT:
        _TOKEN_TERMS.clear()
    _TOKEN_TERMS[raw] = entry
    return entry


def index_positions(text: str) -> dict[str, list[int]]:
    """term -> positions for ``text``, exactly as :data:`ANALYZER` gives them in index mode.

    Stop words take no position (the stop filter renumbers), except that the
    first kept token keeps its place in the token stream; a hyphenated word
    takes one position per part. (Computed with the text's pairs, see :func:`_analyse`.)
    """
    return _analyse(text)[0]


def index_counts(text: str) -> dict[str, int]:
    """term -> frequency for ``text`` under :data:`ANALYZER` (index mode)."""
    return {term: len(found) for term, found in index_positions(text).items()}


def word_counts(text: str) -> dict[str, int]:
    """word -> frequency under :func:`make_word_analyzer`."""
    counts: dict[str, int] = {}
    for word in _WORD_RE.findall(text):
        word = word.lower()
        counts[word] = counts.get(word, 0) + 1
    return counts


# -- word pairs ---------------------------------------------------------------------------
#
# The "pairs" field indexes every two consecutive positions of the text field's
# analysis as one term, "left\x1fright", so a phrase query first narrows to the
# paragraphs holding all of its pairs (a cheap term lookup) and whoosh checks
# positions only there. A position can hold more than one term (a hyphenated
# word's first part and its compound): every term at a position pairs with
# every term at the next, so the pairs of any phrase whoosh's positions would
# match are present (a superset, hence exact results).

PAIR_SEPARATOR = "\x1f"
"""Joins the two terms of a pair; tokens are \\w runs, so it never occurs in a term."""


def pair_term(left: str, right: str) -> str:
    return left + PAIR_SEPARATOR + right


def _pairs_of(by_position: dict[int, list[str]]) -> dict[str, int]:
    """pair term -> frequency, given the distinct terms at each position."""
    counts: dict[str, int] = {}
    for position in sorted(by_position):
        following = by_position.get(position + 1)
        if not following:
            continue
        for left in by_position[position]:
            for right in following:
                key = left + PAIR_SEPARATOR + right
                counts[key] = counts.get(key, 0) + 1
    return counts


class PairAnalyzer(Composable):
    """The pair terms of a text, for whoosh's own writer (the bulk writer uses :func:`pair_counts`)."""

    def __init__(self) -> None:
        self.analyzer = make_analyzer()

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    def __call__(self, value, **kwargs):
        by_position: dict[int, list[str]] = {}
        for token in self.analyzer(value, positions=True, mode="index"):
            found = by_position.setdefault(token.pos, [])
            if token.text not in found:
                found.append(token.text)
        token = Token(positions=False, chars=False, boosts=kwargs.get("boosts", False), mode=kwargs.get("mode", ""))
        for key, count in _pairs_of(by_position).items():
            for _ in range(count):
                token.text = key
                token.boost = 1.0
                token.stopped = False
                yield token


_RECENT: list[tuple[str, dict, dict]] = []
"""The last few texts analysed (by identity), with both results: a paragraph's text, pairs and
section fields are analysed one after another. Callers must not modify the results."""


def _analyse(text: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """(term -> positions, pair term -> frequency) of ``text``; a paragraph's two fields share one pass."""
    for seen, found_positions, found_pairs in _RECENT:
        if seen is text:
            return found_positions, found_pairs
    cache = _TOKEN_TERMS
    positions: dict[str, list[int]] = {}
    pairs: dict[str, int] = {}
    previous: tuple[str, ...] = ()
    position = -1
    sep = PAIR_SEPARATOR
    for index, raw in enumerate(_TOKEN_RE.findall(text)):
        entry = cache[raw] if raw in cache else _token_terms(raw)
        if entry is None:
            continue
        if position < 0:
            position = index
        taken, outs, groups = entry
        for offset, term in outs:
            found = positions.get(term)
            if found is None:
                positions[term] = [position + offset]
            else:
                found.append(position + offset)
        for group in groups:
            for left in previous:
                for right in group:
                    key = left + sep + right
                    pairs[key] = pairs.get(key, 0) + 1
            previous = group
        position += taken
    _RECENT.append((text, positions, pairs))
    if len(_RECENT) > 3:
        del _RECENT[0]
    return positions, pairs


def pair_counts(text: str) -> dict[str, int]:
    """pair term -> frequency for ``text``, exactly as :class:`PairAnalyzer` gives them."""
    return _analyse(text)[1]
