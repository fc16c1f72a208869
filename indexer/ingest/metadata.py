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
from indexer.model import DOC_TYPES, RESPONSE_TYPES, ReportMeta, ReportParseError

DATA_DIR = Path(__file__).with_name("data")
SIDECAR_SUFFIX = ".meta.toml"
SIDECAR_FIELDS = {"title", "doc_type", "published", "inspectorates", "forces", "areas", "source_url", "responds_to"}

MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS.split("|"), start=1)}
DAY_MONTH_YEAR = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTHS}),?\s+(?P<year>\d{{4}})"
MONTH_YEAR = rf"(?P<month>{MONTHS})\s+(?P<year>\d{{4}})"
PUBLISHED_ON_RE = re.compile(rf"\bpublished(?:\s+on)?\s*:?\s+(?:the\s+)?{DAY_MONTH_YEAR}", re.I)
PUBLISHED_IN_RE = re.compile(rf"\bpublished(?:\s+in|\s*:)?\s+{MONTH_YEAR}", re.I)
# "Last updated 12/05/2019", "Date response sent: 07/11/2018": UK day/month order.
NUMERIC_DATE_LABEL_RE = re.compile(
    r"\b(?:last updated|updated|date (?:response )?sent|date of (?:publication|issue)|published|date)\s*(?:on)?\s*:?\s*"
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>(?:19|20)\d{2})\b",
    re.I,
)
# "On Wednesday 4th July 2018 HMICFRS published ...": a dated sentence about the publication.
ON_DATE_PUBLISHED_RE = re.compile(
    rf"\bon\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?{DAY_MONTH_YEAR}[^.]{{0,160}}?\bpublished\b",
    re.I,
)
# A cover's month on a line of its own, perhaps after its inspectorate: "November 2017", "HMI Probation, June 2021".
COVER_MONTH_RE = re.compile(rf"^\s*(?:[A-Z][\w ]{{1,40}},\s*)?{MONTH_YEAR}\s*$", re.I | re.M)
COVER_LINES = 15
# A date that belongs to another report: "... will be published in March 2019".
FUTURE_RE = re.compile(r"\b(will|to|would|shall)\s+be\s+$", re.I)
DATE_RE = re.compile(DAY_MONTH_YEAR, re.I)
TITLE_MONTH_RE = re.compile(rf"\(\s*{MONTH_YEAR}\s*\)", re.I)
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:]", re.I)
FULL_REPORT_RE = re.compile(
    r"full report (?:can be (?:viewed|read|found)|is available)|read the (?:full )?report", re.I
)
RESPONSE_MARKERS_RE = re.compile(r"^response from:?\s.*(commissioner|opcc|mayor)", re.I | re.M)
TITLE_TAIL_RE = re.compile(
    r"\s+(?:by (?:HM|Her Majesty's|His Majesty's|the) [A-Z][\s\S]*|\d{1,2}\s*[–-]\s*\d{1,2} [A-Z][a-z]+ \d{4}\s*"
    # A cover's byline under the title: the inspectorate's name alone.
    r"|(?:HMICFRS|HMIC|HM Inspectorate of [A-Z][\w &]+|Her Majesty's Inspectorate of [A-Z][\w &]+|Ofsted|CQC"
    r"|HMI Probation|HMI Prisons)\s*)$"
)
TITLE_SEARCH_PARAGRAPHS = 8
TITLE_MIN_WORDS = 3
TITLE_MAX_CHARS = 250
LEADING_PAGE_RE = re.compile(r"^(?:\d{1,3}\s+|page\s+\d{1,3}\s*:\s*)", re.I)
NOT_A_TITLE_RE = re.compile(r"\b\d{1,2}[-/ ](?:[a-z]{3}|\d{1,2})[-/ ]\d{2,4}\b|https?://|www\.|\s·\s|\.{3}", re.I)
DOC_TYPE_HEAD_CHARS = 4000
"""How much of the start of a document says what kind of document it is."""
THEMATIC_HEAD_CHARS = 600
PROGRESS_RES = tuple(
    re.compile(pattern, re.I | re.M)
    for pattern in (
        r"\[status\]",
        r"^\s*status\s*:\s*(completed?|being progressed|in progress|awaiting review|superseded|not started|closed)\b",
        r"\brecommendation progress\b",
        r"^\s*status\s*\n\s*(completed?|being progressed|in progress|awaiting review|superseded|not started"
        r"|closed)\s*$",
        r"^\s*progress update\s*:",
        r"\bprogress (update|report)s? (on|against)\b.{0,80}\brecommendations?\b",
    )
)
FORCE_RESPONSE_RES = tuple(
    re.compile(pattern, re.I | re.M)
    for pattern in (
        r"\b(the )?force'?s? response to (the )?(hmic\w*|inspectorate)",
        r"\b(police|constabulary)['’]?s? (formal )?response to (the )?(hmic\w*|his majesty|her majesty|inspectorate)",
        r"^\s*(force|chief constable['’]?s?) response\s*[:–-]",
        r"\breport of the (chief constable|commissioner of police|commissioner)\b"
        r"[\s\S]{0,600}\b(members|committee|panel|board)\b",
    )
)
PCC_RESPONSE_RES = tuple(
    re.compile(pattern, re.I | re.M)
    for pattern in (
        r"\bcommenting on the (hmic\w*|inspectorate'?s?)\b.{0,120}\b(commissioner|pcc)\b",
        r"\b(police,? (fire )?and crime )?commissioner\b.{0,80}"
        r"\b(said|says|commented|issued (this|the following|a) statement)\b",
        r"\bi am writing( to you)? in response to\b",
        r"\bsection 55\b",
        r"\b(pcc|commissioner|opcc)'?s? (formal |official )?(response|comments|statement)\b",
        r"^\s*commissioner (comments|responds|response|statement)\b",
        r"^\s*response of the (police,? (fire )?and crime commissioner|pcc|opcc|commissioner|mayor)\b",
    )
)
PCC_TITLE_RE = re.compile(r"\b(commissioner|pcc|opcc)\b.{0,40}\b(comments?|responds?|response|statement)\b", re.I)
THEMATIC_RE = re.compile(r"\b(thematic|national (inspection|review|report)|spotlight report)\b", re.I)
TITLE_PREFIX_RE = re.compile(r"^(?:[A-Z][A-Za-z ]{1,20}):\s+(?=[A-Z])")
# "Police and Crime Commissioner, Devon, Cornwall and the Isles of Scilly", "OPCC for Kent",
# "police and crime plan for Devon...": a PCC's area named right after these words.
PCC_CONTEXTS = ("commissioner", "OPCC", "police and crime plan", "police fire and crime plan")
PCC_JOINERS = ("", "for", "of", "for the", "of the")
POSSESSIVE_OFFICES = ("police and crime commissioner", "police, fire and crime commissioner", "pcc", "commissioner")
# A force's area named bare, where the words around it say policing: "police business in Devon and
# Cornwall", "custody suites in Humberside". (A postal address names a town, never these.)
POLICING_CONTEXTS = (
    "policing in",
    "policing across",
    "police business in",
    "police custody in",
    "custody suites in",
    "custody suite in",
    "custody provision in",
    "police force in",
    "police forces in",
    "the force area of",
    "policing of",
    "crime in",
)
# A page or report titled by its force's area: "Thames Valley 2016", "Devon and Cornwall PEEL 2014".
AREA_TITLE_RE = re.compile(r"^\s*(?P<area>[A-Z][\w&,' -]{2,60}?)\s+(?:PEEL\b|(?:19|20)\d{2}\b)")


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
    force_areas: dict[str, str]
    """A force's area as PCCs write it (lower case) -> canonical force name."""
    office_areas: dict[str, str]
    """Canonical force name -> its commissioner's area, in full ("Devon, Cornwall and the Isles of Scilly")."""
    predecessors: tuple[tuple[str, str, re.Pattern[str], re.Pattern[str]], ...]
    """(inspectorate, former name, pattern of the former name, pattern of the current name)."""
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
    force_terms, force_names, mentions, force_areas, office_areas = [], {}, [], {}, {}
    for entry in force_data["force"]:
        if entry.get("pcc_areas"):
            office_areas[entry["name"]] = entry["pcc_areas"][0]
        names = [entry["name"], *entry.get("aliases", [])]
        force_terms += [(name, entry["name"]) for name in names]
        force_names.update({name.lower(): entry["name"] for name in names})
        mentions += names + entry.get("pcc_areas", [])
        for area in entry.get("pcc_areas", []):
            force_areas[area.lower()] = entry["name"]
            for context in PCC_CONTEXTS:
                for joiner in PCC_JOINERS:
                    force_terms.append((f"{context} {joiner} {area}", entry["name"]))
            # "Cleveland's Police and Crime Commissioner", "Surrey's PCC".
            for office in POSSESSIVE_OFFICES:
                force_terms += [(f"{area}{mark} {office}", entry["name"]) for mark in ("'s", "’s")]
            force_terms += [(f"{context} {area}", entry["name"]) for context in POLICING_CONTEXTS]
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
        force_areas=force_areas,
        office_areas=office_areas,
        predecessors=tuple(
            (
                entry["name"],
                entry["predecessor"],
                re.compile(entry["predecessor_pattern"]),
                re.compile(entry["current_pattern"]),
            )
            for entry in inspectorate_data["inspectorate"]
            if "predecessor" in entry
        ),
        force_mentions=_word(mentions),
        areas=areas,
        area_names=area_names,
    )


