"""A briefing pack written out: Word (.docx), Markdown, CSV and plain-text citations.

Each writer takes the pack :func:`indexer.briefing.build_pack` makes, so the web app's
downloads and ``findings briefing`` write the same files.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from indexer.briefing import counted

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "csv": "text/csv",
    "txt": "text/plain",
}
"""File extension -> media type of each way a pack is written."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Cells a spreadsheet would run as a formula (OWASP "CSV injection"): such cells get a leading apostrophe."""
CSV_COLUMNS = (
    "position", "id", "status", "report_id", "report_title", "section", "paragraph_number", "printed_number",
    "page", "published", "text", "note", "citation", "citation_markdown", "permalink",
)  # fmt: skip
MISSING_TEXT = (
    "This paragraph is no longer in the collection: it was changed or removed when the reports were re-indexed."
)
LINK_COLOUR = "1D70B8"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(cell: object) -> object:
    """A CSV cell that spreadsheets show as text, never evaluate."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def filename(pack: dict, extension: str) -> str:
    """``briefing-pack-2026-11-29.docx``: the title as a slug, and the date."""
    slug = re.sub(r"[^a-z0-9]+", "-", pack["title"].lower()).strip("-")[:40].rstrip("-") or "briefing"
    return f"{slug}-{pack['date']}.{extension}"


def write(pack: dict, extension: str) -> bytes:
    """The pack as a file of type ``extension`` (one of :data:`FORMATS`)."""
    if extension == "docx":
        return to_docx(pack)
    if extension == "md":
        return to_markdown(pack).encode("utf-8")
    if extension == "csv":
        # The byte order mark makes Excel read the file as UTF-8.
        return ("\ufeff" + to_csv(pack)).encode("utf-8")
    if extension == "txt":
        return citations_text(pack).encode("utf-8")
    raise ValueError(f"no such format: {extension!r}; use one of {', '.join(FORMATS)}")


def missing_sentence(pack: dict) -> str:
    """"1 paragraph of the pack is no longer in the collection"."""
    count = len(pack["missing"])
    if count == 1:
        return "1 paragraph of the pack is no longer in the collection"
    return f"{count} paragraphs of the pack are no longer in the collection"


def _items(pack: dict):
    for group in pack["groups"]:
        for item in group["items"]:
            yield group, item


# -- plain text -------------------------------------------------------------------------------


def citations_text(pack: dict) -> str:
    """Every citation, one per line, in pack order; a paragraph no longer in the collection says so."""
    lines = []
    for _, item in _items(pack):
        if item["found"]:
            lines.append(item["citation"]["text"])
        else:
            lines.append(f"Not found (no longer in the collection): {item['id']}, {item['permalink']}")
    return "\n".join(lines) + ("\n" if lines else "")


# -- Markdown --------------------------------------------------------------------------------

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links or HTML of its own)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def to_markdown(pack: dict) -> str:
    """The pack as Markdown: title and date, a section per report, each paragraph quoted with its note
    and citation, then the sources."""
    out = [f"# {_md(pack['title'])}", "", f"{pack['date_text']} · {counted(pack)}", ""]
    for group in pack["groups"]:
        out += [f"## {_md(group['title'])}", ""]
        if group["record"] is not None:
            out += [f"{_md(group['author'])}, {group['date']}", ""]
        for item in group["items"]:
            if item["found"]:
                out += [f"> {_md(item['record']['text'])}", ""]
            else:
                out += [f"> *{_md(MISSING_TEXT)}* ({item['id']})", ""]
            if item["note"]:
                out += [f"**Note:** {_md(item['note'])}", ""]
            if item["found"]:
                out += [f"{item['citation']['markdown']}, <{item['permalink']}>", ""]
            else:
                out += [f"<{item['permalink']}>", ""]
    if pack["sources"]:
        out += ["## Sources", ""]
        for number, source in enumerate(pack["sources"], start=1):
            line = f"{number}. {_md(source['author'])}, \"{_md(source['title'])}\", {source['date']}."
            if source["source_url"]:
                line += f" Original: <{source['source_url']}>."
            line += f" In Findings: <{source['url']}>."
            out.append(line)
        out.append("")
    if pack["missing"]:
        out += ["## Not found", "", f"{missing_sentence(pack)}:", ""]
        out += [f"- {paragraph_id}" for paragraph_id in pack["missing"]]
        out.append("")
    return "\n".join(out)


# -- CSV ---------------------------------------------------------------------------------------


def to_csv(pack: dict) -> str:
    """One row per paragraph in pack order (:data:`CSV_COLUMNS`), missing ones included with their status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for group, item in _items(pack):
        record = item["record"] or {}
        row = {
            "position": item["position"],
            "id": item["id"],
            "status": "found" if item["found"] else "missing",
            "report_id": group["report_id"],
            "report_title": record.get("report_title", ""),
            "section": record.get("section", ""),
            "paragraph_number": record.get("paragraph_number", ""),
            "printed_number": record.get("printed_number") or "",
            "page": record.get("page") or "",
            "published": record.get("published") or "",
            "text": record.get("text", ""),
            "note": item["note"],
            "citation": item["citation"]["text"] if item["found"] else "",
            "citation_markdown": item["citation"]["markdown"] if item["found"] else "",
            "permalink": item["permalink"],
        }
        writer.writerow([neutralise(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


# -- Word --------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text that XML can hold."""
    return XML_INVALID.sub("", text)


def add_hyperlink(paragraph, url: str, text: str) -> None:
    """A real hyperlink (a ``w:hyperlink`` with an external relationship) at the end of ``paragraph``."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    words = OxmlElement("w:t")
    words.text = _clean(text)
    words.set(qn("xml:space"), "preserve")
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def to_docx(pack: dict) -> bytes:
    """The pack as a Word document: title and date; a heading per report; each paragraph quoted, with its
    note, its citation and its permalink as a hyperlink; the sources at the end."""
    from docx import Document

    document = Document()
    properties = document.core_properties
    properties.title = _clean(pack["title"])
    properties.subject = "Briefing pack"
    properties.author = "Findings"
    properties.created = _midnight(pack["date"])
    document.add_heading(_clean(pack["title"]), level=0)
    document.add_paragraph(f"{pack['date_text']} · {counted(pack)}")
    for group in pack["groups"]:
        document.add_heading(_clean(group["title"]), level=1)
        if group["record"] is not None:
            byline = document.add_paragraph(_clean(f"{group['author']}, {group['date']}"))
            byline.runs[0].italic = True
        for item in group["items"]:
            record = item["record"]
            quote = document.add_paragraph(style="Quote")
            quote.add_run(_clean(record["text"] if record else f"{MISSING_TEXT} ({item['id']})"))
            if item["note"]:
                note = document.add_paragraph()
                note.add_run("Note: ").bold = True
                note.add_run(_clean(item["note"]))
            cite = document.add_paragraph()
            if item["found"]:
                text = item["citation"]["text"]
                # The citation ends in the permalink: that part is the hyperlink.
                cite.add_run(_clean(text.removesuffix(item["permalink"])))
            else:
                cite.add_run("Permalink: ")
            add_hyperlink(cite, item["permalink"], item["permalink"])
    if pack["sources"]:
        document.add_heading("Sources", level=1)
        for source in pack["sources"]:
            entry = document.add_paragraph(style="List Number")
            entry.add_run(_clean(f"{source['author']}, \u201c{source['title']}\u201d, {source['date']}. "))
            if source["source_url"]:
                entry.add_run("Original: ")
                add_hyperlink(entry, source["source_url"], source["source_url"])
                entry.add_run(". ")
            entry.add_run("In Findings: ")
            add_hyperlink(entry, source["url"], source["url"])
    if pack["missing"]:
        document.add_heading("Not found", level=1)
        document.add_paragraph(f"{missing_sentence(pack)}: " + ", ".join(pack["missing"]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _midnight(iso: str):
    from datetime import datetime, time

    return datetime.combine(date.fromisoformat(iso), time())
