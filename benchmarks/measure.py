"""Helpers shared by the measurements: child processes, memory, percentiles."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children (forked parsers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a running process, from /proc."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _descendants(root: int) -> list[int]:
    """``root`` and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue  # gone meanwhile
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) summed over ``root`` and its descendants, in MB.

    PSS shares each page between the processes that map it (forked workers share their parent's
    pages until they write them), so its sum is what the whole tree takes; the RSS sum counts
    shared pages once per process.
    """
    rss = pss = 0
    for pid in _descendants(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    key, _, rest = line.partition(":")
                    if key == "Rss":
                        rss += int(rest.split()[0])
                    elif key == "Pss":
                        pss += int(rest.split()[0])
        except OSError:
            continue
    return rss / 1024, pss / 1024


class TreeMemory:
    """The peak memory of a process (this one by default) and all its descendants together, sampled.

    ``with TreeMemory() as peak: ...`` then ``peak.rss_mb`` / ``peak.pss_mb``: the highest sums seen,
    and ``peak.last_rss_mb``: the last.
    """

    def __init__(self, interval: float = 0.25, root: int | None = None) -> None:
        self.interval = interval
        self.root = os.getpid() if root is None else root
        self.last_rss_mb = 0.0
        self.rss_mb = self.pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            rss, pss = _tree_memory_mb(self.root)
            self.rss_mb, self.pss_mb = max(self.rss_mb, rss), max(self.pss_mb, pss)
            self.last_rss_mb = rss
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def emit(result: dict) -> None:
    """The last line a worker prints: its result as JSON."""
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_worker(module: str, *args: object, timeout: float = 3600) -> dict:
    """Run ``python -m module args`` in a fresh process and return what it emitted."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(map(str, args))} failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result.setdefault("process_wall_s", round(wall, 4))
    return result


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), so p95 is a latency that really happened."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-round(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(latencies: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 2) if latencies else 0.0,
        "samples": len(latencies),
    }


def wait_for_port(host: str, port: int, timeout: float = 60.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"server on {host}:{port} did not start within {timeout:g} s")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_pid_alive(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}")
