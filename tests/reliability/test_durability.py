"""Crash safety: SIGKILL the indexer at random moments and at exact steps; the index is never lost or mixed.

Every kill is followed by the same checks: the index opens through the search
service and holds exactly the paragraphs of the run before or of the run that
was killed (never a mix, never an error), then the next run succeeds, reaches
the new state and leaves no temporary files behind.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexer.store.generations import current_generation

from reportgen import write_corpus
from support import (
    ROOT,
    IndexContents,
    cli_env,
    index_contents,
    reap_group,
    run_findings,
    start_findings,
    stray_temporary_files,
    wait_for_group_to_exit,
)

ARTIFACTS = ROOT / "test-artifacts"
CRASH_SCRIPT = Path(__file__).with_name("crash_at.py")

BEFORE = dict.fromkeys(range(16), 0)
AFTER = {**BEFORE, 0: 1, 1: 1, 2: 1, 16: 0}  # three edited, one added...
del AFTER[3]  # ...and one removed
PARAGRAPHS = 40
"""Per report: a full build of 16 reports takes most of a second, most of it real work."""


@dataclass
class Scenario:
    """One kind of run to kill: from ``base`` (an index of BEFORE, or nothing) to the AFTER corpus."""

    name: str
    corpus: Path
    base: Path | None
    rebuild: bool
    before: IndexContents | None
    after: IndexContents
    seconds: float
    """How long an uninterrupted run takes, so kills can be spread across it."""
    outcomes: dict[str, int] = field(default_factory=dict)

    def args(self, index_dir: Path) -> list[str]:
        rebuild = ["--rebuild"] if self.rebuild else []
        return ["index", str(self.corpus), "--index-dir", str(index_dir), "--quiet", *rebuild]


def _index(corpus: Path, index_dir: Path, *extra: str) -> float:
    started = time.monotonic()
    result = run_findings("index", str(corpus), "--index-dir", str(index_dir), "--quiet", *extra)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict[str, Scenario]:
    """Reference runs: the paragraphs before and after, and how long each kind of run takes."""
    root = tmp_path_factory.mktemp("durability")
    before_corpus = write_corpus(root / "before", BEFORE, paragraphs=PARAGRAPHS)
    after_corpus = write_corpus(root / "after", AFTER, paragraphs=PARAGRAPHS)
    base = root / "base-index"
    # Several generations, so that publishing also prunes old ones.
    _index(write_corpus(root / "older", dict.fromkeys(range(2), 2), paragraphs=4), base)
    _index(write_corpus(root / "old", dict.fromkeys(range(2), 3), paragraphs=4), base)
    _index(before_corpus, base)
    before = index_contents(base)

    found = {}
    for name, start, rebuild in (("incremental", base, False), ("rebuild", base, True), ("first build", None, False)):
        index_dir = root / f"reference-{name.replace(' ', '-')}"
        if start is not None:
            shutil.copytree(start, index_dir)
        seconds = _index(after_corpus, index_dir, *(["--rebuild"] if rebuild else []))
        found[name] = Scenario(
            name, after_corpus, start, rebuild, before if start else None, index_contents(index_dir), seconds
        )
    assert found["incremental"].after == found["rebuild"].after == found["first build"].after
    assert found["incremental"].after.paragraph_ids != before.paragraph_ids
    return found


def check_after_kill(scenario: Scenario, index_dir: Path) -> str:
    """Which state the killed run left ("before" or "after"); fails on anything else."""
    if scenario.before is None and current_generation(index_dir) is None:
        state = "before"  # a first build killed before publishing: still no index, as before
    else:
        contents = index_contents(index_dir)
        assert contents in (scenario.before, scenario.after), "the index holds a mix of two runs"
        state = "before" if contents == scenario.before else "after"
    rerun = run_findings(*scenario.args(index_dir))
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    assert index_contents(index_dir) == scenario.after
    assert stray_temporary_files(index_dir) == []
    return state


def kill_at_random(scenario: Scenario, index_dir: Path, rng: random.Random) -> str:
    """Start a run on a fresh copy of the base index, SIGKILL it after a random delay, check."""
    shutil.rmtree(index_dir, ignore_errors=True)
    if scenario.base is not None:
        shutil.copytree(scenario.base, index_dir)
    started = time.monotonic()
    process = start_findings(*scenario.args(index_dir))
    delay = rng.uniform(0.05, 1.1 * scenario.seconds)
    try:
        process.wait(timeout=delay)
        # Finished before the kill: the machine is faster now than when the run was timed.
        scenario.seconds = 0.7 * scenario.seconds + 0.3 * (time.monotonic() - started)
    except subprocess.TimeoutExpired:
        pass
    process.send_signal(signal.SIGKILL)  # the indexer alone, as the OOM killer would
    try:
        # Its parse workers and writer processes must die with it, or they would hold the lock.
        assert wait_for_group_to_exit(process.pid) == [], "a child of the killed indexer is still running"
    finally:
        reap_group(process.pid)
    _, stderr = process.communicate()
    assert "Traceback" not in stderr
    state = check_after_kill(scenario, index_dir)
    finished = "finished" if process.returncode == 0 else "killed"
    key = f"{finished}, left {state}"
    scenario.outcomes[key] = scenario.outcomes.get(key, 0) + 1
    return state


def run_kills(scenarios: dict[str, Scenario], plan: dict[str, int], tmp_path: Path, report_name: str) -> dict:
    rng = random.Random()
    started = time.monotonic()
    for scenario in scenarios.values():
        scenario.outcomes.clear()
    for name, count in plan.items():
        for _ in range(count):
            kill_at_random(scenarios[name], tmp_path / "index", rng)
    figures = {
        "kills": sum(plan.values()),
        "seconds": round(time.monotonic() - started, 1),
        "scenarios": {
            name: {
                "kills": plan[name],
                "run_seconds": round(scenarios[name].seconds, 2),
                "outcomes": scenarios[name].outcomes,
            }
            for name in plan
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / report_name).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


def test_sigkill_at_random_moments_never_loses_or_mixes_the_index(scenarios, tmp_path):
    """50 kills during full builds and incremental updates: before-or-after, then a clean next run."""
    figures = run_kills(scenarios, {"rebuild": 6, "first build": 4, "incremental": 40}, tmp_path, "durability.json")
    assert figures["kills"] >= 50


@pytest.mark.slow
def test_sigkill_two_hundred_times(scenarios, tmp_path):
    """The long run: 200 kills spread over the three kinds of run."""
    figures = run_kills(
        scenarios, {"rebuild": 60, "first build": 20, "incremental": 120}, tmp_path, "durability-long.json"
    )
    assert figures["kills"] >= 200


def _crash_run(scenario: Scenario, index_dir: Path, function: str, when: str, nth: int, count_file: Path | None = None):
    shutil.rmtree(index_dir, ignore_errors=True)
    shutil.copytree(scenario.base, index_dir)
    env = cli_env()
    if count_file is not None:
        env["CRASH_COUNT_FILE"] = str(count_file)
    return subprocess.run(
        [sys.executable, str(CRASH_SCRIPT), function, when, str(nth), "--", *scenario.args(index_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("function", ["os.replace", "shutil.rmtree"])
def test_sigkill_at_every_step_of_a_commit(scenarios, tmp_path, function):
    """A crash just before and just after the generation rename, the CURRENT switch and pruning."""
    scenario = scenarios["incremental"]
    count_file = tmp_path / "count.json"
    completed = _crash_run(scenario, tmp_path / "index", function, "count", 0, count_file)
    assert completed.returncode == 0, completed.stderr
    calls = json.loads(count_file.read_text())["calls"]
    states = []
    for nth in range(1, calls + 1):
        for when in ("before", "after"):
            crashed = _crash_run(scenario, tmp_path / "index", function, when, nth)
            assert crashed.returncode == -signal.SIGKILL, crashed.stderr
            states.append(check_after_kill(scenario, tmp_path / "index"))
    if function == "os.replace":
        # The generation rename, then the CURRENT switch: the switch is the moment of commit.
        assert states == ["before", "before", "before", "after"]
    else:
        assert (calls, states) == (1, ["after", "after"])  # pruning happens after the switch


def test_run_with_nothing_to_do_still_clears_a_killed_runs_leftovers(scenarios, tmp_path):
    """A rebuild killed mid-write leaves gen-N.tmp; the next run has nothing to index but removes it."""
    scenario = scenarios["rebuild"]
    index_dir = tmp_path / "index"
    shutil.copytree(scenario.base, index_dir)
    corpus = scenario.corpus.parent / "before"
    args = ["index", str(corpus), "--index-dir", str(index_dir), "--quiet", "--rebuild"]
    crashed = subprocess.run(
        [sys.executable, str(CRASH_SCRIPT), "os.rename", "before", "1", "--", *args],
        cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=120,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert stray_temporary_files(index_dir) != []
    rerun = run_findings(*args[:-1])
    assert (rerun.returncode, rerun.stdout.split(";")[0]) == (0, "0 indexed, 16 unchanged, 0 removed, 0 failed")
    assert stray_temporary_files(index_dir) == []
    assert index_contents(index_dir) == scenario.before


def test_killed_full_build_leaves_no_writer_process_holding_the_lock(scenarios, tmp_path):
    """SIGKILL after the documents reach whoosh's writer processes: they die too, the lock is free."""
    scenario = scenarios["rebuild"]
    index_dir = tmp_path / "index"
    shutil.copytree(scenario.base, index_dir)
    process = subprocess.Popen(
        [sys.executable, str(CRASH_SCRIPT), "add_reports", "after", "1", "--", *scenario.args(index_dir)],
        cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL
        assert wait_for_group_to_exit(process.pid) == [], "whoosh's writer processes outlived the indexer"
    finally:
        reap_group(process.pid)
    assert check_after_kill(scenario, index_dir) == "before"
