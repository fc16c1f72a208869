"""The query language: parse what a user typed into a small tree, with guards.

Syntax (see the help page): plain words, "exact phrases", -exclusion, OR,
parentheses, field prefixes (force:, inspectorate:, theme:, section:,
finding:, type:, year: with ranges 2019..2021) and a trailing wildcard
(criminal*). Text that does not parse is read again as plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_DEPTH = 8
MIN_PREFIX_CHARS = 3
YEAR_RANGE_RE = re.compile(r"\s*(\d{4})\s*(?:(?:\.\.|-|to)\s*(\d{4})\s*)?")
"""A year (2020) or a range (2019..2021, 2019-2021, 2019 to 2021), in field prefixes and year filters."""


def year_range(value: str) -> tuple[str, str] | None:
    """(first, last) year a value stands for, in order; None when it is not a year or a range."""
    match = YEAR_RANGE_RE.fullmatch(value)
    if not match:
        return None
    start, end = match.group(1), match.group(2) or match.group(1)
    return (start, end) if start <= end else (end, start)

FIELD_ALIASES = {
    "force": "forces",
    "forces": "forces",
    "inspectorate": "inspectorates",
    "inspectorates": "inspectorates",
    "theme": "themes",
    "themes": "themes",
    "section": "section_type",
    "finding": "finding_type",
    "type": "doc_type",
    "doctype": "doc_type",
    "year": "year",
    "area": "areas",
    "report": "report_id",
    "grade": "grade",
    "status": "status",
    "answered": "answered",
    "programme": "programme",
    "program": "programme",
}
"""Prefixes users may type, and the index field each filters on."""


class QueryError(ValueError):
    """A query refused by a guard; the message tells the user what to do instead."""


@dataclass(frozen=True)
class Word:
    text: str
    wildcard: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Field:
    field: str
    value: str


@dataclass(frozen=True)
class Not:
    child: object


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


TOKEN_RE = re.compile(
    r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|(?P<minus>-)(?=[\w"(])|'
    r'(?P<field>[A-Za-z_]+):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>[^\s()"]+))|'
    r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s()"]+))'
)
WORD_CHARS_RE = re.compile(r"\w+(?:[-'’]\w+)*\*?|\*")


def check_guards(text: str) -> None:
    """Refuse queries that are too long or too broad, before any parsing work."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"Query is too long ({len(text)} characters). Keep it under {MAX_QUERY_CHARS}.")
    if "\x00" in text:
        raise QueryError("Query contains a NUL character. Remove it and try again.")


def parse(text: str) -> object | None:
    """The query tree of ``text`` (None for an empty query); raises QueryError for a refused query."""
    check_guards(text)
    text = text.strip()
    if not text:
        return None
    tokens = _tokenize(text)
    try:
        tree, rest = _parse_or(tokens, 0, 0)
        if rest != len(tokens):
            raise _SyntaxProblem
    except _SyntaxProblem:
        tree = _plain_words(text)
    _check_tree(tree)
    return tree


class _SyntaxProblem(Exception):
    pass


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(text):
        match = TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup
        if kind in ("fquoted", "fvalue"):
            tokens.append(("field", f"{match['field']}:{match[kind]}"))
        elif kind == "phrase":
            tokens.append(("phrase", match["phrase"]))
        elif kind:
            tokens.append((kind, match[kind]))
    return tokens


def _parse_or(tokens, index, depth):
    if depth > MAX_DEPTH:
        raise QueryError(f"Query nests parentheses more than {MAX_DEPTH} deep. Simplify it.")
    children = []
    node, index = _parse_and(tokens, index, depth)
    children.append(node)
    while index < len(tokens) and tokens[index] == ("word", "OR"):
        node, index = _parse_and(tokens, index + 1, depth)
        children.append(node)
    return (children[0] if len(children) == 1 else Or(tuple(children))), index


