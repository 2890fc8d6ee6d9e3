"""The PDF export (`make pdf` = `tradetalks pdf`): the built book printed into a temporary folder.

Needs the built site (`make test` builds it first) and the system packages of `make system-deps`
(Chromium, poppler-utils, fonts-noto-cjk); read back with poppler's pdftotext.
"""
from __future__ import annotations

import html
import re
import subprocess

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from tradetalks import load_dataset
from tradetalks.analysis import queries as q
from tradetalks.book.plan import Page, Plan, load_plan
from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT
from tradetalks.pdf import assemble as pdf_assemble
from tradetalks.pdf import export as pdf
from tradetalks.pdf import site as pdf_site
from tradetalks.pdf import tables as pdf_tables

SITE = REPO_ROOT / "book" / "_build" / "html"
NOTEBOOKS = REPO_ROOT / "book" / "_build" / "notebooks"
PLAN = load_plan(DEFAULT_PLAN)
#: The site's pages as the book prints them: (page, the chapter it is a section of or None).
BOOK = pdf_site.book_pages(PLAN)
CHAPTERS = [page.title for page, parent in BOOK if parent is None]
TITLE = yaml.safe_load((REPO_ROOT / "book" / "_config.yml").read_text(encoding="utf-8"))["title"]
#: Measured: about 2,700 characters of the site's text a printed page (tables are set small, so
#: a page holds more than prose; 167 pages for the record of December 2026), plus title page and contents.
CHARS_PER_PAGE = 2700
#: Top and bottom margins (points, A4 is 842 high) where the running title and page number sit.
HEADER_BOTTOM, FOOTER_TOP = 55, 790

pytestmark = pytest.mark.browser


def flat(text: str) -> str:
    return " ".join(text.split())