def read_metadata(structure: Structure, full_text: str, *, fallback_title: str) -> ReportMeta:
    """Everything the text says about the report it belongs to."""
    gazetteer = load_gazetteer()
    printed = structure.title or _title_from_paragraphs(structure)
    title = _with_subtitle(_trim_title(printed), structure) if printed else fallback_title
    section_types = {section_type for _, section_type in structure.headings}
    letter = any(reason == "salutation" for _, reason in structure.dropped)
    doc_type = document_type(title, full_text, section_types, letter=letter)
    areas = _areas(title, structure, gazetteer)
    # The same text as :func:`evidence` reads, so that the gazetteers' one pass over it serves both.
    named_text = f"{structure.title or ''}\n{full_text}"
    forces = _forces(named_text, areas, gazetteer, title)
    inspectorates = _inspectorates(named_text, gazetteer)
    body = "\n".join(paragraph.text for paragraph in structure.paragraphs)
    published, _ = published_with_evidence(title, full_text, structure.letter_date)
    meta = ReportMeta(
        title=title,
        doc_type=doc_type,
        published=published,
        inspectorates=inspectorates,
        forces=forces,
        areas=tuple(name for name, _ in areas),
        source_url=_source_url(structure, body),
        author=join_names(list(_inspectorate_names_as_written(named_text, inspectorates, gazetteer))),
        programme=programmes(title, full_text, doc_type),
    )
    if doc_type not in RESPONSE_TYPES or doc_type == "progress_update":
        return meta
    office = responding_office(doc_type, full_text, forces, gazetteer)
    own_date, report_date = response_dates(full_text, structure.letter_date)
    minute = None if printed else MINUTE_SUBJECT_RE.search(full_text[:DOC_TYPE_HEAD_CHARS])
    subject = _subject_title(title) if printed else _subject_from_text(full_text)
    named = _response_heading(structure, title)
    if named:
        title = named
    if printed and RESPONSE_TITLE_RE.search(title):
        own_title = title  # the page is titled as the response it is
        subject = _answered_in_title(title) or subject
    elif minute and subject and RESPONSE_TITLE_RE.search(subject):
        # Minutes name the paper they consider: "the Force response to ..." is this document.
        own_title = subject[:1].upper() + subject[1:]
        answered = RESPONSE_TO_RE.search(subject)
        subject = answered["subject"].strip() if answered else None
    elif printed:
        # The page repeats the report's title: say what this document is, as the inspectorate's own
        # pages do ("... (OPCC response)"), so that the two are told apart in every list.
        own_title = f"{title} ({RESPONSE_LABELS[doc_type]})"
    else:
        own_title = response_title(office, subject)
    return replace(
        meta,
        title=own_title,
        published=own_date or report_date or published,
        author=office,
        responds_to_title=subject,
        responds_to_published=report_date or (published if not own_date else None),
    )


