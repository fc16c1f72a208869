"""Reading a generation's manifest."""

from __future__ import annotations

import json

from indexer.store.generations import MANIFEST_FILE, SHARED_CHARS, read_manifest


def test_read_manifest_gives_the_json_with_equal_short_strings_shared(tmp_path):
    """The manifest is exactly its JSON; a short string it repeats is one object, a long one is not shared."""
    long_text = "x" * (SHARED_CHARS + 1)
    manifest = {
        "findings": {
            "a--p-1": {"report_id": "a", "finding_type": "recommendation", "addressees": ["police", "health"],
                       "text": long_text},
            "b--p-2": {"report_id": "b", "finding_type": "recommendation", "addressees": ["police"],
                       "text": long_text},
        },
        "reports": {"a": {"facts": [["published", "2020", "line"]], "forces": ["Kent Police"], "count": 3}},
    }  # fmt: skip
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    read = read_manifest(tmp_path)
    assert read == manifest
    first, second = read["findings"]["a--p-1"], read["findings"]["b--p-2"]
    assert first["finding_type"] is second["finding_type"]
    assert first["addressees"][0] is second["addressees"][0]
    assert first["addressees"] is not second["addressees"]  # lists stay each finding's own
    assert first["text"] is not second["text"]
