"""A SYNTHETIC scale corpus, made from the real paragraphs of ``corpus/``. For timing only.

Each synthetic report is a markdown file of about 300 paragraphs under the
headings inspectorates use, with a ``.meta.toml`` sidecar giving its force,
year, inspectorates and type. Text is recombined from the real corpus: sentences
are shuffled across paragraphs, some words are swapped for words of a vocabulary
that grows with the corpus (so the term dictionary grows the way a real
collection's does), and acronyms vary. Nothing in it is a real finding.
"""

from __future__ import annotations

import random
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.pipeline import parse_report

from .queries import FORCE, OTHER_FORCE

ROOT = Path(__file__).resolve().parent.parent
SOURCE_CORPUS = ROOT / "corpus"
FORCES_FILE = ROOT / "indexer" / "ingest" / "data" / "forces.toml"
PARAGRAPHS_PER_REPORT = 300
SEED = 20240501
LABEL = "SYNTHETIC BENCHMARK TEXT: recombined from real reports, for timing only. Not a real report."

INSPECTORATE_SETS = (
    ("HMICFRS",),
    ("HMICFRS",),
    ("HMICFRS", "Ofsted", "CQC", "HMI Probation"),
    ("Ofsted", "CQC", "HMICFRS", "HMI Probation"),
    ("HMICFRS", "HMI Prisons"),
    ("HMI Probation",),
)
SECTIONS = (
    # (heading, bulleted, share of the report's paragraphs)
    ("Summary", False, 0.2),
    ("Key findings", True, 0.15),
    ("Key strengths", True, 0.1),
    ("Areas for improvement", True, 0.15),
    ("Case study: local practice", False, 0.1),
    ("Recommendations", True, 0.1),
    ("Next steps", False, 0.05),
    ("Police and Crime Commissioner's response", False, 0.15),
)
ACRONYMS = ("VIST", "MASH", "CAMHS", "YOT", "CSE", "CCE", "RAG", "PEEL", "DASH", "MARAC", "IDVA", "PPN")
SYLLABLES = ("ab", "an", "ar", "be", "ca", "co", "de", "di", "el", "en", "fo", "ga", "in", "is", "la", "le",
             "ma", "mo", "ne", "ni", "or", "pa", "po", "ra", "re", "sa", "se", "ta", "ti", "to",
             "un", "ve")  # fmt: skip


@dataclass(frozen=True)
class SyntheticCorpus:
    """Where a synthetic corpus was written and what it holds."""

    path: Path
    paragraphs: int
    reports: int


def source_paragraphs(corpus_dir: Path = SOURCE_CORPUS) -> list[str]:
    """The real paragraphs of the shipped corpus, via the indexer's own parser."""
    texts: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix in (".md", ".txt", ".html", ".pdf") and path.name.lower() != "readme.md":
            texts.extend(p.text for p in parse_report(path, corpus_dir).paragraphs)
    return texts


def force_names(path: Path = FORCES_FILE) -> list[str]:
    with open(path, "rb") as handle:
        return [entry["name"] for entry in tomllib.load(handle)["force"]]


class TextMaker:
    """Recombines real sentences, growing the vocabulary as it goes."""

    def __init__(self, paragraphs: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.sentences = [s.strip() for p in paragraphs for s in re.split(r"(?<=[.;:])\s+", p) if len(s.split()) >= 4]
        self.lengths = [max(1, len(re.split(r"(?<=[.;:])\s+", p))) for p in paragraphs]
        self.vocabulary: list[str] = []

    def new_word(self) -> str:
        word = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
        self.vocabulary.append(word + self.rng.choice(("", "s", "ing", "ed", "ation", "ly")))
        return self.vocabulary[-1]

    def word(self) -> str:
        # Heaps-like growth: a new word now and then, otherwise a Zipf-ish pick of earlier ones.
        if not self.vocabulary or self.rng.random() < 0.08:
            return self.new_word()
        return self.vocabulary[int(len(self.vocabulary) ** self.rng.random()) - 1]

    def sentence(self) -> str:
        words = self.rng.choice(self.sentences).split(" ")
        for _ in range(self.rng.randint(0, 2)):
            words[self.rng.randrange(len(words))] = self.word()
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(ACRONYMS))
        return " ".join(words)

    def paragraph(self) -> str:
        count = min(6, self.rng.choice(self.lengths) + self.rng.randint(0, 1))
        return " ".join(self.sentence() for _ in range(count))


