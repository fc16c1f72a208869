"""The search page: query box, facets, chips, results, glossary, suggestions, charts and paging."""

from __future__ import annotations

from tests.webapp.support import (
    DEVON,
    HAMPSHIRE,
    VIST_CITATION,
    VIST_MARKDOWN,
    VIST_PARAGRAPH,
    path_of,
    query_of,
    text_of,
)


def facet(soup, name: str) -> dict[str, tuple[int, bool, str]]:
    """A facet group as {label: (count, selected, link)}."""
    group = soup.select_one(f"section.facet[aria-labelledby='facet-{name}']")
    if group is None:
        return {}
    values = {}
    for link in group.select("a.facet__link"):
        count = int(link.select_one(".facet__count").contents[0].replace(",", ""))
        label = link.select_one(".facet__label").contents[0].strip()
        values[label] = (count, "facet__link--selected" in link["class"], link["href"])
    return values


def results(soup) -> list[dict]:
    return [
        {
            "title": text_of(item.select_one(".result__title")),
            "where": text_of(item.select_one(".result__section")),
            "finding": text_of(tag) if (tag := item.select_one(".result__where .tag")) else None,
            "view": item.find("a", string=lambda s: s and s.startswith("View in report"))
            or item.select_one(".result__actions a"),
        }
        for item in soup.select("ol.result-list > li.result")
    ]


def test_search_box_is_labelled_and_links_to_help(page):
    """The query box has a label, keeps the query, and the syntax help is one link away."""
    soup = page("/search?q=VIST")
    box = soup.select_one("form[role=search] input[name=q]")
    assert box["value"] == "VIST"
    assert soup.select_one(f"label[for={box['id']}]") is not None
    assert "/help" in [a["href"] for a in soup.select("form[role=search] a")]
    assert len(soup.find_all("h1")) == 1


def test_vist_finds_the_two_areas_for_improvement_first(page):
    """A search for VIST lists the two Plymouth areas for improvement that mention the tool."""
    soup = page("/search?q=VIST")
    found = results(soup)
    assert text_of(soup.select_one("#results-count")) == "3 paragraphs match"
    assert [(r["where"], r["finding"]) for r in found[:2]] == [
        ("Areas for improvement, paragraph 36", "Area for improvement"),
        ("Areas for improvement, paragraph 37", "Area for improvement"),
    ]
    assert found[0]["title"] == (
        "Joint targeted area inspection of the multi-agency response to children's mental health in Plymouth"
    )


def test_result_shows_type_date_forces_inspectorates_and_snippet(page):
    """Each result carries doc type and date, forces, inspectorates and the highlighted snippet."""
    soup = page("/search?q=VIST")
    first = soup.select_one("li.result")
    assert text_of(first.select_one(".result__meta")) == "Inspection letter · 8 January 2020"
    assert first.select_one(".result__meta time")["datetime"] == "2020-01-08"
    facts = {text_of(div.dt): text_of(div.dd) for div in first.select(".result__facts > div")}
    assert facts == {"Force": DEVON, "Inspectorates": "Ofsted, CQC, HMICFRS and HMI Probation"}
    assert [text_of(mark) for mark in first.select(".snippet mark")] == [
        "vulnerability, identification screening tool",
        "VIST",
    ]


def test_view_in_report_is_the_paragraph_permalink_with_the_query(page):
    """"View in report" links to /p/<id> and carries the query along for highlighting."""
    soup = page("/search?q=VIST")
    link = soup.select_one("li.result .result__actions a")
    assert text_of(link).startswith("View in report")
    assert path_of(link["href"]) == f"/p/{VIST_PARAGRAPH}"
    assert query_of(link["href"]) == {"q": ["VIST"]}


def test_citation_is_visible_without_javascript(page):
    """The plain and Markdown citations sit in a <details> the reader can open and select."""
    soup = page("/search?q=VIST")
    first = soup.select_one("li.result")
    texts = [text_of(p) for p in first.select("details.cite .cite__text")]
    assert texts == [VIST_CITATION, VIST_MARKDOWN]
    button = first.select_one("button.js-copy")
    # Hidden until the script runs, since without JavaScript it could do nothing.
    assert button.has_attr("hidden")
    assert soup.find(id=button["data-copy-target"]).get_text() == VIST_CITATION


def test_glossary_entry_is_shown_above_results(page):
    """An acronym in the query gets its glossary entry before the results."""
    soup = page("/search?q=VIST")
    entry = soup.select_one(".glossary")
    assert text_of(entry.select_one(".glossary__term")) == "VIST"
    assert text_of(entry.select_one(".glossary__expansion")) == "vulnerability identification screening tool"
    assert entry.find_next("ol", class_="result-list") is not None


