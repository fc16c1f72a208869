"""schemathesis, an outside client, checks the API against its own OpenAPI document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 30
SEED = 20261129
"""A fixed seed: CI runs the same cases every time; change it to explore others."""


def test_schemathesis_finds_no_failure(live_url, tmp_path):
    """Every check (stateful phase included) passes against the served app: schema, status codes, content types."""
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = [
        str(schemathesis),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_url}/api/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--no-color",
    ]
    # Run from a scratch folder: schemathesis keeps a cache of what it found in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, cwd=tmp_path
    )
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "No issues found" in run.stdout, report
    assert "Unsupported regex patterns" not in run.stdout, report