TITLE_PARTS_RE = re.compile(r"\s+[–—-]\s+|:\s+")


def _answered_in_title(title: str) -> str | None:
    """The report a response's title names: "PEEL 2017 – the Force response to ..." -> "PEEL 2017"."""
    parts = TITLE_PARTS_RE.split(title)
    for index, part in enumerate(parts):
        if index and RESPONSE_TITLE_RE.search(part) and not RESPONSE_TITLE_RE.search(" ".join(parts[:index])):
            return title[: title.index(part)].rstrip(" –—-:")
    answered = RESPONSE_TO_RE.search(title)
    return answered["subject"].strip() if answered else None


def _response_heading(structure: Structure, title: str) -> str | None:
    """A line near the top that names the document as a response to something, when the title does not.

    Minutes and letters often carry a committee's or an office's name as their first line, and say
    what they are a line or two later ("... – the Force response to the areas for improvement").
    """
    if RESPONSE_TITLE_RE.search(title):
        return None
    lines = [heading for heading, _ in structure.headings[:TITLE_SEARCH_PARAGRAPHS]]
    for paragraph in structure.paragraphs[:TITLE_SEARCH_PARAGRAPHS]:
        lines += [*paragraph.section.split(" › ")[1:], paragraph.text]
    for line in lines:
        line = " ".join(line.split())
        if (
            len(line) <= TITLE_MAX_CHARS
            and not line.endswith((".", ":", ";", ","))
            and RESPONSE_TITLE_RE.search(line)
            and RESPONSE_TO_RE.search(line)
        ):
            return line
    return None


