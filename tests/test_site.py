"""The built site (book/_build/html, made by `make book`): every page of the plan, with its charts and tables."""
from __future__ import annotations

import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from tradetalks import load_dataset
from tradetalks.analysis import queries as q
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT

BUILD = REPO_ROOT / "book" / "_build"
SITE = BUILD / "html"
PLAN = load_plan(DEFAULT_PLAN)
PAGES_BUILT = expand_pages(PLAN.pages)  # one page per sticking point and per round included

pytestmark = pytest.mark.site


@pytest.fixture(scope="module", autouse=True)
def site_exists(built_site):
    pass


def page(name):
    """A built page, without the "#" links Sphinx puts after each heading."""
    soup = BeautifulSoup((SITE / "generated" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    for link in soup.select("a.headerlink"):
        link.decompose()
    return soup


def executed(name):
    return nbformat.read(BUILD / "notebooks" / f"{name}.ipynb", as_version=4)


def count_outputs(nb, marker):
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if marker in o.get("data", {}).get("text/html", ""))


@pytest.mark.parametrize("p", PAGES_BUILT, ids=lambda p: p.name)
def test_every_plan_page_is_built_with_its_title(p):
    soup = page(p.name)
    heading = next(line for c in executed(p.name).cells if c.cell_type == "markdown"
                   for line in c.source.splitlines() if line.startswith("# "))
    unescaped = re.sub(r"\\(.)", r"\1", heading[2:].strip())  # titles from the data are backslash-escaped
    assert soup.find("h1").get_text(" ", strip=True) == unescaped
    nav = [a.get_text(" ", strip=True) for a in page(PAGES_BUILT[-1].name).select("nav.bd-docs-nav a")]
    assert soup.find("h1").get_text(" ", strip=True) in nav


@pytest.mark.parametrize("p", PAGES_BUILT, ids=lambda p: p.name)
def test_page_has_every_chart_and_table_of_its_notebook(p):
    soup, nb = page(p.name), executed(p.name)
    charts = soup.select("div.tradetalks-chart")
    tables = soup.select("table.tradetalks-table")
    assert len(charts) == count_outputs(nb, 'class="tradetalks-chart"')
    assert len(tables) == count_outputs(nb, "tradetalks-table")
    assert tables or charts, "every section shows at least one table or chart"
    for t in tables:
        assert t.find("thead") and t.find("thead").find_all("th"), "tables have a header row"
        assert t.find("tbody").find_all("tr"), "tables are not empty"
    for c in charts:
        data = c.find_next_sibling("script")  # the spec as inert JSON, drawn by tradetalks-charts.js
        assert data is not None and data["type"] == "application/json" and data["data-chart"] == c["id"]
        # the static image (readers without JavaScript) is a file of the site, loaded only when shown
        img = c.select_one("img.tradetalks-chart-static")
        assert img["loading"] == "lazy" and img["src"].startswith("../_static/chart-images/"), img
        assert (SITE / "generated" / img["src"]).resolve().read_bytes().startswith(b"\x89PNG")


EXPECTED_CHARTS = {"overview": 2, "timeline": 1, "tariffs": 1, "actors": 1, "sticking-points": 2, "data-and-sources": 0}


def test_chart_counts_per_section():
    assert {p.name: len(page(p.name).select("div.tradetalks-chart")) for p in PAGES_BUILT
            if p.name in EXPECTED_CHARTS} == EXPECTED_CHARTS
    per_item = {p.name: len(page(p.name).select("div.tradetalks-chart")) for p in PAGES_BUILT if p.name not in EXPECTED_CHARTS}
    assert per_item == {name: 1 if name.startswith("point-") else 0 for name in per_item}


def test_no_code_parameters_or_missing_values_shown():
    for p in PAGES_BUILT:
        soup = page(p.name)
        assert not soup.select("div.cell_input"), p.name
        text = soup.select_one("main").get_text(" ", strip=True)
        assert "window_start" not in text and "report.setup" not in text, p.name
        for cell in soup.select("table.tradetalks-table td"):
            assert cell.get_text(strip=True) not in {"NaN", "nan", "None", "NaT", "<NA>"}, p.name


def test_overview_figures_come_from_the_data():
    ds = load_dataset()
    h = q.headline_figures(ds)
    text = " ".join(page("overview").select_one("main").get_text(" ", strip=True).split())
    assert f"{h['events']} events" in text
    assert f"{h['talks_rounds']} rounds of formal talks" in text
    from tradetalks.analysis import tariffs

    as_of = ds.schema.as_of
    now = f"{tariffs.tariff_in_force(ds, 'united_states', as_of):g}%"
    assert f"peaked at 145% on 10 April 2025 and stood at {now} on {as_of.day} {as_of:%B %Y}" in text


def test_the_chronology_pages_list_every_event_once_in_order():
    ds = load_dataset()
    parts = [p.name for p in PAGES_BUILT if p.name.startswith("chronology-")]
    linked = [a["href"] for a in page("timeline").select("nav.tradetalks-links a") if a["href"].startswith("chronology-")]
    assert linked == [f"{name}.html" for name in parts] and len(parts) >= 2
    titles = []
    for name in parts:
        (chronology,) = [t for t in page(name).select("table.tradetalks-table") if "Chronology" in t.find("caption").get_text()]
        titles += [tr.find_all("td")[2].get_text(strip=True) for tr in chronology.find("tbody").find_all("tr")]
    assert titles == list(q.events_between(ds)["title"])


def test_every_citation_leads_to_its_source_row():
    ds = load_dataset()
    numbers = q.source_numbers(ds)
    rows = {}
    for p in PAGES_BUILT:
        if p.name.startswith("sources-"):
            rows.update({tr["id"]: (p.name, tr.find("td").get_text(strip=True)) for tr in page(p.name).select("tr[id^=src-]")})
    assert len(rows) == len(numbers)  # every source listed once
    cited = 0
    for p in PAGES_BUILT:
        for a in page(p.name).select('a[href*=".html#src-"]'):
            target, anchor = a["href"].split("#")
            assert rows[anchor] == (target.removesuffix(".html"), a.get_text(strip=True)), (p.name, a["href"])
            cited += 1
    assert cited > len(numbers)


def test_pages_load_only_local_assets():
    for p in PAGES_BUILT:
        soup = page(p.name)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                assert not re.match(r"^(https?:)?//", url), f"{p.name}: {tag} loads {url}"
    assert (SITE / "_static" / "vega-bundle.js").stat().st_size > 500_000


def test_data_files_are_offered_for_download():
    soup = page("data-and-sources")
    links = [a["href"] for a in soup.select("main a[href]") if a["href"].endswith((".csv", ".json"))]
    assert "../_static/data/datapackage.json" in links and "../_static/data/events.csv" in links
    for href in links:
        assert (SITE / "generated" / href).resolve().is_file(), href


def test_the_root_page_leads_to_the_first_page_with_the_books_icon():
    # a bare redirect has no icon: the browser would ask for /favicon.ico (there is none) and log a 404;
    # an empty one costs no request (the redirect would cut a real one short)
    soup = BeautifulSoup((SITE / "index.html").read_text(encoding="utf-8"), "html.parser")
    first = f"generated/{PAGES_BUILT[0].name}.html"
    assert soup.find("meta", attrs={"http-equiv": "Refresh"})["content"] == f"0; url={first}"
    assert soup.find("link", rel="icon")["href"] == "data:,"
    assert soup.find("a")["href"] == first and soup.find("title").get_text() == soup.find("a").get_text() != ""
