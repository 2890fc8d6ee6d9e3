"""Tests of tradetalks.render: offline, deterministic, escaped chart and table output."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess

import altair as alt
import pandas as pd
import pytest

from tradetalks.charts import bundle, render

XSS = "</script><script>alert(1)</script>"


def make_spec(value: int = 3, label: str = "China", title: str = "Rounds by party") -> dict:
    df = pd.DataFrame({"party": ["United States", label], "rounds": [2, value]})
    chart = alt.Chart(df, title=title).mark_bar().encode(x="rounds:Q", y="party:N")
    return chart.to_dict()


def script_body(html: str) -> str:
    """The text of the chart's JSON data block (between its <script ...> and </script>)."""
    start = html.index('<script type="application/json"')
    start = html.index(">", start) + 1
    end = html.rindex("</script>")
    return html[start:end]


def embedded_spec(html: str) -> dict:
    return json.loads(script_body(html))["spec"]


@pytest.fixture
def tradetalks_renderer():
    previous = alt.renderers.active
    render.enable()
    yield
    alt.renderers.enable(previous)


# --------------------------------------------------------------------------- charts
def test_same_spec_gives_identical_html():
    a = render.chart_mimebundle(make_spec())
    b = render.chart_mimebundle(copy.deepcopy(make_spec()))
    assert a["text/html"] == b["text/html"]
    assert a["text/plain"] == b["text/plain"] == "Rounds by party"
    data = re.search(r'<script type="application/json"[^>]*>(.*)</script>', a["text/html"]).group(1)
    assert json.loads(data)["spec"] == json.loads(json.dumps(make_spec()))


def test_html_shape_no_inline_code():
    spec = make_spec()
    png = render.chart_png(spec)
    html = render.chart_html(spec, png=png)
    cid = render.chart_id(spec)
    assert re.fullmatch(r"chart-[0-9a-f]{16}", cid)
    # a container with a static image (what notebook front ends and readers without JavaScript see) ...
    assert html.startswith(f'<div class="tradetalks-chart" id="{cid}" role="img" aria-label="Rounds by party">'
                           f'<img class="tradetalks-chart-static" alt="Rounds by party" src="data:image/png;base64,')
    # ... then the spec as inert JSON: no inline script runs (the site's CSP forbids them)
    assert f'<script type="application/json" class="tradetalks-chart-data" data-chart="{cid}">' in html
    assert html.endswith("</script>") and html.count("<script") == 1
    data = json.loads(script_body(html))
    assert data["options"]["renderer"] == "svg" and data["options"]["actions"] is False and data["options"]["ast"] is True
    assert "vegaEmbed" not in html and "onload" not in html and "onerror" not in html
    # no uuid / random / time in the output
    assert "altair-viz" not in html and "Math.random" not in html


def test_id_is_sha256_of_canonical_spec_and_key_order_does_not_matter():
    spec = make_spec()
    reordered = dict(reversed(list(spec.items())))
    assert render.chart_id(spec) == render.chart_id(reordered)
    assert render.chart_html(spec) == render.chart_html(reordered)


def test_id_changes_when_a_data_value_changes():
    a, b = make_spec(value=3), make_spec(value=4)
    assert render.chart_id(a) != render.chart_id(b)
    assert render.chart_html(a) != render.chart_html(b)


def test_spec_round_trips_through_the_script():
    spec = make_spec(label="Café – “quoted” & <tagged>\u2028line")
    assert embedded_spec(render.chart_html(spec)) == json.loads(json.dumps(spec))


@pytest.mark.parametrize("where", ["title", "data"])
def test_script_breakout_is_escaped(where):
    spec = make_spec(title=XSS) if where == "title" else make_spec(label=XSS)
    bundle = render.chart_mimebundle(spec)
    html = bundle["text/html"]
    body = script_body(html)
    assert "</script" not in body.lower()
    assert "<script" not in body.lower()
    assert "<!--" not in body
    assert html.count("</script>") == 1
    assert "</script><script>alert" not in html
    assert "\\u003c/script\\u003e" in body
    assert embedded_spec(html) == spec  # the value itself survives intact
    if where == "title":
        assert bundle["text/plain"] == XSS  # plain text: rendered as text, not HTML


def test_script_safe_json_escapes_line_separators_and_ampersand():
    text = render.script_safe_json({"a": "x\u2028y\u2029z & <b>"})
    assert "\u2028" not in text and "\u2029" not in text
    assert "&" not in text and "<" not in text and ">" not in text
    assert json.loads(text) == {"a": "x\u2028y\u2029z & <b>"}


def test_png_is_png():
    import base64

    html = render.chart_mimebundle(make_spec())["text/html"]
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_title_for_compound_and_untitled_charts():
    df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    base = alt.Chart(df).mark_point().encode(x="x", y="y")
    layered = alt.layer(base.properties(title=["Two", "lines"]), base)
    assert render.chart_mimebundle(layered.to_dict())["text/plain"] == "Two lines"
    assert render.chart_mimebundle(base.to_dict())["text/plain"] == "Chart"


