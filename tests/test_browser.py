"""The built site in a real browser (Debian's Chromium under Playwright), page by page.

Checks what unit tests and nbval cannot see: charts that fail to draw, requests to other hosts,
console errors, tooltips, search, accessibility and print. Screenshots of every page's top go to
book/_build/screenshots/ for a person to look at.

Every page of the book is also seen on a phone (390 px) and a desktop (1280 px): on both, nothing
pushes the page sideways, every chart is drawn to the width of its column (no wider, never scaled
down) with no text under 10 px, and a chart's tooltip fits the screen with nothing cut off. Nothing on
a page asks the reader to hover (the PDF prints the pages).

Each page is opened once per width, and all the checks of a page read that one visit. The pages are
shared out among a few test classes (``Pages0``...), each visiting its own pages: pytest-xdist
(``--dist loadscope``) runs a class on one worker, and the classes side by side.
"""
from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from helpers import browser
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT

SITE = REPO_ROOT / "book" / "_build" / "html"
PLAN = load_plan(DEFAULT_PLAN)
PAGES_BUILT = expand_pages(PLAN.pages)  # one page per sticking point and per round included
BOOK_PAGES = [f"generated/{p.name}.html" for p in PAGES_BUILT]  # seen at both widths
PAGES = BOOK_PAGES + ["index.html", "search.html", "genindex.html"]  # seen at 1280 px
WIDTHS = (390, 1280)
MIN_TEXT = 10
GROUPS = 4  # classes of pages, so that the visits are spread over the workers

pytestmark = pytest.mark.browser

CHART_BOXES_JS = """() => Array.from(document.querySelectorAll('div.tradetalks-chart')).map(el => {
  const svg = el.querySelector('svg.marks');
  const box = el.getBoundingClientRect();
  if (!svg) return {id: el.id, svg: false, right: box.right};
  const drawn = svg.getBoundingClientRect();
  const scale = drawn.width / (svg.width.baseVal.value || drawn.width);
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
  const small = texts.filter(t => parseFloat(getComputedStyle(t).fontSize) * scale < MIN_TEXT - 0.01)
                     .map(t => t.textContent.trim()).slice(0, 5);
  return {id: el.id, svg: true, container: el.clientWidth, width: drawn.width, right: drawn.right,
          scale: scale, texts: texts.length, small: small};
})""".replace("MIN_TEXT", str(MIN_TEXT))
# What the screen checks read of a page: its chart boxes and the text of its main column.
SCREEN_JS = f"() => ({{charts: ({CHART_BOXES_JS})(), text: document.querySelector('main').innerText}})"


def widths_of(path: str) -> tuple[int, ...]:
    return WIDTHS if path in BOOK_PAGES else (1280,)


@pytest.fixture(scope="module")
def site(built_site):
    with browser.serve(built_site) as url:
        yield url


def test_notebooks_hold_charts():
    """The books's notebooks do hold charts (each page's count is checked against its page below)."""
    assert sum(charts_in_notebook(p.name) for p in PAGES_BUILT) >= 10  # the sections and every sticking point's page


