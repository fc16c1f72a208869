"""Text extracted from a PDF with form feeds: running footers dropped with a reason, numbered headings."""

from __future__ import annotations

from indexer.ingest.pipeline import parse_report
from indexer.ingest.readers.text import blocks_from_text

FOOTER = "Inspection of custody services in Westmoor    {page}"
PAGES = [
    "Inspection of custody services in Westmoor\n"
    "March 2024\n"
    "\n"
    "1. Summary\n"
    "\n"
    "Detainees were treated with respect by custody staff, and the suites we visited were clean\n"
    "and well kept. Staff knew the detainees in their care and spoke to them\n",
    "politely, including when a detainee was distressed or under the influence.\n"
    "\n"
    "2. Areas for improvement\n"
    "\n"
    "• The force should make sure that every detainee is offered a shower and a change of\n"
    "  clothes before they are interviewed.\n"
    "• The force should record the reason for every use of force in custody.\n",
    "3. Recommendations\n"
    "\n"
    "1. Within six months, the force should give every custody sergeant training in the\n"
    "   new risk assessment.\n"
    "\n"
    "Custody staff told us that the new cells had made the suite calmer at night.\n",
]


def extracted_text() -> str:
    pages = [page + "\n" + FOOTER.format(page=number) + "\n" for number, page in enumerate(PAGES, 1)]
    return "\f".join(pages)


def test_running_footers_are_dropped_with_their_reason_and_the_split_paragraph_rejoined(tmp_path):
    path = tmp_path / "westmoor-custody.txt"
    path.write_text(extracted_text(), encoding="utf-8")
    report = parse_report(path, tmp_path)
    footers = [(item.text, item.reason) for item in report.dropped if item.reason == "running header or footer"]
    assert footers == [
        ("Inspection of custody services in Westmoor    1", "running header or footer"),
        ("Inspection of custody services in Westmoor    2", "running header or footer"),
        ("Inspection of custody services in Westmoor    3", "running header or footer"),
    ]
    # The cover's date stands alone under the title, never part of it.
    assert (report.meta.title, report.meta.published) == ("Inspection of custody services in Westmoor", "2024-03")
    texts = [paragraph.text for paragraph in report.paragraphs]
    assert (
        "Detainees were treated with respect by custody staff, and the suites we visited were clean and well "
        "kept. Staff knew the detainees in their care and spoke to them politely, including when a detainee "
        "was distressed or under the influence."
    ) in texts
    assert not any("Westmoor    " in text for text in texts)


def test_numbered_report_headings_head_their_sections(tmp_path):
    path = tmp_path / "westmoor-custody.txt"
    path.write_text(extracted_text(), encoding="utf-8")
    report = parse_report(path, tmp_path)
    rows = [(p.section, p.section_type, p.finding_type, p.text[:40]) for p in report.paragraphs]
    assert rows == [
        ("Summary", "summary", None, "Detainees were treated with respect by c"),
        ("Areas for improvement", "areas_for_improvement", "area_for_improvement",
         "The force should make sure that every de"),
        ("Areas for improvement", "areas_for_improvement", "area_for_improvement",
         "The force should record the reason for e"),
        ("Recommendations", "recommendations", "recommendation", "Within six months, the force should give"),
        ("Recommendations", "recommendations", None, "Custody staff told us that the new cells"),
    ]  # fmt: skip


def test_a_line_repeated_at_the_foot_of_only_some_pages_is_kept():
    """Two pages of four end with the same words: not enough to call them a running footer."""
    pages = [
        "Opening paragraph of the first page.\n\nAsk the custody team.\n",
        "Second page paragraph.\n\nAsk the custody team.\n",
        "Third page paragraph.\n\nThe end of the third page.\n",
        "Fourth page paragraph.\n\nThe end of the fourth page, and of the text.\n",
    ]
    blocks = blocks_from_text("\f".join(pages))
    assert [block.kind for block in blocks].count("dropped") == 0
    assert [block.text for block in blocks].count("Ask the custody team.") == 2


def test_a_numbered_list_item_that_is_not_a_report_heading_stays_an_item(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(
        "Custody review\n\nAreas for improvement\n\n1. Cell call bells\n\n2. Food for detainees\n", encoding="utf-8"
    )
    report = parse_report(path, tmp_path)
    rows = [(p.section_type, p.finding_type, p.text) for p in report.paragraphs]
    assert rows == [
        ("areas_for_improvement", "area_for_improvement", "Cell call bells"),
        ("areas_for_improvement", "area_for_improvement", "Food for detainees"),
    ]
