"""Every page of the built book on a phone (390 px) and a desktop (1280 px), in Debian's Chromium.

On both: nothing pushes the page sideways, every chart is drawn to the width of its column (no wider,
never scaled down) with no text under 10 px, and a chart's tooltip fits the screen with nothing cut
off. Nothing on a page asks the reader to hover (the PDF prints the pages).
"""
from __future__ import annotations

import pytest

from helpers import browser
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.paths import DEFAULT_PLAN

pytestmark = pytest.mark.browser

PAGES = [f"generated/{p.name}.html" for p in expand_pages(load_plan(DEFAULT_PLAN).pages)]
WIDTHS = (390, 1280)
MIN_TEXT = 10

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


@pytest.fixture(scope="module")
def site(built_site):
    with browser.serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def screens(chromium, site):
    """Every page opened at both widths: {(path, width): (PageVisit, chart boxes, page text)}."""
    seen = {}
    for path in PAGES:
        for width in WIDTHS:
            shot = browser.screenshot_path(path, width) if width != 1280 else None  # test_browser takes 1280
            with browser.opened(chromium, site + path, width=width, screenshot=shot) as (visit, page):
                seen[path, width] = (visit, page.evaluate(CHART_BOXES_JS), page.inner_text("main"))
    return seen


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_nothing_pushes_the_page_sideways(screens, path, width):
    visit, _charts, _text = screens[path, width]
    assert visit.scroll_width <= width, f"{path} is {visit.scroll_width}px wide at {width}px"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_every_chart_fits_its_column_with_readable_text(screens, path, width):
    visit, charts, _text = screens[path, width]
    assert visit.undrawn_charts == []
    for chart in charts:
        assert chart["svg"], chart
        assert chart["width"] <= chart["container"] + 1, chart
        assert chart["right"] <= width, chart
        assert chart["scale"] > 0.99, f"{chart['id']} is scaled down to {chart['scale']:.2f}: its text shrinks"
        assert chart["texts"] > 5 and chart["small"] == [], chart


def test_phones_get_the_narrow_layout_and_desktops_the_wide_one(screens):
    widths = {w: [c["container"] for p in PAGES for c in screens[p, w][1]] for w in WIDTHS}
    assert widths[390] and max(widths[390]) < 520 <= min(widths[1280])


@pytest.mark.parametrize("path", PAGES)
def test_no_page_asks_the_reader_to_hover(screens, path):
    for width in WIDTHS:
        text = screens[path, width][2].lower()
        assert "hover" not in text, f"{path}: {text[max(0, text.find('hover') - 80):text.find('hover') + 40]}"


@pytest.mark.parametrize("width", WIDTHS)
def test_tooltips_fit_the_screen_and_are_never_cut_off(chromium, site, width):
    with browser.opened(chromium, site + "generated/timeline.html", width=width) as (visit, page):
        chart = visit.charts[0]["id"]
        marks = page.locator(f"#{chart} g.mark-symbol.role-mark path")
        longest, box = "", None
        for i in range(0, min(marks.count(), 60), 6):
            text = browser.hover_tooltip(page, f"#{chart} g.mark-symbol.role-mark path", i)
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
