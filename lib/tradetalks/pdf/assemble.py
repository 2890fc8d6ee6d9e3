"""One HTML document of the built book: title page, contents, a chapter per page of the plan."""
from __future__ import annotations

import contextlib
import html as _html
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..book.plan import Plan, load_plan
from ..paths import DEFAULT_PLAN
from .site import DEFAULT_SITE, EXIT_BUILD, PAGE_MARGIN, STYLESHEET, PdfError, book_pages, page_file
from .tables import balance_table, text_of


# Assembling one HTML document
# --------------------------------------------------------------------------- #
@dataclass
class Chapter:
    name: str                 # the plan page's name
    title: str                # the chapter heading as printed
    anchor: str               # id of the chapter element
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, heading) of each level-2 section
    charts: int = 0
    html: str = ""
    parent: str | None = None  # name of the chapter this page is a section of


@dataclass
class Book:
    title: str
    html: str                 # the whole document
    chapters: list[Chapter]

    def toc_entries(self) -> list[tuple[str, str]]:
        """(anchor, heading) of every chapter, its sections and the pages under it, in document order.

        A page under a chapter is listed by its title only.
        """
        out = []
        for ch in self.chapters:
            out.append((ch.anchor, ch.title))
            if ch.parent is None:
                out += ch.sections
        return out


def _load_config(plan: Plan) -> dict[str, Any]:
    import yaml

    path = plan.path.parent / "_config.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    return data if isinstance(data, dict) else {}


def book_title(plan: Plan) -> str:
    """The book's title, from the ``_config.yml`` beside the plan."""
    return str(_load_config(plan).get("title") or "Report")