def test_facets_show_counts_and_toggle_links(page, service):
    """Each facet value shows the search's count and links to the same search with the value toggled."""
    soup = page("/search?q=custody")
    expected = {entry["value"]: entry["count"] for entry in service.search("custody")["facets"]["forces"]}
    forces = facet(soup, "forces")
    assert {label: count for label, (count, _, _) in forces.items()} == expected
    _count, selected, href = forces[DEVON]
    assert not selected
    assert query_of(href) == {"q": ["custody"], "force": [DEVON]}


def test_selected_facet_value_links_back_without_it(page):
    """A selected value is marked, and its link removes it again (multi-select toggles)."""
    soup = page(f"/search?q=children&force={DEVON}&force={HAMPSHIRE}")
    forces = facet(soup, "forces")
    assert forces[DEVON][1] and forces[HAMPSHIRE][1]
    assert query_of(forces[DEVON][2]) == {"q": ["children"], "force": [HAMPSHIRE]}
    assert query_of(forces[HAMPSHIRE][2]) == {"q": ["children"], "force": [DEVON]}


def test_force_filter_narrows_results_and_other_counts(page):
    """Filtering by force cuts the total and the counts in other facets, but not the force facet's own."""
    everything = page("/search?q=children")
    narrowed = page(f"/search?q=children&force={HAMPSHIRE}")
    total = lambda soup: int(text_of(soup.select_one("#results-count")).split()[0])  # noqa: E731
    assert total(narrowed) < total(everything)
    assert facet(narrowed, "forces")[DEVON][0] == facet(everything, "forces")[DEVON][0]
    pcc_href = facet(narrowed, "doc_type")["PCC response"][2]
    assert facet(narrowed, "doc_type") == {"PCC response": (total(narrowed), False, pcc_href)}
    assert {r["title"] for r in results(narrowed)} == {
        "HMICFRS: Joint targeted area inspection of the multi-agency response to children's mental health "
        "in Portsmouth (May 2020) (PCC response)"
    }


def test_long_facet_lists_fold_behind_show_more(page):
    """A long facet list shows five values and folds the rest into a <details>."""
    soup = page("/search")
    themes = soup.select_one("section.facet[aria-labelledby='facet-themes']")
    visible = themes.select(":scope > ul.facet__list > li")
    folded = themes.select("details.facet__more li")
    assert len(visible) == 5 and len(folded) >= 2
    assert text_of(themes.select_one("details.facet__more summary")).startswith(f"Show {len(folded)} more")


def test_active_filters_are_removable_chips(page):
    """Each active filter is a chip whose link removes just that filter; "Clear all" keeps the query."""
    soup = page(f"/search?q=children&force={DEVON}&finding=strength")
    chips = {text_of(a): a["href"] for a in soup.select(".chips a.chip")}
    assert set(chips) == {
        f"Remove filter Force: {DEVON} ×",
        "Remove filter Finding: Strength ×",
    }
    assert query_of(chips[f"Remove filter Force: {DEVON} ×"]) == {"q": ["children"], "finding": ["strength"]}
    assert query_of(soup.select_one(".chips__clear")["href"]) == {"q": ["children"]}


def test_search_form_keeps_filters_as_hidden_fields(page):
    """A new query keeps the current filters and sort (all state lives in the URL)."""
    soup = page(f"/search?q=children&force={DEVON}&sort=newest")
    hidden = [(i["name"], i["value"]) for i in soup.select("form[role=search] input[type=hidden]")]
    assert hidden == [("force", DEVON), ("sort", "newest")]


def test_sort_links_mark_the_current_order(page):
    """Sort links keep the query and filters; the current one is marked."""
    soup = page(f"/search?q=children&force={DEVON}&sort=oldest")
    links = {text_of(a): a for a in soup.select("nav.sort a")}
    assert list(links) == ["Relevance", "Newest", "Oldest"]
    assert links["Oldest"].get("aria-current") == "true"
    assert query_of(links["Relevance"]["href"]) == {"q": ["children"], "force": [DEVON]}
    assert query_of(links["Newest"]["href"]) == {"q": ["children"], "force": [DEVON], "sort": ["newest"]}


def test_newest_sort_orders_results_by_date(page):
    """sort=newest lists the latest publication first."""
    soup = page("/search?q=children&sort=newest&per_page=100")
    dates = [t["datetime"] for t in soup.select("li.result .result__meta time")]
    assert dates == sorted(dates, reverse=True) and len(dates) > 10


