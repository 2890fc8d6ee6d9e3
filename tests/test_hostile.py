"""Hostile text in the data is shown as text: a small book is built from a fixture dataset whose titles,
summaries, names and quotes hold HTML, script, javascript: links, Markdown and MyST syntax, and a real
browser checks that all of it appears literally (tables, prose, tooltips) and that nothing executes."""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from helpers import browser
from tradetalks import escaping, load_dataset
from tradetalks.analysis import parts
from tradetalks.analysis import queries as q
from tradetalks.book.build import build
from tradetalks.book.plan import load_plan
from tradetalks.paths import DEFAULT_DATA_DIR, DEFAULT_PLAN, REPO_ROOT

#: A file that the MyST/Jinja substitution below would create if it were ever evaluated.
PWNED = Path(tempfile.gettempdir()) / "tradetalks-hostile-PWNED"


def hostile(tag: str) -> str:
    """Every kind of text in docs/faults.md's last table, with a marker to find it by."""
    return (f'{tag} <script class="pwn">window.__pwned="{tag}";alert("{tag}")</script>'
            f'<img class="pwn" src="x" onerror="window.__pwned=1"> <svg class="pwn" onload="window.__pwned=2"></svg>'
            f' <b class="pwn">bold</b> **strong** _em_ '
            f'[click](javascript:alert(1)) {{sub-ref}}`today` {{eval}}`1+1` $x^2$ &amp; | pipe | `code` # not a heading'
            f" {{{{ env.__class__.__init__.__globals__['os'].system('touch {PWNED}') }}}}"
            f"\n```{{code-cell}} python\nprint('code ran')\n```\n```{{include}} /etc/hostname\n```"
            f" \u202egnp.exe \u0645\u0631\u062d\u0628\u0627 \u4e2d\u7f8e\u8d38\u6613 \U0001F4C8")


def shown(text: str) -> str:
    """How data text reads on a page: one line, without bidirectional overrides."""
    return " ".join(escaping.plain(text).split())


# (file, row id, column) -> the marker placed there
PLACES = {
    ("events.csv", "2025-07-28-stockholm-talks", "title"): "EVT-TITLE",  # a mark with no close neighbour
    ("events.csv", "2025-07-28-stockholm-talks", "summary"): "EVT-SUMMARY",
    ("events.csv", "<first event>", "title"): "FIRST-EVT",  # the first event of the record, whichever it is
    ("actors.csv", "scott-bessent", "name"): "ACTOR",
    ("statements.csv", "st-bessent-productive", "text"): "QUOTE",
    ("sticking_points.csv", "rare-earths", "name"): "POINT",
    ("sources.csv", "seed-004", "title"): "SOURCE",
    ("phases.csv", "geneva-truce", "name"): "PHASE",
    ("events.csv", "2025-07-28-stockholm-talks", "location"): "PLACE",  # a round's label: page title, menu, links
}
LONG = "A very long title " + "x" * 5000  # must wrap, not widen the page


def poison(data_dir):
    if PWNED.exists():
        PWNED.unlink()
    places = {**PLACES, ("events.csv", "2025-10-25-kuala-lumpur-talks", "summary"): None}
    for (file, row_id, column), tag in places.items():
        path = data_dir / file
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        if row_id == "<first event>":
            row_id = min(rows, key=lambda r: (r["start_date"], r["id"]))["id"]
        for row in rows:
            if row["id"] == row_id:
                row[column] = hostile(tag) if tag else LONG
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


POINT = "rare-earths"  # the poisoned sticking point: the one point page of the hostile book
ROUNDS_WINDOW = ("2025-06-06", "2025-07-31")  # the London and the Stockholm talks: the round pages built


def hostile_plan(data) -> dict:
    """The book's plan on the poisoned data, every page template in it, but few pages of each kind: one
    sticking point page, the poisoned point's, as ``for_each`` makes it (its title the point's name from the
    data), the page listing the points listing and linking that one; and the pages of the rounds in a window
    around the two checked below (London, then Stockholm: each links the other), the timeline linking none."""
    plan = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    plan["defaults"]["data_dir"] = str(data)
    name = load_dataset(data).sticking_points.set_index("id").loc[POINT, "name"]

    def fill(v):
        return v.replace("{id}", POINT).replace("{title}", name) if isinstance(v, str) else v

    for page in plan["pages"]:
        params = page.setdefault("parameters", {})
        if page.get("for_each") == "sticking_points":
            del page["for_each"]
            page.update(name=f"{page['name']}-{POINT}", title=fill(page["title"]),
                        parameters={k: fill(v) for k, v in params.items()})
        elif "point_link_prefix" in params:
            params["sticking_points"] = [POINT]
        elif page.get("for_each") == "rounds":
            params.update(window_start=ROUNDS_WINDOW[0], window_end=ROUNDS_WINDOW[1])
        elif "round_link_prefix" in params:
            del params["round_link_prefix"]  # it would link every round
    return plan


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    poison(data)
    load_dataset(data)  # still valid data: hostile text is allowed, it just has to stay text
    plan = hostile_plan(data)
    assert {p["template"] for p in plan["pages"]} == {p.template.relative_to(REPO_ROOT).as_posix()
                                                      for p in load_plan(DEFAULT_PLAN).pages}
    plan_path = root / "plan.yml"
    plan_path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    # one worker: the tests run side by side on the cores already (a second kernel would only start again)
    result = build(plan_path, out=root / "out", book_dir=REPO_ROOT / "book", jobs=1)
    assert not isinstance(result, int), f"the hostile book did not build (exit {result})"
    return root / "out" / "html", data


