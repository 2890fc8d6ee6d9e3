"""PDF export of the report book: ``tradetalks pdf`` (``make pdf``).

The PDF is printed from the *built* site (``book/_build/html``, made by
:func:`tradetalks.build.build`) with the system Chromium driven by Playwright:

1. :func:`assemble_book` reads the ``<article>`` of every page of ``book/plan.yml``
   from the built site, in the plan's order, and writes one HTML document: a title
   page, a table of contents, then one chapter per page (:func:`book_pages`: pages
   repeated ``for_each`` item once per item; a page with a ``parent`` as a section of
   that chapter, its headings one level down).  Ids and in-book links are
   made unique per chapter, links to files of the site become plain text, heading
   anchors and any code input are dropped.  The charts keep the exact ``<div>`` +
   ``<script>`` of the site and are drawn by the same local Vega bundle, as SVG
   (vector, selectable text).
2. :func:`print_book` loads that document in headless Chromium (every request that
   is not a local file is refused), waits until every chart container holds a drawn
   ``<svg>``, prints it (A4, print stylesheet ``tradetalks.css``, PDF outline and
   tags), reads back on which page each chapter and section starts (from the PDF
   outline, with poppler's ``pdftohtml -xml``), writes those page numbers into the
   table of contents and prints again.

Page numbers, the running chapter title and the unnumbered title page are CSS page
margin boxes (``@page { @bottom-center {...} }``, Chromium 131+).  With an older
Chromium the page number is printed through Chromium's footer template instead.

Exit codes of :func:`main`: 0 done, 1 a requirement is missing (the message gives
the install line), 2 the book is not built (or out of date) and was not or could not
be built, 3 printing failed.
"""

from __future__ import annotations

import argparse
import contextlib
import html as _html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .browser import CHROMIUM_ARGS, find_chromium
from .build import DEFAULT_PLAN, REPO_ROOT, Plan, PlanError, _resolve_data_dir, load_plan

__all__ = [
    "PDF_NAME",
    "DEFAULT_SITE",
    "DEFAULT_OUT",
    "SYSTEM_PACKAGES",
    "CHROMIUM_ARGS",
    "PdfError",
    "Chapter",
    "Book",
    "PrintResult",
    "missing_requirements",
    "find_chromium",
    "book_pages",
    "site_problems",
    "assemble_book",
    "print_book",
    "export_pdf",
    "main",
]

PDF_NAME = "us-china-trade-negotiations-2025.pdf"
DEFAULT_SITE = REPO_ROOT / "book" / "_build" / "html"
DEFAULT_OUT = REPO_ROOT / "book" / "_build" / "pdf"
#: The stylesheet of the book (screen + print); read from the source so print-CSS edits need no rebuild.
STYLESHEET = REPO_ROOT / "book" / "_static" / "tradetalks.css"
SYSTEM_PACKAGES = "chromium fonts-noto-cjk poppler-utils"
INSTALL_SYSTEM = (
    f"{'' if os.geteuid() == 0 else 'sudo '}apt-get install -y {SYSTEM_PACKAGES}"
    "    (or run: make system-deps)"
)
INSTALL_PYTHON = f"{sys.executable} -m pip install -r {REPO_ROOT / 'requirements.txt'}    (or run: make venv)"
#: First Chromium with CSS page margin boxes (page numbers from ``@page`` rules).
MARGIN_BOXES_SINCE = 131
#: Seconds to wait for every chart to be drawn.
CHART_TIMEOUT = 60
PAGE_MARGIN = {"top": "20mm", "bottom": "18mm", "left": "17mm", "right": "17mm"}

EXIT_OK = 0
EXIT_REQUIREMENTS = 1
EXIT_BUILD = 2
EXIT_PRINT = 3


