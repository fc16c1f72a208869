"""Read an HTML report page into blocks: the main content only, without site chrome.

The tree is walked with an explicit stack, so pathologically deep pages cannot
exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    MarkupResemblesLocatorWarning,
    NavigableString,
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)

from indexer.ingest.readers.decode import decode_bytes
from indexer.model import Block, BlockKind, ReportParseError

BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# WHATWG's encoding prescan reads the first 1024 bytes; we allow a longer <head>.
META_WINDOW = 4096
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Browsers (WHATWG Encoding spec) read these labels as windows-1252, and a
# non-BOM page cannot really be UTF-16 if its <meta> was readable as ASCII.
CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                   "us-ascii": "cp1252", "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8"}

# Where the report text lives, most specific first: (tag name or None, attribute, value).
ROOT_CANDIDATES = (("main", None, None), (None, "role", "main"), ("article", None, None),
                   (None, "id", "main-content"), (None, "id", "content"))
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
                       "iframe", "svg", "button", "head", "object", "embed", "canvas", "select", "textarea",
                       "audio", "video", "map"})
CODE_TAGS = frozenset({"script", "style", "noscript", "template"})
"""Tags whose text is code or styling, not words a reader sees."""
CHROME_REASON = "site chrome: navigation, banner, footer, cookie notice or hidden text"
OUTSIDE_REASON = "the site around the report's main content"
DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary"})
# Class/id/aria-label fragments of page chrome on GOV.UK, justiceinspectorates.gov.uk
# (WordPress) and PCC sites. These are never report text...
CHROME_FRAGMENTS = ("cookie", "consent", "gdpr", "breadcrumb", "skiplink", "skip-link", "skip-to", "backtotop",
                    "back-to-top", "addthis", "sharethis")
# ...while these words also turn up on layout wrappers ("has-sidebar"), so an element
# they name is dropped only if it does not hold most of the page's text.
CHROME_WORDS = frozenset({"skip", "share", "sharing", "social", "menu", "nav", "navbar", "navigation", "print",
                          "sidebar", "toolbar"})
CHROME_LINK_TEXT = re.compile(r"^(skip to|jump to|back to top|return to top|print( this)?( page)?$|share (this|on))",
                              re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

BLOCK_TAGS = frozenset({"address", "article", "blockquote", "body", "center", "details", "dialog", "div", "dl",
                        "fieldset", "figcaption", "figure", "hgroup", "hr", "html", "main", "ol", "p", "pre",
                        "section", "summary", "table", "tbody", "thead", "tfoot", "ul", "caption", "menu"})
LIST_TAGS = frozenset({"ul", "ol", "dl", "menu", "table"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Footnote ids from pandoc/markdown (fn1), Word (_ftn1) and WordPress plugins (footnote-1).
FOOTNOTE_ID = re.compile(r"^_?(?:fn|ftn|footnote|endnote|note)[-_:]?(\d+)$", re.I)
FOOTNOTE_CLASSES = frozenset({"footnotes", "endnotes"})
BACKREF = re.compile(r"^#_?(?:fnref|ftnref|footnote-ref|ref)", re.I)
LEADING_MARKER = re.compile(r"^[\[(]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}[\])]?[.:]?\s+|^[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}")
URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
CELL = "\x1f"  # separates table cells inside a row until the row is emitted


def read(path: Path) -> list[Block]:
    """Read the HTML page at ``path`` into blocks of its main content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportParseError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if not data.lstrip(b"\xef\xbb\xbf").strip():
        raise ReportParseError(str(path), "no text found")
    try:
        with warnings.catch_warnings():
            # XHTML pages and pages that are just a URL are still pages to read, not mistakes.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            soup = BeautifulSoup(_decode(data, path), "lxml")
        blocks = _main_blocks(soup)
    except RecursionError as exc:
        raise ReportParseError(str(path), "HTML is nested too deeply") from exc
    if not blocks:
        raise ReportParseError(str(path), "no text found")
    return blocks


def _decode(data: bytes, path: Path) -> str:
    """Decode as a browser would: a BOM, else the <meta> charset, else UTF-8, else cp1252."""
    declared = None if data.startswith(BOMS) else META_CHARSET.search(data[:META_WINDOW])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(CHARSET_ALIASES.get(label, label))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: sniff instead
    return decode_bytes(data, path)