def test_vl_version_matches_altair_schema():
    major, minor = re.findall(r"\d+", alt.SCHEMA_VERSION)[:2]
    assert bundle.vl_version() == f"v{major}_{minor}"


def test_enable_registers_and_activates_the_renderer(tradetalks_renderer):
    assert alt.renderers.active == "tradetalks"
    chart = alt.Chart(pd.DataFrame({"a": [1]}), title="One").mark_point().encode(x="a:Q")
    bundle = chart._repr_mimebundle_()
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    # the image and the spec are stored once, in the HTML (no second copy as image/png or Vega-Lite)
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/plain"] == "One"
    again = chart._repr_mimebundle_()
    again = again[0] if isinstance(again, tuple) else again
    assert again["text/html"] == bundle["text/html"]
    spec = chart.to_dict(context={"pre_transform": False})
    assert bundle["text/html"] == render.chart_html(spec, png=render.chart_png(spec))


# --------------------------------------------------------------------------- the bundle
@pytest.fixture(scope="module")
def bundle_file(tmp_path_factory):
    return bundle.write_vega_bundle(tmp_path_factory.mktemp("static"))


def test_bundle_file_defines_vega_embed(bundle_file):
    assert bundle_file.name == "vega-bundle.js"
    text = bundle_file.read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in text.replace(" ", "")
    assert "window.vega=" in text.replace(" ", "")
    assert "window.vegaLite=" in text.replace(" ", "")
    assert "(function () {" in text and text.rstrip().endswith("})();")
    assert "cdn.jsdelivr" not in text
    # rewriting gives the same bytes
    before = bundle_file.read_bytes()
    bundle.write_vega_bundle(bundle_file.parent)
    assert bundle_file.read_bytes() == before


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_bundle_runs_next_to_sphinx_globals(bundle_file):
    """In one global scope with doctools.js-like `const _`, the bundle still loads."""
    script = r"""
const vm = require('vm');
const fs = require('fs');
globalThis.window = globalThis;
globalThis.self = globalThis;
// scripts run in this context share one global lexical scope, as <script> tags do
vm.runInThisContext("const _ = (x) => x; const Documentation = {};");
vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8'));
if (typeof window.vegaEmbed !== 'function' || !window.vega || !window.vegaLite) { throw new Error('globals missing'); }
console.log('ok ' + window.vega.version + ' ' + window.vegaLite.version);
"""
    proc = subprocess.run(
        ["node", "-e", script, str(bundle_file)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    major, minor = re.findall(r"\d+", alt.SCHEMA_VERSION)[:2]
    assert proc.stdout.startswith("ok ")
    assert proc.stdout.split()[2].startswith(f"{major}.{minor}.")


# --------------------------------------------------------------------------- tables
def test_table_html_escapes_and_is_deterministic():
    df = pd.DataFrame(
        {
            "name": ["<b>bold</b>", XSS, None],
            "value": [1.5, 2.0, None],
            "note": ["a & b", "x|y", "*emph* $5"],
        }
    )
    t = render.table_html(df, caption="Caption <i>here</i> & more")
    html = t._repr_html_()
    assert html == render.table_html(df.copy(), caption="Caption <i>here</i> & more")._repr_html_()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>" not in html and "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a &amp; b" in html
    assert "<caption>Caption &lt;i&gt;here&lt;/i&gt; &amp; more</caption>" in html
    assert re.search(r'<table[^>]*class="[^"]*\btradetalks-table\b', html)
    assert "<thead>" in html and '<th scope="col">name</th>' in html
    assert " id=" not in html and "None" not in html and "NaN" not in html
    assert html.count("<tr") == 4  # header + 3 rows: nothing truncated


def test_table_shows_long_tables_whole():
    df = pd.DataFrame({"i": range(500), "text": ["x" * 300] * 500})
    html = render.table_html(df)._repr_html_()
    assert html.count("<tr") == 501
    assert "x" * 300 in html and "..." not in html


def test_table_markdown_and_text_reprs():
    df = pd.DataFrame({"a": ["x|y", "*b* <i>"], "b": [1, 2]})
    t = render.table_html(df, caption="Cap")
    md = t.to_markdown()
    lines = md.splitlines()
    assert lines[0] == "**Cap**"
    assert lines[2] == "| a | b |"
    assert "x\\|y" in md and "\\*b\\* \\<i\\>" in md
    assert len([ln for ln in lines if ln.startswith("|")]) == 4
    assert repr(t) == "Cap (2 rows)" and not hasattr(t, "_repr_markdown_")
    text = t.to_text()
    assert text.splitlines()[0] == "Cap"
    assert "x|y" in text and "<i>" in text
