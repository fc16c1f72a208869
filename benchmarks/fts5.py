"""The same work with SQLite FTS5 (standard library): ``python -m benchmarks.fts5 CMD ...``.

A fair equivalent of our search page: porter tokenizer over text and section,
bm25() ranking, snippet() for the 20 hits shown, the exact total, and GROUP BY
counts for the same seven facets (multi-valued ones through a value table),
each facet ignoring its own filter as ours does.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

from .measure import emit, peak_rss_mb

FACETS = ("inspectorates", "forces", "themes", "section_type", "finding_type", "doc_type", "year")
MULTI = ("inspectorates", "forces", "themes", "areas")
SINGLE = ("section_type", "finding_type", "doc_type", "year")
SCHEMA = """
CREATE TABLE docs(
  rowid INTEGER PRIMARY KEY, id TEXT, report_id TEXT, report_title TEXT, section TEXT, section_type TEXT,
  finding_type TEXT, paragraph_number INTEGER, anchor TEXT, page INTEGER, doc_type TEXT, published TEXT,
  year TEXT, source_url TEXT, source_file TEXT, text TEXT, footnotes TEXT, is_bullet INTEGER
);
CREATE TABLE meta(rowid INTEGER PRIMARY KEY, section_type TEXT, finding_type TEXT, doc_type TEXT, year TEXT, published TEXT);
CREATE TABLE facet(field TEXT, value TEXT, doc INTEGER);
CREATE VIRTUAL TABLE fts USING fts5(text, section, content='docs', content_rowid='rowid', tokenize='porter unicode61');
"""
INDEXES = """
CREATE INDEX facet_by_doc ON facet(field, doc, value);
CREATE INDEX facet_by_value ON facet(field, value, doc);
CREATE INDEX meta_published ON meta(published);
"""


def read_records(index: Path) -> list[dict]:
    """Every paragraph record, read from our index, so both engines hold the same text."""
    from indexer.store import current_generation, from_document, open_generation

    with open_generation(current_generation(index)).searcher() as searcher:
        return [from_document(fields) for fields in searcher.all_stored_fields()]


def build(index: Path, database: Path) -> dict:
    import json

    records = read_records(index)
    if database.exists():
        database.unlink()
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.executescript(SCHEMA)
    with connection:
        connection.executemany(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    number, r["id"], r["report_id"], r["report_title"], r["section"], r["section_type"],
                    r["finding_type"], r["paragraph_number"], r["anchor"], r["page"], r["doc_type"], r["published"],
                    str(r["year"]) if r["year"] else None, r["source_url"], r["source_file"], r["text"],
                    json.dumps(r["footnotes"]), int(r["is_bullet"]),
                )
                for number, r in enumerate(records, start=1)
            ),
        )  # fmt: skip
        # Single-valued facets in a narrow table, so counting never reads the text.
        connection.execute(
            "INSERT INTO meta SELECT rowid, section_type, finding_type, doc_type, year, published FROM docs"
        )
        connection.executemany(
            "INSERT INTO facet VALUES (?,?,?)",
            ((name, value, number) for number, r in enumerate(records, start=1) for name in MULTI for value in r[name]),
        )
        connection.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        connection.executescript(INDEXES)
    connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    connection.commit()
    connection.close()
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "paragraphs": len(records), "peak_rss_mb": round(peak_rss_mb(), 1)}


class FtsSearcher:
    """One search page's work in SQL."""

    def __init__(self, database: Path) -> None:
        self.connection = sqlite3.connect(database, check_same_thread=False)
        self.connection.execute("CREATE TEMP TABLE matched(doc INTEGER PRIMARY KEY)")

    def _filter_sql(self, filters: dict, skip: str | None = None) -> tuple[str, list]:
        clauses, params = [], []
        for name, values in filters.items():
            if name == skip:
                continue
            marks = ",".join("?" * len(values))
            if name in SINGLE:
                clauses.append(f"m.doc IN (SELECT rowid FROM meta WHERE {name} IN ({marks}))")
                params += values
            else:
                clauses.append(f"m.doc IN (SELECT doc FROM facet WHERE field = ? AND value IN ({marks}))")
                params += [name, *values]
        return (" AND ".join(clauses) or "1"), params

    def search(self, match: str | None, filters: dict, per_page: int = 20) -> dict:
        db = self.connection
        db.execute("DELETE FROM matched")
        if match is None:
            db.execute("INSERT INTO matched SELECT rowid FROM meta")
        else:
            db.execute("INSERT INTO matched SELECT rowid FROM fts WHERE fts MATCH ?", (match,))
        where, params = self._filter_sql(filters)
        total = db.execute(f"SELECT count(*) FROM matched m WHERE {where}", params).fetchone()[0]
        facets = {}
        for name in FACETS:
            other_where, other_params = self._filter_sql(filters, skip=name)
            if name in SINGLE:
                sql = (
                    f"SELECT d.{name}, count(*) c FROM matched m JOIN meta d ON d.rowid = m.doc "
                    f"WHERE d.{name} IS NOT NULL AND {other_where} GROUP BY d.{name} ORDER BY c DESC"
                )
                rows = db.execute(sql, other_params).fetchall()
            else:
                sql = (
                    f"SELECT f.value, count(*) c FROM matched m JOIN facet f ON f.field = ? AND f.doc = m.doc "
                    f"WHERE {other_where} GROUP BY f.value ORDER BY c DESC"
                )
                rows = db.execute(sql, [name, *other_params]).fetchall()
            facets[name] = rows
        columns = "d.id, d.report_id, d.report_title, d.section, d.section_type, d.finding_type, d.paragraph_number, d.anchor, d.page, d.doc_type, d.published, d.year, d.source_url, d.source_file, d.text, d.footnotes, d.is_bullet"
        if match is None:
            sql = (
                f"SELECT {columns}, substr(d.text, 1, 440) FROM docs d WHERE d.rowid IN ("
                f"SELECT m.doc FROM matched m JOIN meta t ON t.rowid = m.doc WHERE {where} "
                f"ORDER BY t.published DESC, m.doc LIMIT ?) ORDER BY d.published DESC, d.rowid"
            )
            rows = db.execute(sql, [*params, per_page]).fetchall()
        else:
            fts_where = where.replace("m.doc", "fts.rowid")
            sql = (
                f"SELECT {columns}, snippet(fts, 0, '<mark>', '</mark>', '…', 40) FROM fts JOIN docs d ON d.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND {fts_where} ORDER BY bm25(fts, 1.0, 0.5) LIMIT ?"
            )
            rows = db.execute(sql, [match, *params, per_page]).fetchall()
        return {"total": total, "facets": facets, "results": rows}


