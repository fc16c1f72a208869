"""Load: 16 concurrent clients for 60 s against `findings serve` (waitress) on loopback.

A long run (``make test-long``). It writes its figures to
test-artifacts/load.json: requests, errors, latency percentiles, and the
server's resident memory at the start and end of the run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.store.indexing import index_corpus

from reportgen import WORDS, write_corpus
from support import FINDINGS, ROOT, cli_env

ARTIFACTS = ROOT / "test-artifacts"
CLIENTS = int(os.environ.get("FINDINGS_LOAD_CLIENTS", "16"))
SECONDS = float(os.environ.get("FINDINGS_LOAD_SECONDS", "60"))
BASELINE = (0.3, 0.4)
"""The part of the run whose memory readings are the baseline: the first fifth fills the bounded caches."""
END = 0.85


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _urls(rng: random.Random) -> str:
    """One request of a realistic mix: mostly searches (many distinct), some pages, exports and feeds."""
    words = " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))
    roll = rng.random()
    if roll < 0.45:
        return f"/search?q={urllib.request.quote(words)}&page={rng.choice((1, 1, 2, 3))}"
    if roll < 0.60:
        return f"/api/search?q={urllib.request.quote(words)}&sort={rng.choice(('relevance', 'newest'))}"
    if roll < 0.70:
        return f"/search?q={urllib.request.quote(words)}&year=2020&section=areas_for_improvement"
    if roll < 0.80:
        return f"/reports/report-{rng.randrange(40):03d}?q={urllib.request.quote(words)}"
    if roll < 0.86:
        return f"/search.atom?q={urllib.request.quote(words)}"
    if roll < 0.90:
        return f"/search.csv?q={urllib.request.quote(words)}"
    if roll < 0.95:
        return "/"
    return f"/search?q={urllib.request.quote(rng.choice(WORDS)[:4])}*"


class LoadClient(threading.Thread):
    def __init__(self, number: int, base_url: str, until: float) -> None:
        super().__init__(name=f"client-{number}", daemon=True)
        self.rng = random.Random(number)
        self.base_url = base_url
        self.until = until
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while time.monotonic() < self.until:
            url = self.base_url + _urls(self.rng)
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    if response.status != 200:
                        self.errors.append(f"{response.status} {url}")
            except (urllib.error.URLError, OSError) as error:
                self.errors.append(f"{error} {url}")
            self.latencies.append(time.monotonic() - started)


@pytest.mark.slow
def test_sixteen_clients_for_a_minute(tmp_path):
    """Zero errors, p95 reported, server memory flat, through the production server."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    write_corpus(corpus, dict.fromkeys(range(40), 0), paragraphs=30)
    index_dir = tmp_path / "index"
    assert index_corpus(corpus, index_dir).failed == []
    port = _free_port()
    # A file, not a pipe: waitress logs every queued task, and an unread pipe would fill and stall it.
    log = tmp_path / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [*FINDINGS, "serve", "--index-dir", str(index_dir), "--port", str(port), "--threads", "8"],
            cwd=ROOT, env=cli_env(), stdout=subprocess.DEVNULL, stderr=log_file,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base_url + "/", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        started = time.monotonic()
        clients = [LoadClient(n, base_url, started + SECONDS) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        memory: list[tuple[float, float]] = []
        while any(client.is_alive() for client in clients):
            memory.append((time.monotonic() - started, _rss_mb(server.pid)))
            time.sleep(1)
        for client in clients:
            client.join(60)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server_errors = log.read_text(encoding="utf-8", errors="replace")

    latencies = sorted(latency for client in clients for latency in client.latencies)
    errors = [error for client in clients for error in client.errors]
    baseline = [rss for at, rss in memory if BASELINE[0] * SECONDS <= at <= BASELINE[1] * SECONDS] or [memory[0][1]]
    final = [rss for at, rss in memory if at >= END * SECONDS] or [memory[-1][1]]
    figures = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        "latency_ms": {
            "p50": round(1000 * statistics.median(latencies), 1),
            "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
            "p99": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "server_rss_mb": {
            "after_warm_up": round(statistics.mean(baseline), 1),
            "warm_up_seconds": round(BASELINE[0] * SECONDS),
            "at_end": round(statistics.mean(final), 1),
            "peak": round(max(rss for _, rss in memory), 1),
            "every_5_s": [round(rss, 1) for at, rss in memory[::5]],
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    assert errors == [], errors[:10]
    assert "Traceback" not in server_errors
    assert figures["requests"] > CLIENTS * SECONDS / 10, "the server answered too few requests to judge"
    assert figures["latency_ms"]["p95"] < 2000
    growth = figures["server_rss_mb"]["at_end"] - figures["server_rss_mb"]["after_warm_up"]
    assert growth < max(20.0, 0.15 * figures["server_rss_mb"]["after_warm_up"]), figures["server_rss_mb"]
