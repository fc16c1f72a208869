"""axe-core on every kind of page at desktop and phone widths, chart text contrast, and skipping to the results."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.support import DESKTOP_VIEWPORT, PAGE_TYPES, VIEWPORTS

pytestmark = pytest.mark.browser

AXE = Axe()
# Every rule axe runs by default (WCAG A and AA, and best practices), with undecided results listed in full.
AXE_OPTIONS = {"resultTypes": ["violations", "incomplete"]}
MIN_CONTRAST = 4.5
"""WCAG 2.2 AA for text under 18.66 px bold / 24 px (chart text is 12 px)."""
IS_CHART_TEXT = "target => target.length === 1 && !!document.querySelector(target[0])?.matches('svg.chart__svg text')"
CHART_TEXT_COLOURS = """selectors => selectors.map(selector => {
  const text = document.querySelector(selector);
  const box = text.getBoundingClientRect();
  // The HTML behind the chart, from the page down to the nearest opaque background.
  const behind = [];
  for (let element = text.ownerSVGElement; element; element = element.parentElement) {
    const colour = getComputedStyle(element).backgroundColor;
    behind.unshift(colour);
    if (!/rgba\\(.*,\\s*0(\\.\\d+)?\\)$/.test(colour) && !/transparent/.test(colour)) break;
  }
  // Shapes painted before the text whose box meets the text's box may lie under some of its letters.
  const shapes = [...text.ownerSVGElement.querySelectorAll('rect, circle, ellipse, path, polygon')]
    .filter(shape => shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)
    .filter(shape => {
      const other = shape.getBoundingClientRect();
      return other.left < box.right && other.right > box.left && other.top < box.bottom && other.bottom > box.top;
    })
    .map(shape => getComputedStyle(shape).fill);
  return {selector, text: text.textContent, fill: getComputedStyle(text).fill, behind, shapes};
})"""


def rgba(colour: str) -> tuple[float, float, float, float]:
    """A computed CSS colour ("rgb(11, 12, 12)", "rgba(0, 0, 0, 0)", "none", "transparent") as (r, g, b, alpha)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    if len(numbers) < 3:
        return (0.0, 0.0, 0.0, 0.0)
    return (numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) > 3 else 1.0)


def over(top: tuple, bottom: tuple) -> tuple[float, float, float, float]:
    """``top`` painted over the opaque colour ``bottom``."""
    alpha = top[3]
    return (*(alpha * t + (1 - alpha) * b for t, b in zip(top[:3], bottom[:3], strict=True)), 1.0)


def contrast(first: tuple, second: tuple) -> float:
    """The WCAG contrast ratio of two opaque colours."""

    def luminance(colour: tuple) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour[:3]]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weakest_chart_text(tab, selectors: list[str]) -> list[tuple[str, str, float]]:
    """(selector, text, contrast) of each SVG text against the worst of the backgrounds it may sit on."""
    measured = []
    for text in tab.evaluate(CHART_TEXT_COLOURS, selectors):
        backdrop = (255.0, 255.0, 255.0, 1.0)
        for colour in text["behind"]:
            backdrop = over(rgba(colour), backdrop)
        candidates = [backdrop, *(over(rgba(shape), backdrop) for shape in text["shapes"])]
        ratio = min(contrast(over(rgba(text["fill"]), backdrop), candidate) for candidate in candidates)
        measured.append((text["selector"], text["text"], round(ratio, 2)))
    return measured


def describe(rules: list[dict]) -> str:
    """axe's results as "rule (impact): help" followed by the target of each element found."""
    lines = []
    for rule in rules:
        lines.append(f"{rule['id']} ({rule.get('impact')}): {rule['help']}")
        lines.extend(f"    {node['target']}" for node in rule["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_nothing_wrong(visit, page_type, name, viewport):
    """axe-core finds no violation, and leaves nothing undecided but SVG chart text, whose contrast is measured here."""
    url, status = page_type(name)
    tab = visit(url, VIEWPORTS[viewport], status=status)
    results = AXE.run(tab, options=AXE_OPTIONS).response
    assert results["violations"] == [], describe(results["violations"])
    # axe treats inline SVG as an image and cannot tell what is behind its text; everything else must be decided.
    chart_text = [
        node["target"][0]
        for rule in results["incomplete"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
        if tab.evaluate(IS_CHART_TEXT, node["target"])
    ]
    undecided = [
        {**rule, "nodes": [node for node in rule["nodes"] if node["target"][0] not in chart_text]}
        for rule in results["incomplete"]
    ]
    undecided = [rule for rule in undecided if rule["nodes"]]
    assert undecided == [], describe(undecided)
    faint = [measured for measured in weakest_chart_text(tab, chart_text) if measured[2] < MIN_CONTRAST]
    assert faint == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_chart_text_has_enough_contrast(visit, page_type, viewport):
    """Every label and count in the charts has at least 4.5:1 contrast against whatever is behind it."""
    url, _ = page_type("search")
    tab = visit(url, VIEWPORTS[viewport])
    selectors = tab.evaluate(
        "() => [...document.querySelectorAll('svg.chart__svg text')].map((text, index) => {"
        " text.dataset.contrastProbe = index; return `[data-contrast-probe=\"${index}\"]`; })"
    )
    # Both charts, with a label and a count per bar: there is text to measure.
    assert len(selectors) >= 4
    measured = weakest_chart_text(tab, selectors)
    assert [m for m in measured if m[2] < MIN_CONTRAST] == [], measured


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_skip_to_results_jumps_past_the_filters(browser, live_server, javascript):
    """A couple of Tabs reach a visible "Skip to results"; Enter, then one Tab, lands in the first result."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP_VIEWPORT, java_script_enabled=javascript)
    try:
        tab = context.new_page()
        tab.goto("/search?q=custody")
        for _ in range(3):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.textContent.trim()") == "Skip to results":
                break
        else:
            pytest.fail("three Tabs from the top did not reach 'Skip to results'")
        # Visible once focused: on screen, not the 1 px box of a visually hidden element.
        box = tab.locator(":focus").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP_VIEWPORT["height"] and box["width"] > 1, box
        tab.keyboard.press("Enter")
        tab.wait_for_url("**/search?q=custody#results-list")
        assert tab.evaluate("document.activeElement.id") == "results-list"
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.closest('li.result') === document.querySelector('li.result')")
        title = tab.locator("li.result").first.locator(".result__title a").inner_text()
        assert tab.evaluate("document.activeElement.textContent.trim()") == title
    finally:
        context.close()


def test_skip_to_results_is_only_offered_when_there_are_results(visit, page_type):
    """A search that finds nothing, or is refused, has no "Skip to results" link pointing nowhere."""
    for name in ("no-results", "bad-query"):
        url, status = page_type(name)
        tab = visit(url, DESKTOP_VIEWPORT, status=status)
        assert tab.locator("a[href='#results-list']").count() == 0, name
    tab = visit(page_type("search")[0], DESKTOP_VIEWPORT)
    assert tab.locator("a.skip-link[href='#results-list']").count() == 1
    assert tab.locator("#results-list[tabindex='-1']").count() == 1