def join_names(names: list[str]) -> str:
    """ "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


PROGRAMMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("PEEL", r"\bPEEL\b|police effectiveness, efficiency and legitimacy"),
        ("JTAI", r"joint targeted area inspections?|\bJTAIs?\b"),
        (
            "custody",
            r"\bcustody (?:suites?|inspections?|visits?)\b|inspections? (?:visits? )?(?:to|of) (?:police )?custody",
        ),
        ("crime data integrity", r"crime data integrity|\bCDI\b|crime recording (?:inspection|audit)"),
        ("child protection", r"child protection inspections?"),
    )
)
"""Inspection programmes, each named as reports and responses name it."""
PROGRAMME_HEAD_CHARS = 2500


def programmes(title: str, text: str, doc_type: str) -> tuple[str, ...]:
    """The inspection programmes the document belongs to (a response: the programme of the report it answers)."""
    head = f"{title}\n{text[:PROGRAMME_HEAD_CHARS]}"
    found = [name for name, pattern in PROGRAMMES if pattern.search(head)]
    if doc_type == "thematic_report" or THEMATIC_RE.search(title):
        found.append("thematic")
    return tuple(found)


RESPONSE_TO_RE = re.compile(
    r"\b(?:responses?|reply|responds?|comments?|statement)\s+(?:to|on):? (?:the )?(?P<subject>\S.{4,})$", re.I
)
"""The report a response's title names: "Force response to ...", "Commissioner comments on ..."."""
RESPONSE_TITLE_RE = re.compile(
    r"\b(?:commissioner|pcc|opcc|pfcc|mayor|chief constable)['’]?s?\b.{0,60}?"
    r"\b(?:responses?|responds?|comments?|statement|reply)\b|\b(?:force|constabulary|police)['’]?s?\s+"
    r"(?:responses?|statement|reply)\b|^(?:responses?|reply|statement|comments?)\b|\bminutes?\b"
    r"|\bsection 55 (?:response|letter|report)\b",
    re.I,
)
"""A title that names its document as a response, rather than repeating the report's title."""
RESPONSE_LABELS = {"pcc_response": "PCC response", "force_response": "force response"}
OWN_OFFICE_RE = re.compile(
    r"\b(?P<office>(?:[A-Z][\w&-]+ ){0,3}[A-Z][\w&-]+['’]s (?:police,? (?:fire )?and crime commissioner|pcc))\b", re.I
)
FIRE_ROLE_RE = re.compile(r"\bpolice,? fire and crime commissioner\b", re.I)
CHIEF_CONSTABLE_RE = re.compile(r"\bchief constable\b", re.I)


