"""A briefing pack: paragraphs collected for a briefing, grouped by report, each with an optional note.

The pack itself is only its state: the paragraph ids in order, a note per paragraph, a title
(:class:`PackState`). It lives in the reader's browser or in a URL, never on the server; the
web app and ``findings briefing`` both turn a state into a :class:`Pack` here (records, citations,
permalinks, missing paragraphs) and write it with :mod:`indexer.briefing.export`.

Paragraph ids are ``{report_id}--{anchor}`` (see :class:`indexer.model.Paragraph`); report ids are
slugs without a double hyphen, so an id names its report even once the paragraph is gone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from indexer.search.citation import author_of, citation, human_date
from indexer.search.query import QueryError

PACK_CAP = 200
"""The most paragraphs a pack holds: on its page, in its URL and in every export."""
NOTE_MAX_CHARS = 280
"""A note is a short note: a line or two beside the quotation."""
TITLE_MAX_CHARS = 120
DEFAULT_TITLE = "Briefing pack"
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,199}")
"""A paragraph id, as the permalink route accepts it."""
ID_SEPARATOR = "--"
EXAMPLE_ID = "plymouth-jtai-2020-letter--p-854c266a"
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")
"""Characters no note or title may hold (the same rule as search parameters)."""
MOVES = ("up", "down", "remove", "report-up", "report-down")


class PackError(QueryError):
    """A pack that cannot be used as given; the message says what to change (a 400 on the web)."""


def report_of(paragraph_id: str) -> str:
    """The report id in a paragraph id: ``plymouth-jtai-2020-letter`` of ``plymouth-jtai-2020-letter--p-854c266a``."""
    return paragraph_id.split(ID_SEPARATOR, 1)[0]


def _shown(text: str, limit: int = 40) -> str:
    text = CONTROL_RE.sub("", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalise_id(text: str) -> str:
    """A paragraph id from an id or a permalink (``https://…/p/<id>?q=…``); PackError for anything else."""
    value = text.strip()
    if "/p/" in value:
        value = value.rsplit("/p/", 1)[1].split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not ID_RE.fullmatch(value):
        raise PackError(
            f"'{_shown(text.strip())}' is not a paragraph id. Paragraph ids look like {EXAMPLE_ID}: "
            "the end of a paragraph's permalink (/p/…)."
        )
    return value


def parse_ids(values: Iterable[str], *, cap: int = PACK_CAP) -> list[str]:
    """Paragraph ids from comma- or space-separated lists of ids (or permalinks), in order, without repeats.

    PackError for a value that is not an id, or for more than ``cap`` distinct paragraphs.
    """
    ids: dict[str, None] = {}
    for value in values:
        for part in re.split(r"[,\s]+", value):
            if not part:
                continue
            ids[normalise_id(part)] = None
            if len(ids) > cap:
                raise PackError(
                    f"A briefing pack holds at most {cap} paragraphs; this one has more. "
                    "Remove some, or split them into two packs."
                )
    return list(ids)


def check_note(paragraph_id: str, text: str) -> str:
    """A note with its spacing tidied (one line); PackError when it is too long or holds control characters."""
    if CONTROL_RE.search(text.replace("\n", " ").replace("\r", " ").replace("\t", " ")):
        raise PackError(f"The note on {paragraph_id} contains characters that cannot be kept. Remove them.")
    note = " ".join(text.split())
    if len(note) > NOTE_MAX_CHARS:
        raise PackError(
            f"The note on {paragraph_id} is {len(note)} characters long; a note holds at most {NOTE_MAX_CHARS}."
        )
    return note


def check_title(text: str) -> str:
    """A pack title with its spacing tidied ("" for the default); PackError when too long or not printable."""
    if CONTROL_RE.search(text.replace("\n", " ").replace("\r", " ").replace("\t", " ")):
        raise PackError("The pack's title contains characters that cannot be kept. Remove them.")
    title = " ".join(text.split())
    if len(title) > TITLE_MAX_CHARS:
        raise PackError(f"The pack's title is {len(title)} characters long; it may have at most {TITLE_MAX_CHARS}.")
    return "" if title == DEFAULT_TITLE else title


@dataclass(frozen=True)
class PackState:
    """What a pack is: paragraph ids in order (grouped by report), a note per paragraph, a title."""

    ids: tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    """Paragraph id -> note; only ids in the pack, only non-empty notes."""
    title: str = ""
    """"" for :data:`DEFAULT_TITLE`."""

    @classmethod
    def make(cls, ids: Iterable[str], notes: Mapping[str, str] | None = None, title: str = "") -> PackState:
        """A state with its ids grouped by report, and notes kept only for its ids (checked, tidied)."""
        ordered = grouped(list(dict.fromkeys(ids)))
        if len(ordered) > PACK_CAP:
            raise PackError(
                f"A briefing pack holds at most {PACK_CAP} paragraphs; this one has {len(ordered)}. "
                "Remove some, or split them into two packs."
            )
        kept = {}
        for paragraph_id in ordered:
            note = check_note(paragraph_id, (notes or {}).get(paragraph_id, ""))
            if note:
                kept[paragraph_id] = note
        return cls(tuple(ordered), kept, check_title(title))

    @property
    def shown_title(self) -> str:
        return self.title or DEFAULT_TITLE

    def adding(self, ids: Iterable[str]) -> PackState:
        """This pack with ``ids`` added at the end of their reports (those already in it stay where they are)."""
        return PackState.make([*self.ids, *ids], self.notes, self.title)

    def applying(self, operation: str) -> PackState:
        """This pack after one move, written ``up:ID``, ``down:ID``, ``remove:ID``, ``report-up:REPORT``
        or ``report-down:REPORT``. A move past either end changes nothing; PackError for anything else."""
        move, _, target = operation.partition(":")
        if move not in MOVES or not ID_RE.fullmatch(target):
            raise PackError(
                f"'{_shown(operation)}' is not a change to a pack. Use up:ID, down:ID, remove:ID, "
                "report-up:REPORT or report-down:REPORT."
            )
        ids = list(self.ids)
        if move == "remove":
            ids = [paragraph_id for paragraph_id in ids if paragraph_id != target]
            return PackState.make(ids, self.notes, self.title)
        if move in ("up", "down"):
            if target in ids:
                mates = [i for i, paragraph_id in enumerate(ids) if report_of(paragraph_id) == report_of(target)]
                at = mates.index(ids.index(target))
                other = at - 1 if move == "up" else at + 1
                if 0 <= other < len(mates):
                    first, second = mates[at], mates[other]
                    ids[first], ids[second] = ids[second], ids[first]
            return PackState.make(ids, self.notes, self.title)
        reports = list(dict.fromkeys(report_of(paragraph_id) for paragraph_id in ids))
        if target in reports:
            at = reports.index(target)
            other = at - 1 if move == "report-up" else at + 1
            if 0 <= other < len(reports):
                reports[at], reports[other] = reports[other], reports[at]
        rank = {report_id: number for number, report_id in enumerate(reports)}
        ids.sort(key=lambda paragraph_id: rank[report_of(paragraph_id)])
        return PackState.make(ids, self.notes, self.title)

    def with_notes(self, notes: Mapping[str, str]) -> PackState:
        return PackState.make(self.ids, notes, self.title)


def grouped(ids: list[str]) -> list[str]:
    """``ids`` with each report's paragraphs together: reports in order of first appearance, paragraphs in order."""
    reports: dict[str, list[str]] = {}
    for paragraph_id in ids:
        reports.setdefault(report_of(paragraph_id), []).append(paragraph_id)
    return [paragraph_id for members in reports.values() for paragraph_id in members]


# -- the pack with its paragraphs ------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """How the caller addresses things: the web app with url_for, the CLI from its base URL."""

    permalink: Callable[[str], str]
    """Paragraph id -> its absolute permalink."""
    report: Callable[[str], str]
    """Report id -> the absolute address of its page."""


def build_pack(state: PackState, records: Mapping[str, dict], links: Links, *, today: date) -> dict:
    """The pack to show or export: its paragraphs grouped by report, with notes, citations and
    permalinks, the paragraphs no longer in the index (``missing``), and its sources.

    ``records`` maps the ids that are still in the index to their paragraph records.
    """
    groups: dict[str, dict] = {}
    missing = []
    for position, paragraph_id in enumerate(state.ids, start=1):
        report_id = report_of(paragraph_id)
        record = records.get(paragraph_id)
        group = groups.setdefault(
            report_id,
            {"report_id": report_id, "title": None, "record": None, "items": [], "url": links.report(report_id)},
        )
        permalink = links.permalink(paragraph_id)
        item = {
            "id": paragraph_id,
            "position": position,
            "note": state.notes.get(paragraph_id, ""),
            "found": record is not None,
            "record": record,
            "permalink": permalink,
            "citation": citation(record, permalink) if record is not None else None,
        }
        if record is not None and group["record"] is None:
            group["record"] = record
            group["title"] = record["report_title"]
        if record is None:
            missing.append(paragraph_id)
        group["items"].append(item)
    for group in groups.values():
        items = group["items"]
        group["first"], group["last"] = items[0]["id"], items[-1]["id"]
        record = group["record"]
        group["author"] = author_of(record) if record else ""
        group["published"] = record.get("published") if record else None
        group["date"] = human_date(record.get("published")) if record else ""
        if group["title"] is None:
            group["title"] = f"{group['report_id']} (no longer in the collection)"
    ordered = list(groups.values())
    sources = [
        {
            "report_id": group["report_id"],
            "title": group["title"],
            "author": group["author"],
            "date": group["date"],
            "source_url": group["record"].get("source_url"),
            "url": group["url"],
        }
        for group in ordered
        if group["record"] is not None
    ]
    return {
        "title": state.shown_title,
        "date": today.isoformat(),
        "date_text": human_date(today.isoformat()),
        "count": len(state.ids),
        "found": len(state.ids) - len(missing),
        "groups": ordered,
        "missing": missing,
        "sources": sources,
        "notes": dict(state.notes),
    }


def load_pack(service, state: PackState, links: Links, *, today: date | None = None) -> dict:
    """:func:`build_pack` with the records read from ``service`` (a SearchService)."""
    return build_pack(state, service.paragraphs(list(state.ids)), links, today=today or date.today())


def counted(pack: dict) -> str:
    """"3 paragraphs from 2 reports"."""
    paragraphs = pack["count"]
    reports = len(pack["groups"])
    return f"{paragraphs} paragraph{'s' if paragraphs != 1 else ''} from {reports} report{'s' if reports != 1 else ''}"


__all__ = [
    "DEFAULT_TITLE",
    "NOTE_MAX_CHARS",
    "PACK_CAP",
    "Links",
    "PackError",
    "PackState",
    "build_pack",
    "check_note",
    "counted",
    "load_pack",
    "normalise_id",
    "parse_ids",
    "report_of",
]
