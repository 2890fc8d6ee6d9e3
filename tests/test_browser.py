"""The built site in a real browser (Debian's Chromium under Playwright), page by page.

Checks what unit tests and nbval cannot see: charts that fail to draw, requests to other hosts,
console errors, tooltips, search, accessibility and print. Screenshots of every page go to
book/_build/screenshots/ for a person to look at.
"""
from __future__ import annotations

import pytest

from helpers import browser
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT

SITE = REPO_ROOT / "book" / "_build" / "html"
PLAN = load_plan(DEFAULT_PLAN)
PAGES_BUILT = expand_pages(PLAN.pages)  # one page per sticking point and per round included
PAGES = [f"generated/{p.name}.html" for p in PAGES_BUILT] + ["index.html", "search.html", "genindex.html"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(built_site):
    with browser.serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def visits(chromium, site):
    """Every page visited once over HTTP at 1280 px, with a screenshot of its top (test_screens takes 390 px)."""
    # Screenshots are overwritten page by page, never the folder removed: pytest-xdist workers may
    # run this module's fixture side by side.
    return {path: browser.visit_page(chromium, site + path, screenshot=browser.screenshot_path(path, 1280))
            for path in PAGES}


@pytest.mark.parametrize("path", PAGES)
def test_page_makes_no_request_to_another_host(visits, site, path):
    v = visits[path]
    assert v.requests, "the page made no request at all?"
    assert v.foreign_requests(site) == []


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_failed_request_and_no_console_error(visits, path):
    v = visits[path]
    assert v.failed_requests == []
    assert v.console_errors == []
    assert v.page_errors == []
    assert v.dialogs == []
    assert v.csp_violations == []  # every page, chart and script works under the site's policy


@pytest.mark.parametrize("path", PAGES)
def test_every_chart_is_drawn_with_marks(visits, path):
    v = visits[path]
    final = v.final_url.split("?")[0].split("#")[0].removeprefix(v.url.removesuffix(path))  # index.html redirects
    html = (SITE / final).read_text(encoding="utf-8")
    assert len(v.charts) == html.count('class="tradetalks-chart"')
    assert v.undrawn_charts == []


def test_site_draws_every_chart_its_notebooks_hold(visits):
    import nbformat

    expected = 0
    for p in PAGES_BUILT:
        nb = nbformat.read(REPO_ROOT / "book" / "_build" / "notebooks" / f"{p.name}.ipynb", as_version=4)
        expected += sum('class="tradetalks-chart"' in o.get("data", {}).get("text/html", "")
                        for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert expected >= 10  # the book's sections and every sticking point's page have charts
    assert sum(len(visits[f"generated/{p.name}.html"].charts) for p in PAGES_BUILT) == expected


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("generated/")])
def test_charts_have_an_accessible_name_that_says_what_they_show(visits, path):
    for chart in visits[path].charts:
        assert chart["role"] == "img"
        assert len(chart["label"]) > 60, chart
        assert any(word in chart["label"] for word in ("chart", "Chart", "Heatmap", "Matrix", "Timeline"))


def test_screenshots_are_written(visits):
    for path in PAGES:
        shot = visits[path].screenshot
        assert shot.is_file() and shot.stat().st_size > 10_000


def test_tooltip_appears_on_hover_over_an_event(chromium, site):
    with browser.opened(chromium, site + "generated/timeline.html") as (visit, page):
        text = browser.hover_tooltip(page, "#" + visit.charts[0]["id"] + " g.mark-symbol.role-mark path", 10)
        assert "Event" in text and "Summary" in text and "Sources" in text


def test_search_finds_an_actors_page(chromium, site):
    with browser.opened(chromium, site + "search.html?q=Lutnick") as (visit, page):
        page.wait_for_selector("#search-results ul.search li a", timeout=10_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))")
        assert any("generated/actors.html" in h for h in hits), hits


def test_tables_expose_header_cells_to_assistive_technology(chromium, site):
    with browser.opened(chromium, site + "generated/actors.html") as (visit, page):
        tree = page.locator("table.tradetalks-table").first.aria_snapshot()
        assert "columnheader \"Name\"" in tree and "columnheader \"Side\"" in tree
        assert "cell \"Scott Bessent\"" in tree


def test_print_shows_charts_and_whole_tables(chromium, site):
    with browser.opened(chromium, site + "generated/overview.html") as (visit, page):
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        state = page.evaluate("""() => ({
          sidebar: getComputedStyle(document.querySelector('.bd-sidebar-primary')).display,
          charts: Array.from(document.querySelectorAll('div.tradetalks-chart svg')).map(s => s.getBoundingClientRect().width),
          clipped: Array.from(document.querySelectorAll('table.tradetalks-table')).filter(t => {
              const box = t.parentElement; return t.scrollWidth > box.clientWidth + 2 && getComputedStyle(box).overflowX !== 'visible'; }).length,
          rows: document.querySelectorAll('table.tradetalks-table tbody tr').length
        })""")
        assert state["sidebar"] == "none"
        assert len(state["charts"]) == len(visit.charts) >= 2 and min(state["charts"]) > 300
        assert state["clipped"] == 0
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