def responding_office(doc_type: str, text: str, forces: tuple[str, ...], gazetteer: Gazetteer) -> str:
    """The office a response speaks for, as its text names it or as the force's area names it."""
    if doc_type == "force_response":
        if len(forces) == 1:
            return f"Chief Constable of {forces[0]}" if CHIEF_CONSTABLE_RE.search(text) else forces[0]
        return "The force"
    written = OWN_OFFICE_RE.search(text[:DOC_TYPE_HEAD_CHARS])
    if written and written["office"][:1].isupper():
        return " ".join(written["office"].replace("’", "'").split())
    role = "Police, Fire and Crime Commissioner" if FIRE_ROLE_RE.search(text) else "Police and Crime Commissioner"
    if len(forces) == 1 and forces[0] in gazetteer.office_areas:
        return f"{role} for {gazetteer.office_areas[forces[0]]}"
    return role


def response_title(office: str, subject: str | None) -> str:
    """A response's own title, when it prints none of its own: who responds, to what."""
    if subject is None:
        return f"Response of the {office}" if office.startswith(("Police", "Chief")) else f"{office}'s response"
    if office.startswith(("Police", "Chief")):
        return f"Response of the {office} to {subject}"
    return f"{office}'s response to {subject}"


# Where a response without a title line says what it answers: committee minutes ("considered a
# report of the Commissioner regarding the Force response to ..."), statements ("Commenting on the
# HMIC report, ...") and letters ("I am writing in response to your report on ...").
MINUTE_SUBJECT_RE = re.compile(
    r"\b(?:considered|received|noted) (?:a|the) report (?:of|from|by) [^.]{0,80}?\b(?:regarding|on|concerning|about"
    r"|entitled) (?:the )?(?P<subject>[^.]{10,200}?)(?: and the following| and (?:it|members)\b|,|\.|$)",
    re.I | re.M,
)
COMMENT_SUBJECT_RE = re.compile(
    r"\b(?:commenting on|in response to|responding to) "
    r"(?P<subject>(?:the|your|HMICFRS['’]s?|HMIC['’]s?) [^,.;]{3,150}?)"
    r"(?:,|\.|;|$)",
    re.I,
)


def _subject_from_text(text: str) -> str | None:
    head = text[:DOC_TYPE_HEAD_CHARS]
    minute = MINUTE_SUBJECT_RE.search(head)
    if minute:
        return minute["subject"].strip()
    comment = COMMENT_SUBJECT_RE.search(head)
    if not comment:
        return None
    # "your report on ..." is the inspectorate's report, as a reader of the response sees it.
    return re.sub(r"^your\b", "the", comment["subject"].strip(), flags=re.I)


SUBTITLE_RE = re.compile(
    r"^(?:an?\s+|the\s+)?(?:joint\s+|unannounced\s+|national\s+|thematic\s+)*"
    r"(?:inspection|review|report|assessment)\s+(?:of|on|into)\s+\S",
    re.I,
)
"""A cover's subtitle that says what the report is about: "An inspection of Cleveland Police"."""
SHORT_TITLE_WORDS = 3
SUBTITLE_LINES = 4


