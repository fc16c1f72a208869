"""On a 390 px phone screen no page scrolls sideways, and every table column can still be read."""

from __future__ import annotations

import pytest

from tests.browser.support import PAGE_TYPES, PHONE_VIEWPORT

pytestmark = pytest.mark.browser

WIDTH = PHONE_VIEWPORT["width"]
# Text inside a visually hidden element overflows its 1 px box, but is clipped: never painted, never scrollable.
OVERFLOWING = """width => {
  const wide = [];
  const name = element => `${element.tagName.toLowerCase()}.${element.className}`;
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('.visually-hidden')) continue;
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) wide.push(`${name(element)}: ${Math.round(box.right)}`);
    // A long word or address overflows its paragraph without widening the paragraph's own box.
    for (const node of element.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right;
      if (right > width + 0.5) {
        wide.push(`text in ${name(element)}: ${Math.round(right)} ${node.textContent.trim().slice(0, 60)}`);
      }
    }
  }
  return wide.slice(0, 10);
}"""
"""What sticks out past the right edge of the screen, for the failure message."""
CUT_OFF_CELLS = """width => [...document.querySelectorAll('td, th')]
  .filter(cell => !cell.closest('.visually-hidden, thead'))
  .map(cell => [cell, cell.getBoundingClientRect()])
  .filter(([cell, box]) => box.width && (box.left < -0.5 || box.right > width + 0.5))
  .map(([cell, box]) => `${cell.textContent.trim().slice(0, 40)}: ${Math.round(box.left)}..${Math.round(box.right)}`)"""


def scroll_width(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_nothing_scrolls_sideways_on_a_phone(visit, page_type, name):
    """At 390 px the page is no wider than the screen, and no table cell lies outside it."""
    url, status = page_type(name)
    tab = visit(url, PHONE_VIEWPORT, status=status)
    assert scroll_width(tab) <= WIDTH, tab.evaluate(OVERFLOWING, WIDTH)
    # Passing by hiding overflow would cut columns off: every cell must be on screen.
    assert tab.evaluate(CUT_OFF_CELLS, WIDTH) == []


def test_no_report_scrolls_sideways_on_a_phone(visit, service):
    """Every report in the collection, with its long web addresses in text and footnotes, fits a 390 px screen."""
    too_wide = {}
    for report in service.reports():
        tab = visit(f"/reports/{report['report_id']}", PHONE_VIEWPORT)
        if scroll_width(tab) > WIDTH:
            too_wide[report["report_id"]] = tab.evaluate(OVERFLOWING, WIDTH)
    assert too_wide == {}


def test_stacked_table_labels_every_cell_on_a_phone(visit):
    """On a phone the reports table stacks each row, and each cell says which column it belongs to."""
    tab = visit("/reports", PHONE_VIEWPORT)
    first_row = tab.locator("table tbody tr").first
    labels = first_row.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels == ["none", '"Type: "', '"Published: "', '"Forces: "', '"Paragraphs: "']
    # The table is still a table to assistive technology.
    assert tab.get_by_role("columnheader").all_inner_texts() == ["Title", "Type", "Published", "Forces", "Paragraphs"]