def charts_in_notebook(name: str) -> int:
    import nbformat

    nb = nbformat.read(REPO_ROOT / "book" / "_build" / "notebooks" / f"{name}.ipynb", as_version=4)
    return sum('class="tradetalks-chart"' in o.get("data", {}).get("text/html", "")
               for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


# --------------------------------------------------------------------------- every page, once per width
def pytest_generate_tests(metafunc):
    """Each class's tests are parametrized by the class's own pages (``path``, and ``width`` where taken)."""
    pages = getattr(metafunc.cls, "PAGES", None)
    if pages is None:
        return
    if "width" in metafunc.fixturenames:
        metafunc.parametrize("path,width", [(p, w) for p in pages if p in BOOK_PAGES for w in WIDTHS])
    elif "book_page" in metafunc.fixturenames:
        metafunc.parametrize("book_page", [p for p in pages if p in BOOK_PAGES])
    elif "path" in metafunc.fixturenames:
        metafunc.parametrize("path", pages)


class PageChecks:
    """The checks of each page of :attr:`PAGES`, all read from one visit per page and width."""

    PAGES: list[str] = []

    @pytest.fixture(scope="class")
    def visits(self, request, chromium, site):
        """{(path, width): PageVisit}: each page opened once over HTTP per width, a screenshot of its top taken;
        one browser tab per width, its recorders started afresh for every page."""
        seen = {}
        for width in WIDTHS:
            with browser.tab(chromium, width) as tab:
                for path in request.cls.PAGES:
                    if width in widths_of(path):
                        # screenshots are overwritten page by page, never the folder removed: the classes
                        # run side by side on the pytest-xdist workers
                        seen[path, width] = tab.visit(site + path, screenshot=browser.screenshot_path(path, width),
                                                      measure=SCREEN_JS)
        return seen

    # ---- at 1280 px: what the page asks of the network, and what it draws
    def test_page_makes_no_request_to_another_host(self, visits, site, path):
        v = visits[path, 1280]
        assert v.requests, "the page made no request at all?"
        assert v.foreign_requests(site) == []

    def test_page_has_no_failed_request_and_no_console_error(self, visits, path):
        v = visits[path, 1280]
        assert v.failed_requests == []
        assert v.console_errors == []
        assert v.page_errors == []
        assert v.dialogs == []
        assert v.csp_violations == []  # every page, chart and script works under the site's policy

    def test_every_chart_is_drawn_with_marks(self, visits, path):
        v = visits[path, 1280]
        final = v.final_url.split("?")[0].split("#")[0].removeprefix(v.url.removesuffix(path))  # index.html redirects
        html = (SITE / final).read_text(encoding="utf-8")
        assert len(v.charts) == html.count('class="tradetalks-chart"')
        assert v.undrawn_charts == []

    def test_site_draws_every_chart_its_notebook_holds(self, visits, book_page):
        name = book_page.removeprefix("generated/").removesuffix(".html")
        assert len(visits[book_page, 1280].charts) == charts_in_notebook(name)

    def test_charts_have_an_accessible_name_that_says_what_they_show(self, visits, book_page):
        for chart in visits[book_page, 1280].charts:
            assert chart["role"] == "img"
            assert len(chart["label"]) > 60, chart
            assert any(word in chart["label"] for word in ("chart", "Chart", "Heatmap", "Matrix", "Timeline"))

    def test_screenshots_are_written(self, visits):
        for (path, width), visit in visits.items():
            shot = visit.screenshot
            assert shot == browser.screenshot_path(path, width)
            assert shot.is_file() and shot.stat().st_size > 10_000, shot

    # ---- at 390 and 1280 px: the layout
    def test_nothing_pushes_the_page_sideways(self, visits, path, width):
        visit = visits[path, width]
        assert visit.scroll_width <= width, f"{path} is {visit.scroll_width}px wide at {width}px"

    def test_every_chart_fits_its_column_with_readable_text(self, visits, path, width):
        visit = visits[path, width]
        assert visit.undrawn_charts == []
        for chart in visit.measured["charts"]:
            assert chart["svg"], chart
            assert chart["width"] <= chart["container"] + 1, chart
            assert chart["right"] <= width, chart
            assert chart["scale"] > 0.99, f"{chart['id']} is scaled down to {chart['scale']:.2f}: its text shrinks"
            assert chart["texts"] > 5 and chart["small"] == [], chart

    def test_phones_get_the_narrow_layout_and_desktops_the_wide_one(self, visits):
        widths = {w: [c["container"] for p in self.PAGES if p in BOOK_PAGES for c in visits[p, w].measured["charts"]]
                  for w in WIDTHS}
        assert widths[390] and max(widths[390]) < 520 <= min(widths[1280])

    def test_no_page_asks_the_reader_to_hover(self, visits, book_page):
        for width in WIDTHS:
            text = visits[book_page, width].measured["text"].lower()
            assert "hover" not in text, f"{book_page}: {text[max(0, text.find('hover') - 80):text.find('hover') + 40]}"


# the pages dealt out in turn, so that each class holds some of each kind
for _i in range(GROUPS):
    globals()[f"TestPages{_i}"] = type(f"TestPages{_i}", (PageChecks,), {"PAGES": PAGES[_i::GROUPS]})


def test_every_page_is_checked():
    assert sorted(p for i in range(GROUPS) for p in globals()[f"TestPages{i}"].PAGES) == sorted(PAGES)


# --------------------------------------------------------------------------- interactions
def test_tooltip_appears_on_hover_over_an_event(chromium, site):
    with browser.opened(chromium, site + "generated/timeline.html") as (visit, page):
        text = browser.hover_tooltip(page, "#" + visit.charts[0]["id"] + " g.mark-symbol.role-mark path", 10)
        assert "Event" in text and "Summary" in text and "Sources" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_tooltips_fit_the_screen_and_are_never_cut_off(chromium, site, width):
    with browser.opened(chromium, site + "generated/timeline.html", width=width) as (visit, page):
        # the event marks, not the phase key's symbols drawn before them (they have no tooltip to wait for)
        events = f'#{visit.charts[0]["id"]} g.mark-symbol.role-mark path[aria-label*="Event: "]'
        longest, box = "", None
        for i in range(0, min(page.locator(events).count(), 60), 6):
            text = browser.hover_tooltip(page, events, i)
            if len(text) > len(longest):
                longest = text
                box = page.evaluate("""() => {
                  const tip = document.querySelector('#vg-tooltip-element');
                  const r = tip.getBoundingClientRect();
                  const cut = Array.from(tip.querySelectorAll('td')).filter(td => td.scrollHeight > td.clientHeight + 1
                                                                                  || td.scrollWidth > td.clientWidth + 1);
                  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, cut: cut.length,
                          width: window.innerWidth, height: window.innerHeight};
                }""")
        assert longest and "Summary" in longest
        assert box["cut"] == 0, box
        assert box["left"] >= 0 and box["right"] <= box["width"], box


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


PRINT_RELAID_JS = """() => Array.from(document.querySelectorAll('div.tradetalks-chart')).every(el => {
  const svg = el.querySelector('svg'); return svg && Math.abs(svg.getBoundingClientRect().width - el.clientWidth) <= 1; })"""


def test_print_shows_charts_and_whole_tables(chromium, site):
    with browser.opened(chromium, site + "generated/overview.html") as (visit, page):
        page.emulate_media(media="print")
        with contextlib.suppress(PlaywrightError):  # the charts are drawn again to the printed column's width
            page.wait_for_function(PRINT_RELAID_JS, timeout=3000)
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