def _parse_and(tokens, index, depth):
    children = []
    while index < len(tokens):
        kind, value = tokens[index]
        if kind == "rparen" or (kind, value) == ("word", "OR"):
            break
        if (kind, value) == ("word", "AND"):
            index += 1
            continue
        node, index = _parse_unary(tokens, index, depth)
        if node is not None:
            children.append(node)
    if not children:
        raise _SyntaxProblem
    return (children[0] if len(children) == 1 else And(tuple(children))), index


def _parse_unary(tokens, index, depth):
    kind = tokens[index][0]
    if kind == "minus":
        if index + 1 >= len(tokens):
            raise _SyntaxProblem
        node, index = _parse_atom(tokens, index + 1, depth)
        return (Not(node) if node is not None else None), index
    return _parse_atom(tokens, index, depth)


def _parse_atom(tokens, index, depth):
    kind, value = tokens[index]
    if kind == "lparen":
        node, index = _parse_or(tokens, index + 1, depth + 1)
        if index >= len(tokens) or tokens[index][0] != "rparen":
            raise _SyntaxProblem
        return node, index + 1
    if kind == "phrase":
        words = tuple(WORD_CHARS_RE.findall(value.replace("*", "")))
        if not words:
            return None, index + 1
        return (Phrase(words, value.strip()) if len(words) > 1 else Word(words[0])), index + 1
    if kind == "field":
        name, _, field_value = value.partition(":")
        field = FIELD_ALIASES.get(name.lower())
        if field is None:
            known = ", ".join(sorted({k for k in FIELD_ALIASES if not k.endswith("s")}))
            raise QueryError(f"Unknown field '{name}:'. Known fields: {known}. Put quotes around text with a colon.")
        if not field_value.strip():
            raise QueryError(f"Field '{name}:' needs a value, for example {name}:\"...\".")
        return Field(field, field_value.strip()), index + 1
    if kind == "word":
        return _word(value), index + 1
    raise _SyntaxProblem


def _word(value: str) -> object | None:
    if re.search(r"\*(?=\w)", value):
        raise QueryError(
            f"'{value}' is too broad: a wildcard needs at least {MIN_PREFIX_CHARS} letters before the *, "
            "and only at the end of a word."
        )
    found = WORD_CHARS_RE.findall(value)
    nodes = [_checked_word(token) for token in found]
    nodes = [node for node in nodes if node is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _checked_word(token: str) -> Word | None:
    if "*" in token:
        stem = token.rstrip("*")
        if "*" in stem or len(stem) < MIN_PREFIX_CHARS:
            raise QueryError(
                f"'{token}' is too broad: a wildcard needs at least {MIN_PREFIX_CHARS} letters before the *, "
                "and only at the end of a word."
            )
        return Word(stem.lower(), wildcard=True)
    return Word(token)


def _plain_words(text: str) -> object:
    """Fallback for text that does not parse: every word, no operators."""
    nodes = [node for token in WORD_CHARS_RE.findall(text) if token != "*" and (node := _word(token)) is not None]
    if not nodes:
        raise QueryError("Query has no words to search for. Type one or more words.")
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _check_tree(tree: object) -> None:
    count = _count_terms(tree)
    if count > MAX_TERMS:
        raise QueryError(f"Query has {count} terms; the limit is {MAX_TERMS}. Use fewer words or a phrase.")


def _count_terms(node: object) -> int:
    if isinstance(node, (And, Or)):
        return sum(_count_terms(child) for child in node.children)
    if isinstance(node, Not):
        return _count_terms(node.child)
    if isinstance(node, Phrase):
        return len(node.words)
    return 1



def plain_words(node: object) -> list[str]:
    """The positive plain words of a tree, in order (for suggestions and highlighting)."""
    if isinstance(node, Word):
        return [node.text]
    if isinstance(node, (And, Or)):
        return [word for child in node.children for word in plain_words(child)]
    return []


def replace_words(text: str, replacements: dict[str, str]) -> str:
    """``text`` with whole words replaced, keeping everything else as typed."""
    if not replacements:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in replacements) + r")(?![\w-])")
    return pattern.sub(lambda m: replacements[m.group(0)], text)