def test_pagination_links_pages_and_keeps_state(page):
    """With more results than fit, pages are linked, and each link keeps the query and page size."""
    soup = page("/search?q=children&per_page=5&page=2")
    nav = soup.select_one("nav.pagination")
    current = nav.select_one("[aria-current=page]")
    assert text_of(current) == "Page 2"
    assert query_of(nav.select_one("a[rel=prev]")["href"]) == {"q": ["children"], "per_page": ["5"]}
    assert query_of(nav.select_one("a[rel=next]")["href"]) == {"q": ["children"], "per_page": ["5"], "page": ["3"]}
    assert soup.select_one("ol.result-list")["start"] == "6"
    assert len(soup.select("li.result")) == 5


def test_did_you_mean_links_the_corrected_query(page):
    """A misspelt word that still finds something gets a "Did you mean" link."""
    soup = page("/search?q=safegaurding+children")
    notice = soup.select_one("a.suggestion")
    assert text_of(notice) == "safeguarding children"
    assert query_of(notice["href"]) == {"q": ["safeguarding children"]}


def test_misspelling_with_no_matches_is_corrected(page):
    """A misspelt query that matches nothing shows the corrected search's results, and says so."""
    soup = page("/search?q=safegaurding")
    assert "Showing results for safeguarding instead" in text_of(soup.select_one(".notice"))
    assert soup.select("li.result")


def test_no_matches_page_offers_next_steps(page):
    """A search with no results says so and suggests what to try."""
    soup = page("/search?q=zebracrossingxyz")
    assert text_of(soup.select_one("#results-count")) == "No paragraphs match"
    assert soup.select_one(".empty a[href='/help']") is not None


def test_export_and_feed_links_repeat_the_search(page):
    """CSV, JSON and Atom links carry the same query and filters, without paging."""
    soup = page(f"/search?q=custody&force={DEVON}&page=1&per_page=5")
    links = {text_of(a): a["href"] for a in soup.select("ul.downloads a")}
    assert {name: (path_of(href), query_of(href)) for name, href in links.items()} == {
        "CSV": ("/search.csv", {"q": ["custody"], "force": [DEVON]}),
        "JSON": ("/search.json", {"q": ["custody"], "force": [DEVON]}),
        "Atom feed": ("/search.atom", {"q": ["custody"], "force": [DEVON]}),
    }
    feed = soup.select_one("link[rel=alternate][type='application/atom+xml']")
    assert path_of(feed["href"]) == "/search.atom"


def test_charts_by_year_and_force_link_bars_to_filters(page):
    """Both charts are inline SVG with a title, a description and a table; each bar narrows the search."""
    soup = page("/search?q=children")
    charts = {text_of(f.figcaption): f for f in soup.select("figure.chart")}
    assert list(charts) == ["Matches by year", "Matches by force"]
    force_chart = charts["Matches by force"]
    svg = force_chart.find("svg")
    assert svg.find("title").get_text() == "Matches by force"
    assert "Devon and Cornwall Police: " in svg.find("desc").get_text()
    bars = {a["aria-label"]: a["href"] for a in svg.find_all("a")}
    devon = next(label for label in bars if label.startswith(DEVON))
    assert devon.endswith(f"Show only {DEVON}.")
    assert query_of(bars[devon]) == {"q": ["children"], "force": [DEVON]}
    rows = [[text_of(cell) for cell in row.find_all("td")] for row in force_chart.select("tbody tr")]
    assert [name for name, _ in rows] == [DEVON, HAMPSHIRE]
    year_bars = charts["Matches by year"].find("svg").find_all("a")
    assert [query_of(a["href"]).get("year") for a in year_bars] == [["2020"]]


def test_browsing_without_a_query_lists_everything(page):
    """/search with no query lists every paragraph, newest first by default order."""
    soup = page("/search")
    assert text_of(soup.select_one("#results-count")) == "108 paragraphs match"


def test_notes_explain_a_field_that_matches_nothing(page):
    """A field value that matches no force is explained, not silently empty."""
    soup = page("/search?q=force:nowhere")
    assert "No force matches 'nowhere'." in [text_of(n) for n in soup.select(".notice")]


def test_corrected_search_links_highlight_the_corrected_words(page):
    """After an automatic correction, "View in report" highlights the corrected query, not the typo."""
    soup = page("/search?q=safegaurding")
    link = soup.select_one("li.result .result__actions a")
    assert query_of(link["href"]) == {"q": ["safeguarding"]}
