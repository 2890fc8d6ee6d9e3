"""A plan may list the sources on other pages, or leave them out, and may leave out the glossary:
citations lead to wherever their source is listed, or become plain text; links are never dead."""
from __future__ import annotations

from bs4 import BeautifulSoup

from tradetalks.book.citations import settle_citations
from tradetalks.book.glossary_links import link_site

PAGE = ('<html><body><article class="bd-article"><p>Tariffs under Section 301 rose '
        '<a href="sources-1-60.html#src-a" title="USTR, 1 May 2025: notice">[3]</a></p></article></body></html>')
LISTING = "<html><body><article class='bd-article'><table><tr id='src-a'><td>[3]</td></tr></table></article></body></html>"
EMPTY = "<html><body><article class='bd-article'></article></body></html>"


def site_with(tmp_path, **pages):
    folder = tmp_path / "generated"
    folder.mkdir()
    (folder / "timeline.html").write_text(PAGE, encoding="utf-8")
    for name, text in pages.items():
        (folder / f"{name.replace('_', '-')}.html").write_text(text, encoding="utf-8")
    return tmp_path


def timeline(site) -> str:
    return (site / "generated" / "timeline.html").read_text(encoding="utf-8")


def test_citations_stay_as_they_are_when_their_sources_page_is_built(tmp_path):
    site = site_with(tmp_path, sources_1_60=LISTING)
    assert settle_citations(site) == (0, 0)
    assert 'href="sources-1-60.html#src-a"' in timeline(site)


def test_citations_lead_to_the_page_that_lists_their_source(tmp_path):
    site = site_with(tmp_path, sources_1_60=EMPTY, data_and_sources=LISTING)
    assert settle_citations(site) == (1, 0)
    assert 'href="data-and-sources.html#src-a"' in timeline(site) and "sources-1-60" not in timeline(site)


def test_citations_become_numbers_naming_their_source_without_a_list_of_sources(tmp_path):
    site = site_with(tmp_path, data_and_sources=EMPTY)
    assert settle_citations(site) == (0, 1)
    soup = BeautifulSoup(timeline(site), "html.parser")
    assert soup.find("a") is None
    span = soup.select_one("span.tradetalks-citation")
    assert span.get_text() == "[3]" and span["title"] == "USTR, 1 May 2025: notice"


def test_glossary_terms_are_linked_only_when_the_glossary_is_built(tmp_path):
    site = site_with(tmp_path)
    assert link_site(site) == 0
    (site / "generated" / "glossary.html").write_text("<html></html>", encoding="utf-8")
    assert link_site(site) >= 1
    assert 'href="glossary.html#' in (site / "generated" / "timeline.html").read_text(encoding="utf-8")
