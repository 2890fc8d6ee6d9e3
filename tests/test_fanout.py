"""One template, many pages: a page per sticking point and per round, and custom reports."""
from __future__ import annotations

import shutil

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers.data import Data
from tradetalks import load_dataset
from tradetalks.analysis import parts
from tradetalks.analysis import queries as q
from tradetalks.book.build import build
from tradetalks.book.custom import Request, RequestError, check_request, make_report
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.paths import DEFAULT_DATA_DIR, DEFAULT_PLAN, REPO_ROOT

SITE = REPO_ROOT / "book" / "_build" / "html" / "generated"

pytestmark = pytest.mark.site


def soup(path):
    """The page as parsed HTML, without the "#" links Sphinx puts after each heading."""
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for link in page.select("a.headerlink"):
        link.decompose()
    return page


def main_text(path):
    return " ".join(soup(path).select_one("main").get_text(" ", strip=True).split())


def prose_text(path):
    """The page's text as read, with no space added around inline links (e.g. glossary terms)."""
    return " ".join(soup(path).select_one("main").get_text().split())


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_the_plan_expands_to_one_page_per_sticking_point_and_round(ds):
    pages = expand_pages(load_plan(DEFAULT_PLAN).pages)
    names = [p.name for p in pages]
    assert [n for n in names if n.startswith("point-")] == [f"point-{i}" for i in ds.sticking_points["id"]]
    assert [n for n in names if n.startswith("round-")] == [f"round-{i}" for i in q.negotiation_rounds(ds)["id"]]
    london = next(p for p in pages if p.name == "round-2025-06-09-london-talks")
    assert london.title == "London talks, 9–10 June 2025" and london.parameters["round_id"] == "2025-06-09-london-talks"
    assert london.parent == "timeline"


@pytest.mark.parametrize("point_id", ["rare-earths", "tiktok", "soybeans"])
def test_each_sticking_point_page_has_its_own_content(ds, point_id):
    sp = ds.sticking_points.set_index("id").loc[point_id]
    page = SITE / f"point-{point_id}.html"
    assert soup(page).find("h1").get_text(strip=True) == sp["name"]
    text = main_text(page)
    assert sp["description"] in prose_text(page)
    for title in q.status_history(ds, point_id)["title"]:
        assert title in text
    others = [t for t in ds.events["title"] if t not in set(q.status_history(ds, point_id)["title"])]
    assert sum(t in text for t in others) <= 2  # not a copy of another point's page


def test_sticking_point_page_states_its_suspension(ds):
    text = main_text(SITE / "point-port-fees.html")
    # the one-year suspension ran to 10 November 2026; the record, checked later, shows no outcome
    assert "Suspension expired on 10 November 2026 — outcome not yet recorded" in text


@pytest.mark.parametrize("round_id", ["2025-05-10-geneva-talks", "2025-06-09-london-talks", "2025-10-30-busan-summit"])
def test_each_round_page_has_its_own_content(ds, round_id):
    r = q.negotiation_rounds(ds).set_index("id").loc[round_id]
    text = main_text(SITE / f"round-{round_id}.html")
    assert r["summary"] in prose_text(SITE / f"round-{round_id}.html")
    for people in q.delegations(ds, round_id).values():
        for name in people["name"]:
            assert name in text


def test_round_page_shows_before_and_after():
    text = main_text(SITE / "round-2025-05-10-geneva-talks.html")
    # tariffs the day before Geneva, and once its outcome measures took effect (14 May)
    assert "Before (9 May 2025)" in text and "After (14 May 2025)" in text
    assert "US tariff on Chinese goods 145% 30%" in text


def test_round_pages_link_previous_and_next():
    page = soup(SITE / "round-2025-06-09-london-talks.html")
    hrefs = [a["href"] for a in page.select("nav.tradetalks-links a")]
    assert hrefs == ["round-2025-06-05-trump-xi-call.html", "round-2025-07-28-stockholm-talks.html"]
    for h in hrefs:
        assert (SITE / h).is_file()


def test_sections_link_to_the_item_pages(ds):
    links = [a["href"] for a in soup(SITE / "sticking-points.html").select("nav.tradetalks-links a")]
    assert links == [f"point-{i}.html" for i in ds.sticking_points["id"]]
    links = [a["href"] for a in soup(SITE / "timeline.html").select("nav.tradetalks-links a")]
    assert links == ([f"chronology-{p.id}.html" for p in parts.chronology_parts(ds)]
                     + [f"round-{i}.html" for i in q.negotiation_rounds(ds)["id"]])
    links = [a["href"] for a in soup(SITE / "data-and-sources.html").select("nav.tradetalks-links a")]
    assert links == [f"sources-{p.id}.html" for p in parts.source_parts(ds)]
    toc = soup(SITE / "sticking-points.html").select("nav.bd-docs-nav a")
    assert any(a.get("href", "").endswith("point-rare-earths.html") for a in toc)


# ---------------------------------------------------------------------------- a fixture sticking point

