"""Readers: one module per format, each turning a file into raw blocks.

A reader is chosen by the file's extension, then checked against its content:
a ``.txt`` that is really a PDF or an HTML page goes to the right reader.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from indexer.model import Block, ReportParseError

Reader = Callable[[Path], "list[Block]"]

RUNNING_REASON = "running header or footer"
"""Why a page's running head or footer is dropped (PDF, and text extracted from one)."""
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
"""Month names, as a regular expression alternation."""


def furniture_key(text: str) -> str:
    """What a running head says on every page: its words, without page numbers or dates' digits."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "", text)).strip(" |-–").lower()

READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
"""Extensions the indexer reads, and the reader module for each; other files are ignored."""


def reader(name: str) -> Reader:
    """The function of a reader module that reads a file into all its blocks, imported on first use
    (PDF support is heavy).

    That is ``read``, or ``read_all`` where a module has both: its ``read`` leaves out the text it
    drops (a PDF's page furniture), which cleaning must see to record it with its reason.
    """
    module = importlib.import_module(f"{__name__}.{name}")
    return getattr(module, "read_all", module.read)

SUPPORTED_SUFFIXES = frozenset(READERS)


def sniff(path: Path, head: bytes) -> Reader:
    """The reader for ``path``: by extension, overridden by unmistakable content."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ReportParseError(str(path), f"unsupported file type {suffix or '(none)'}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF-") or suffix == ".pdf":
        # A .pdf without the header is not one; the PDF reader says so.
        return reader("pdf")
    if suffix in {".txt", ".text"} and stripped.startswith((b"<!doctype html", b"<html")):
        return reader("html")
    return reader(READERS[suffix])


def read_blocks(path: Path) -> list[Block]:
    """Read ``path`` with the reader its type and content call for."""
    with open(path, "rb") as handle:
        head = handle.read(1024)
    return sniff(path, head)(path)
