"""Search that works the same from ``file://`` as over http.

Sphinx's search page shows an excerpt of each hit by fetching the page, which a browser refuses for
files opened from disk. The build writes the text of every page into one script the search page loads
(``_static/search-pages.js``); ``_static/tradetalks-search.js`` answers the search's requests for those
pages from it, so no page is fetched at all.
"""
from __future__ import annotations

import html
from pathlib import Path

from bs4 import BeautifulSoup

from ..charts.render import script_safe_json
from .processes import map_in_children

PAGES_SCRIPT = "_static/search-pages.js"


def page_text(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.select_one("article.bd-article") or soup.select_one("main") or soup.body
    if main is None:
        return ""
    for el in main.select("script, style, .headerlink, .tradetalks-chart"):
        el.decompose()
    return " ".join(main.get_text(" ").split())


def write_search_pages(site: Path, workers: int = 1) -> Path:
    """``_static/search-pages.js``: each page's text, as the search page's excerpts need it (read ``workers``
    pages at a time)."""
    chosen = [page for page in sorted(site.rglob("*.html"))
              if not page.relative_to(site).as_posix().startswith(("_static/", "_sources/"))
              and page.relative_to(site).as_posix() not in ("search.html", "genindex.html")]
    texts = map_in_children(page_text, chosen, workers)
    pages = {page.relative_to(site).as_posix()[: -len(".html")]: f'<div role="main">{html.escape(text)}</div>'
             for page, text in zip(chosen, texts)}
    target = site / PAGES_SCRIPT
    target.write_text("window.TRADETALKS_SEARCH_PAGES = " + script_safe_json(pages) + ";\n", encoding="utf-8")
    return target
