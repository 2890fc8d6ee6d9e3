"""Citations that lead to their source wherever the plan lists it.

Every citation ``[12]`` links to its source's row (anchor ``src-<id>``) on the page of the list of
sources that holds it (``sources-<part>.html``). A plan may list the sources differently (every
source on the data-and-sources page) or not at all (a short custom book): each citation is then
pointed at the page of the site that holds its anchor, or, where none does, left as a plain number
that still names its source on hover, rather than a link that leads nowhere.
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from ..report.common import source_anchor

_ANCHOR = re.compile(r"""\bid=["'](""" + re.escape(source_anchor("")) + r"""[^"']+)["']""")
#: (page, anchor) of each citation link, read from a page's HTML without parsing it
_CITATION_TARGET = re.compile(r'href="([^"#/:]*\.html)#(' + re.escape(source_anchor("")) + r'[^"]*)"')


def settle_citations(site: Path, folder: str = "generated") -> tuple[int, int]:
    """Point every citation of the pages of ``site/folder`` at the page holding its source's anchor, or
    make it plain text where no page does; return (links pointed elsewhere, links made plain)."""
    pages = sorted((site / folder).glob("*.html"))
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    holder = {anchor: page.name for page, text in texts.items() for anchor in _ANCHOR.findall(text)}
    moved = unlinked = 0
    for page, text in texts.items():
        targets = _CITATION_TARGET.findall(text)
        if text.count(".html#" + source_anchor("")) == len(targets) and all(
                holder.get(anchor) == target for target, anchor in targets):
            continue  # every citation of the page already leads to its source (the book as planned): no parse
        soup = BeautifulSoup(text, "html.parser")
        changed = False
        for a in soup.find_all("a", href=_CITATION_HREF):
            target, _, anchor = a["href"].partition("#")
            if holder.get(anchor) == target:
                continue
            changed = True
            if anchor in holder:
                a["href"] = f"{holder[anchor]}#{anchor}"
                moved += 1
                continue
            span = soup.new_tag("span", attrs={"class": "tradetalks-citation"})
            if a.get("title"):
                span["title"] = a["title"]
            span.string = a.get_text()
            a.replace_with(span)
            unlinked += 1
        if changed:
            page.write_text(str(soup), encoding="utf-8")
    return moved, unlinked


_CITATION_HREF = re.compile(r"^[^#/:]*\.html#" + re.escape(source_anchor("")))
