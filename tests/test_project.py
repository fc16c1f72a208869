"""The project as a newcomer meets it: the README's examples work, and the install is quiet and complete."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_EXAMPLE_TOTALS = {
    "custody": 5,
    "street triage": 4,
    '"street triage"': 4,
    "custody -detained": 4,
    "VIST OR STORM": 4,
    '(VIST OR MASH) "front door"': 2,
    "criminal*": 5,
    "force:hampshire": 5,
    "year:2020": 108,
}
"""Paragraphs each example in the README's query table finds in the shipped corpus."""


def _readme_examples() -> list[str]:
    """The first code span of each row of the query table under "## Searching"."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Searching", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.match(r"\| `([^`]+)`", row).group(1) for row in rows]


def test_every_readme_query_example_finds_paragraphs(service):
    """Each example a newcomer copies from the README's table finds what the table promises on the shipped corpus."""
    examples = _readme_examples()
    assert examples == list(README_EXAMPLE_TOTALS)
    assert {example: service.search(example)["total"] for example in examples} == README_EXAMPLE_TOTALS


def test_quick_start_has_exactly_two_commands():
    """The Quick start is `make run` and `make test`, nothing else."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_install_is_quiet_and_ships_templates_static_files_and_gazetteers(tmp_path):
    """Building the package warns about no undeclared package, and the wheel holds every data file the app reads."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("indexer", "webapp"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir",
         "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    output = build.stdout + build.stderr
    assert "absent from the `packages` configuration" not in output, output[-3000:]
    assert "Package would be ignored" not in output
    (wheel,) = (tmp_path / "dist").glob("findings-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "webapp/templates/base.html",
        "webapp/templates/search.html",
        "webapp/static/findings.css",
        "webapp/static/findings.js",
        "webapp/static/favicon.svg",
        "indexer/ingest/data/forces.toml",
        "indexer/ingest/glossary.toml",
    }
    assert expected <= names, sorted(expected - names)
