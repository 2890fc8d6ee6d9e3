"""Links that lead nowhere stop a build; the site's search works from the file system as over http."""
from __future__ import annotations

import shutil

import pytest

from helpers import browser
from tradetalks.book.links import dead_links


def test_the_built_site_has_no_dead_link(built_site):
    assert dead_links(built_site) == []


def test_dead_links_and_anchors_are_found(built_site, tmp_path):
    site = tmp_path / "html"
    shutil.copytree(built_site, site)
    page = site / "generated" / "timeline.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", '<a href="round-nowhere.html">x</a>'
                                 '<a href="data-and-sources.html#src-no-such-source">y</a></article>', 1),
                    encoding="utf-8")
    found = dead_links(site)
    assert "generated/timeline.html -> round-nowhere.html (no such file in the site)" in found
    assert any("#src-no-such-source" in d and "no anchor" in d for d in found)


@pytest.mark.parametrize("how", ["file", "http"])
def test_search_shows_excerpts_without_errors(chromium, built_site, how):
    def run(base):
        with browser.opened(chromium, base + "search.html?q=Lutnick") as (visit, page):
            page.wait_for_selector("#search-results ul.search li p.context", timeout=15_000)
            hits = page.eval_on_selector_all("#search-results ul.search li", "els => els.map(e => e.innerText)")
            return visit, hits
    if how == "http":
        with browser.serve(built_site) as url:
            visit, hits = run(url)
    else:
        visit, hits = run(built_site.resolve().as_uri() + "/")
    assert hits and any("Lutnick" in h for h in hits)
    assert visit.console_errors == [] and visit.page_errors == [] and visit.csp_violations == []