def _sources_page_of(source_id: str) -> str:
    """The page of the list of sources that holds ``source_id`` (numbers do not depend on titles)."""
    numbers = q.source_numbers(load_dataset())
    return f"sources-{parts.source_part_id(numbers[source_id], len(numbers))}"


SOURCES_PAGE = _sources_page_of("seed-004")
PAGES = ["overview", "timeline", "chronology-2018-2024", "chronology-2025", "actors", "sticking-points",
         "data-and-sources", SOURCES_PAGE, f"point-{POINT}", "round-2025-07-28-stockholm-talks",
         "round-2025-06-09-london-talks"]


@pytest.fixture(scope="module")
def site(hostile_book):
    with browser.serve(hostile_book[0]) as url:
        yield url


@pytest.fixture(scope="module")
def visits(chromium, site):
    """Each page of PAGES opened once (one tab, its recorders afresh for each page): {name: PageVisit}, the
    page's state after its charts were drawn (INERT_JS) in ``measured``."""
    with browser.tab(chromium) as tab:
        return {name: tab.visit(site + f"generated/{name}.html", measure=INERT_JS) for name in PAGES}


def page_width(visit) -> int:
    return visit.scroll_width


INERT_JS = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  injected: document.querySelectorAll('.pwn').length,
  jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
  text: document.querySelector('main').innerText
})"""


@pytest.mark.parametrize("name", PAGES)
def test_nothing_executes_and_nothing_is_injected(visits, name):
    visit = visits[name]
    state = visit.measured
    assert visit.dialogs == []
    assert visit.page_errors == []
    assert state["pwned"] is None and state["injected"] == 0 and state["jsLinks"] == 0
    assert visit.undrawn_charts == []
    assert not PWNED.exists(), "the MyST/Jinja substitution in the data ran a command"
    assert "code ran" not in state["text"] or "print('code ran')" in state["text"]
    assert page_width(visit) <= 1280, "long text widened the page"


EXPECTED_ON_PAGE = {
    "point-rare-earths": ["POINT"],
    "round-2025-07-28-stockholm-talks": ["PLACE", "EVT-SUMMARY"],
    "round-2025-06-09-london-talks": ["PLACE"],
    "overview": ["POINT"],
    "timeline": ["FIRST-EVT", "PHASE"],
    "chronology-2018-2024": ["FIRST-EVT"],
    "chronology-2025": ["EVT-TITLE", "EVT-SUMMARY", "ACTOR"],
    "actors": ["ACTOR", "QUOTE"],
    "sticking-points": ["POINT"],
    "data-and-sources": ["ACTOR"],  # how the sources spell the actors
    SOURCES_PAGE: ["SOURCE"],
}


@pytest.mark.parametrize("name", PAGES)
def test_hostile_text_appears_literally(visits, name):
    text = " ".join(visits[name].measured["text"].split())
    for tag in EXPECTED_ON_PAGE[name]:
        if tag == "PLACE":  # a round's label is the place's name up to its first comma
            assert shown(hostile(tag)).split(",")[0] in text, f"{tag} not shown literally on {name}"
        else:
            assert shown(hostile(tag)) in text, f"{tag} not shown literally on {name}"


def test_prose_shows_markdown_syntax_literally(site, chromium):
    # the timeline's summary sentence names the first event: Markdown in it must not render
    with browser.opened(chromium, site + "generated/timeline.html") as (visit, page):
        para = page.locator("main p", has_text="The first is").first
        assert "**strong** _em_ [click](javascript:alert(1))" in para.inner_text()
        assert para.locator("strong", has_text="strong").count() == 0


def test_tooltip_shows_hostile_title_as_text(hostile_book, site, chromium):
    _, data = hostile_book
    ds = load_dataset(data)
    index = list(q.events_between(ds)["id"]).index("2025-07-28-stockholm-talks")
    with browser.opened(chromium, site + "generated/timeline.html") as (visit, page):
        # the event marks, not the phase key's symbols drawn before them: each carries its tooltip fields
        tip = browser.hover_tooltip(page, "#" + visit.charts[0]["id"] + ' g.mark-symbol.role-mark path[aria-label*="Event: "]', index)
        state = page.evaluate(INERT_JS)
    assert shown(hostile("EVT-TITLE")) in " ".join(tip.split())
    assert '<script class="pwn">' in tip
    assert state["pwned"] is None and state["injected"] == 0