def _long_date(iso: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(str(iso)[:10])
    return f"{d.day} {d:%B %Y}"


def _window_text(plan: Plan, datapackage: dict[str, Any]) -> str | None:
    """The window the book covers: the plan's, or from the first to the last recorded event."""
    from ..analysis.queries import window
    from ..data import DataValidationError, load_dataset

    try:
        ds = load_dataset(plan.defaults.get("data_dir") or None)
        start, end = window(ds, plan.defaults.get("window_start"), plan.defaults.get("window_end"))
    except (DataValidationError, ValueError):
        return None
    return f"{_long_date(start.date().isoformat())} to {_long_date(end.date().isoformat())}"


def _reword_download(paragraph: Any) -> None:
    """"Download: a.csv · b.csv" reads on paper as where the files are."""
    if paragraph is None or paragraph.name != "p" or paragraph.get("data-reworded"):
        return
    first = paragraph.contents[0] if paragraph.contents else None
    if isinstance(first, str) and first.lstrip().startswith("Download:"):
        first.replace_with(first.replace("Download:", "Published with the site, in _static/data/:", 1))
        paragraph["data-reworded"] = "1"


#: A date cell ("5 June 2025", "10–11 May 2025") is never wrapped.
def _chapter(site: Path, page: Any, names: set[str], parent: str | None = None, *, home: bool = False) -> Chapter:
    from bs4 import BeautifulSoup

    path = page_file(site, page.name)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise PdfError(f"{path}: no <article> found; is this a page built by Jupyter Book?")

    # What a printed book has no use for: heading anchors, code input, empty toctrees
    # and cells whose input was removed and that have no output.
    for el in article.select("a.headerlink, div.cell_input, .toctree-wrapper, .d-print-none"):
        el.decompose()
    # The book is printed from another folder: a chart's static image (a file of the site) by its full address.
    for img in article.select("img.tradetalks-chart-static[src]"):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", img["src"], flags=re.I):
            img["src"] = (path.parent / img["src"]).resolve().as_uri()
    for el in article.select("div.cell"):
        if not el.find(True):
            el.decompose()

    h1 = article.find("h1")
    title = text_of(h1) if h1 else page.title
    if h1 is None or home:
        # The home page's heading names the whole book; in the book it is its chapter of the plan.
        title = page.title
        if h1 is not None:
            h1.clear()
            h1.append(title)

    # Ids unique in the book: "<page>--<id>". Chart containers keep theirs: their
    # script finds them by id.
    prefix = f"{page.name}--"
    for el in article.find_all(id=True):
        if "tradetalks-chart" in (el.get("class") or []):
            continue
        el["id"] = prefix + el["id"]
    for a in article.find_all("a", href=True):
        href = a["href"]
        if href.startswith("#"):
            a["href"] = "#" + prefix + href[1:]
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, flags=re.I):  # http:, https:, mailto: ...
            continue
        m = re.match(r"^(?:\./)?([a-z0-9][a-z0-9_-]*)\.html(?:#(.*))?$", href)
        if m and m.group(1) in names:  # another page of the book
            target = f"{m.group(1)}--{m.group(2)}" if m.group(2) else f"chapter-{m.group(1)}"
            a["href"] = "#" + target
            continue
        # A file of the site (e.g. the data downloads, the index): no use on paper, keep the words.
        a.name = "span"
        a.attrs = {"class": ["book-file"]}
        _reword_download(a.parent)

    for table in article.select("table.tradetalks-table"):
        balance_table(table)

    top = article.find("section") or article
    sections = []
    for h2 in top.find_all("h2"):
        sec = h2.find_parent("section")
        if sec is not None and sec.get("id"):
            sections.append((sec["id"], text_of(h2)))
    if parent is not None:
        # A page under a chapter is a section of it: every heading one level down.
        for level in (5, 4, 3, 2, 1):
            for h in article.find_all(f"h{level}"):
                h.name = f"h{level + 1}"
    charts = len(article.select("div.tradetalks-chart"))
    anchor = f"chapter-{page.name}"
    inner = "".join(str(c) for c in top.contents) if top.name == "section" else top.decode_contents()
    top_id = top.get("id") if top.name == "section" else None
    classes = "book-chapter" if parent is None else "book-chapter book-subchapter"
    body = (
        f'<article class="{classes}" id="{anchor}" data-page="{_html.escape(page.name)}" '
        f'style="page: chapter-{parent or page.name}">\n'
        + (f'<section id="{_html.escape(top_id)}">' if top_id else "<section>")
        + inner
        + "</section>\n</article>\n"
    )
    return Chapter(page.name, title, anchor, sections, charts, body, parent)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_rules(chapters: Sequence[Chapter], book_title: str) -> str:
    """@page rules: size, margins, page number, running titles; the title page unnumbered."""
    box = "font-family: 'Liberation Sans', 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif; font-size: 8pt; color: #666;"
    rules = [
        "@page {",
        "  size: A4;",
        f"  margin: {PAGE_MARGIN['top']} {PAGE_MARGIN['right']} {PAGE_MARGIN['bottom']} {PAGE_MARGIN['left']};",
        f"  @top-left {{ content: {_css_string(book_title)}; {box} vertical-align: bottom; padding-bottom: 3mm; }}",
        f"  @bottom-center {{ content: counter(page); {box} font-size: 9pt; color: #333; vertical-align: top; padding-top: 3mm; }}",
        "}",
        "@page cover { @top-left { content: none; } @bottom-center { content: none; } }",
    ]
    for ch in chapters:
        if ch.parent is not None:
            continue  # its pages carry its chapter's title
        rules.append(
            f"@page chapter-{ch.name} {{ @top-right {{ content: {_css_string(ch.title)}; {box} "
            "vertical-align: bottom; padding-bottom: 3mm; } }"
        )
    return "\n".join(rules)


