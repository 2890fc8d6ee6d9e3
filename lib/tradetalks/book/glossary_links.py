"""Each glossary term is linked where it first appears on a page, in its running text (not in
headings, links, tables or charts)."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, NavigableString

from ..report.glossary import anchor, patterns
from .processes import map_in_children

GLOSSARY_PAGE = "glossary.html"
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "script", "style", "code", "pre", "button", "nav", "table"}


def link_terms(page: Path) -> int:
    """Link the first occurrence of each term in ``page``'s article; return how many were linked."""
    if page.name == GLOSSARY_PAGE:
        return 0
    text = page.read_text(encoding="utf-8")
    todo = [(t, p) for t, p in patterns() if p.search(text)]  # a term not in the page at all needs no parse
    if not todo:
        return 0
    soup = BeautifulSoup(text, "html.parser")
    article = soup.select_one("article.bd-article")
    if article is None:
        return 0
    done = {a["href"].split("#")[-1] for a in article.select("a.glossary-term")}
    todo = [(t, p) for t, p in todo if anchor(t) not in done]
    linked = 0
    nodes = list(article.find_all(string=True))
    while nodes and todo:
        node = nodes.pop(0)
        if not isinstance(node, NavigableString) or type(node) is not NavigableString:
            continue  # comments, doctypes, CDATA
        if any(parent.name in _SKIP or "tradetalks-chart" in (parent.get("class") or []) for parent in node.parents):
            continue
        value = str(node)
        found = [(m.start(), term, pattern, m) for term, pattern in todo if (m := pattern.search(value))]
        if not found:
            continue
        _, term, pattern, m = min(found, key=lambda f: f[0])  # the earliest term in the text first
        link = soup.new_tag("a", href=f"{GLOSSARY_PAGE}#{anchor(term)}", attrs={"class": "glossary-term"})
        link.string = m.group(0)
        rest = NavigableString(value[m.end():])
        node.replace_with(NavigableString(value[: m.start()]), link, rest)
        todo.remove((term, pattern))
        linked += 1
        nodes.insert(0, rest)  # the text after the link may hold other terms
    if linked:
        page.write_text(str(soup), encoding="utf-8")
    return linked


def link_site(site: Path, folder: str = "generated", workers: int = 1) -> int:
    """Link the terms on every page of the book (``workers`` pages at a time); nothing when the plan left
    the glossary page out."""
    if not (site / folder / GLOSSARY_PAGE).is_file():
        return 0
    return sum(map_in_children(link_terms, sorted((site / folder).glob("*.html")), workers))