def _with_subtitle(title: str, structure: Structure) -> str:
    """A short cover title ("PEEL 2021/22") with the subtitle that names its subject, when one follows."""
    if len(title.split()) > SHORT_TITLE_WORDS:
        return title
    early = [heading for heading, _ in structure.headings[:SUBTITLE_LINES]]
    early += [paragraph.text for paragraph in structure.paragraphs[:SUBTITLE_LINES]]
    for line in early:
        line = " ".join(line.split())
        if SUBTITLE_RE.match(line) and len(line) <= TITLE_MAX_CHARS and not line.endswith("."):
            return f"{title}: {line}"
    return title


def _trim_title(title: str) -> str:
    """A title without the authorship or dates printed after it on a cover ("... by HM Inspectorate of ...")."""
    return TITLE_TAIL_RE.sub("", title).strip() or title


def _title_from_paragraphs(structure: Structure) -> str | None:
    """When no heading made the title: the first early paragraph that reads like one."""
    candidates = []
    for paragraph in structure.paragraphs[:TITLE_SEARCH_PARAGRAPHS]:
        if " › " in paragraph.section:  # a sub-heading made of a line that may be the title
            candidates.append(paragraph.section.split(" › ", 1)[1])
        candidates.append(paragraph.text)
    for candidate in candidates:
        text = LEADING_PAGE_RE.sub("", " ".join(candidate.split()))
        if (
            len(text.split()) >= TITLE_MIN_WORDS
            and len(text) <= TITLE_MAX_CHARS
            and not text.endswith((".", ":", ";", ",", "!"))
            and (text[:1].isupper() or text[:1] in "'\"‘“")
            and not NOT_A_TITLE_RE.search(text)
        ):
            return text
    return None


def document_type(title: str, text: str, section_types: set[str], *, letter: bool = False) -> str:
    """What kind of document this is, from how it speaks (see :data:`indexer.model.DOC_TYPES`)."""
    return document_type_with_evidence(title, text, section_types, letter=letter)[0]


def document_type_with_evidence(
    title: str, text: str, section_types: set[str], *, letter: bool = False
) -> tuple[str, str]:
    """The document type and the words (or the heading) it was read from.

    ``letter`` says the document opens with a salutation: an inspectorate's letter (a JTAI's
    findings, or a chief inspector's letter) unless it speaks as a response.
    """
    head = text[:DOC_TYPE_HEAD_CHARS]
    for patterns, doc_type in ((PROGRESS_RES, "progress_update"), (FORCE_RESPONSE_RES, "force_response")):
        for pattern in patterns:
            if match := pattern.search(head):
                return doc_type, match.group(0)
    if "pcc_response" in section_types:
        return "pcc_response", "a heading: the commissioner's response"
    for pattern in PCC_RESPONSE_RES:
        if match := pattern.search(head):
            return "pcc_response", match.group(0)
    if "chief_constable_response" in section_types:
        return "force_response", "a heading: the chief constable's response"
    for pattern, source in ((RESPONSE_MARKERS_RE, text), (PCC_TITLE_RE, title)):
        if match := pattern.search(source):
            return "pcc_response", match.group(0)
    if letter:
        return "inspection_letter", "a letter: it opens with a salutation"
    if match := THEMATIC_RE.search(f"{title}\n{head[:THEMATIC_HEAD_CHARS]}"):
        return "thematic_report", match.group(0)
    return "inspection_report", "no words of a response, a thematic or a tracker: an inspection report"


SIDECAR_SOURCE = "(from the sidecar file)"


