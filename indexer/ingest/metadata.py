"""Report metadata read from the text: title, type, date, inspectorates, forces, areas, link.

The gazetteers (forces, local authority areas, inspectorates) are editable TOML
files in ``indexer/ingest/data``. A sidecar ``<report>.meta.toml`` next to a report
overrides any field the text gets wrong or does not state.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from indexer.ingest.structure import MONTHS, Structure
from indexer.ingest.termmatch import TermMatcher
from indexer.model import DOC_TYPES, ReportMeta, ReportParseError

DATA_DIR = Path(__file__).with_name("data")
SIDECAR_SUFFIX = ".meta.toml"
SIDECAR_FIELDS = {"title", "doc_type", "published", "inspectorates", "forces", "areas", "source_url", "responds_to"}

MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS.split("|"), start=1)}
DAY_MONTH_YEAR = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTHS}),?\s+(?P<year>\d{{4}})"
MONTH_YEAR = rf"(?P<month>{MONTHS})\s+(?P<year>\d{{4}})"
PUBLISHED_ON_RE = re.compile(rf"\bpublished\s+(?:on\s+)?(?:the\s+)?{DAY_MONTH_YEAR}", re.I)
PUBLISHED_IN_RE = re.compile(rf"\bpublished\s+in\s+{MONTH_YEAR}", re.I)
DATE_RE = re.compile(DAY_MONTH_YEAR, re.I)
TITLE_MONTH_RE = re.compile(rf"\(\s*{MONTH_YEAR}\s*\)", re.I)
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:]", re.I)
FULL_REPORT_RE = re.compile(
    r"full report (?:can be (?:viewed|read|found)|is available)|read the (?:full )?report", re.I
)
RESPONSE_MARKERS_RE = re.compile(r"^response from:?\s.*(commissioner|opcc|mayor)", re.I | re.M)
TITLE_PREFIX_RE = re.compile(r"^(?:[A-Z][A-Za-z ]{1,20}):\s+(?=[A-Z])")
# "Police and Crime Commissioner, Devon, Cornwall and the Isles of Scilly", "OPCC for Kent",
# "police and crime plan for Devon...": a PCC's area named right after these words.
PCC_CONTEXTS = ("commissioner", "OPCC", "police and crime plan", "police fire and crime plan")
PCC_JOINERS = ("", "for", "of", "for the", "of the")


@dataclass(frozen=True)
class Gazetteer:
    """Compiled patterns for the names the metadata reader looks for."""

    inspectorates: TermMatcher
    """Inspectorate names and aliases; a joint inspection's name stands for its members."""
    inspectorate_order: tuple[str, ...]
    joint_label: str
    joint_inspectorates: tuple[str, ...]
    forces: TermMatcher
    """Force names and aliases, and PCC areas in context ("Commissioner for Kent")."""
    force_names: dict[str, str]
    """Any spelling (lower case) -> canonical force name, for sidecars."""
    force_mentions: re.Pattern[str]
    """Every force alias and PCC area, to mask them before looking for local areas."""
    areas: re.Pattern[str]
    area_names: dict[str, tuple[str, str]]
    """Any spelling (lower case) -> (canonical area, its force)."""


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(names, key=len, reverse=True))


def _word(names: list[str], flags: int = re.I) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{_alternation(names)})(?![\w-])", flags)


@lru_cache(maxsize=2)
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Patterns built from the data files in ``data_dir``."""

    def load(name: str) -> dict:
        with open(data_dir / name, "rb") as handle:
            return tomllib.load(handle)

    inspectorate_data, force_data, area_data = load("inspectorates.toml"), load("forces.toml"), load("areas.toml")
    inspectorate_terms = [
        (alias, entry["name"]) for entry in inspectorate_data["inspectorate"] for alias in entry["aliases"]
    ]
    joint = inspectorate_data["joint"]
    joint_label = "\0joint"
    inspectorate_terms += [(pattern, joint_label) for pattern in joint["patterns"]]
    force_terms, force_names, mentions = [], {}, []
    for entry in force_data["force"]:
        names = [entry["name"], *entry.get("aliases", [])]
        force_terms += [(name, entry["name"]) for name in names]
        force_names.update({name.lower(): entry["name"] for name in names})
        mentions += names + entry.get("pcc_areas", [])
        for area in entry.get("pcc_areas", []):
            for context in PCC_CONTEXTS:
                for joiner in PCC_JOINERS:
                    force_terms.append((f"{context} {joiner} {area}", entry["name"]))
    area_names = {}
    for entry in area_data["area"]:
        for name in [entry["name"], *entry.get("aliases", [])]:
            area_names[name.lower()] = (entry["name"], entry["force"])
    # Place names are proper nouns: matching case-sensitively keeps "Reading" the town
    # apart from "reading" the verb in most sentences.
    area_spellings = list({n for a in area_data["area"] for n in [a["name"], *a.get("aliases", [])]})
    areas = re.compile(rf"(?<![\w-])(?:{_alternation(area_spellings)})(?![\w-])")
    return Gazetteer(
        inspectorates=TermMatcher(inspectorate_terms),
        inspectorate_order=tuple(entry["name"] for entry in inspectorate_data["inspectorate"]),
        joint_label=joint_label,
        joint_inspectorates=tuple(joint["inspectorates"]),
        forces=TermMatcher(force_terms),
        force_names=force_names,
        force_mentions=_word(mentions),
        areas=areas,
        area_names=area_names,
    )


def read_metadata(structure: Structure, full_text: str, *, fallback_title: str) -> ReportMeta:
    """Everything the text says about the report it belongs to."""
    gazetteer = load_gazetteer()
    title = structure.title or fallback_title
    body = "\n".join(paragraph.text for paragraph in structure.paragraphs)
    section_types = {section_type for _, section_type in structure.headings}
    is_response = bool(
        section_types & {"pcc_response", "chief_constable_response"} or RESPONSE_MARKERS_RE.search(full_text)
    )
    doc_type = "pcc_response" if is_response else "inspection_report"
    areas = _areas(title, structure, gazetteer)
    return ReportMeta(
        title=title,
        doc_type=doc_type,
        published=_published(title, full_text, structure.letter_date),
        inspectorates=_inspectorates(f"{title}\n{full_text}", gazetteer),
        forces=_forces(f"{title}\n{full_text}", areas, gazetteer),
        areas=tuple(name for name, _ in areas),
        source_url=_source_url(structure, body),
        responds_to_title=_subject_title(title) if is_response else None,
    )


def _published(title: str, text: str, letter_date: str | None) -> str | None:
    """The publication date: stated, else the letter's date, else the month in the title."""
    for candidate in (PUBLISHED_ON_RE.search(text), DATE_RE.search(letter_date or "")):
        if candidate:
            return _iso(candidate)
    for candidate in (PUBLISHED_IN_RE.search(text), TITLE_MONTH_RE.search(title)):
        if candidate:
            return f"{int(candidate['year']):04d}-{MONTH_NUMBERS[candidate['month'].lower()]:02d}"
    return None


