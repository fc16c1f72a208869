"""Markdown: ATX headings, lists, links and emphasis; the rest is text as in ``text``."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.ingest.readers.decode import decode_bytes
from indexer.ingest.readers.text import blocks_from_text
from indexer.model import Block

HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
BULLET_RE = re.compile(r"^\s*(?P<marker>[-*+•]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
# A target may hold one level of balanced parentheses: (https://x.org/a_(b).pdf).
LINK_RE = re.compile(
    r"(?<!!)\[(?P<label>[^\]\n]*)\]\((?P<target><[^>\n]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
)
SAFE_SCHEME_RE = re.compile(r"^(?:https?://|www\.|mailto:|/|#|\.)", re.I)
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\([^)\n]*\)")
AUTOLINK_RE = re.compile(r"<(?P<url>(?:https?://|www\.)[^>\s]+)>")
EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|`([^`\n]+)`")
URL_LIKE_RE = re.compile(r"^\s*(?:https?://|www\.)\S")


def read(path: Path) -> list[Block]:
    """Blocks of a markdown file."""
    return blocks_from_markdown(decode_bytes(path.read_bytes(), path))


def blocks_from_markdown(source: str) -> list[Block]:
    """Headings become heading blocks; inline markup becomes plain text and links."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    lines = source.split("\n")
    # Blank lines around headings so that each heading is a block of its own.
    spaced: list[str] = []
    for index, line in enumerate(lines):
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        if HEADING_RE.match(line):
            spaced += ["", line, ""]
        elif line.strip() and SETEXT_RE.match(nxt) and not BULLET_RE.match(line):
            spaced += ["", f"{'#' if nxt.strip()[0] == '=' else '##'} {line.strip()}", ""]
        elif SETEXT_RE.match(line) and index > 0 and lines[index - 1].strip() and not BULLET_RE.match(lines[index - 1]):
            continue
        else:
            spaced.append(line)
    blocks = []
    for block in blocks_from_text("\n".join(spaced), bullet_re=BULLET_RE, split_lines=False):
        heading = HEADING_RE.match(block.text) if "\n" not in block.text else None
        text, links = inline_to_text(heading.group(2) if heading else block.text)
        blocks.append(
            Block(
                text=text,
                kind="heading" if heading else block.kind,
                level=len(heading.group(1)) if heading else 0,
                marker=block.marker,
                after_page_break=block.after_page_break,
                links=links,
            )
        )
    return [block for block in blocks if block.text.strip()]


def inline_to_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Plain text of inline markdown, and the link targets in order.

    A link whose label is itself a URL is replaced by its target: published
    pages often show a mangled URL (spaces for underscores) over the real one.
    """
    links: list[str] = []

    def link(match: re.Match[str]) -> str:
        target = match["target"].strip("<>").strip()
        label = match["label"].strip()
        if target and not SAFE_SCHEME_RE.match(target):
            return label  # javascript: and other schemes are not links worth keeping
        if target:
            links.append(target)
        if not label or URL_LIKE_RE.match(label):
            return target
        return label

    def autolink(match: re.Match[str]) -> str:
        links.append(match["url"])
        return match["url"]

    text = IMAGE_RE.sub(lambda m: m["alt"], text)
    text = LINK_RE.sub(link, text)
    text = AUTOLINK_RE.sub(autolink, text)
    text = EMPHASIS_RE.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    return text, tuple(links)
