"""Citations in a book without the sources page.

Every citation ``[12]`` links to its source's entry on the sources page. A plan may leave that page
out (a short custom book): its citations then stay as plain numbers, each still naming its source
on hover, rather than links that lead nowhere.
"""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from ..report.common import SOURCES_PAGE


def unlink_citations(site: Path, folder: str = "generated") -> int:
    """If the site has no sources page, turn the links to it into plain text; return how many were."""
    pages = site / folder
    if (pages / SOURCES_PAGE).is_file():
        return 0
    total = 0
    for page in sorted(pages.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        if SOURCES_PAGE not in text:
            continue
        soup = BeautifulSoup(text, "html.parser")
        links = [a for a in soup.find_all("a", href=True) if a["href"].split("#")[0] == SOURCES_PAGE]
        for a in links:
            span = soup.new_tag("span", attrs={"class": "tradetalks-citation"})
            if a.get("title"):
                span["title"] = a["title"]
            span.string = a.get_text()
            a.replace_with(span)
        if links:
            page.write_text(str(soup), encoding="utf-8")
            total += len(links)
    return total