def data_with_one_sticking_point(folder) -> Data:
    """A copy of the data whose only sticking point is its first (the rest and their links left out): a book
    of it has one page per sticking point to build, not a dozen."""
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    copy = Data(folder)
    keep = copy.rows("sticking_points")[0]["id"]
    copy.write("sticking_points", [r for r in copy.rows("sticking_points") if r["id"] == keep])
    copy.write("event_sticking_points", [r for r in copy.rows("event_sticking_points") if r["sticking_point_id"] == keep])
    return copy


@pytest.mark.build
def test_adding_a_sticking_point_adds_its_page(tmp_path):
    data = tmp_path / "data"
    copy = data_with_one_sticking_point(data)
    pages_before = len(load_dataset(data).sticking_points)
    copy.add("sticking_points", id="currency", name="Currency practices", category="structural",
             description="Fixture: a sticking point added for a test.")
    link = copy.rows("event_sources")[0]
    copy.add("event_sticking_points", event_id=link["event_id"], sticking_point_id="currency", status="raised",
             source_id=link["source_id"], support="reported", note="Fixture row.")
    # the main plan's sticking-point pages only, unchanged but for the data folder
    main = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    point_page = next(p for p in main["pages"] if p.get("for_each") == "sticking_points")
    point_page.pop("parent")
    plan = {"defaults": {**main["defaults"], "data_dir": str(data)}, "pages": [point_page]}
    (tmp_path / "plan.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    result = build(tmp_path / "plan.yml", out=tmp_path / "out", book_dir=REPO_ROOT / "book", jobs=1)  # two pages
    assert not isinstance(result, int)
    page = tmp_path / "out" / "html" / "generated" / "point-currency.html"
    assert soup(page).find("h1").get_text(strip=True) == "Currency practices"
    assert "Fixture: a sticking point added for a test." in main_text(page)
    assert len(list((tmp_path / "out" / "html" / "generated").glob("point-*.html"))) == pages_before + 1


# ---------------------------------------------------------------------------- custom reports

@pytest.mark.parametrize("request_kwargs, message", [
    ({"sticking_points": ["currency"]}, "unknown sticking point 'currency'"),
    ({"actors": ["Nobody Atall"]}, "no actor is called 'Nobody Atall'"),
    ({"start": "2025-06-01", "end": "2025-05-01"}, "the window is reversed: its end 2025-05-01 is before its start 2025-06-01"),
    ({"start": "2017-12-31"}, "window start 2017-12-31 is outside the data"),
    ({"end": "2030-01-01"}, "window end 2030-01-01 is outside the data"),
    ({"start": "1 June"}, "YYYY-MM-DD"),
    ({"side": "mars"}, "unknown side 'mars'"),
])
def test_invalid_requests_stop_with_a_clear_message(tmp_path, request_kwargs, message):
    with pytest.raises(RequestError) as info:
        make_report(Request(out=tmp_path / "report", **request_kwargs))
    assert message in str(info.value)
    assert not (tmp_path / "report").exists(), "nothing is built or written for an invalid request"


def test_all_request_problems_are_reported_together():
    with pytest.raises(RequestError) as info:
        check_request(Request(out=REPO_ROOT, start="2025-06-01", end="2025-05-01", sticking_points=["x"], actors=["y"]))
    assert len(info.value.problems) == 3


def test_aliases_work_in_requests():
    defaults = check_request(Request(out=REPO_ROOT, actors=["Scott Bessant"]))
    assert defaults["actors"] == ["scott-bessent"]


@pytest.mark.build
def test_custom_report_for_a_window_contains_only_its_events(tmp_path):
    # the data with one sticking point (the window narrows events and rounds, not the sticking points)
    data = tmp_path / "data"
    data_with_one_sticking_point(data)
    ds = load_dataset(data)
    out = tmp_path / "report"
    result = make_report(Request(out=out, start="2025-06-01", end="2025-06-30", data_dir=str(data)), jobs=1)
    assert not isinstance(result, int)
    site = out / "html" / "generated"
    expected = q.events_between(ds, "2025-06-01", "2025-06-30")
    # the window's events fit one page of the chronology, named for their year
    assert sorted(p.name for p in site.glob("chronology-*.html")) == ["chronology-2025.html"]
    (chronology,) = [t for t in soup(site / "chronology-2025.html").select("table.tradetalks-table")
                     if "Chronology" in t.find("caption").get_text()]
    titles = [tr.find_all("td")[2].get_text(strip=True) for tr in chronology.find("tbody").find_all("tr")]
    assert titles == list(expected["title"])
    assert all(t not in titles for t in ds.events["title"] if t not in set(expected["title"]))
    # only the rounds of the window get a page
    assert sorted(p.name for p in site.glob("round-*.html")) == [
        "round-2025-06-05-trump-xi-call.html", "round-2025-06-09-london-talks.html"]
    # and the main book was not touched by it
    assert (REPO_ROOT / "book" / "_build" / "html" / "generated" / "round-2025-05-10-geneva-talks.html").is_file()
