"""One file to one :class:`Report`: read, clean, split, tag.

This is the whole per-file pipeline; :mod:`indexer.store.indexing` decides which files need it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from indexer.ingest.clean import clean_blocks
from indexer.ingest.findings import addressees, deadline, is_bare_grade, stated_grade
from indexer.ingest.glossary import find_definitions
from indexer.ingest.metadata import apply_sidecar, evidence, read_metadata, sidecar_path
from indexer.ingest.readers import read_blocks
from indexer.ingest.structure import Structure, finding_number, split_sections
from indexer.ingest.themes import tag_themes
from indexer.model import DroppedText, Paragraph, Report, ReportParseError

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused: no published report comes near it."""

ANCHOR_DIGITS = 8
MAX_ID_CHARS = 150


def slugify(text: str, *, max_chars: int, default: str) -> str:
    """Lower-case letters and digits joined by hyphens, at most ``max_chars`` long."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_chars].rstrip("-") or default


def report_id_for(relative_path: str) -> str:
    """A readable, URL-safe id from the file's path inside the corpus."""
    stem = relative_path.rsplit(".", 1)[0] if "." in Path(relative_path).name else relative_path
    # Ids go into URLs, and paragraph ids add a dozen characters: keep them short.
    return slugify(stem, max_chars=MAX_ID_CHARS, default="report")


def content_hash(path: Path) -> str:
    """SHA-256 of the file and of its sidecar, if any: a change to either re-indexes."""
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return digest.hexdigest()