def report_markdown(maker: TextMaker, title: str, paragraphs: int, rng: random.Random) -> str:
    lines = [f"# {title}", "", LABEL, ""]
    written = 1
    for index, (heading, bulleted, share) in enumerate(SECTIONS):
        count = paragraphs - written if index == len(SECTIONS) - 1 else max(1, round(paragraphs * share))
        lines += [f"## {heading}", ""]
        for _ in range(count):
            text = maker.paragraph()
            if bulleted:
                text = "- " + text.rstrip(".")
            lines += [text, ""]
            written += 1
    return "\n".join(lines)


def sidecar(rng: random.Random, forces: list[str], number: int) -> dict:
    # The query mix filters by two forces and a year: the first reports carry them, so even the smoke
    # test's tiny corpus has them (a filter value matching nothing is refused, not counted as zero).
    year = 2020 if number == 2 else 2014 + number % 12
    inspectorates = rng.choice(INSPECTORATE_SETS)
    own_forces = rng.sample(forces, 1 if rng.random() < 0.85 else rng.randint(2, 4))
    pinned = {0: FORCE, 1: OTHER_FORCE}.get(number)
    if pinned and pinned not in own_forces:
        own_forces = [pinned, *own_forces[1:]]
    return {
        "title": f"Synthetic inspection {number:05d}: {own_forces[0]} {year}",
        "doc_type": "pcc_response" if rng.random() < 0.3 else "inspection_report",
        "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "inspectorates": list(inspectorates),
        "forces": own_forces,
    }


def _toml(data: dict) -> str:
    def value(v):
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "".join(f"{key} = {value(v)}\n" for key, v in data.items())


def write_report(
    folder: Path, number: int, maker: TextMaker, rng: random.Random, forces: list[str], paragraphs: int
) -> Path:
    meta = sidecar(rng, forces, number)
    path = folder / f"synthetic-{number:05d}.md"
    path.write_text(report_markdown(maker, meta["title"], paragraphs, rng), encoding="utf-8")
    (folder / f"synthetic-{number:05d}.meta.toml").write_text(f"# {LABEL}\n" + _toml(meta), encoding="utf-8")
    return path


def make_corpus(
    target: Path, paragraphs: int, *, seed: int = SEED, per_report: int = PARAGRAPHS_PER_REPORT
) -> SyntheticCorpus:
    """Write a synthetic corpus of about ``paragraphs`` paragraphs into ``target`` (replaced)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    # README.txt is one of the names the indexer skips.
    (target / "README.txt").write_text(LABEL + "\n", encoding="utf-8")
    rng = random.Random(seed)
    maker = TextMaker(source_paragraphs(), rng)
    forces = force_names()
    reports = max(1, round(paragraphs / per_report))
    for number in range(reports):
        size = per_report if number < reports - 1 else max(1, paragraphs - per_report * (reports - 1))
        write_report(target, number, maker, rng, forces, size)
    return SyntheticCorpus(target, paragraphs, reports)


def make_extra_report(target: Path, *, seed: int = SEED + 1, per_report: int = PARAGRAPHS_PER_REPORT) -> Path:
    """One more synthetic report file for the incremental-add measurement."""
    rng = random.Random(seed)
    maker = TextMaker(source_paragraphs(), rng)
    return write_report(target, 99999, maker, rng, force_names(), per_report)