def evidence(
    meta: ReportMeta, structure: Structure, full_text: str, *, given: frozenset[str] = frozenset()
) -> dict[str, list[tuple[str, str]]]:
    """For each fact of the front matter, (value, the line it came from); for ``findings inspect``.

    ``given`` names the fields a sidecar set: their source is the sidecar, not a line of the text.
    """
    gazetteer = load_gazetteer()
    text = f"{structure.title or ''}\n{full_text}"
    lines = [line.strip() for line in text.split("\n") if line.strip()]

    def line_at(position: int) -> str:
        """The line of ``text`` that holds ``position``."""
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        return text[start : end if end >= 0 else len(text)].strip()

    def line_of(words: str | None) -> str:
        if not words:
            return "(not stated in the text)"
        first = words.strip().split("\n")[0]
        found = text.find(first)
        return line_at(found) if found >= 0 else first

    stated, stated_words = published_with_evidence(meta.title, full_text, structure.letter_date)

    def dated(value: str | None) -> str:
        """The line stating the date ``value``: the words it was read from, else its first mention in any form."""
        if not value or "published" in given:
            return "(not stated in the text)"
        if value == stated and stated_words:
            return line_of(stated_words)
        positions = []
        for pattern in (DATE_RE, NUMERIC_DATE_LABEL_RE, MONTH_YEAR_RE):
            first = next((match for match in pattern.finditer(text) if _any_iso(match) == value), None)
            if first:
                positions.append(first.start())
        return line_at(min(positions)) if positions else "(not stated in the text)"

    section_types = {section_type for _, section_type in structure.headings}
    letter = any(reason == "salutation" for _, reason in structure.dropped)
    _, type_words = document_type_with_evidence(meta.title, full_text, section_types, letter=letter)

    # Where each name first occurs: one pass over the text's words per gazetteer.
    matchers = (gazetteer.inspectorates, gazetteer.forces)
    first_named = {id(matcher): matcher.first_positions(text) for matcher in matchers}

    def named(value: str, matcher: TermMatcher) -> str:
        position = first_named[id(matcher)].get(value)
        return "(from a joint inspection's name)" if position is None else line_at(position)

    def programme_line(name: str) -> str:
        pattern = dict(PROGRAMMES).get(name, THEMATIC_RE)
        return next((line for line in lines if pattern.search(line)), f"(the document type: {meta.doc_type})")

    title_from = line_of(meta.title) if meta.title in full_text else "(composed: the text names no title of its own)"
    facts = {
        "title": [(meta.title, title_from)],
        "published": [(meta.published or "none", dated(meta.published))],
        "doc_type": [(meta.doc_type, line_of(type_words))],
        "inspectorates": [(name, named(name, gazetteer.inspectorates)) for name in meta.inspectorates],
        "forces": [(name, named(name, gazetteer.forces)) for name in meta.forces],
        "programme": [(name, programme_line(name)) for name in meta.programme],
        "author": [(meta.author, line_of(meta.author) if meta.author in full_text else "(from the names above)")],
    }
    if meta.responds_to_title or meta.responds_to_published:
        facts["responds_to_title"] = [(meta.responds_to_title or "none", line_of(meta.responds_to_title))]
        facts["responds_to_published"] = [
            (meta.responds_to_published or "none", dated(meta.responds_to_published))
        ]
    for name in given & set(facts):
        facts[name] = [(value, SIDECAR_SOURCE) for value, _ in facts[name]]
    return facts


MONTH_YEAR_RE = re.compile(MONTH_YEAR, re.I)


def _any_iso(match: re.Match[str]) -> str | None:
    """The ISO date (or month) a date match stands for."""
    groups = match.groupdict()
    try:
        month = int(groups["month"]) if groups["month"].isdigit() else MONTH_NUMBERS[groups["month"].lower()]
        if groups.get("day"):
            return date(int(groups["year"]), month, int(groups["day"])).isoformat()
        return f"{int(groups['year']):04d}-{month:02d}"
    except ValueError:
        return None


def _published(title: str, text: str, letter_date: str | None) -> str | None:
    """The publication date: stated, else updated or sent, else the letter's date, else a month."""
    return published_with_evidence(title, text, letter_date)[0]


