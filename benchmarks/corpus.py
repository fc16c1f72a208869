"""A SYNTHETIC scale corpus, made from the real paragraphs of ``corpus/``. For timing only.

Each synthetic report has about 300 paragraphs under the headings inspectorates
use, with a ``.meta.toml`` sidecar giving its force, year, inspectorates and
type. It is written in one of the forms reports come in (:data:`FORMATS`):

- ``txt``: text extracted from a PDF: lines hard-wrapped at about 90
  characters, numbered headings, "•" bullets with indented continuation lines,
  and a running footer with the page number and a form feed every 50 lines;
- ``md``: markdown;
- ``html``: a scraped web page: site navigation, a cookie banner, a
  breadcrumb trail, the report in ``<main>`` (``h1``/``h2``, ``p``, ``ul``) and
  a site footer.

Text is recombined from the real corpus: sentences are shuffled across
paragraphs, some words are swapped for words of a vocabulary that grows with
the corpus, and acronyms vary. As in real reports, sentences also carry
people's names (officers, with surnames from a list and made-up ones), case and
operation reference numbers, dates in several styles, and misspellings, so that
the term dictionary grows the way a real collection's does: most of its terms
are rare. Nothing in it is a real finding.
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
FORMATS = ("txt", "md", "html")
"""The forms a synthetic corpus can be written in (the file suffixes)."""
FORMAT_NAMES = {"txt": "text extracted from PDF", "md": "markdown", "html": "scraped HTML"}
RANKS = ("PC", "DC", "PS", "DS", "Inspector", "DI", "Chief Inspector", "Superintendent", "Mr", "Ms", "Dr")
FIRST_NAMES = ("Aisha", "Ben", "Carys", "David", "Ellen", "Farid", "Grace", "Harpreet", "Ian", "Joanne", "Kwame",
               "Laura", "Mohammed", "Niamh", "Owen", "Priya", "Rhys", "Sarah", "Tomasz", "Yusuf")  # fmt: skip
SURNAMES = ("Ahmed", "Baker", "Campbell", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones",
            "Khan", "Lewis", "Morgan", "Nowak", "O'Neill", "Patel", "Roberts", "Singh", "Thomas", "Walsh")  # fmt: skip
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
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

    def name(self) -> str:
        """An officer or a witness: a rank or title, a first name, a surname (a third of them made up)."""
        rng = self.rng
        surname = rng.choice(SURNAMES) if rng.random() < 0.67 else self.new_word().capitalize()
        return f"{rng.choice(RANKS)} {rng.choice(FIRST_NAMES)} {surname}"

    def reference(self) -> str:
        """A case, crime, operation or document reference: nearly always a new term."""
        rng = self.rng
        year = rng.randint(2012, 2025)
        kind = rng.randrange(5)
        if kind == 0:
            return f"crime reference {rng.choice(('CR', 'CRN', 'OCC'))}/{year}/{rng.randint(1, 999999):06d}"
        if kind == 1:
            letters = rng.choice("ABCDEFGHJK") + rng.choice("LMNPRSTW")
            return f"URN {rng.randint(10, 99)}{letters}{rng.randint(1, 9999999):07d}{year % 100}"
        if kind == 2:
            return f"Operation {self.word().capitalize()}-{rng.randint(1, 999)}"
        if kind == 3:
            day, month = rng.randint(1, 28), rng.randint(1, 12)
            return f"incident log {day:02d}{month:02d}{year % 100}-{rng.randint(1, 9999):04d}"
        return f"case file {rng.choice('ABCDEFGH')}{rng.randint(100, 99999)}"

    def date(self) -> str:
        rng = self.rng
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2012, 2025)
        if rng.random() < 0.6:
            return f"{day} {MONTHS[month - 1]} {year}"
        return f"{day:02d}/{month:02d}/{year}"

    def misspell(self, word: str) -> str:
        """Two neighbouring letters swapped, or one doubled or dropped, as typed in a hurry."""
        rng = self.rng
        at = rng.randrange(1, len(word) - 2)
        kind = rng.randrange(3)
        if kind == 0:
            return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        if kind == 1:
            return word[:at] + word[at] + word[at:]
        return word[:at] + word[at + 1 :]

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choice(self.sentences).split(" ")
        for _ in range(rng.randint(0, 2)):
            words[rng.randrange(len(words))] = self.word()
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words)), rng.choice(ACRONYMS))
        for index, word in enumerate(words):
            if len(word) >= 6 and word.isalpha() and rng.random() < 0.01:
                words[index] = self.misspell(word)
        extra = rng.random()
        if extra < 0.12:
            words.insert(rng.randrange(len(words)), f"({self.reference()})")
        elif extra < 0.22:
            if words[0][:1].isupper() and not words[0].isupper():  # "The force..." but not "VIST..."
                words[0] = words[0][0].lower() + words[0][1:]
            words.insert(0, f"{self.name()} said that")
        elif extra < 0.3:
            words.insert(0, f"On {self.date()},")
        return " ".join(words)

    def paragraph(self) -> str:
        count = min(6, self.rng.choice(self.lengths) + self.rng.randint(0, 1))
        return " ".join(self.sentence() for _ in range(count))


Section = tuple[str, bool, list[str]]
"""A report's section: its heading, whether its paragraphs are bullets, and their texts."""


