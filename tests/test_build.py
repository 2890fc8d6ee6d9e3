"""Tests of tradetalks.build: plan validation, notebook post-processing, and whole
builds of a tiny fixture plan (tests/fixtures/build/) into a temporary folder."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import subprocess
import sys
import threading
import types
from functools import partial
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from tradetalks.book import build as B
from tradetalks.book.jupyterbook import toc_yaml
from tradetalks.book.plan import PlanError, load_plan
from tradetalks.book.postprocess import postprocess_notebook
from tradetalks.paths import DEFAULT_DATA_DIR, REPO_ROOT

REPO = REPO_ROOT
BOOK = REPO / "book"
FIXTURES = REPO / "tests" / "fixtures" / "build"
PLAN = FIXTURES / "plan.yml"
BROKEN_PLAN = FIXTURES / "plan-broken.yml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_plan(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the plan
def test_book_plan_declares_the_five_sections_and_the_pages_per_item():
    data = yaml.safe_load((BOOK / "plan.yml").read_text(encoding="utf-8"))
    assert set(data) == {"defaults", "pages"}
    assert data["defaults"] == {}  # the window and data folder follow the data unless a reader narrows them
    assert [(p["name"], p.get("for_each")) for p in data["pages"]] == [
        ("overview", None), ("timeline", None), ("chronology", "chronology"), ("tariffs", None), ("round", "rounds"),
        ("actors", None), ("sticking-points", None), ("point", "sticking_points"), ("data-and-sources", None),
        ("sources", "sources"), ("glossary", None),
    ]
    assert data["pages"][0]["template"] == "notebooks/overview.ipynb"


def test_book_plan_is_valid():
    plan = load_plan(BOOK / "plan.yml")
    assert plan.pages[0].name == "overview"
    assert [p.parent for p in plan.pages if p.for_each] == ["timeline", "timeline", "sticking-points", "data-and-sources"]


def test_fixture_plan_loads_with_merged_iso_parameters():
    plan = load_plan(PLAN)
    alpha, beta = plan.pages
    assert alpha.template == FIXTURES / "alpha.ipynb"
    assert alpha.parameters == {
        "data_dir": "", "window_start": "2025-01-20", "window_end": "2025-11-10", "label": "from the plan",
    }
    # an unquoted YAML date becomes an ISO string
    assert beta.parameters["window_end"] == "2025-06-30"


def test_plan_errors_are_all_reported(tmp_path):
    plan = write_plan(
        tmp_path / "plan.yml",
        {
            "defaults": {"data_dir": "", "bad-name": 1},
            "extra": 1,
            "pages": [
                {"name": "alpha", "template": "tests/fixtures/build/alpha.ipynb", "title": "A", "colour": "red"},
                {"name": "alpha", "template": "tests/fixtures/build/beta.ipynb", "title": "B"},
                {"name": "gone", "template": "notebooks/does_not_exist.ipynb", "title": "G"},
                {"name": "Bad Name", "template": "tests/fixtures/build/beta.ipynb", "title": "X"},
                {"name": "typo", "template": "tests/fixtures/build/beta.ipynb", "title": "T",
                 "parameters": {"window_ennd": "2025-01-01"}},
                {"template": "tests/fixtures/build/beta.ipynb"},
            ],
        },
    )
    with pytest.raises(PlanError) as info:
        load_plan(plan)
    msg = str(info.value)
    for expected in [
        "unknown top-level key 'extra'",
        "'bad-name' is not a valid Python variable name",
        "unknown key 'colour'",
        "duplicate name 'alpha'",
        "notebooks/does_not_exist.ipynb' not found",
        "name 'Bad Name' must be lowercase",
        "'window_ennd' is not defined in the parameters cell",
        "missing required key 'name'",
        "missing required key 'title'",
    ]:
        assert expected in msg, (expected, msg)


def test_plan_requires_a_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "noparams.ipynb")
    plan = write_plan(
        tmp_path / "plan.yml",
        {"pages": [{"name": "p", "template": str(tmp_path / "noparams.ipynb"), "title": "P"}]},
    )
    with pytest.raises(PlanError, match="no code cell tagged 'parameters'"):
        load_plan(plan)


def test_invalid_plan_returns_2_before_anything_happens(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.yml", {"pages": []})
    assert B.main(["--plan", str(plan), "--out", str(tmp_path / "out")]) == B.EXIT_PLAN
    assert "'pages' must be a non-empty list" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- post-processing
def test_postprocess_tags_cells_and_adds_a_title():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("a = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("a = 2", metadata={"tags": ["injected-parameters"]}),
            nbformat.v4.new_markdown_cell("## Section"),
            nbformat.v4.new_code_cell("print(a)"),
            nbformat.v4.new_code_cell("show()", metadata={"tags": ["hide-input"]}),
            nbformat.v4.new_code_cell("quiet()", metadata={"tags": ["remove-output"]}),
        ]
    )
    postprocess_notebook(nb, title="My page")
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source == "# My page"
    assert tags[1] == ["parameters", "remove-cell"]
    assert tags[2] == ["injected-parameters", "remove-cell"]
    assert tags[4] == ["remove-input"]
    assert tags[5] == ["hide-input"]  # the author's choice is kept
    assert tags[6] == ["remove-output", "remove-input"]
    nbformat.validate(nb)
    # idempotent
    postprocess_notebook(nb, title="My page")
    assert [c.metadata.get("tags", []) for c in nb.cells] == tags


def test_postprocess_keeps_an_existing_title():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Intro\n\n# Real title")])
    postprocess_notebook(nb, title="Plan title")
    assert len(nb.cells) == 1


def test_toc_from_plan():
    toc = yaml.safe_load(toc_yaml(load_plan(PLAN).pages))
    assert toc == {
        "format": "jb-book",
        "root": "generated/alpha",
        "chapters": [{"file": "generated/beta", "title": "Beta title"}],
    }


# --------------------------------------------------------------------------- data validation step
@pytest.fixture
def fake_loader(monkeypatch):
    """A stand-in for tradetalks.data.load_dataset recording the calls."""
    import tradetalks.data as data

    calls: list = []
    state = {"fail": False}

    def load_dataset(data_dir=None):
        calls.append(data_dir)
        if state["fail"]:
            raise data.DataValidationError([data.Problem("events.csv", 3, "start_date", "x", "bad date"),
                                            data.Problem("actors.csv", 2, "id", "a", "duplicate id")], data_dir)
        return object()

    monkeypatch.setattr(data, "load_dataset", load_dataset)
    return types.SimpleNamespace(calls=calls, state=state)


def test_invalid_data_stops_the_build_with_exit_code_1(tmp_path, fake_loader, capsys):
    fake_loader.state["fail"] = True
    out = tmp_path / "out"
    assert B.build(PLAN, book_dir=BOOK, out=out) == B.EXIT_DATA
    err = capsys.readouterr().err
    assert "events.csv, line 3, column 'start_date': value 'x': expected bad date" in err
    assert "actors.csv, line 2" in err
    assert fake_loader.calls == [DEFAULT_DATA_DIR]  # data_dir "" means the repository's data folder
    assert not out.exists()  # nothing else happened


def test_each_distinct_data_dir_is_validated(tmp_path, fake_loader):
    plan = write_plan(
        tmp_path / "plan.yml",
        {
            "defaults": {"data_dir": "", "window_start": "2025-01-20", "window_end": "2025-11-10"},
            "pages": [
                {"name": "a", "template": "tests/fixtures/build/beta.ipynb", "title": "A"},
                {"name": "b", "template": "tests/fixtures/build/beta.ipynb", "title": "B",
                 "parameters": {"data_dir": "tests/fixtures"}},
                {"name": "c", "template": "tests/fixtures/build/beta.ipynb", "title": "C"},
            ],
        },
    )
    fake_loader.state["fail"] = True
    assert B.build(plan, book_dir=BOOK, out=tmp_path / "out") == B.EXIT_DATA
    assert fake_loader.calls == [DEFAULT_DATA_DIR, REPO / "tests" / "fixtures"]


# --------------------------------------------------------------------------- whole builds
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One full build of the fixture plan (data validation stubbed out)."""
    out = tmp_path_factory.mktemp("book") / "_build"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(B, "_validate_data", lambda dirs: None)
        result = B.build(PLAN, book_dir=BOOK, out=out, jobs=2)
    assert result == out / "html" / "index.html", result
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_build_publishes_one_page_per_plan_page(built):
    html = built / "html"
    assert (html / "generated" / "alpha.html").is_file()
    assert (html / "generated" / "beta.html").is_file()
    assert "generated/alpha.html" in (html / "index.html").read_text()
    assert sorted(p.name for p in (built / "notebooks").iterdir()) == ["alpha.ipynb", "beta.ipynb"]
    assert not list(built.glob("staging-*")), "staging folder left behind"
    assert not list(built.glob(".*old*")), "old site left behind"
    # navigation follows the plan, with the plan's titles
    nav = soup(html / "generated" / "alpha.html").select_one(".bd-sidebar-primary")
    assert "Beta title" in nav.get_text()