def published_with_evidence(title: str, text: str, letter_date: str | None) -> tuple[str | None, str | None]:
    """The publication date and the words it was read from."""
    stated = _first_not_future(PUBLISHED_ON_RE, text)
    if stated:
        return _iso(stated), stated.group(0)
    numeric = NUMERIC_DATE_LABEL_RE.search(text)
    if numeric:
        try:
            value = date(int(numeric["year"]), int(numeric["month"]), int(numeric["day"])).isoformat()
            return value, numeric.group(0)
        except ValueError:
            pass
    for candidate in (DATE_RE.search(letter_date or ""), ON_DATE_PUBLISHED_RE.search(text)):
        if candidate:
            return _iso(candidate), candidate.group(0)
    cover = COVER_MONTH_RE.search("\n".join(text.split("\n")[:COVER_LINES]))
    for candidate in (_first_not_future(PUBLISHED_IN_RE, text), cover, TITLE_MONTH_RE.search(title)):
        if candidate:
            month = MONTH_NUMBERS[candidate["month"].lower()]
            return f"{int(candidate['year']):04d}-{month:02d}", candidate.group(0).strip()
    return None, None


# A response's own date: a label on its page or letter ("Published: 3 October 2018", "Date response
# sent: 07/11/2018"), as opposed to the date it gives for the report it answers ("The report was
# published on 8th January 2020").
OWN_DATE_LABEL_RE = re.compile(
    rf"^\s*(?:published|date|dated|posted|issued)(?:\s+on)?\s*:\s*{DAY_MONTH_YEAR}", re.I | re.M
)


def response_dates(text: str, letter_date: str | None) -> tuple[str | None, str | None]:
    """(the response's own date, the answered report's date), each as stated, else None."""
    own: str | None = None
    labelled = OWN_DATE_LABEL_RE.search(text)
    numeric = NUMERIC_DATE_LABEL_RE.search(text)
    letter = DATE_RE.search(letter_date or "")
    if labelled:
        own = _iso(labelled)
    elif numeric:
        try:
            own = date(int(numeric["year"]), int(numeric["month"]), int(numeric["day"])).isoformat()
        except ValueError:
            own = None
    elif letter:
        own = _iso(letter)
    report: str | None = None
    for pattern in (PUBLISHED_ON_RE, ON_DATE_PUBLISHED_RE):
        for stated in pattern.finditer(text):
            if (labelled and labelled.start() <= stated.start() < labelled.end()) or _future(text, stated):
                continue
            report = _iso(stated)
            break
        if report:
            break
    if report is None and (month := _first_not_future(PUBLISHED_IN_RE, text)):
        report = f"{int(month['year']):04d}-{MONTH_NUMBERS[month['month'].lower()]:02d}"
    return own, report


def _first_not_future(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match that is not about something yet to be published."""
    return next((match for match in pattern.finditer(text) if not _future(text, match)), None)


def _future(text: str, match: re.Match[str]) -> bool:
    """True when the date is of something yet to be published ("will be published in March 2019")."""
    return bool(FUTURE_RE.search(text[max(0, match.start() - 20) : match.start()]))


def _iso(match: re.Match[str]) -> str | None:
    try:
        return date(int(match["year"]), MONTH_NUMBERS[match["month"].lower()], int(match["day"])).isoformat()
    except ValueError:
        return None


def _inspectorate_names_as_written(text: str, inspectorates: tuple[str, ...], gazetteer: Gazetteer) -> tuple[str, ...]:
    """The inspectorates under the names the document uses: "HMIC" in a report written before HMICFRS."""
    former = {
        name: old
        for name, old, old_re, new_re in gazetteer.predecessors
        if old_re.search(text) and not new_re.search(text)
    }
    return tuple(former.get(name, name) for name in inspectorates)


def _inspectorates(text: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    found = gazetteer.inspectorates.labels(text)
    if gazetteer.joint_label in found:
        found.discard(gazetteer.joint_label)
        found.update(gazetteer.joint_inspectorates)
    order = gazetteer.inspectorate_order
    return tuple(sorted(found, key=order.index))


def _forces(text: str, areas: list[tuple[str, str]], gazetteer: Gazetteer, title: str = "") -> tuple[str, ...]:
    found = gazetteer.forces.labels(text)
    found.update(force for _, force in areas)
    titled = AREA_TITLE_RE.match(title)
    if titled and titled["area"].strip().lower() in gazetteer.force_areas:
        found.add(gazetteer.force_areas[titled["area"].strip().lower()])
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
