"""The charts above the results count the page's own matches, even when their field is filtered."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from tests.webapp.support import DEVON, HAMPSHIRE, text_of
from webapp.charts import force_chart, year_chart
from webapp.params import parse_args


def charts(soup) -> dict[str, list[tuple[str, int]]]:
    """Each chart as {caption: [(label, count), ...]}, read from the drawn bars."""
    drawn = {}
    for figure in soup.select("figure.chart"):
        bars = figure.select("svg a.chart__bar")
        drawn[text_of(figure.figcaption)] = [
            (text_of(bar.select_one(".chart__label")), int(text_of(bar.select_one(".chart__count")))) for bar in bars
        ]
        # The table behind "Show as a table" must say the same as the bars.
        rows = [tuple(text_of(cell) for cell in row.find_all("td")) for row in figure.select("tbody tr")]
        assert rows == [(label, str(count)) for label, count in drawn[text_of(figure.figcaption)]]
    return drawn


def total(soup) -> int:
    return int(text_of(soup.select_one("#results-count")).split()[0].replace(",", ""))


def test_force_chart_shows_only_the_chosen_force(page):
    """With one force chosen, the force chart has that force alone, counting exactly the page's matches."""
    soup = page("/search?" + urlencode({"q": "children", "force": HAMPSHIRE}))
    # Without the filter Devon and Cornwall has 64 of the 68 matches: a bar the page does not list.
    assert total(soup) == 4
    drawn = charts(soup)
    assert drawn["Matches by force (chosen force)"] == [(HAMPSHIRE, 4)]
    assert "Matches by force" not in drawn
    svg = soup.select_one("figure.chart svg[aria-labelledby='chart-forces-title chart-forces-desc']")
    assert svg.find("title").get_text() == "Matches by force (chosen force)"
    assert svg.find("desc").get_text().startswith(f"Matches by force (chosen force). {HAMPSHIRE}: 4.")


def test_force_chart_with_two_chosen_forces_adds_up_to_the_page(page):
    """With both forces chosen, both bars are drawn, most first, and together they count the page's matches."""
    soup = page("/search?" + urlencode([("q", "children"), ("force", DEVON), ("force", HAMPSHIRE)]))
    assert total(soup) == 68
    assert charts(soup)["Matches by force (chosen forces)"] == [(DEVON, 64), (HAMPSHIRE, 4)]


def test_other_filters_leave_the_force_chart_showing_every_force(page):
    """A year filter narrows the force chart's counts but keeps every force, and names the year chart's choice."""
    soup = page("/search?q=children&year=2020")
    assert charts(soup) == {
        "Matches by year (chosen year)": [("2020", 68)],
        "Matches by force": [(DEVON, 64), (HAMPSHIRE, 4)],
    }


def test_year_chart_shows_only_the_chosen_years(app):
    """The year chart drops years outside its own filter, as the force chart drops forces."""
    # The shipped corpus has one year, so the facet counts here are made up.
    result = {
        "facets": {
            "year": [
                {"value": "2021", "count": 9, "selected": False},
                {"value": "2020", "count": 5, "selected": True},
                {"value": "2019", "count": 3, "selected": True},
                {"value": "2018", "count": 7, "selected": False},
            ],
            "forces": [
                {"value": DEVON, "count": 8, "selected": False},
                {"value": HAMPSHIRE, "count": 0, "selected": False},
            ],
        }
    }
    with app.test_request_context():
        params = parse_args(MultiDict([("q", "custody"), ("year", "2019"), ("year", "2020")]))
        years = year_chart(result, params)
        forces = force_chart(result, params)
    assert years["title"] == "Matches by year (chosen years)"
    assert [(bar["label"], bar["count"]) for bar in years["bars"]] == [("2019", 3), ("2020", 5)]
    assert forces["title"] == "Matches by force"
    assert [(bar["label"], bar["count"]) for bar in forces["bars"]] == [(DEVON, 8)]