def test_parameters_reach_the_notebooks(built):
    text = soup(built / "html" / "generated" / "alpha.html").get_text()
    assert "WINDOW 2025-01-20 .. 2025-11-10 / from the plan" in text
    beta = soup(built / "html" / "generated" / "beta.html").get_text()
    assert "2025-06-30" in beta and "2000-12-31" not in beta


def test_no_code_and_no_parameters_cells_in_the_html(built):
    for name in ("alpha", "beta"):
        page = built / "html" / "generated" / f"{name}.html"
        raw = page.read_text(encoding="utf-8")
        assert "PARAM_CELL_MARKER" not in raw
        assert "Parameters" not in soup(page).get_text()  # papermill's injected-cell heading
        assert "CODE_INPUT_MARKER" not in raw
        assert "import altair" not in raw
        assert not soup(page).select(".cell_input"), "code input is shown"
        assert not soup(page).select(".tag_parameters, .tag_injected-parameters")


def test_executed_notebooks_are_tagged(built):
    nb = nbformat.read(built / "notebooks" / "alpha.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    injected = [c for c in code if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and len(injected) == 1
    assert "remove-cell" in params[0].metadata.tags and "remove-cell" in injected[0].metadata.tags
    assert 'label = "from the plan"' in injected[0].source
    others = [c for c in code if c not in params + injected]
    assert others and all("remove-input" in c.metadata.tags for c in others)


def test_page_titles(built):
    assert soup(built / "html" / "generated" / "alpha.html").h1.get_text(strip=True).startswith("Alpha page")
    # beta has no heading of its own: the plan title is inserted
    assert soup(built / "html" / "generated" / "beta.html").h1.get_text(strip=True).startswith("Beta title")


def test_chart_and_table_in_the_html(built):
    page = built / "html" / "generated" / "alpha.html"
    raw = page.read_text(encoding="utf-8")
    s = soup(page)
    charts = s.select("div.tradetalks-chart")
    assert len(charts) == 1 and charts[0]["id"].startswith("chart-")
    assert "alt.Chart(" not in raw and "If you see this message" not in raw
    table = s.select_one("table.tradetalks-table")
    assert table.thead and table.caption.get_text() == "Rounds <by> party & co"
    # the hostile label is text everywhere: escaped in the table, \u003c-escaped in the script
    assert "<script>alert(1)" not in raw
    assert "</script><script>alert" not in raw
    assert "</script><script>alert(1)</script>" in table.get_text()


def test_every_page_loads_the_local_bundle_and_nothing_remote(built):
    html = built / "html"
    bundle = html / "_static" / "vega-bundle.js"
    assert bundle.is_file() and "window.vegaEmbed" in bundle.read_text(encoding="utf-8")
    for page in sorted(html.rglob("*.html")):
        s = soup(page)
        if page.name == "index.html" and not s.head:
            continue  # the redirect page
        srcs = [t.get("src") for t in s.find_all("script") if t.get("src")]
        hrefs = [t.get("href") for t in s.find_all("link") if t.get("href")]
        imgs = [t.get("src") for t in s.find_all(["img", "iframe"]) if t.get("src")]
        remote = [u for u in srcs + hrefs + imgs if u.split(":")[0] in ("http", "https") or u.startswith("//")]
        assert not remote, (page, remote)
        if page.parent.name == "generated":
            assert any("vega-bundle.js" in u for u in srcs), page
            assert sum("vega-bundle.js" in u for u in srcs) == 1
        assert not any("mathjax" in u.lower() and "no-mathjax" not in u for u in srcs), page
    assert (html / "searchindex.js").is_file()  # search is on


def test_print_stylesheet_is_linked(built):
    css = built / "html" / "_static" / "tradetalks.css"
    assert "@media print" in css.read_text(encoding="utf-8")
    hrefs = [t["href"] for t in soup(built / "html" / "generated" / "beta.html").find_all("link") if t.get("href")]
    assert any("tradetalks.css" in h for h in hrefs)


def test_published_notebooks_pass_strict_nbval(built, tmp_path):
    nbs = tmp_path / "nbs"
    shutil.copytree(built / "notebooks", nbs)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(nbs), "-c", "/dev/null", str(nbs)],
        capture_output=True, text=True, timeout=300, cwd=nbs,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_failing_notebook_stops_the_build_and_keeps_the_site(built, capsys):
    before = tree_digest(built / "html")
    notebooks_before = tree_digest(built / "notebooks")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(B, "_validate_data", lambda dirs: None)
        result = B.build(BROKEN_PLAN, book_dir=BOOK, out=built, jobs=2)
    assert isinstance(result, int) and result == B.EXIT_NOTEBOOK
    captured = capsys.readouterr()
    err = captured.err
    assert "tests/fixtures/build/broken.ipynb" in err
    assert "cell 3 of the template" in err
    assert "raise ValueError('fixture failure: boom')" in err
    assert "ValueError: fixture failure: boom" in err
    assert "broken FAILED" in captured.out
    assert tree_digest(built / "html") == before
    assert tree_digest(built / "notebooks") == notebooks_before
    assert not list(built.glob("staging-*"))