def report_sections(maker: TextMaker, paragraphs: int) -> list[Section]:
    """The sections of a report of about ``paragraphs`` paragraphs (the label line counts as one)."""
    sections: list[Section] = []
    written = 1
    for index, (heading, bulleted, share) in enumerate(SECTIONS):
        count = paragraphs - written if index == len(SECTIONS) - 1 else max(1, round(paragraphs * share))
        texts = [maker.paragraph() for _ in range(count)]
        sections.append((heading, bulleted, [text.rstrip(".") if bulleted else text for text in texts]))
        written += count
    return sections


def report_markdown(title: str, meta: dict, sections: list[Section]) -> str:
    lines = [f"# {title}", "", LABEL, ""]
    for heading, bulleted, texts in sections:
        lines += [f"## {heading}", ""]
        for text in texts:
            lines += [("- " + text) if bulleted else text, ""]
    return "\n".join(lines)


WRAP = 90
PAGE_LINES = 50


def report_text(title: str, meta: dict, sections: list[Section]) -> str:
    """The report as text extracted from its PDF (see the module's docstring)."""
    import textwrap

    year = meta["published"][:4]
    body = [title, f"An inspection of {meta['forces'][0]}", year, "", LABEL, ""]
    for number, (heading, bulleted, texts) in enumerate(sections, 1):
        body += [f"{number}. {heading}", ""]
        for text in texts:
            if bulleted:
                body += textwrap.wrap(text, WRAP, initial_indent="• ", subsequent_indent="  ")
            else:
                body += textwrap.wrap(text, WRAP)
            body.append("")
    lines: list[str] = []
    page = 1
    for start in range(0, len(body), PAGE_LINES):
        lines += body[start : start + PAGE_LINES]
        lines += ["", f"{title}    {page}", "\f"]
        page += 1
    return "\n".join(lines)


def report_html(title: str, meta: dict, sections: list[Section]) -> str:
    """The report as a scraped web page (see the module's docstring)."""
    from html import escape

    year, month, day = (int(part) for part in meta["published"].split("-"))
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)} | Inspection reports</title></head><body>",
        '<header><nav><ul><li><a href="/">Home</a></li><li><a href="/reports">Reports</a></li>'
        '<li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li></ul></nav></header>',
        '<div class="cookie-banner"><p>We use cookies to make this site work. <a href="/cookies">Cookie settings</a>'
        "</p></div>",
        f'<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/reports">Reports</a> &gt; {escape(title)}</nav>',
        f"<main><h1>{escape(title)}</h1>",
        f'<p class="published">Published: {day} {MONTHS[month - 1]} {year}</p>',
        f"<p><em>{escape(LABEL)}</em></p>",
    ]
    for heading, bulleted, texts in sections:
        parts.append(f"<h2>{escape(heading)}</h2>")
        if bulleted:
            parts.append("<ul>" + "".join(f"<li>{escape(text)}</li>" for text in texts) + "</ul>")
        else:
            parts.extend(f"<p>{escape(text)}</p>" for text in texts)
    parts.append(
        '</main><footer><p>© Crown copyright</p><ul><li><a href="/accessibility">Accessibility</a></li>'
        '<li><a href="/privacy">Privacy notice</a></li></ul></footer></body></html>'
    )
    return "\n".join(parts)


RENDERERS = {"md": report_markdown, "txt": report_text, "html": report_html}


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
    folder: Path,
    number: int,
    maker: TextMaker,
    rng: random.Random,
    forces: list[str],
    paragraphs: int,
    fmt: str = "md",
) -> Path:
    meta = sidecar(rng, forces, number)
    path = folder / f"synthetic-{number:05d}.{fmt}"
    path.write_text(RENDERERS[fmt](meta["title"], meta, report_sections(maker, paragraphs)), encoding="utf-8")
    (folder / f"synthetic-{number:05d}.meta.toml").write_text(f"# {LABEL}\n" + _toml(meta), encoding="utf-8")
    return path


def make_corpus(
    target: Path, paragraphs: int, *, seed: int = SEED, per_report: int = PARAGRAPHS_PER_REPORT, fmt: str = "md"
) -> SyntheticCorpus:
    """Write a synthetic corpus of about ``paragraphs`` paragraphs, in the form ``fmt``, into ``target`` (replaced)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
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
        write_report(target, number, maker, rng, forces, size, fmt)
    return SyntheticCorpus(target, paragraphs, reports)


def make_extra_report(
    target: Path, *, seed: int = SEED + 1, per_report: int = PARAGRAPHS_PER_REPORT, fmt: str = "md"
) -> Path:
    """One more synthetic report file for the incremental-add measurement."""
    rng = random.Random(seed)
    maker = TextMaker(source_paragraphs(), rng)
    return write_report(target, 99999, maker, rng, force_names(), per_report, fmt)
