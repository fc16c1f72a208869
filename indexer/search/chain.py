"""The accountability chain as the service serves it: findings, the responses to them, and their status.

The links are made at index time (:mod:`indexer.store.accountability`) and kept in the manifest;
this module indexes them for lookups and filters the corpus-wide list of findings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.search.facets import FieldValues, field_values, leaf_readers, posting_ids, unique_document
from indexer.store.accountability import NO_RESPONSE, STATUSES

VIRTUAL_FACETS = ("status", "answered")
"""Facets of findings that come from the chain, not from the paragraphs' own words."""
ANSWERED, NOT_ANSWERED = "answered", "not answered"
STATUS_ORDER = {status: rank for rank, status in enumerate(STATUSES)}
ADVANCED_FIRST = (
    "superseded", "completed", "not accepted", "partially accepted", "awaiting review", "in progress", "accepted",
    "agreed", "acknowledged",
)  # fmt: skip
"""A finding answered several times has the most advanced status any answer gives it."""
CHAIN_PARTS = ("links", "findings")
"""The manifest's parts a :class:`Chain` holds, in its own form, once made from it."""
CHAIN_FILTERS = ("forces", "inspectorates", "report_id", "year", "addressees", "status", "finding_type", "answered")
"""What the corpus-wide list of findings can be narrowed by."""


@dataclass
class Chain:
    """The links of one generation, by response paragraph and by finding."""

    findings: dict[str, dict]
    reports: dict[str, dict]
    answers: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    answered_by: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_manifest(cls, manifest: dict) -> Chain:
        chain = cls(manifest.get("findings", {}), manifest["reports"])
        for link in manifest.get("links", []):
            chain.answers[link["response"]].append(
                {"paragraph_id": link["finding"], "report_id": link["finding_report"], "status": link["status"],
                 "phrase": link["phrase"], "evidence": link["evidence"]}
            )  # fmt: skip
            chain.answered_by[link["finding"]].append(
                {"paragraph_id": link["response"], "report_id": link["response_report"], "status": link["status"],
                 "phrase": link["phrase"], "evidence": link["evidence"]}
            )  # fmt: skip
        return chain

    def status(self, finding_id: str) -> str:
        """The finding's status: the most advanced any response gives it, or "no response found"."""
        statuses = {link["status"] for link in self.answered_by.get(finding_id, [])}
        return next((status for status in ADVANCED_FIRST if status in statuses), NO_RESPONSE)

    def links_of(self, record: dict) -> dict:
        """``record`` with its ``answers`` and ``answered_by`` (each without the status phrase)."""
        answers = [_public(link) for link in self.answers.get(record["id"], [])]
        answered_by = [_public(link) for link in self.answered_by.get(record["id"], [])]
        return dict(record, answers=answers, answered_by=answered_by)

    def finding(self, finding_id: str) -> dict:
        """A tracked finding with its report's facts, its status and its responses."""
        summary = self.findings[finding_id]
        report = self.reports.get(summary["report_id"], {})
        responses = []
        for link in self.answered_by.get(finding_id, []):
            office = self.reports.get(link["report_id"], {})
            responses.append(
                {**_public(link), "phrase": link["phrase"], "title": office.get("title"),
                 "author": office.get("author") or "", "published": office.get("published")}
            )  # fmt: skip
        responses.sort(key=lambda item: (item["published"] or "", item["paragraph_id"]))
        return {
            **summary,
            "report_title": report.get("title", ""),
            "published": report.get("published"),
            "year": int(report["published"][:4]) if report.get("published") else None,
            "forces": list(report.get("forces", [])),
            "inspectorates": list(report.get("inspectorates", [])),
            "status": self.status(finding_id),
            "responses": responses,
        }

    def of_report(self, report_id: str) -> list[dict]:
        """A report's tracked findings, in reading order."""
        chosen = [fid for fid, summary in self.findings.items() if summary["report_id"] == report_id]
        return [self.finding(fid) for fid in sorted(chosen, key=lambda f: self.findings[f]["paragraph_number"])]

    def select(self, filters: dict[str, list[str]]) -> list[dict]:
        """Every tracked finding that passes ``filters`` (values OR within a filter, AND across), newest first."""
        unknown = set(filters) - set(CHAIN_FILTERS)
        if unknown:
            raise ValueError(f"Unknown filter: {', '.join(sorted(unknown))}. Filters: {', '.join(CHAIN_FILTERS)}.")
        chosen = []
        for finding_id in self.findings:
            finding = self.finding(finding_id)
            if all(_passes(finding, name, values) for name, values in filters.items() if values):
                chosen.append(finding)
        chosen.sort(key=lambda f: (f["published"] or "", f["report_id"], -f["paragraph_number"]), reverse=True)
        return chosen

    def facet_values(self, searcher, size: int, reports: dict[str, dict] | None = None) -> dict[str, FieldValues]:
        """The status and answered facets, as value arrays over the index's documents.

        With the manifest's ``reports``, each finding's document is found from its report's: a
        report's paragraphs are its live documents in order (its ``paragraph_count`` of them), so
        one posting list per report is read instead of every finding id's term in every
        segment (at a million paragraphs that took 22 s of a 30 s cold start). A report whose
        documents do not add up falls back to the id lookup.
        """
        names = {"status": list(STATUSES), "answered": [ANSWERED, NOT_ANSWERED]}
        columns: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in names}
        leaves, id_field = leaf_readers(searcher.reader()), searcher.schema["id"]
        report_field = searcher.schema["report_id"]
        documents_of: dict[str, list[int] | None] = {}

        def documents(report_id: str) -> list[int] | None:
            if report_id not in documents_of:
                found = report_documents(leaves, report_field.to_bytes(report_id))
                expected = (reports or {}).get(report_id, {}).get("paragraph_count")
                documents_of[report_id] = found if expected == len(found) else None
            return documents_of[report_id]

        for finding_id, summary in self.findings.items():
            docs = documents(summary["report_id"]) if reports is not None else None
            number = summary["paragraph_number"]
            if docs is not None and 1 <= number <= len(docs):
                docnum: int | None = docs[number - 1]
            else:
                docnum = unique_document(leaves, "id", id_field.to_bytes(finding_id))
            if docnum is None:
                continue
            status = self.status(finding_id)
            for name, value in (("status", status), ("answered", NOT_ANSWERED if status == NO_RESPONSE else ANSWERED)):
                columns[name][0].append(docnum)
                columns[name][1].append(names[name].index(value))
        return {
            name: field_values(names[name], np.array(docs, dtype=np.int64), np.array(values, dtype=np.int64), size)
            for name, (docs, values) in columns.items()
        }


def report_documents(leaves: list[tuple[Any, int]], report_id: bytes) -> list[int]:
    """The live documents of a report, in order (its paragraphs, as they were added)."""
    found: list[int] = []
    for leaf, base in leaves:
        ids = posting_ids(leaf, "report_id", report_id)
        if len(ids) and leaf.has_deletions():
            ids = ids[np.array([not leaf.is_deleted(int(docnum)) for docnum in ids], dtype=bool)]
        found.extend((ids + base).tolist())
    return found


def _public(link: dict) -> dict:
    return {key: value for key, value in link.items() if key != "phrase"}


def _passes(finding: dict, name: str, values: list[str]) -> bool:
    wanted = {value.lower() for value in values}
    if name == "answered":
        return (ANSWERED if finding["responses"] else NOT_ANSWERED) in wanted
    value = finding.get(name)
    if isinstance(value, list):
        return bool({str(item).lower() for item in value} & wanted)
    return str(value).lower() in wanted
