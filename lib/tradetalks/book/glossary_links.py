"""Each glossary term is linked where it first appears on a page, in its running text (not in
headings, links, tables or charts)."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

from ..report.glossary import anchor, patterns

GLOSSARY_PAGE = "glossary.html"
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "script", "style", "code", "pre", "button", "nav", "table"}


def link_terms(page: Path) -> int:
    """Link the first occurrence of each term in ``page``'s article; return how many were linked."""
    if page.name == GLOSSARY_PAGE:
        return 0
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    if article is None:
        return 0
    done = {a["href"].split("#")[-1] for a in article.select("a.glossary-term")}
    todo = [(t, p) for t, p in patterns() if anchor(t) not in done]
    linked = 0
    for node in list(article.find_all(string=True)):
        if not todo:
            break
        if not isinstance(node, NavigableString) or type(node) is not NavigableString:
            continue  # comments, doctypes, CDATA
        if any(parent.name in _SKIP or "tradetalks-chart" in (parent.get("class") or []) for parent in node.parents):
            continue
        for term, pattern in list(todo):
            m = pattern.search(str(node))
            if not m:
                continue
            text = str(node)
            link = soup.new_tag("a", href=f"{GLOSSARY_PAGE}#{anchor(term)}", attrs={"class": "glossary-term"})
            link.string = m.group(0)
            node.replace_with(NavigableString(text[: m.start()]), link, NavigableString(text[m.end():]))
            todo.remove((term, pattern))
            linked += 1
            break  # the node was replaced: its rest is seen again by a later run over the page
    if linked:
        page.write_text(str(soup), encoding="utf-8")
    return linked


def link_site(site: Path, folder: str = "generated") -> int:
    """Link the terms on every page of the book (a second pass picks up terms in the text after a link);
    nothing when the plan left the glossary page out."""
    total = 0
    if not (site / folder / GLOSSARY_PAGE).is_file():
        return total
    for page in sorted((site / folder).glob("*.html")):
        while (n := link_terms(page)):
            total += n
    return total
