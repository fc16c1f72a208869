"""Synthetic reports for the reliability tests: many paragraphs, deterministic per (number, version)."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = [
    "safeguarding", "children", "police", "force", "inspection", "partnership", "leaders", "managers", "referral",
    "mental", "health", "custody", "victims", "crime", "recording", "training", "supervision", "capacity", "demand",
    "neglect", "exploitation", "domestic", "abuse", "vulnerable", "officers", "staff", "investigation", "quality",
    "assurance", "audit", "governance", "strategic", "response",
]


def report_text(number: int, version: int = 0, *, paragraphs: int = 24, marker: str = "") -> str:
    """A markdown inspection report whose every paragraph changes when ``version`` does."""
    rng = random.Random(number * 7919 + version)
    lines = [f"# Inspection of force area {number}", "", "Published 8 January 2020", "", "## Summary", ""]
    for index in range(paragraphs):
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        lines += [f"Paragraph {index} of report {number} version {version} {marker}: {words}.", ""]
    lines += ["## Areas for improvement", ""]
    for index in range(6):
        words = " ".join(rng.choice(WORDS) for _ in range(16))
        lines.append(f"- Item {index} r{number}v{version} {marker} {words}.")
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, versions: dict[int, int], *, marker: str = "", paragraphs: int = 24) -> Path:
    """Write ``report-NNN.md`` for each number -> version; other report files are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"report-{number:03d}.md" for number in versions}
    for stale in folder.glob("report-*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for number, version in versions.items():
        path = folder / f"report-{number:03d}.md"
        text = report_text(number, version, paragraphs=paragraphs, marker=marker)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder
