"""The same work with SQLite FTS5 (standard library): ``python -m benchmarks.fts5 CMD ...``.

A fair, tuned equivalent of our search page: porter tokenizer over text and
section, bm25 ranking (section at half weight), snippet() for the 20 hits
shown, the exact total, and counts for the same seven facets, each ignoring
its own filter as ours does. Facet values live outside the text: integer ids
in a narrow ``meta`` table keyed by rowid (single-valued fields) and in one
narrow ``(doc, value)`` table per multi-valued field, all indexed; the counts
join the MATCH rowid set to them (see :class:`FtsSearcher`).
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
RANK = "bm25(1.0, 0.5)"
"""bm25 with the section column at half weight, as our SECTION_BOOST."""
SCHEMA = """
CREATE TABLE docs(
  rowid INTEGER PRIMARY KEY, id TEXT, report_id TEXT, report_title TEXT, section TEXT, section_type TEXT,
  finding_type TEXT, paragraph_number INTEGER, anchor TEXT, page INTEGER, doc_type TEXT, published TEXT,
  year TEXT, source_url TEXT, source_file TEXT, text TEXT, footnotes TEXT, is_bullet INTEGER
);
CREATE TABLE facet_value(id INTEGER PRIMARY KEY, field TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (field, value));
CREATE TABLE meta(
  rowid INTEGER PRIMARY KEY, section_type INTEGER, finding_type INTEGER, doc_type INTEGER, year INTEGER, published TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(text, section, content='docs', content_rowid='rowid', tokenize='porter unicode61');
""" + "".join(
    f"CREATE TABLE facet_{name}(doc INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (doc, value))"
    " WITHOUT ROWID;\n"
    for name in MULTI
)
INDEXES = (
    "CREATE INDEX meta_facets ON meta(section_type, finding_type, doc_type, year);\n"
    "CREATE INDEX meta_published ON meta(published);\n"
    + "".join(f"CREATE INDEX meta_{name} ON meta({name});\n" for name in SINGLE)
    + "".join(f"CREATE INDEX facet_{name}_value ON facet_{name}(value, doc);\n" for name in MULTI)
)


def read_records(index: Path) -> list[dict]:
    """Every paragraph record, read from our index, so both engines hold the same text."""
    from indexer.store.generations import current_generation, open_generation
    from indexer.store.schema import from_document

    generation = current_generation(index)
    if generation is None:
        raise RuntimeError(f"no index has been built in {index}")
    with open_generation(generation).searcher() as searcher:
        return [from_document(fields) for fields in searcher.all_stored_fields()]


def build(index: Path, database: Path) -> dict:
    import json

    records = read_records(index)
    if database.exists():
        database.unlink()
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.executescript(SCHEMA)
    ids: dict[tuple[str, str], int] = {}

    def value_id(field: str, value) -> int | None:
        if value is None:
            return None
        key = (field, str(value))
        if key not in ids:
            ids[key] = len(ids) + 1
        return ids[key]

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
        connection.executemany(
            "INSERT INTO meta VALUES (?,?,?,?,?,?)",
            (
                (number, *(value_id(name, r[name]) for name in SINGLE), r["published"])
                for number, r in enumerate(records, start=1)
            ),
        )
        for name in MULTI:
            connection.executemany(
                f"INSERT OR IGNORE INTO facet_{name} VALUES (?,?)",
                ((number, value_id(name, value)) for number, r in enumerate(records, start=1) for value in r[name]),
            )
        connection.executemany("INSERT INTO facet_value VALUES (?,?,?)", ((i, f, v) for (f, v), i in ids.items()))
        connection.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        connection.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (RANK,))
        connection.executescript(INDEXES)
    connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "paragraphs": len(records), "peak_rss_mb": round(peak_rss_mb(), 1)}


PRAGMAS = ("PRAGMA cache_size = -65536",)
COLUMNS = (
    "d.id, d.report_id, d.report_title, d.section, d.section_type, d.finding_type, d.paragraph_number, d.anchor, "
    "d.page, d.doc_type, d.published, d.year, d.source_url, d.source_file, d.text, d.footnotes, d.is_bullet"
)


class FtsSearcher:
    """One search page's work in SQL.

    - The MATCH runs once, into a temporary table of rowids (in rowid order).
    - The four single-valued facets and the exact total: one pass joining the
      matches to ``meta`` by rowid, grouped by the four integer columns at
      once; each facet's counts are summed from those few hundred rows,
      keeping the rows that pass the *other* single-valued filters.
    - Each multi-valued facet: the matches joined to its ``(doc, value)``
      table by primary key, grouped by value id.
    - Filters are ``rowid IN (SELECT ... WHERE value IN (...))`` on the
      indexed facet tables (SQLite walks the filter's list and probes).
    - With no text query the same statements read ``meta`` and the facet
      tables directly, without copying every rowid.
    - The top 20 come from FTS5's own rank sort, so snippet() runs for the 20
      rows shown only.
    """

    def __init__(self, database: Path) -> None:
        self.connection = sqlite3.connect(database, check_same_thread=False)
        # A 64 MB page cache (default 2 MB) holds the facet tables. (temp_store = MEMORY made GROUP BY slower.)
        for pragma in PRAGMAS:
            self.connection.execute(pragma)
        self.connection.execute("CREATE TEMP TABLE matched(doc INTEGER PRIMARY KEY)")
        # The small lookup table of facet values, held in memory as any app would.
        self.value_ids: dict[tuple[str, str], int] = {}
        self.values: dict[int, str] = {}
        for number, field, value in self.connection.execute("SELECT id, field, value FROM facet_value"):
            self.value_ids[(field, value)] = number
            self.values[number] = value

    def _ids(self, name: str, values: list[str]) -> list[int]:
        return [self.value_ids[(name, value)] for value in values if (name, value) in self.value_ids] or [0]

    def _conditions(self, filters: dict, doc: str, names, fts: bool = False) -> tuple[list[str], list]:
        """SQL conditions on the rowid expression ``doc`` for the filters on ``names``."""
        clauses, params = [], []
        for name, values in filters.items():
            if name not in names:
                continue
            ids = self._ids(name, values)
            marks = ",".join("?" * len(ids))
            table, column, key = ("meta", "rowid", name) if name in SINGLE else (f"facet_{name}", "doc", "value")
            # "+" keeps SQLite from handing the rowid list to FTS5 as a constraint (one MATCH per rowid).
            clauses.append(f"{'+' if fts else ''}{doc} IN (SELECT {column} FROM {table} WHERE {key} IN ({marks}))")
            params += ids
        return clauses, params

    def _named(self, rows) -> list[tuple[str, int]]:
        return sorted(((self.values[value], count) for value, count in rows), key=lambda pair: -pair[1])

    def search(self, match: str | None, filters: dict, per_page: int = 20) -> dict:
        db = self.connection
        matched = match is not None
        if matched:
            db.execute("DELETE FROM matched")
            db.execute("INSERT INTO matched SELECT rowid FROM fts WHERE fts MATCH ?", (match,))

        # The single-valued facets and the total: one GROUP BY over all four columns.
        source, doc = ("matched m CROSS JOIN meta d ON d.rowid = m.doc", "m.doc") if matched else ("meta d", "d.rowid")
        clauses, params = self._conditions(filters, doc, [name for name in filters if name not in SINGLE])
        columns = ", ".join(f"d.{name}" for name in SINGLE)
        combos = db.execute(
            f"SELECT {columns}, count(*) FROM {source} WHERE {' AND '.join(clauses) or '1'} GROUP BY {columns}", params
        ).fetchall()
        wanted = {
            SINGLE.index(name): set(self._ids(name, values)) for name, values in filters.items() if name in SINGLE
        }
        total = sum(row[-1] for row in combos if all(row[i] in ok for i, ok in wanted.items()))
        facets = {}
        for position, name in enumerate(SINGLE):
            counts: dict = {}
            for row in combos:
                if row[position] is not None and all(row[i] in ok for i, ok in wanted.items() if i != position):
                    counts[row[position]] = counts.get(row[position], 0) + row[-1]
            facets[name] = self._named(counts.items())

        # Each multi-valued facet: the matches joined to its (doc, value) table.
        for name in FACETS:
            if name in SINGLE:
                continue
            if matched:
                source, doc = f"matched m CROSS JOIN facet_{name} f ON f.doc = m.doc", "m.doc"
            else:
                source, doc = f"facet_{name} f", "f.doc"
            clauses, params = self._conditions(filters, doc, [other for other in filters if other != name])
            rows = db.execute(
                f"SELECT f.value, count(*) FROM {source} WHERE {' AND '.join(clauses) or '1'} GROUP BY f.value", params
            ).fetchall()
            facets[name] = self._named(rows)
        facets = {name: facets[name] for name in FACETS}

        if matched:
            clauses, params = self._conditions(filters, "fts.rowid", list(filters), fts=True)
            sql = (
                f"SELECT {COLUMNS}, snippet(fts, 0, '<mark>', '</mark>', '…', 40) FROM fts "
                f"CROSS JOIN docs d ON d.rowid = fts.rowid WHERE {' AND '.join(['fts MATCH ?', *clauses])} "
                "ORDER BY rank LIMIT ?"
            )
            rows = db.execute(sql, [match, *params, per_page]).fetchall()
        else:
            clauses, params = self._conditions(filters, "t.rowid", list(filters))
            sql = (
                f"SELECT {COLUMNS}, substr(d.text, 1, 440) FROM docs d WHERE d.rowid IN ("
                f"SELECT t.rowid FROM meta t WHERE {' AND '.join(clauses) or '1'}"
                " ORDER BY t.published DESC, t.rowid LIMIT ?) "
                "ORDER BY d.published DESC, d.rowid"
            )
            rows = db.execute(sql, [*params, per_page]).fetchall()
        return {"total": total, "facets": facets, "results": rows}


def search(database: Path, rounds: int) -> dict:
    from .queries import QUERY_MIX

    searcher = FtsSearcher(database)
    for query in QUERY_MIX:
        searcher.search(query.fts, query.filters)
    latencies: list[float] = []
    by_label: dict[str, list[float]] = {}
    totals: list[int] = []
    for _ in range(rounds):
        for query in QUERY_MIX:
            started = time.perf_counter()
            result = searcher.search(query.fts, query.filters)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            by_label.setdefault(query.label, []).append(elapsed)
            totals.append(result["total"])
    return {
        "latencies_s": latencies,
        "by_label_s": by_label,
        "totals": totals[: len(QUERY_MIX)],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


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


def serve(database: Path, port: int, threads: int, workers: int = 1) -> None:
    """The FTS5 page behind our server: waitress in ``workers`` processes sharing the port, as ``findings serve``."""
    from waitress.server import create_server

    from webapp.serve import listening_socket, run_workers

    def start(sock) -> None:
        create_server(make_wsgi_app(database), sockets=[sock], threads=threads).run()

    run_workers(start, listening_socket("127.0.0.1", port), workers)


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build":
        emit(build(Path(args[0]), Path(args[1])))
    elif command == "search":
        emit(search(Path(args[0]), int(args[1])))
    elif command == "serve":
        serve(Path(args[0]), int(args[1]), int(args[2]), int(args[3]) if len(args) > 3 else 1)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