def anchor_for(text: str, seen: dict[str, int]) -> str:
    """A stable anchor from the paragraph's words; repeats get ``-2``, ``-3``."""
    words = " ".join(re.findall(r"\w+", text.lower()))
    base = "p-" + hashlib.sha1(words.encode("utf-8")).hexdigest()[:ANCHOR_DIGITS]
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def parse_report(path: Path, corpus_dir: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Report:
    """Parse one report file; raises ReportParseError with the reason it cannot."""
    return parse_report_with_structure(path, corpus_dir, max_bytes=max_bytes)[0]


def parse_report_with_structure(
    path: Path, corpus_dir: Path, *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[Report, Structure, str]:
    """The report, with the structure and cleaned text it was built from (for ``findings inspect``)."""
    relative = path.relative_to(corpus_dir).as_posix()
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReportParseError(relative, f"cannot read file: {error.strerror}") from None
    if size > max_bytes:
        raise ReportParseError(relative, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    if size == 0:
        raise ReportParseError(relative, "empty file")
    try:
        blocks = read_blocks(path)
    except ReportParseError as error:
        raise ReportParseError(relative, error.reason) from None
    except RecursionError:
        raise ReportParseError(relative, "document is nested too deeply to read") from None
    except OSError as error:
        raise ReportParseError(relative, f"cannot read file: {error.strerror}") from None
    dropped: list[tuple[str, str]] = []
    cleaned = clean_blocks(blocks, dropped)
    structure = split_sections(cleaned)
    dropped += structure.dropped
    if not structure.paragraphs:
        raise ReportParseError(relative, "no paragraphs of text found")
    full_text = "\n".join(block.text for block in cleaned)
    read = read_metadata(structure, full_text, fallback_title=Path(relative).stem.replace("-", " ").replace("_", " "))
    meta, responds_to = apply_sidecar(read, path)
    printed_title = " ".join((structure.title or "").split())
    # The printed title line is indexed as (part of) the title, unless the title is another line.
    if printed_title and printed_title not in meta.title:
        if printed_title.startswith(meta.title):
            dropped.append((printed_title[len(meta.title) :].strip(), "printed after the title (byline or dates)"))
        elif meta.title != read.title:
            dropped.append((printed_title, "title line, replaced by the sidecar's title"))
        else:
            dropped.append((printed_title, "first line, above the line that names the document"))
    report_id = report_id_for(relative)
    year = int(meta.published[:4]) if meta.published else None
    seen: dict[str, int] = {}
    anchors = [anchor_for(draft.text, seen) for draft in structure.paragraphs]
    grades = section_grades(structure)
    paragraphs = []
    intro = ""  # the sentence that introduces a list ("... we recommend that within three months the force should:")
    for number, (draft, anchor) in enumerate(zip(structure.paragraphs, anchors, strict=True), start=1):
        finding = draft.finding_type
        if not draft.is_bullet:
            intro = draft.text if draft.text.rstrip().endswith(":") else ""
        said = f"{intro} {draft.text}" if draft.is_bullet and intro else draft.text
        paragraphs.append(
            Paragraph(
                id=f"{report_id}--{anchor}",
                report_id=report_id,
                report_title=meta.title,
                section=draft.section,
                section_type=draft.section_type,
                finding_type=draft.finding_type,
                paragraph_number=number,
                anchor=anchor,
                page=draft.page,
                doc_type=meta.doc_type,
                published=meta.published,
                year=year,
                inspectorates=meta.inspectorates,
                forces=meta.forces,
                areas=meta.areas,
                source_url=meta.source_url,
                source_file=relative,
                themes=tag_themes(draft.text),
                text=draft.text,
                footnotes=draft.footnotes,
                is_bullet=draft.is_bullet,
                printed_number=printed_number(draft.text) if not draft.is_bullet else None,
                author=meta.author,
                programme=meta.programme,
                grade=stated_grade(draft.text) or grades.get(draft.section),
                finding_label=finding_number(draft.text) if finding else None,
                addressees=addressees(said) if finding else (),
                deadline=deadline(said) if finding else None,
                parent_finding=f"{report_id}--{anchors[draft.parent]}" if draft.parent is not None else None,
                responds_to_published=meta.responds_to_published,
            )
        )
    definitions: dict[str, str] = {}
    for paragraph in paragraphs:
        for acronym, expansion in find_definitions(paragraph.text):
            definitions.setdefault(acronym, expansion)
    indexed_text = [meta.title]
    for paragraph in paragraphs:
        indexed_text += [paragraph.text, *paragraph.section.split(" › "), *(f.text for f in paragraph.footnotes)]
    report = Report(
        report_id=report_id,
        source_file=relative,
        content_hash=content_hash(path),
        meta=meta,
        paragraphs=tuple(paragraphs),
        responds_to=str(responds_to) if responds_to else None,
        defined_acronyms=tuple(sorted(definitions.items())),
        dropped=tuple(DroppedText(text, reason) for text, reason in dropped),
        words_read=count_words(block.text for block in blocks),
        words_indexed=_words_covered(blocks, indexed_text),
        facts=tuple(
            (name, value, line)
            for name, pairs in evidence(meta, structure, full_text, given=_changed_fields(read, meta)).items()
            for value, line in pairs
        ),
    )
    return report, structure, full_text


def _changed_fields(before, after) -> frozenset[str]:
    """The metadata fields a sidecar changed."""
    return frozenset(name for name in vars(before) if getattr(before, name) != getattr(after, name))


def section_grades(structure: Structure) -> dict[str, str]:
    """Grades given by a line of their own ("Good") under a question or section: section -> grade."""
    grades: dict[str, str] = {}
    for draft in structure.paragraphs:
        if is_bare_grade(draft.text) and (grade := stated_grade(draft.text)):
            grades.setdefault(draft.section, grade)
    return grades


PRINTED_NUMBER_RE = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,3}){1,2})\.?\s+(?=\S)")
"""A paragraph number printed at its start: "1.4 ", "3.14 ", "2.1.3 "."""


def printed_number(text: str) -> str | None:
    """The paragraph's own number as printed at its start, if it has one."""
    match = PRINTED_NUMBER_RE.match(text)
    return match["number"] if match else None


WORD_RE = re.compile(r"[^\W\d_]{2,}")
"""A word, for coverage: two or more letters (numbers and single letters say little about lost text)."""


def count_words(texts) -> int:
    """Words in some texts."""
    return sum(len(WORD_RE.findall(text)) for text in texts)


def _words_covered(blocks, indexed_text: list[str]) -> int:
    """Words of the file's text that also occur in what was indexed (as many times as they occur there)."""
    from collections import Counter

    available = Counter(word.lower() for text in indexed_text for word in WORD_RE.findall(text))
    covered = 0
    for block in blocks:
        for word in WORD_RE.findall(block.text):
            key = word.lower()
            if available[key] > 0:
                available[key] -= 1
                covered += 1
    return covered
