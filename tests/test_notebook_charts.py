"""Every chart draws wherever a notebook is opened, not only on the built site.

Each template in notebooks/ is executed as a reader would run it (nbclient, the template's own
parameters), converted with nbconvert to HTML (the lab template, nbconvert's defaults), and opened
in Debian's Chromium offline -- once as a browser with JavaScript and once without (a viewer that
runs no script, as an e-mail client or a strict reader does). Every chart output must show its static
image there: the image loaded (``naturalWidth > 0``), visible and no wider than the page.

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


def convert(template: Path, out: Path) -> tuple[Path, int]:
    """The template executed with its defaults and converted to HTML: (html file, charts)."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(template, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(template.parent)}}).execute()
    body, _ = HTMLExporter().from_notebook_node(nb)
    page = out / f"{template.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page, len(chart_outputs(nb))


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
        if not javascript:
            return browser_free(tab)
        return tab.evaluate(IMAGES_JS)
    finally:
        context.close()


def browser_free(tab) -> list[dict]:
    """The same measure without running the page's script: Playwright evaluates in an isolated world."""
    return tab.evaluate(IMAGES_JS)


class TemplateChecks:
    """The checks of one template (:attr:`TEMPLATE`), executed and converted once for them all. One class
    per template: pytest-xdist (``--dist loadscope``) runs the classes side by side."""

    TEMPLATE: Path

    @pytest.fixture(scope="class")
    def converted(self, request, tmp_path_factory) -> tuple[Path, int]:
        return convert(request.cls.TEMPLATE, tmp_path_factory.mktemp("nbconvert"))

    def test_the_template_is_executed_and_converted(self, converted):
        page, expected = converted
        assert page.stem == self.TEMPLATE.stem and page.stat().st_size > 0 and expected >= 0

    @pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
    def test_every_chart_of_a_converted_notebook_is_drawn(self, converted, chromium_browser, javascript):
        page, expected = converted
        found = look(chromium_browser, page, javascript)
        assert len(found) == expected
        for chart in found:
            assert chart["img"] and chart["complete"] and chart["natural"] > 0, chart
            assert 0 < chart["shown"] <= chart["page"] and chart["height"] > 50, chart

    def test_nbconvert_keeps_the_image_and_runs_no_chart_script(self, converted):
        page, expected = converted
        html = page.read_text(encoding="utf-8")
        # nbconvert writes the HTML again (attributes in another order): count by class
        assert len(re.findall(r'<img[^>]*class="tradetalks-chart-static"[^>]*src="data:image/png;base64,', html)) == expected
        assert "vegaEmbed(" not in html


def class_name(template: Path) -> str:
    return "TestTemplate_" + re.sub(r"\W", "_", template.stem)


for _template in TEMPLATES:
    globals()[class_name(_template)] = type(class_name(_template), (TemplateChecks,), {"TEMPLATE": _template})


def test_every_template_is_covered():
    assert TEMPLATES, "no templates found in notebooks/"
    classes = {name: cls for name, cls in globals().items() if name.startswith("TestTemplate_")}
    assert sorted(cls.TEMPLATE for cls in classes.values()) == TEMPLATES


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
