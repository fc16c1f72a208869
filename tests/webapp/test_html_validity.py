"""Every kind of page is valid HTML, by the Nu HTML checker (vnu.jar, the engine of validator.w3.org/nu)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECK_TIMEOUT = 120


def page_urls(client) -> dict[str, tuple[str, int]]:
    """One address of every kind of page the app renders, with the status it answers."""
    # A real paragraph from the API, so the report pages do not depend on pinned hashes.
    hit = client.get("/api/search?q=custody").get_json()["results"][0]
    report = f"/reports/{hit['report_id']}"
    return {
        "home": ("/", 200),
        "search": ("/search?q=custody", 200),
        "search-with-filters": ("/search?q=custody&force=Devon+and+Cornwall+Police", 200),
        "no-results": ("/search?q=zebracrossingxyz", 200),
        "bad-query": ("/search?q=%2A", 400),
        "not-found": ("/no-such-page", 404),
        "reports": ("/reports", 200),
        "report": (report, 200),
        "cited-paragraph": (f"{report}?q=custody&p={hit['anchor']}", 200),
        "help": ("/help", 200),
        "recommendations": ("/recommendations?force=Devon+and+Cornwall+Police", 200),
        "report-with-findings": ("/reports/plymouth-jtai-2020-letter", 200),
        "response-with-answers": ("/reports/plymouth-jtai-2020-pcc-response", 200),
        "similar": (f"/p/{hit['id']}/similar", 200),
        "similar-refused": (f"/p/{hit['id']}/similar?force=nowhere", 400),
        "briefing-empty": ("/briefing", 200),
        "briefing": (
            f"/briefing?ids={hit['id']},plymouth-jtai-2020-letter--p-854c266a,plymouth-jtai-2020-letter--p-0000gone"
            f"&note.{hit['id']}=Ask+about+this",
            200,
        ),
        "briefing-refused": ("/briefing?ids=Not_An_Id", 400),
    }


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    """The command that runs the checker; skips (fails under CI=true) without Java or the jar."""
    jar = Path(os.environ.get("FINDINGS_VNU_JAR") or DEFAULT_JAR)
    java = shutil.which("java")
    missing = "java (apt-get install default-jre-headless)" if java is None else None
    if missing is None and not jar.is_file():
        missing = f"{jar} (run `make tools`, or set FINDINGS_VNU_JAR)"
    if missing:
        message = f"the HTML validity test needs {missing}"
        # In CI a skipped check would pass silently while proving nothing.
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return [java, "-jar", str(jar)]


def test_every_kind_of_page_is_valid_html(client, vnu, tmp_path):
    """Home, search (plain, filtered, empty, refused), 404, reports, report, cited paragraph, help, similar
    findings (and refused filters) and the briefing pack (empty, full, refused) have no Nu errors."""
    pages = page_urls(client)
    for name, (url, status) in pages.items():
        response = client.get(url)
        assert (response.status_code, response.mimetype) == (status, "text/html"), url
        (tmp_path / f"{name}.html").write_text(response.get_data(as_text=True), encoding="utf-8")
    # One run for every file: the checker takes a second or two just to start.
    completed = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--stdout", *(str(tmp_path / f"{name}.html") for name in pages)],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
    )
    try:
        messages = json.loads(completed.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the checker gave no JSON report (exit {completed.returncode}): {completed.stderr[-2000:]}")
    problems = []
    for message in messages:
        name = PurePosixPath(urlsplit(message.get("url", "")).path).stem
        where = pages[name][0] if name in pages else message.get("url")
        extract = " ".join((message.get("extract") or "").split())
        problems.append(f"{where} line {message.get('lastLine')}: {message.get('message')} [{extract}]")
    assert problems == [], "\n".join(problems)
    assert completed.returncode == 0, completed.stderr[-2000:]