@pytest.mark.build
def test_jupyter_book_warning_fails_the_build(tmp_path, monkeypatch, capsys):
    """A page with a broken cross-reference is a warning, and -W makes it fatal."""
    book = tmp_path / "book"
    shutil.copytree(BOOK, book, ignore=shutil.ignore_patterns("_build", "plan.yml"))
    monkeypatch.setattr(B, "_validate_data", lambda dirs: None)
    nb = nbformat.read(FIXTURES / "beta.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("See {ref}`no-such-label`."))
    nb.cells[-1]["id"] = "bad-ref"
    nbformat.write(nb, tmp_path / "badref.ipynb")
    plan = write_plan(
        book / "plan.yml",
        {"defaults": {}, "pages": [{"name": "badref", "template": str(tmp_path / "badref.ipynb"), "title": "B"}]},
    )
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("old site")
    assert B.build(plan, out=out, jobs=1) == B.EXIT_BOOK
    err = capsys.readouterr().err
    assert "jupyter-book build failed" in err and "no-such-label" in err
    assert (out / "html" / "index.html").read_text() == "old site"
    assert not list(out.glob("staging-*"))


# --------------------------------------------------------------------------- in a browser
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run make system-deps")
def test_chart_draws_offline_in_chromium(built, tmp_path):
    """Serve the site on localhost, load a page in headless Chromium: the chart is an
    SVG and every request the page makes goes to the local server."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(built / "html"))
    )
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    netlog = tmp_path / "net.json"
    try:
        proc = subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                f"--log-net-log={netlog}", "--virtual-time-budget=10000", "--dump-dom",
                f"{origin}/generated/alpha.html",
            ],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    dom = BeautifulSoup(proc.stdout, "html.parser")
    chart = dom.select_one("div.tradetalks-chart")
    assert chart is not None, proc.stderr[-2000:]
    assert chart.select_one("svg.marks") is not None, "chart not drawn"
    assert "Chart could not be drawn" not in chart.get_text()
    assert "Error loading script" not in proc.stdout

    log = json.loads(netlog.read_text())
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requested = [
        (e["params"].get("url", ""), e["params"].get("initiator"))
        for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "params" in e
    ]
    from_page = [url for url, initiator in requested if initiator == origin]
    assert any("vega-bundle.js" in u for u in from_page)
    assert all(u.startswith(origin + "/") for u in from_page), from_page
