"""Run the ``findings`` command and SIGKILL it at the Nth call of a chosen function.

Usage: python crash_at.py FUNCTION (before|after|count) N -- findings arguments...

FUNCTION is one of CRASH_POINTS. With ``count`` it records how often the function
was called in a complete run (as JSON in $CRASH_COUNT_FILE) instead of crashing.
Only the indexer's own process counts; forked parse workers do not.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import sys

CRASH_POINTS = {
    "os.replace": (os, "replace"),
    "os.rename": (os, "rename"),
    "os.fsync": (os, "fsync"),
    "shutil.rmtree": (shutil, "rmtree"),
    "shutil.copytree": (shutil, "copytree"),
    "add_reports": ("indexer.store.writing", "add_reports"),  # documents handed to the (multi-process) writer
}


def main() -> None:
    name, when, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
    assert sys.argv[4] == "--"
    owner, attribute = CRASH_POINTS[name]
    if isinstance(owner, str):
        owner = importlib.import_module(owner)
    original = getattr(owner, attribute)
    main_pid = os.getpid()
    calls = 0

    def wrapped(*args, **kwargs):
        nonlocal calls
        if os.getpid() != main_pid:
            return original(*args, **kwargs)
        calls += 1
        if when == "before" and calls == nth:
            os.kill(main_pid, signal.SIGKILL)
        result = original(*args, **kwargs)
        if when == "after" and calls == nth:
            os.kill(main_pid, signal.SIGKILL)
        return result

    setattr(owner, attribute, wrapped)
    from indexer.cli import main as findings

    try:
        findings(sys.argv[5:], standalone_mode=False)
    finally:
        if when == "count":
            with open(os.environ["CRASH_COUNT_FILE"], "w", encoding="utf-8") as handle:
                json.dump({"calls": calls}, handle)


if __name__ == "__main__":
    main()
