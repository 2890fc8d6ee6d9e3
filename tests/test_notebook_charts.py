"""Every chart draws wherever a notebook is opened, not only on the built site.

Each template in notebooks/ is executed top to bottom with its own parameters, as a reader opening it
runs it, converted with nbconvert to HTML (the lab template, nbconvert's defaults), and opened in
Debian's Chromium offline -- once as a browser with JavaScript and once without (a viewer that runs no
script, as an e-mail client or a strict reader does). Every chart output must show its static image
there: the image loaded (``naturalWidth > 0``), visible and no wider than the page.

The templates are executed by the build's own executor, one after another on one kernel reset between
them (a fresh namespace, as a reader's new kernel): that it gives what a fresh kernel gives is what strict
nbval on the published notebooks (every template, run again each in a kernel of its own) proves.

What the other front ends pick from a chart's mime bundle is checked on the bundle itself: JupyterLab
and VS Code show ``text/html`` (neither renders Vega-Lite 6), an untrusted notebook the sanitised HTML
(an ``<img>`` with a ``data:`` address survives the sanitiser); so the HTML must hold the image, and a
viewer without HTML gets the chart's description as plain text.
"""
from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest

from helpers import browser
from tradetalks.book.execute import Job, run_pages
from tradetalks.book.plan import expand_pages, load_plan
from tradetalks.charts import render
from tradetalks.paths import DEFAULT_PLAN, REPO_ROOT

pytestmark = pytest.mark.browser

TEMPLATES = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
CHART = 'class="tradetalks-chart"'

IMAGES_JS = """() => Array.from(document.querySelectorAll('div.tradetalks-chart')).map(el => {
  const img = el.querySelector('img.tradetalks-chart-static');
  const box = img ? img.getBoundingClientRect() : null;
  return {id: el.id, img: !!img, complete: img ? img.complete : false, natural: img ? img.naturalWidth : 0,
          shown: box ? box.width : 0, height: box ? box.height : 0, page: document.documentElement.clientWidth};
})"""


def chart_outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if CHART in o.get("data", {}).get("text/html", "")]


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """{template name: (its HTML from nbconvert, its charts)}: every template executed with its defaults."""
    from nbconvert import HTMLExporter

    out = tmp_path_factory.mktemp("nbconvert")
    jobs = [Job(t.stem, t, out / t.name, {}) for t in TEMPLATES]
    results, _ = run_pages(jobs, cwd=REPO_ROOT / "notebooks", workers=1)
    failed = [f"{r.name}: {r.ename}: {r.evalue}" for r in results if not r.ok]
    assert not failed, "templates that fail with their defaults:\n" + "\n".join(failed)
    pages = {}
    for template in TEMPLATES:
        nb = nbformat.read(out / template.name, as_version=4)
        body, _ = HTMLExporter().from_notebook_node(nb)
        page = out / f"{template.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages[template.stem] = page, len(chart_outputs(nb))
    return pages


@pytest.fixture(scope="module")
def chromium_browser():
    with browser.launch() as b:
        yield b


def look(chromium, page: Path, javascript: bool) -> list[dict]:
    """Open a converted notebook from disk with nothing reachable but the file itself."""
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, java_script_enabled=javascript)
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())
        tab = context.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        # without script too: Playwright evaluates the measure in an isolated world of its own
        return tab.evaluate(IMAGES_JS)
    finally:
        context.close()


TEMPLATE_NAMES = [t.stem for t in TEMPLATES]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_the_template_is_executed_and_converted(converted, name):
    page, expected = converted[name]
    assert page.stem == name and page.stat().st_size > 0 and expected >= 0


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_chart_of_a_converted_notebook_is_drawn(converted, chromium_browser, name, javascript):
    page, expected = converted[name]
    found = look(chromium_browser, page, javascript)
    assert len(found) == expected
    for chart in found:
        assert chart["img"] and chart["complete"] and chart["natural"] > 0, chart
        assert 0 < chart["shown"] <= chart["page"] and chart["height"] > 50, chart


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_nbconvert_keeps_the_image_and_runs_no_chart_script(converted, name):
    page, expected = converted[name]
    html = page.read_text(encoding="utf-8")
    # nbconvert writes the HTML again (attributes in another order): count by class
    assert len(re.findall(r'<img[^>]*class="tradetalks-chart-static"[^>]*src="data:image/png;base64,', html)) == expected
    assert "vegaEmbed(" not in html


def test_every_template_is_covered(converted):
    assert TEMPLATES, "no templates found in notebooks/"
    assert sorted(converted) == sorted(TEMPLATE_NAMES) == sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))


def test_the_templates_hold_charts(built_site):
    """Not all of the checks above can be empty: the templates' chart cells (counted once per template, as the
    book's published notebooks, made from them, hold charts there) are at least five."""
    published = REPO_ROOT / "book" / "_build" / "notebooks"
    cells = set()
    for page in expand_pages(load_plan(DEFAULT_PLAN).pages):
        nb = nbformat.read(published / f"{page.name}.ipynb", as_version=4)
        for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code" and "injected-parameters"
                                     not in c.metadata.get("tags", [])):
            if any(CHART in o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])):
                cells.add((page.template.name, index))
    assert len(cells) >= 5, "the templates hold charts"


def test_what_notebook_front_ends_pick_holds_the_image():
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [2, 1]}), title="Two points").mark_point().encode(x="x:Q", y="y:Q")
    bundle = render.chart_mimebundle(chart.properties(width="container").to_dict())
    # JupyterLab (trusted or sanitised) and VS Code (trusted) show text/html: the image is in it
    image = re.search(r'<img class="tradetalks-chart-static" alt="[^"]+" src="data:image/png;base64,([^"]+)">', bundle["text/html"])
    assert image and base64.b64decode(image.group(1)).startswith(b"\x89PNG")
    # a viewer without HTML shows what the chart is about; the image is stored once
    assert set(bundle) == {"text/html", "text/plain"} and "Two points" in bundle["text/plain"]
    # the HTML holds no script that runs (front ends that sanitise it lose nothing)
    assert "<script>" not in bundle["text/html"] and 'type="application/json"' in bundle["text/html"]
