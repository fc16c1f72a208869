"""Benchmarks: our whoosh engine against SQLite FTS5 on a synthetic scale corpus, and our PDF
reader against pdfplumber on synthetic PDF reports.

Run with ``make bench``. Not part of the test suite (``tests/test_bench_smoke.py``
only checks that a tiny run still produces a well-formed result).
"""