def site_page(name: str) -> BeautifulSoup:
    return BeautifulSoup((SITE / "generated" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def printed(built_site):
    """The book's PDF as `make book` (`make pdf`) leaves it in book/_build/pdf: the print `make book` made when
    nothing it is printed from changed since (its record), else printed now."""
    missing = pdf_site.missing_requirements()
    if missing:
        pytest.fail("PDF export requirements missing:\n" + "\n".join(missing))
    return pdf.export_pdf(site=SITE, build="never", quiet=True)


@pytest.fixture(scope="module")
def pages(printed):
    """Text of every page (pdftotext, reading order)."""
    text = subprocess.run(["pdftotext", str(printed.path), "-"], capture_output=True, text=True, check=True).stdout
    out = text.split("\f")
    return out[:-1] if out and not out[-1].strip() else out


@pytest.fixture(scope="module")
def bboxes(printed):
    """Per page: the words with their top edge (points), from pdftotext -bbox."""
    xml = subprocess.run(["pdftotext", "-bbox", str(printed.path), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [(float(y), html.unescape(w)) for y, w in re.findall(r'<word xMin="[^"]+" yMin="([^"]+)"[^>]*>([^<]*)</word>', page)]
        for page in re.findall(r"<page [^>]*>(.*?)</page>", xml, flags=re.S)
    ]


@pytest.fixture(scope="module")
def margins(bboxes):
    """Per page: (words in the top margin, words in the bottom margin)."""
    return [([w for y, w in words if y < HEADER_BOTTOM], [w for y, w in words if y > FOOTER_TOP]) for words in bboxes]


@pytest.fixture(scope="module")
def first_lines(bboxes):
    """Per page: the first line of its text body (below the running titles)."""
    out = []
    for words in bboxes:
        body = [(y, w) for y, w in words if HEADER_BOTTOM <= y <= FOOTER_TOP]
        top = min((y for y, _ in body), default=None)
        out.append(" ".join(w for y, w in body if top is not None and abs(y - top) < 2))
    return out


@pytest.fixture(scope="module")
def text(pages):
    return flat(" ".join(pages))


# --------------------------------------------------------------------------- the book


def test_pdf_is_written_where_asked_with_a_sane_page_count(printed, pages):
    assert printed.path == pdf_site.DEFAULT_OUT / pdf_site.pdf_name(TITLE)
    assert (SITE / "_static" / printed.path.name).read_bytes() == printed.path.read_bytes(), "the site links its copy"
    assert printed.path.read_bytes()[:5] == b"%PDF-"
    chars = sum(len(site_page(p.name).select_one("article").get_text(" ", strip=True)) for p, _ in BOOK)
    expected = 2 + chars / CHARS_PER_PAGE
    assert 0.75 * expected <= printed.pages <= 1.3 * expected, (printed.pages, round(expected))
    assert len(pages) == printed.pages
    assert printed.overflows == [], "nothing may be wider than the text:\n" + "\n".join(printed.overflows)
    assert printed.refused == [], "the book asked another host for something"


def test_title_page_then_contents_with_the_right_page_numbers(printed, pages, margins):
    assert TITLE in flat(pages[0]) and "tradetalks contributors" in pages[0]
    assert margins[0] == ([], []), "the title page has no running title and no page number"
    first_chapter = dict(printed.toc)[CHAPTERS[0]]
    # title page, then the contents: a line per chapter, page and section (three pages at most here)
    assert first_chapter <= 5, "the contents take at most three pages"
    contents = [line.strip() for page in pages[1:first_chapter - 1] for line in page.splitlines() if line.strip()]
    assert "Contents" in contents
    for heading, number in printed.toc:
        # the contents list every chapter and section with the page it starts on ...
        assert heading in contents, heading
        assert str(number) in contents, (heading, number)
        # ... and it is on that page (pdftotext puts the running title first)
        assert heading in [line.strip() for line in pages[number - 1].splitlines()], (heading, number)


def test_every_section_of_the_plan_in_order_each_on_a_new_page(printed, first_lines):
    toc = dict(printed.toc)
    assert [heading for heading, _ in printed.toc if heading in CHAPTERS] == CHAPTERS
    starts = []
    for page, _ in BOOK:
        assert page.title in toc, f"{page.title!r} is not in the contents"
        number = toc[page.title]
        assert first_lines[number - 1] == page.title, f"{page.title!r} does not start page {number}"
        starts.append(number)
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "in the plan's order, a page each"
    assert first_lines[1] == "Contents" and starts[0] <= 5, "the first section follows the contents"


def test_every_page_after_the_title_has_its_number_and_running_titles(printed, margins):
    chapter = None
    first_chapter = dict(printed.toc)[CHAPTERS[0]]
    for number, (header, footer) in enumerate(margins[1:], start=2):
        assert footer == [str(number)], (number, footer)
        head = " ".join(header)
        assert head.startswith(TITLE), (number, head)
        running = head[len(TITLE):].strip()
        if number >= first_chapter:  # the contents carry the book's title only
            assert running in CHAPTERS, (number, running)
            assert CHAPTERS.index(running) >= CHAPTERS.index(chapter or running), "chapters in order"
            chapter = running
    assert chapter == CHAPTERS[-1], "the last pages are the last chapter's"
    assert CHAPTERS[-2:] == ["Data and sources", "Glossary"], "the appendices close the book"


def test_key_figures_from_the_data(text):
    ds = load_dataset()
    h = q.headline_figures(ds)
    us = h["tariffs"].loc["united_states"]
    peak, day = f"{us['peak']:.0f}%", us["peak_date"]
    assert peak == "145%"
    assert f"{h['events']} events" in text
    assert f"{h['talks_rounds']} rounds" in text
    assert f"peaked at {peak} on {day.day} {day:%B %Y}" in text
    rounds = q.negotiation_rounds(ds)
    summits = rounds.loc[rounds["type"] == "summit", "label"].tolist()
    assert summits and all(flat(s) in text for s in summits)
    for title in rounds["title"]:
        assert flat(title) in text, title


def test_chinese_names_print(text):
    ds = load_dataset()
    assert "何立峰" in text
    native = q.roster(ds)["name_native"].dropna()
    native = [n for n in native if n.strip()]
    assert native, "the data has native names"
    # a long name wraps in its table cell, and pdftotext may put the neighbouring
    # cell's line between its parts: compare with the Chinese text in reading order
    chinese = "".join(re.findall(r"[\u3000-\u9fff]+", text))
    for name in native:
        assert name in chinese, name


def test_every_chart_of_the_site_is_drawn_in_the_pdf(printed, text):
    on_site = sum(len(site_page(p.name).select("div.tradetalks-chart")) for p, _ in BOOK)
    assert on_site > 0
    assert printed.charts_expected == on_site
    assert printed.charts_drawn == on_site, "every chart container holds a drawn <svg>"
    # the charts are vector drawings with real text: each chart's title (its text/plain
    # output in the executed notebook) is in the PDF's text
    titles = [
        flat((o["data"]["text/plain"] if isinstance(o["data"]["text/plain"], str)
              else "".join(o["data"]["text/plain"])).splitlines()[0])  # the title, then the description
        for p, _ in BOOK
        for c in nbformat.read(NOTEBOOKS / f"{p.name}.ipynb", as_version=4).cells if c.cell_type == "code"
        for o in c.get("outputs", [])
        if 'class="tradetalks-chart"' in o.get("data", {}).get("text/html", "")
    ]
    assert len(titles) == on_site
    for title in titles:
        assert title in text, title


def test_no_code_no_missing_values_no_web_chrome(text):
    for word in ("NaN", "nan", "None", "NaT", "<NA>"):
        assert not re.search(rf"(?<![\w<]){re.escape(word)}(?![\w>])", text), word
    for code in ("window_start", "report.setup", "from tradetalks", "display(", "vegaEmbed", "Chart could not be drawn"):
        assert code not in text, code
    assert not re.search(r"^\s*import \w", text, re.MULTILINE), "a code cell's imports"  # ("import surcharge" is prose)
    for chrome in ("Search this report", "Skip to main content", "Back to top", "Toggle", "Color mode",
                   "Download this page", "Print to PDF", ".ipynb"):
        assert chrome not in text, chrome


def test_tables_repeat_their_header_row_on_every_page(pages):
    chronology = [i for i, page in enumerate(pages) if "Chronology of events" in page]
    assert chronology
    start = chronology[0]
    following = [page for page in pages[start + 1:] if "What happened" in page]
    assert len(following) >= 2, "the chronology spans several pages, each with its header row"


# --------------------------------------------------------------------------- the parts


def test_wrapping_model():
    words = [pdf_tables.segments(w) for w in "cn-tariff-commission-2025-02-04".split()]
    assert len(words[0]) == 6  # a browser may break after each hyphen
    assert pdf_tables.wrapped_lines(words, 100) == 1
    assert pdf_tables.wrapped_lines(words, 3) > pdf_tables.wrapped_lines(words, 8) > 1
    plain = [pdf_tables.segments(w) for w in "the quick brown fox".split()]
    assert pdf_tables.wrapped_lines(plain, 100) == 1
    assert pdf_tables.wrapped_lines(plain, 3) == 4  # "the quick" and "brown fox" are each wider than 3 em
    assert pdf_tables.wrapped_lines([], 5) == 1


def test_balanced_tables_keep_dates_and_words_whole():
    rows = "".join(
        f"<tr><td>{d}</td><td>State Council Tariff Commission announcement</td><td>{'long text ' * 40}</td></tr>"
        for d in ("10 November 2025", "1 May 2025")
    )
    soup = BeautifulSoup(
        f'<table class="tradetalks-table"><caption>c</caption><thead><tr><th>Date</th><th>Who</th><th>What</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>",
        "html.parser",
    )
    pdf_tables.balance_table(soup.table)
    widths = [float(c["style"].split()[-1].rstrip("%")) for c in soup.find_all("col")]
    assert len(widths) == 3 and abs(sum(widths) - 100) < 0.5
    assert widths[2] == max(widths), "the long column gets the room"
    date_em = pdf_tables.em_width("10 November 2025")
    assert widths[0] / 100 * pdf_tables.TABLE_LINE_EM >= date_em, "a date fits on one line"
    assert "book-date" in soup.td["class"] and "book-balanced" in soup.table["class"]
    short = BeautifulSoup('<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>', "html.parser")
    pdf_tables.balance_table(short.table)
    assert short.find("col") is None, "a table that fits keeps the browser's layout"


def fake_site(tmp_path, pages):
    site = tmp_path / "html"
    (site / "generated").mkdir(parents=True)
    (site / "_static").mkdir()
    (site / "_static" / "vega-bundle.js").write_text("window.vegaEmbed = function () {};", encoding="utf-8")
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    for name, body in pages.items():
        (site / "generated" / f"{name}.html").write_text(
            f'<html><body><nav>menu</nav><main><article class="bd-article">{body}</article></main></body></html>',
            encoding="utf-8",
        )
    return site


def small_plan(*extra):
    """The plan's first two pages (and ``extra``), with the book's config."""
    base = [p for p in PLAN.pages if getattr(p, "for_each", None) is None][:2]
    return Plan(path=PLAN.path, defaults=PLAN.defaults, pages=[*base, *extra])


def test_assembled_document_links_ids_and_chrome(tmp_path):
    plan = small_plan()
    first, second = plan.pages[0].name, plan.pages[1].name
    pages = {second: f'<section id="{second}"><h1>{plan.pages[1].title}<a class="headerlink" href="#x">#</a></h1>'
                     '<section id="phases"><h2>Phases</h2></section></section>'}
    pages[first] = (
        '<section id="home"><h1>' + TITLE + '<a class="headerlink" href="#home">#</a></h1>'
        '<div class="cell tag_remove-input"></div>'
        '<div class="cell"><div class="cell_input"><pre>import x</pre></div><div class="cell_output">'
        '<div class="tradetalks-chart" id="chart-abc"></div><script>draw()</script></div></div>'
        '<section id="in-brief"><h2>In brief</h2><p>See <a href="#in-brief">here</a>, '
        f'<a href="{second}.html#phases">the phases</a>, <a href="genindex.html">the index</a> and '
        '<a href="../_static/data/events.csv">events.csv</a>; <a href="https://example.org/">a source</a>.</p>'
        "</section></section>"
    )
    book = pdf_assemble.assemble_book(fake_site(tmp_path, pages), plan)
    doc = BeautifulSoup(book.html, "html.parser")
    assert [c.title for c in book.chapters] == [p.title for p in plan.pages], "the home page is its plan title"
    assert book.chapters[0].sections == [(f"{first}--in-brief", "In brief")]
    assert doc.select_one(".book-cover h1").get_text() == TITLE
    assert [a["href"] for a in doc.select(".book-toc a")] == [
        f"#chapter-{first}", f"#{first}--in-brief", f"#chapter-{second}", f"#{second}--phases"]
    assert not doc.select(".headerlink, .cell_input, .book-chapter nav") and "import x" not in book.html
    assert "menu" not in book.html, "only the article of each page is taken"
    assert doc.select_one("div.tradetalks-chart")["id"] == "chart-abc", "chart ids stay: their script finds them"
    hrefs = [a["href"] for a in doc.select(".book-chapter a")]
    assert hrefs == [f"#{first}--in-brief", f"#{second}--phases", "https://example.org/"]
    assert [s.get_text() for s in doc.select("span.book-file")] == ["the index", "events.csv"]
    ids = [el["id"] for el in doc.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids are unique in the book"


@pytest.mark.skipif("parent" not in Page.__dataclass_fields__, reason="the plan has no nested pages")
def test_a_page_under_a_chapter_is_a_section_of_it(tmp_path):
    parent = PLAN.pages[1]
    child = Page(name="round-x", template=parent.template, title="Geneva talks", parameters={}, parent=parent.name)
    plan = small_plan(child)
    pages = {p.name: f'<section id="s"><h1>{p.title}</h1><section id="t"><h2>Who took part</h2></section></section>'
             for p in plan.pages}
    book = pdf_assemble.assemble_book(fake_site(tmp_path, pages), plan)
    doc = BeautifulSoup(book.html, "html.parser")
    sub = doc.select_one("article.book-subchapter")
    assert sub["id"] == "chapter-round-x" and f"page: chapter-{parent.name}" in sub["style"]
    assert [h.name for h in sub.find_all(["h1", "h2", "h3"])] == ["h2", "h3"], "its headings one level down"
    assert [(a["href"], a.get_text()) for a in doc.select(".book-toc li.toc-chapter")[1].select("a")][-1] == \
        ("#chapter-round-x", "Geneva talks"), "listed under its chapter in the contents"
    assert book.toc_entries()[-1] == ("chapter-round-x", "Geneva talks")


def test_unbuilt_book_names_the_command(tmp_path):
    with pytest.raises(pdf_site.PdfError, match="make book") as err:
        pdf.export_pdf(tmp_path / "out", site=tmp_path / "nothing", build="never", quiet=True)
    assert err.value.exit_code == pdf_site.EXIT_BUILD
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_missing_chromium_gives_the_install_line(monkeypatch):
    from tradetalks.pdf import printer

    monkeypatch.setattr(pdf_site, "find_chromium", lambda: None)
    monkeypatch.setattr(printer, "find_chromium", lambda: None)
    problems = pdf_site.missing_requirements()
    assert any("apt-get install -y chromium fonts-noto-cjk poppler-utils" in p for p in problems), problems
    with pytest.raises(pdf_site.PdfError, match="apt-get install") as err:
        pdf.export_pdf(quiet=True)
    assert err.value.exit_code == pdf_site.EXIT_REQUIREMENTS