def _iso(match: re.Match[str]) -> str | None:
    try:
        return date(int(match["year"]), MONTH_NUMBERS[match["month"].lower()], int(match["day"])).isoformat()
    except ValueError:
        return None


def _inspectorates(text: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    found = gazetteer.inspectorates.labels(text)
    if gazetteer.joint_label in found:
        found.discard(gazetteer.joint_label)
        found.update(gazetteer.joint_inspectorates)
    order = gazetteer.inspectorate_order
    return tuple(sorted(found, key=order.index))


def _forces(text: str, areas: list[tuple[str, str]], gazetteer: Gazetteer) -> tuple[str, ...]:
    found = gazetteer.forces.labels(text)
    found.update(force for _, force in areas)
    return tuple(sorted(found))


def _areas(title: str, structure: Structure, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """Local authority areas inspected: those in the title, else those the summary names."""
    summary = " ".join(p.text for p in structure.paragraphs if p.section_type == "summary")
    for text in (title, summary):
        masked = gazetteer.force_mentions.sub(" ", text)
        found: dict[str, tuple[str, str]] = {}
        for match in gazetteer.areas.finditer(masked):
            name, force = gazetteer.area_names[re.sub(r"\s+", " ", match.group(0)).lower()]
            found.setdefault(name, (name, force))
        if found:
            return list(found.values())
    return []


def _source_url(structure: Structure, body: str) -> str | None:
    """The link given after "the full report can be viewed here"."""
    paragraphs = structure.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if FULL_REPORT_RE.search(paragraph.text):
            for candidate in paragraphs[index : index + 2]:
                url = URL_RE.search(candidate.text)
                if url:
                    # "www.example.org/report.pdf" would be a relative link in a page.
                    found = url.group(0)
                    return found if found.lower().startswith("http") else f"https://{found}"
    return None


def _subject_title(title: str) -> str:
    """The title of the report a response is about: its own title without prefix or date."""
    title = TITLE_PREFIX_RE.sub("", title)
    return TITLE_MONTH_RE.sub("", title).strip()


def normalise_title(title: str) -> str:
    """A title in the form titles are compared in (case, quotes and spacing ignored)."""
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def sidecar_path(path: Path) -> Path:
    """Where the optional metadata override for ``path`` lives."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def apply_sidecar(meta: ReportMeta, path: Path) -> tuple[ReportMeta, str | None]:
    """``meta`` with the sidecar's fields, and the sidecar's ``responds_to`` (a report id or title)."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return meta, None
    try:
        with open(sidecar, "rb") as handle:
            data = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ReportParseError(str(path), f"invalid sidecar {sidecar.name}: {error}") from None
    unknown = set(data) - SIDECAR_FIELDS
    if unknown:
        raise ReportParseError(str(path), f"sidecar {sidecar.name} has unknown fields: {', '.join(sorted(unknown))}")
    gazetteer = load_gazetteer()
    changes: dict = {}
    if "title" in data:
        changes["title"] = str(data["title"])
    if "source_url" in data:
        if not re.match(r"^https?://\S+$", str(data["source_url"])):
            raise ReportParseError(str(path), "sidecar source_url must be an http(s) address")
        changes["source_url"] = str(data["source_url"])
    if "doc_type" in data:
        if data["doc_type"] not in DOC_TYPES:
            raise ReportParseError(str(path), f"sidecar doc_type must be one of {', '.join(DOC_TYPES)}")
        changes["doc_type"] = data["doc_type"]
    if "published" in data:
        published = str(data["published"])
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", published):
            raise ReportParseError(str(path), "sidecar published must be YYYY-MM-DD or YYYY-MM")
        changes["published"] = published
    for name in ("inspectorates", "areas", "forces"):
        if name in data:
            # A single value may be written without the list brackets.
            data[name] = [data[name]] if isinstance(data[name], str) else data[name]
            if not isinstance(data[name], list):
                raise ReportParseError(str(path), f"sidecar {name} must be a list of names")
    for name in ("inspectorates", "areas"):
        if name in data:
            changes[name] = tuple(str(value) for value in data[name])
    if "forces" in data:
        forces = []
        for value in data["forces"]:
            canonical = gazetteer.force_names.get(str(value).lower())
            if canonical is None:
                raise ReportParseError(str(path), f"sidecar names an unknown force: {value}")
            forces.append(canonical)
        changes["forces"] = tuple(forces)
    return replace(meta, **changes), data.get("responds_to")