class PdfError(RuntimeError):
    """The PDF could not be made; ``str()`` says why and what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_PRINT):
        super().__init__(message)
        self.exit_code = exit_code


# --------------------------------------------------------------------------- #
# Requirements
# --------------------------------------------------------------------------- #
def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return bool(out.strip())


def missing_requirements() -> list[str]:
    """One line per missing requirement, each with its install command (empty: all there)."""
    problems: list[str] = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append(f"the Python package playwright is not installed; install it with: {INSTALL_PYTHON}")
    try:
        import bs4  # noqa: F401
    except ImportError:
        problems.append(f"the Python package beautifulsoup4 is not installed; install it with: {INSTALL_PYTHON}")
    system = []
    if find_chromium() is None:
        system.append("Chromium (/usr/bin/chromium)")
    if not (shutil.which("pdftohtml") and shutil.which("pdftotext")):
        system.append("poppler-utils (pdftohtml, pdftotext)")
    if not _has_cjk_font():
        system.append("a CJK font (fonts-noto-cjk) for the Chinese names")
    if system:
        problems.append(f"missing {', '.join(system)}; install with: {INSTALL_SYSTEM}")
    return problems


# --------------------------------------------------------------------------- #
# The built site
# --------------------------------------------------------------------------- #
def _page_file(site: Path, name: str) -> Path:
    return site / "generated" / f"{name}.html"


def _inputs_of(plan: Plan) -> list[Path]:
    """Files the built site is made from (plan, config, templates, data); for the staleness check."""
    from .paths import DEFAULT_DATA_DIR

    files = [plan.path, plan.path.parent / "_config.yml"]
    files += [p.template for p in plan.pages]
    folders = {_resolve_data_dir(p.parameters.get("data_dir"), REPO_ROOT) or DEFAULT_DATA_DIR for p in plan.pages}
    for d in folders:
        if d.is_dir():
            files += [f for f in d.iterdir() if f.is_file()]
    return [f for f in files if f.is_file()]


def book_pages(plan: Plan) -> list[tuple[Any, str | None]]:
    """The built book's pages in reading order, each with the chapter it is a section of (or None).

    As the build does: an entry repeated ``for_each`` item of the data becomes one page per
    item, and a page with a ``parent`` is listed under that earlier chapter (the first page,
    the book's root, has no sections).
    """
    from . import build as _build

    pages = list(plan.pages)
    expand = getattr(_build, "expand_pages", None)
    if expand is not None and any(getattr(p, "for_each", None) for p in pages):
        pages = expand(pages)
    chapters: list[Any] = []
    children: dict[str, list[Any]] = {}
    for i, page in enumerate(pages):
        parent = getattr(page, "parent", None)
        if i > 0 and parent is not None and parent in children:
            children[parent].append(page)
        else:
            chapters.append(page)
            if i > 0:
                children[page.name] = []
    out: list[tuple[Any, str | None]] = []
    for page in chapters:
        out.append((page, None))
        out += [(child, page.name) for child in children.get(page.name, [])]
    return out


def site_problems(site: Path, plan: Plan, *, check_age: bool = True) -> str | None:
    """Why the site cannot be printed as is (missing or older than its inputs), or None."""
    try:
        pages = [p for p, _ in book_pages(plan)]
    except Exception as exc:  # e.g. the data cannot be read to expand repeated pages
        return f"the pages of {plan.path} cannot be listed ({exc})"
    missing = [p.name for p in pages if not _page_file(site, p.name).is_file()]
    if not (site / "index.html").is_file() or missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        what = f"pages {shown} are missing" if missing and (site / "index.html").is_file() else "it is not built"
        return f"the book in {site} cannot be printed: {what}"
    if check_age:
        built = min(_page_file(site, p.name).stat().st_mtime for p in pages)
        newer = [f for f in _inputs_of(plan) if f.stat().st_mtime > built]
        if newer:
            names = ", ".join(str(f.relative_to(REPO_ROOT)) if f.is_relative_to(REPO_ROOT) else str(f) for f in newer[:4])
            more = f" and {len(newer) - 4} more" if len(newer) > 4 else ""
            return f"the book in {site} is older than {names}{more}"
    return None


# --------------------------------------------------------------------------- #
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


def _text(el: Any) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def _load_config(plan: Plan) -> dict[str, Any]:
    import yaml

    path = plan.path.parent / "_config.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    return data if isinstance(data, dict) else {}


def _long_date(iso: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(str(iso)[:10])
    return f"{d.day} {d:%B %Y}"


def _window_text(plan: Plan, datapackage: dict[str, Any]) -> str | None:
    start = plan.defaults.get("window_start") or (datapackage.get("window") or {}).get("start")
    end = plan.defaults.get("window_end") or (datapackage.get("window") or {}).get("end")
    try:
        return f"{_long_date(start)} to {_long_date(end)}" if start and end else None
    except ValueError:
        return None


def _reword_download(paragraph: Any) -> None:
    """"Download: a.csv · b.csv" reads on paper as where the files are."""
    if paragraph is None or paragraph.name != "p" or paragraph.get("data-reworded"):
        return
    first = paragraph.contents[0] if paragraph.contents else None
    if isinstance(first, str) and first.lstrip().startswith("Download:"):
        first.replace_with(first.replace("Download:", "Published with the site, in _static/data/:", 1))
        paragraph["data-reworded"] = "1"


#: A date cell ("5 June 2025", "10–11 May 2025") is never wrapped.
_DATE_RE = re.compile(r"^\d{1,2}(?:[–-]\d{1,2})? [A-Z][a-z]+ \d{4}$")
#: Table text: 7.8pt Liberation Sans (Arial's metrics) across the 176 mm text width,
#: in em: 498.9pt / 7.8pt; each column's padding (2 x 1.6 mm) is 1.16 em.
TABLE_LINE_EM = 63.9
PADDING_EM = 1.2
#: Ids, file names and addresses (words with digits, ``/``, ``_``, ``.`` ...) break anywhere when wider than this.
LONG_WORD_EM = 5.5
_PLAIN_WORD_RE = re.compile(r"^[(\[\"'‘“]*[^\W\d_]+(?:['’][^\W\d_]+)?[)\]\"'’”,;:.!?]*$")
#: The balancing works in steps of STEP em and looks up to LOOKAHEAD steps ahead.
STEP = 0.5
LOOKAHEAD = 24
#: Weight of every wrapped line of every cell against the printed height of the rows.
WRAP_WEIGHT = 0.25
#: Advance widths of Arial / Liberation Sans (1/1000 em), ASCII 32-126.
_ARIAL = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
    "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 "
    "556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_ADVANCE = {chr(32 + i): int(w) / 1000 for i, w in enumerate(_ARIAL.split())}
_ADVANCE.update({"–": 0.556, "—": 1.0, "’": 0.222, "‘": 0.222, "“": 0.333, "”": 0.333, "·": 0.278, "…": 1.0})
_WIDE_RE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_SPACE = _ADVANCE[" "]


def _em(text: str) -> float:
    """Width of ``text`` in table type, in em (CJK characters are 1 em)."""
    return sum(_ADVANCE.get(ch, 1.0 if _WIDE_RE.match(ch) else 0.556) for ch in text)


def _segments(word: str) -> tuple[float, ...]:
    """Widths (em) of the pieces a browser may break ``word`` into: after each hyphen."""
    return tuple(_em(s) for s in re.findall(r"[^-]*-+|[^-]+$", word) if s) or (0.0,)


def _wrapped_lines(words: Sequence[tuple[float, ...]], width: float) -> int:
    """Lines that words (each as its hyphen-separated pieces, in em) take in a column ``width`` em wide."""
    lines, used = 1, 0.0
    for word in words:
        for k, n in enumerate(word):
            gap = _SPACE if (k == 0 and used) else 0.0
            if used and used + gap + n <= width:
                used += gap + n
                continue
            if used:
                lines += 1
            if n > width:  # wider than the column: broken anywhere
                pieces = int(-(-n // width))
                lines += pieces - 1
                used = n - (pieces - 1) * width
            else:
                used = n
    return lines


def _balance_table(table: Any) -> None:
    """Column widths that make a table short (fixed layout, in %), for tables that wrap.

    A browser's automatic layout gives each column room in proportion to its
    *longest* cell, so a column with one long value squeezes the others. Here every
    column starts at its floor (its longest word up to ``LONG_WORD_EM``, its header
    words and its dates whole), and the rest of the line goes, step by step, to the
    column where it saves the most printed lines per em. Tables whose rows all fit
    on one line keep the automatic layout.
    """
    from bs4 import Tag

    rows = [[_text(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
    if not rows or len({len(r) for r in rows}) != 1 or table.find(attrs={"colspan": True}):
        return  # spans or ragged rows: leave it to the browser
    for td in table.find_all("td"):
        if _DATE_RE.match(_text(td)):
            td["class"] = (td.get("class") or []) + ["book-date"]
    ncols = len(rows[0])
    header, body = rows[0], rows[1:]
    available = TABLE_LINE_EM - PADDING_EM * ncols
    widest = [max([_em(header[i]) * 1.1] + [_em(r[i]) for r in body]) for i in range(ncols)]
    if not body or sum(widest) <= available:
        return  # every cell fits on one line
    words = [[tuple(_segments(w) for w in cell.split()) for cell in r] for r in body]
    floors = []
    for i in range(ncols):
        # plain words stay whole; ids, file names and addresses may break
        longest = max(
            [_em(w) if _PLAIN_WORD_RE.match(w) and not _WIDE_RE.search(w) else min(max(_segments(w)), LONG_WORD_EM)
             for r in body for w in r[i].split()] or [0.5]
        )
        heads = [_em(w) * 1.1 for w in header[i].split()]  # bold
        dates = [_em(r[i]) for r in body if _DATE_RE.match(r[i])]
        floors.append(max([longest, *heads, *dates]) + 0.25)
    if sum(floors) >= available:
        return

    cache: dict[tuple[int, int, float], int] = {}

    def lines(r: int, c: int, w: float) -> int:
        key = (r, c, w)
        if key not in cache:
            cache[key] = _wrapped_lines(words[r][c], w)
        return cache[key]

    widths = list(floors)
    nrows = len(body)
    current = [[lines(r, c, widths[c]) for c in range(ncols)] for r in range(nrows)]

    # Cost: printed lines, plus some for every line of every cell (so a column that
    # is not the tallest of its row still gets room when it helps).
    def cost(grid: list[list[int]]) -> float:
        return sum(max(row) for row in grid) + WRAP_WEIGHT * sum(sum(row) for row in grid)

    room = available - sum(widths)
    base = cost(current)
    while room >= STEP:
        best: tuple[float, int, int, list[int]] | None = None
        all_lines = sum(sum(row) for row in current)
        for c in range(ncols):
            others = [max(row[:c] + row[c + 1:], default=0) for row in current]
            rest = all_lines - sum(row[c] for row in current)
            # look ahead: a column often saves lines only some steps wider
            for k in range(1, min(int(room / STEP), LOOKAHEAD) + 1):
                new = [lines(r, c, widths[c] + k * STEP) for r in range(nrows)]
                gain = base - (sum(max(o, n) for o, n in zip(others, new)) + WRAP_WEIGHT * (rest + sum(new)))
                if gain > 1e-9 and (best is None or gain / k > best[0] + 1e-12):
                    best = (gain / k, c, k, new)
        if best is None:
            break
        _, c, k, new = best
        room -= k * STEP
        widths[c] += k * STEP
        for r in range(nrows):
            current[r][c] = new[r]
        base = cost(current)
    widths = [w + room / ncols for w in widths]  # what no column needs, shared out
    total = sum(w + PADDING_EM for w in widths)
    for old in table.find_all("colgroup"):
        old.decompose()
    colgroup = Tag(name="colgroup")
    for w in widths:
        colgroup.append(Tag(name="col", attrs={"style": f"width: {100 * (w + PADDING_EM) / total:.1f}%"}))
    (table.find("thead") or table.find("tbody") or table.find("tr")).insert_before(colgroup)
    table["class"] = (table.get("class") or []) + ["book-balanced"]


def _chapter(site: Path, page: Any, book_title: str, names: set[str], parent: str | None = None) -> Chapter:
    from bs4 import BeautifulSoup

    path = _page_file(site, page.name)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("main")
    if article is None:
        raise PdfError(f"{path}: no <article> found; is this a page built by Jupyter Book?")

    # What a printed book has no use for: heading anchors, code input, empty toctrees
    # and cells whose input was removed and that have no output.
    for el in article.select("a.headerlink, div.cell_input, .toctree-wrapper, .d-print-none"):
        el.decompose()
    for el in article.select("div.cell"):
        if not el.find(True):
            el.decompose()

    h1 = article.find("h1")
    title = _text(h1) if h1 else page.title
    if h1 is None or title == book_title:
        # The home page repeats the book's title; in the book it is its chapter of the plan.
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
        _balance_table(table)

    top = article.find("section") or article
    sections = []
    for h2 in top.find_all("h2"):
        sec = h2.find_parent("section")
        if sec is not None and sec.get("id"):
            sections.append((sec["id"], _text(h2)))
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
    book_title = str(config.get("title") or "Report")
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
    chapters = [_chapter(site, page, book_title, names, parent) for page, parent in pages]
    top = [c for c in chapters if c.parent is None]

    esc = _html.escape
    window = _window_text(plan, datapackage)
    licences = ", ".join(str(l.get("title") or l.get("name")) for l in datapackage.get("licenses") or [] if isinstance(l, dict))
    cover = ['<section class="book-cover">', '<div class="book-cover-top">',
             '<p class="book-kicker">Report book</p>',
             f'<h1 class="book-title">{esc(book_title)}</h1>']
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
        f"<title>{esc(book_title)}</title>",
        f'<meta name="author" content="{esc(author)}">',
        f'<link rel="stylesheet" href="{css.resolve().as_uri()}">',
        f"<style>\n{_page_rules(chapters, book_title)}\n</style>",
        f'<script src="{bundle.resolve().as_uri()}"></script>',
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
    return Book(book_title, document, chapters)


# --------------------------------------------------------------------------- #
# Printing
# --------------------------------------------------------------------------- #
@dataclass
class PrintResult:
    path: Path
    pages: int
    size: int                          # bytes
    charts_expected: int               # div.tradetalks-chart in the printed document
    charts_drawn: int                  # of which hold a drawn <svg>
    toc: list[tuple[str, int]]         # (heading, page) as printed in the contents
    passes: int
    seconds: float
    chromium: str = ""
    chart_titles: list[str] = field(default_factory=list)
    overflows: list[str] = field(default_factory=list)  # what is wider than the text (should be none)
    refused: list[str] = field(default_factory=list)    # requests to other hosts, refused


_ALL_CHARTS_SETTLED = """() => {
  const charts = [...document.querySelectorAll('div.tradetalks-chart')];
  return charts.every(el => el.querySelector('svg.marks') || /could not be drawn/.test(el.textContent));
}"""

_CHART_STATE = """() => [...document.querySelectorAll('div.tradetalks-chart')].map(el => {
  const svg = el.querySelector('svg.marks');
  const box = svg ? svg.getBoundingClientRect() : null;
  const title = svg ? [...svg.querySelectorAll('.role-title-text text, .role-title text')].map(t => t.textContent).join(' ') : '';
  return {
    id: el.id,
    drawn: !!svg && box.width > 10 && box.height > 10 && svg.querySelectorAll('path, rect, line, text').length > 3,
    title: title,
    page: el.closest('.book-chapter') ? el.closest('.book-chapter').dataset.page : '',
    error: svg ? '' : el.textContent.trim().slice(0, 300),
  };
})"""

#: The text width in CSS pixels (A4 less the side margins); the window is this wide
#: and in print media while the overflow check below runs.
TEXT_WIDTH_PX = round((210 - 17 - 17) / 25.4 * 96)

_OVERFLOWS = """() => {
  const body = document.querySelector('main.book-body');
  const right = body.getBoundingClientRect().right + 1;
  const where = el => {
    const ch = el.closest('.book-chapter');
    const cap = el.closest('table') && el.closest('table').querySelector('caption');
    return (ch ? ch.dataset.page + ': ' : '') + (cap ? 'table "' + cap.textContent.trim().slice(0, 60) + '": ' : '')
      + el.tagName.toLowerCase() + ' "' + el.textContent.trim().slice(0, 40) + '"';
  };
  const out = [];
  for (const el of body.querySelectorAll('table, svg.marks, p, li, h1, h2, h3, pre, img, code')) {
    const r = el.getBoundingClientRect();
    if (r.right > right) out.push(where(el) + ' ends ' + Math.round(r.right - right + 1) + 'px past the text width');
  }
  for (const cell of body.querySelectorAll('td, th')) {
    if (cell.scrollWidth > cell.clientWidth + 1) out.push(where(cell) + ' is wider than its column');
  }
  return out;
}"""

_SET_PAGE_NUMBERS = """(numbers) => {
  for (const el of document.querySelectorAll('.toc-page')) {
    const n = numbers[el.dataset.target];
    el.textContent = n ? String(n) : '';
  }
}"""


def _outline(pdf: Path) -> tuple[int, list[tuple[str, int]]]:
    """(page count, [(heading, page), ...] of the PDF outline in document order)."""
    proc = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
        capture_output=True, text=True, errors="replace",
    )
    if proc.returncode != 0:
        raise PdfError(f"pdftohtml could not read {pdf}: {proc.stderr.strip()}")
    pages = len(re.findall(r"<page number=", proc.stdout))
    items = [
        (" ".join(_html.unescape(re.sub(r"<[^>]+>", "", text)).split()), int(page))
        for page, text in re.findall(r'<item page="(\d+)"[^>]*>(.*?)</item>', proc.stdout, flags=re.S)
    ]
    return pages, items


def _locate(entries: Sequence[tuple[str, str]], outline: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Page of each (anchor, heading), matching headings to outline items in order."""
    found: dict[str, int] = {}
    cursor = 0
    for anchor, heading in entries:
        for i in range(cursor, len(outline)):
            if outline[i][0] == heading:
                found[anchor] = outline[i][1]
                cursor = i + 1
                break
    return found


def _chromium_major(version: str) -> int:
    m = re.match(r"(\d+)", version or "")
    return int(m.group(1)) if m else 0


def print_book(
    book: Book,
    out_pdf: str | os.PathLike[str],
    *,
    keep_html: bool = False,
    chromium: str | None = None,
    timeout: float = CHART_TIMEOUT,
) -> PrintResult:
    """Print ``book`` to ``out_pdf`` (written atomically) and return what was printed."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    out_pdf = Path(out_pdf).resolve()
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError(f"Chromium not found; install it with: {INSTALL_SYSTEM}", EXIT_REQUIREMENTS)

    work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out_pdf.parent))
    try:
        source = work / "book.html"
        source.write_text(book.html, encoding="utf-8")
        entries = book.toc_entries()
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            except PlaywrightError as exc:
                raise PdfError(f"could not start Chromium ({chromium}): {exc}") from None
            try:
                version = browser.version
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                refused: list[str] = []

                def local_only(route: Any) -> None:
                    if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                        route.continue_()
                    else:
                        refused.append(route.request.url)
                        route.abort()

                page.route("**/*", local_only)
                page.set_viewport_size({"width": TEXT_WIDTH_PX, "height": 1100})
                page.emulate_media(media="print")
                page.goto(source.as_uri(), wait_until="load")
                try:
                    page.wait_for_function(_ALL_CHARTS_SETTLED, timeout=timeout * 1000)
                except PlaywrightError:
                    pass  # reported below, chart by chart
                page.evaluate("document.fonts.ready.then(() => true)")
                charts = page.evaluate(_CHART_STATE)
                failed = [c for c in charts if not c["drawn"]]
                if failed:
                    detail = "\n".join(f"  {c['page']}: {c['id']}: {c['error'] or 'no drawn <svg>'}" for c in failed)
                    raise PdfError(
                        f"{len(failed)} of {len(charts)} charts were not drawn; nothing was printed.\n{detail}"
                        + (f"\nPage errors: {'; '.join(errors[:5])}" if errors else "")
                    )

                overflows = page.evaluate(_OVERFLOWS)

                pdf_options: dict[str, Any] = dict(
                    format="A4", print_background=True, outline=True, tagged=True,
                    prefer_css_page_size=True, margin=PAGE_MARGIN,
                )
                if _chromium_major(version) < MARGIN_BOXES_SINCE:
                    # No CSS margin boxes: Chromium's own footer carries the page number.
                    pdf_options.update(
                        display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=(
                            '<div style="width:100%;text-align:center;font-size:9pt;color:#333;'
                            'font-family:sans-serif"><span class="pageNumber"></span></div>'
                        ),
                    )

                trial = work / "trial.pdf"
                numbers: dict[str, int] = {}
                passes = 0
                for passes in range(1, 5):
                    page.pdf(path=str(trial), **pdf_options)
                    n_pages, outline = _outline(trial)
                    located = _locate(entries, outline)
                    if located == numbers and passes > 1:
                        break  # the contents show the pages the headings are on
                    numbers = located
                    page.evaluate(_SET_PAGE_NUMBERS, numbers)
                else:
                    raise PdfError("the page numbers of the contents did not settle after 4 prints")
            finally:
                browser.close()

        if keep_html:
            shutil.copy2(source, out_pdf.with_suffix(".html"))
        os.replace(trial, out_pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    missing = [heading for anchor, heading in entries if anchor not in numbers]
    if missing:
        raise PdfError(f"printed, but these headings are not in the PDF outline: {', '.join(missing)}")
    return PrintResult(
        path=out_pdf,
        pages=n_pages,
        size=out_pdf.stat().st_size,
        charts_expected=len(charts),
        charts_drawn=sum(1 for c in charts if c["drawn"]),
        toc=[(heading, numbers[anchor]) for anchor, heading in entries],
        passes=passes,
        seconds=time.perf_counter() - started,
        chromium=version,
        chart_titles=[c["title"] for c in charts],
        overflows=overflows,
        refused=refused,
    )


# --------------------------------------------------------------------------- #
# export_pdf() and main()
# --------------------------------------------------------------------------- #
def export_pdf(
    out: str | os.PathLike[str] | None = None,
    *,
    site: str | os.PathLike[str] | None = None,
    plan_path: str | os.PathLike[str] = DEFAULT_PLAN,
    build: str = "auto",
    keep_html: bool = False,
    quiet: bool = False,
) -> PrintResult:
    """Print the built book to ``<out>/us-china-trade-negotiations-2025.pdf``.

    out     folder of the PDF (default ``book/_build/pdf``).
    site    the built site (default ``book/_build/html``).
    build   ``"auto"``: build the book first if it is missing or older than the plan,
            templates or data; ``"always"``; ``"never"``: stop if it is missing.
    Raises :class:`PdfError` (with an exit code) on failure.
    """
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    if build not in ("auto", "always", "never"):
        raise ValueError(f"build must be 'auto', 'always' or 'never', not {build!r}")
    problems = missing_requirements()
    if problems:
        raise PdfError("Cannot make the PDF:\n" + "\n".join(f"  - {p}" for p in problems), EXIT_REQUIREMENTS)
    try:
        plan = load_plan(plan_path)
    except PlanError as exc:
        raise PdfError(str(exc), EXIT_BUILD) from None
    default_site = site is None
    site_dir = Path(site).resolve() if site is not None else DEFAULT_SITE
    out_dir = Path(out).resolve() if out is not None else DEFAULT_OUT

    reason = "a build was asked for" if build == "always" else site_problems(site_dir, plan, check_age=build == "auto")
    if reason:
        if build == "never" or not default_site:
            raise PdfError(f"{reason}. Build it first: make book", EXIT_BUILD)
        say(f"Building the book first ({reason}) ...")
        from .build import build as build_book

        result = build_book(plan.path)
        if not isinstance(result, Path):
            raise PdfError(f"building the book failed (exit code {result}); no PDF was made.", EXIT_BUILD)
        site_dir = result.parent

    book = assemble_book(site_dir, plan)
    top = sum(1 for c in book.chapters if c.parent is None)
    say(f"Printing {len(book.chapters)} pages of the site as {top} chapters with Chromium ...")
    return print_book(book, out_dir / PDF_NAME, keep_html=keep_html)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tradetalks pdf",
        description="Print the built report book as one PDF (title page, contents, every section, "
        "page numbers) with the system Chromium; prints the PDF's path.",
    )
    parser.add_argument("--out", default=None, help=f"folder of the PDF (default: {DEFAULT_OUT})")
    parser.add_argument("--site", default=None, help=f"the built site to print (default: {DEFAULT_SITE})")
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="plan file (default: %(default)s)")
    parser.add_argument(
        "--build", choices=("auto", "always", "never"), default="auto",
        help="build the book first: auto = when missing or older than its data/templates (default), "
        "always, or never",
    )
    parser.add_argument("--keep-html", action="store_true", help="also keep the printed HTML next to the PDF")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = export_pdf(args.out, site=args.site, plan_path=args.plan, build=args.build, keep_html=args.keep_html)
    except PdfError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    for problem in result.overflows:
        print(f"warning: {problem}", file=sys.stderr)
    for url in result.refused:
        print(f"warning: the book asked for {url} (refused: the PDF uses local files only)", file=sys.stderr)
    print(
        f"{result.pages} pages, {result.size / 1e6:.1f} MB, {result.charts_drawn} charts drawn as vector, "
        f"in {time.perf_counter() - started:.1f}s (printing {result.seconds:.1f}s, {result.passes} passes)",
        flush=True,
    )
    print(result.path, flush=True)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