def _main_blocks(soup: BeautifulSoup) -> list[Block]:
    """Blocks of the first content root that has any text."""
    found: list[Tag | None] = [None] * len(ROOT_CANDIDATES)
    # One pass over the tree instead of a find() per candidate: deep pages are slow to walk.
    for tag in soup.descendants:
        if isinstance(tag, Tag):
            for index, (name, attr, value) in enumerate(ROOT_CANDIDATES):
                if found[index] is None and (
                    tag.name == name if name else attr is not None and tag.get(attr) == value
                ):
                    found[index] = tag
    for root in [*found, soup.body, soup]:
        if root is not None:
            walker = _Walker(root)
            blocks = walker.run()
            if blocks:
                outside = _text_outside(soup, root)
                left_out = [Block(text=text, kind="dropped", marker=CHROME_REASON) for text in walker.chrome]
                if outside:
                    left_out.insert(0, Block(text=outside, kind="dropped", marker=OUTSIDE_REASON))
                return left_out + blocks
    return []


def _text_outside(soup: BeautifulSoup, root: Tag) -> str:
    """The page's visible text outside the content root: the site around the report."""
    if root is soup or root is soup.body:
        return ""
    body = soup.body or soup
    # Ids of the root's own strings, collected once: asking each string for its parents would cost
    # its depth, and a page can nest thousands deep.
    inside = {id(string) for string in root.find_all(string=True)}
    parts = []
    for string in body.find_all(string=True):
        if isinstance(string, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if string.parent is not None and string.parent.name in CODE_TAGS:
            continue
        if id(string) in inside:
            continue
        text = " ".join(string.split())
        if text:
            parts.append(text)
    return " ".join(parts)


def _attr(tag: Tag, name: str) -> str:
    """A single-valued attribute's text, or "" if the tag has none."""
    value = tag.get(name)
    if value is None:
        return ""
    # bs4 gives a list only for multi-valued attributes (class, rel...); keep any other value whole.
    return value if isinstance(value, str) else " ".join(value)


@dataclass
class _Frame:
    tag: Tag
    role: str  # "item", "list", "block" or "inline"
    kind: BlockKind = "text"
    level: int = 0
    marker: str = ""
    emitted: bool = False
    counter: int = 1
    saved_item: _Frame | None = None
    start: int = 0  # index into the buffer where an <a>/<sup> began
    generation: int = 0
    footnotes: bool = False


class _Walker:
    """Walks one content root and collects blocks."""

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.root_text = len(root.get_text(" ", strip=True))
        self.blocks: list[Block] = []
        self.frames: list[_Frame] = []
        self.item: _Frame | None = None
        self.buf: list[str] = []
        self.generation = 0  # bumps on every flush, so a stale <a> start index is never used
        self.links: list[tuple[str, str]] = []  # (shown text, href) of links with their own text
        self.targets: list[str] = []  # every followable href in the current block
        self.pre = 0
        self.chrome: list[str] = []  # text of the skipped chrome inside the root, for the dropped list

    def run(self) -> list[Block]:
        stack: list[tuple[object, bool]] = [(self.root, False)]
        while stack:
            node, closing = stack.pop()
            if closing:
                self._end(self.frames.pop())
            elif isinstance(node, Tag):
                if node is not self.root and self._is_chrome(node):
                    if node.name not in CODE_TAGS and (text := node.get_text(" ", strip=True)):
                        self.chrome.append(text)
                    continue
                self._start(node)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
            elif isinstance(node, NavigableString) and not isinstance(
                node, (Comment, Declaration, Doctype, ProcessingInstruction)
            ):
                self.buf.append(str(node) if self.pre else re.sub(r"\s+", " ", str(node)))
        self._flush()
        return self.blocks

    def _is_chrome(self, tag: Tag) -> bool:
        """Whether ``tag`` is site chrome, hidden, or otherwise not report text."""
        name = tag.name
        if name in DROP_TAGS and not (name == "header" and self._content_header(tag)):
            return True
        if name == "a" and (
            BACKREF.match(_attr(tag, "href")) or CHROME_LINK_TEXT.match(tag.get_text(" ", strip=True))
        ):
            return True
        attrs = tag.attrs
        if not attrs:
            return False
        if "hidden" in attrs or attrs.get("aria-hidden") == "true" or HIDDEN_STYLE.search(_attr(tag, "style")):
            return True
        if attrs.get("role") in DROP_ROLES:
            return True
        names = " ".join([_attr(tag, "id"), " ".join(tag.get_attribute_list("class")), _attr(tag, "aria-label")])
        names = re.sub(r"([a-z])([A-Z])", r"\1 \2", names).lower()
        if any(fragment in names for fragment in CHROME_FRAGMENTS):
            return True
        if CHROME_WORDS & set(re.split(r"[^a-z0-9]+", names)):
            return len(tag.get_text(" ", strip=True)) < 0.5 * self.root_text
        return False

    @staticmethod
    def _content_header(tag: Tag) -> bool:
        # <header> inside an article holds its title; the site banner is outside.
        return tag.find_parent(["main", "article"]) is not None and tag.find(list(HEADINGS)) is not None

    def _start(self, tag: Tag) -> None:
        name = tag.name
        frame = _Frame(tag, "inline", generation=self.generation, start=len(self.buf))
        parent = self.frames[-1] if self.frames else None
        classes = set(tag.get_attribute_list("class"))
        in_notes = bool(classes & FOOTNOTE_CLASSES) or tag.get("id") in FOOTNOTE_CLASSES
        frame.footnotes = in_notes or bool(parent and parent.footnotes)
        footnote_id = FOOTNOTE_ID.match(_attr(tag, "id"))
        is_footnote = bool(footnote_id) or "footnote" in classes or (name == "li" and frame.footnotes)
        if name == "br":
            self.buf.append("\n")
        elif name in ("td", "th") and self.item and self.item.tag.name == "tr":
            self.buf.append(CELL)
        elif name in LIST_TAGS:
            self._flush()
            frame.role, frame.saved_item, self.item = "list", self.item, None
            if name == "ol":
                start = _attr(tag, "start")
                frame.counter = int(start) if start.isdigit() else 1
        elif name in HEADINGS or name in ("li", "tr", "dt", "dd") or (is_footnote and name in ("p", "div")):
            self._flush()
            frame.role, frame.saved_item, self.item = "item", self.item, frame
            if name in HEADINGS:
                frame.kind, frame.level = "heading", HEADINGS[name]
            elif name == "li":
                frame.kind, frame.marker = "bullet", self._list_marker(tag)
            if is_footnote:
                frame.kind = "footnote"
                frame.marker = footnote_id.group(1) if footnote_id else frame.marker.rstrip(".")
                frame.marker = frame.marker if frame.marker != "-" else ""
        elif name in BLOCK_TAGS:
            frame.role = "block"
            self._break()
            if name == "pre":
                self.pre += 1
        self.frames.append(frame)

    def _list_marker(self, tag: Tag) -> str:
        ordered = next((f for f in reversed(self.frames) if f.role == "list"), None)
        if ordered is None or ordered.tag.name != "ol":
            return "-"
        value = _attr(tag, "value")
        if value.isdigit():
            ordered.counter = int(value)
        marker = f"{ordered.counter}."
        ordered.counter += 1
        return marker

    def _end(self, frame: _Frame) -> None:
        name = frame.tag.name
        if frame.role == "list" or frame.role == "item":
            self._flush()
            self.item = frame.saved_item
        elif frame.role == "block":
            self._break()
            if name == "pre":
                self.pre -= 1
        elif name == "a" and frame.generation == self.generation:
            self._end_link(frame)
        elif name == "sup" and frame.generation == self.generation:
            # A raised number is a footnote reference; the cleaner knows ¹²³ as such.
            raised = "".join(self.buf[frame.start:]).strip()
            if raised.isdigit():
                self.buf[frame.start:] = [raised.translate(SUPERSCRIPTS)]

    def _end_link(self, frame: _Frame) -> None:
        href = _attr(frame.tag, "href").strip()
        if not re.match(r"https?://", href, re.I):
            return  # relative and in-page links lead nowhere once the text is in the index
        self.targets.append(href)
        text = " ".join("".join(self.buf[frame.start:]).split())
        if not text or URL.match(text):
            # Shown URLs are often shortened ("www.site.gov.uk/…"); the href is the real one.
            self.buf[frame.start:] = [href]
        else:
            self.links.append((text, href))

    def _break(self) -> None:
        """A block boundary: inside a list item or heading it is just a line break."""
        if self.item:
            self.buf.append("\n")
        else:
            self._flush()

    def _flush(self) -> None:
        """Emit the buffered text as one block of the current item's kind, or as text."""
        self.generation += 1
        if not self.buf:
            return
        raw, links, targets = "".join(self.buf), self.links, tuple(self.targets)
        self.buf, self.links, self.targets = [], [], []
        item = self.item
        if item and item.tag.name == "tr":
            cells = (" ".join(cell.split()) for cell in raw.split(CELL))
            text = " | ".join(cell for cell in cells if cell)
        else:
            lines = raw.replace(CELL, " ").split("\n")
            text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
        if not text:
            return
        for link_text, href in links:
            if text == link_text:
                text = href  # a block that is only a link: its URL is the content
        kind: BlockKind = "text"
        level, marker = 0, ""
        if item and not item.emitted:
            kind, level, marker = item.kind, item.level, item.marker
            item.emitted = True
        if kind == "heading":
            text = " ".join(text.split())
        elif kind == "footnote":
            # The note often repeats its number ("<sup>1</sup> See…"); take it once, as the marker.
            printed = LEADING_MARKER.match(text)
            digits = re.sub(r"\D", "", printed.group().translate(DIGITS)) if printed else ""
            if printed and marker in ("", digits):
                marker, text = digits, text[printed.end():].strip()
        self.blocks.append(Block(text=text, kind=kind, level=level, marker=marker, links=targets))
