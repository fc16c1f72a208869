"""Terminal output of a search result: readable, with the matches in bold."""

from __future__ import annotations

import html
import re
import shutil
import textwrap

import click

MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


def _snippet(snippet_html: str, color: bool) -> str:
    def bold(marked: str) -> str:
        text = html.unescape(marked)
        return click.style(text, bold=True, fg="yellow") if color else f"[{text}]"

    parts = MARK_RE.split(snippet_html)
    out = []
    for index, part in enumerate(parts):
        out.append(bold(part) if index % 2 else html.unescape(part))
    return "".join(out)


def render_terminal(result: dict, *, color: bool = False) -> str:
    """The result shape as lines of text for a terminal."""
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    lines = []
    if result.get("corrected"):
        lines.append(f"No results for '{result['query']}'; showing results for '{result['suggestion']}'.")
    elif result.get("suggestion"):
        lines.append(f"Did you mean: {result['suggestion']}?")
    for entry in result.get("glossary", []):
        lines.append(f"{entry['acronym']}: {entry['expansion']}")
    for note in result.get("notes", []):
        lines.append(note)
    first = (result["page"] - 1) * result["per_page"] + 1
    shown = len(result["results"])
    lines.append(f"{result['total']} paragraphs" + (f", showing {first}-{first + shown - 1}" if shown else ""))
    for record in result["results"]:
        finding = f" [{record['finding_type'].replace('_', ' ')}]" if record.get("finding_type") else ""
        header = f"{record['report_title']} ({record.get('published') or 'undated'})"
        lines.append("")
        lines.append(click.style(header, bold=True) if color else header)
        lines.append(f"  {record['section']}, para {record['paragraph_number']}{finding}")
        body = _snippet(record["snippet"], color)
        lines.extend(textwrap.wrap(body, width=width - 2, initial_indent="  ", subsequent_indent="  "))
        lines.append(f"  {record['citation']['text']}")
    return "\n".join(lines)


def render_similar(found: dict, *, color: bool = False) -> str:
    """Similar findings as lines of text: the paragraph, its key words, then each similar paragraph."""
    width = min(shutil.get_terminal_size((100, 20)).columns, 120)
    source = found["paragraph"]
    header = f"Similar to: {source['report_title']}, {source['section']}, para {source['paragraph_number']}"
    lines = [click.style(header, bold=True) if color else header]
    lines.extend(textwrap.wrap(_snippet(found["marked"], color), width=width - 2, initial_indent="  ",
                               subsequent_indent="  "))  # fmt: skip
    if found["key_terms"]:
        lines.append("Key words: " + ", ".join(key["word"] for key in found["key_terms"]))
    if not found["results"]:
        lines.append("No paragraph in another report shares its key words.")
    for number, record in enumerate(found["results"], start=1):
        finding = f" [{record['finding_type'].replace('_', ' ')}]" if record.get("finding_type") else ""
        title = f"{number}. {record['report_title']} ({record.get('published') or 'undated'})"
        lines.append("")
        lines.append(click.style(title, bold=True) if color else title)
        lines.append(f"  {record['section']}, para {record['paragraph_number']}{finding}; score {record['score']}")
        body = _snippet(record["snippet"], color)
        lines.extend(textwrap.wrap(body, width=width - 2, initial_indent="  ", subsequent_indent="  "))
        lines.append(f"  Shared: {', '.join(record['shared'])}")
        lines.append(f"  {record['citation']['text']}")
    return "\n".join(lines)
