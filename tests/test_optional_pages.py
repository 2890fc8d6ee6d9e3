"""A plan may leave out the sources page or the glossary: links to them become plain text, never dead."""
from __future__ import annotations

from bs4 import BeautifulSoup

from tradetalks.book.citations import unlink_citations
from tradetalks.book.glossary_links import link_site
from tradetalks.report.common import SOURCES_PAGE

PAGE = ('<html><body><article class="bd-article"><p>Tariffs under Section 301 rose '
        '<a href="{sources}#src-a" title="USTR, 1 May 2025: notice">[3]</a></p></article></body></html>')


def site_with(tmp_path, *names):
    pages = tmp_path / "generated"
    pages.mkdir()
    (pages / "timeline.html").write_text(PAGE.format(sources=SOURCES_PAGE), encoding="utf-8")
    for name in names:
        (pages / name).write_text("<html><body><article class='bd-article'></article></body></html>", encoding="utf-8")
    return tmp_path


def test_citations_stay_links_when_the_sources_page_is_built(tmp_path):
    site = site_with(tmp_path, SOURCES_PAGE)
    assert unlink_citations(site) == 0
    assert f'href="{SOURCES_PAGE}#src-a"' in (site / "generated" / "timeline.html").read_text(encoding="utf-8")


def test_citations_become_numbers_naming_their_source_without_the_sources_page(tmp_path):
    site = site_with(tmp_path)
    assert unlink_citations(site) == 1
    soup = BeautifulSoup((site / "generated" / "timeline.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("a") is None
    span = soup.select_one("span.tradetalks-citation")
    assert span.get_text() == "[3]" and span["title"] == "USTR, 1 May 2025: notice"


def test_glossary_terms_are_linked_only_when_the_glossary_is_built(tmp_path):
    site = site_with(tmp_path)
    assert link_site(site) == 0
    (site / "generated" / "glossary.html").write_text("<html></html>", encoding="utf-8")
    assert link_site(site) >= 1
    assert 'href="glossary.html#' in (site / "generated" / "timeline.html").read_text(encoding="utf-8")