def assemble_book(
    site: str | os.PathLike[str] = DEFAULT_SITE,
    plan: Plan | None = None,
    *,
    stylesheet: str | os.PathLike[str] | None = None,
) -> Book:
    """One HTML document of the built book: title page, contents, a chapter per plan page.

    Assets are referenced by absolute ``file:`` URLs (the site's Vega bundle; the
    stylesheet, by default the book's source ``tradetalks.css``), so the document can
    be written anywhere.
    """
    site = Path(site).resolve()
    plan = plan if plan is not None else load_plan(DEFAULT_PLAN)
    config = _load_config(plan)
    title_text = book_title(plan)
    author = str(config.get("author") or "")
    css = Path(stylesheet) if stylesheet is not None else STYLESHEET
    if not css.is_file():
        css = site / "_static" / "tradetalks.css"
    bundle = site / "_static" / "vega-bundle.js"
    if not bundle.is_file():
        raise PdfError(f"{bundle} is missing: the site was not built by `tradetalks build`", EXIT_BUILD)

    datapackage: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        datapackage = json.loads((site / "_static" / "data" / "datapackage.json").read_text(encoding="utf-8"))

    pages = book_pages(plan)
    names = {p.name for p, _ in pages}
    chapters = [_chapter(site, page, names, parent, home=i == 0) for i, (page, parent) in enumerate(pages)]
    top = [c for c in chapters if c.parent is None]

    esc = _html.escape
    window = _window_text(plan, datapackage)
    licences = ", ".join(str(lic.get("title") or lic.get("name")) for lic in datapackage.get("licenses") or [] if isinstance(lic, dict))
    cover = ['<section class="book-cover">', '<div class="book-cover-top">',
             '<p class="book-kicker">Report book</p>',
             f'<h1 class="book-title">{esc(title_text)}</h1>']
    if window:
        cover.append(f'<p class="book-subtitle">From {esc(window)}</p>')
    cover.append(f'<p class="book-chapters">{" · ".join(esc(c.title) for c in top)}</p>')
    cover.append("</div>")
    cover.append('<div class="book-cover-bottom">')
    if author:
        cover.append(f'<p class="book-author">{esc(author)}</p>')
    note = ("Every figure, table and chart in this book is computed from a hand-curated dataset in which "
            "each event cites at least one source")
    appendix = [c for c in top if "source" in c.name]
    if appendix:
        note += (f"; the sources and every disagreement between them are listed in "
                 f"<em>{esc(appendix[-1].title)}</em>")
    note += "."
    cover.append(f'<p class="book-note">{note}</p>')
    if datapackage:
        dp = f"Data: {esc(str(datapackage.get('title') or datapackage.get('name') or 'data package'))}"
        if datapackage.get("version"):
            dp += f", version {esc(str(datapackage['version']))}"
        if licences:
            dp += f"; licence {esc(licences)}"
        cover.append(f'<p class="book-note">{dp}.</p>')
    cover.append("</div></section>")

    def entry(cls: str, target: str, heading: str) -> str:
        return (f'<li class="{cls}"><a href="#{esc(target)}"><span class="toc-text">{esc(heading)}</span>'
                f'<span class="toc-page" data-target="{esc(target)}"></span></a>')

    toc = ['<nav class="book-toc" id="contents">', "<h1>Contents</h1>", "<ol>"]
    for ch in top:
        toc.append(entry("toc-chapter", ch.anchor, ch.title))
        subpages = [c for c in chapters if c.parent == ch.name]
        if ch.sections or subpages:
            toc.append("<ol>")
            toc += [entry("toc-section", sid, heading) + "</li>" for sid, heading in ch.sections]
            toc += [entry("toc-section toc-page-section", c.anchor, c.title) + "</li>" for c in subpages]
            toc.append("</ol>")
        toc.append("</li>")
    toc += ["</ol>", "</nav>"]

    document = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(title_text)}</title>",
        f'<meta name="author" content="{esc(author)}">',
        f'<link rel="stylesheet" href="{css.resolve().as_uri()}">',
        f"<style>\n{_page_rules(chapters, title_text)}\n</style>",
        f'<script src="{bundle.resolve().as_uri()}"></script>',
        f'<script src="{(site / "_static" / "tradetalks-charts.js").resolve().as_uri()}"></script>',
        "</head>",
        '<body class="tradetalks-book">',
        *cover,
        *toc,
        '<main class="book-body">',
        *(ch.html for ch in chapters),
        "</main>",
        "</body>",
        "</html>",
    ])
    return Book(title_text, document, chapters)


# --------------------------------------------------------------------------- #