def search(database: Path, rounds: int) -> dict:
    from .queries import QUERY_MIX

    searcher = FtsSearcher(database)
    for query in QUERY_MIX:
        searcher.search(query.fts, query.filters)
    latencies, by_label, totals = [], {}, []
    for _ in range(rounds):
        for query in QUERY_MIX:
            started = time.perf_counter()
            result = searcher.search(query.fts, query.filters)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            by_label.setdefault(query.label, []).append(elapsed)
            totals.append(result["total"])
    return {"latencies_s": latencies, "by_label_s": by_label, "totals": totals[: len(QUERY_MIX)], "peak_rss_mb": round(peak_rss_mb(), 1)}


def make_wsgi_app(database: Path):
    """A minimal JSON endpoint doing the FTS5 page's work, for the HTTP comparison."""
    import json
    import threading
    from urllib.parse import parse_qs

    from .queries import QUERY_MIX

    by_key = {(q.text, tuple(sorted((k, tuple(v)) for k, v in q.filters.items()))): q for q in QUERY_MIX}
    local = threading.local()

    def app(environ, start_response):
        if not hasattr(local, "searcher"):
            local.searcher = FtsSearcher(database)
        params = parse_qs(environ.get("QUERY_STRING", ""))
        text = params.get("q", [""])[0]
        filters = {k: v for k, v in params.items() if k != "q"}
        query = by_key.get((text, tuple(sorted((k, tuple(v)) for k, v in filters.items()))))
        match = query.fts if query else (text or None)
        result = local.searcher.search(match, filters)
        body = json.dumps({"total": result["total"], "facets": result["facets"], "results": result["results"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def serve(database: Path, port: int, threads: int) -> None:
    import waitress

    waitress.serve(make_wsgi_app(database), host="127.0.0.1", port=port, threads=threads, _quiet=True)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build":
        emit(build(Path(args[0]), Path(args[1])))
    elif command == "search":
        emit(search(Path(args[0]), int(args[1])))
    elif command == "serve":
        serve(Path(args[0]), int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
