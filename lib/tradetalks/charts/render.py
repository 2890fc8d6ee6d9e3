"""Offline, deterministic rendering of charts and tables for the report book.

Charts
    :func:`enable` registers the Altair renderer ``"tradetalks"``.  For every chart
    it returns one mime bundle that serves all builders:

    * ``text/html`` -- a ``<div>`` holding the chart's static image (what JupyterLab and VS
      Code, trusted or not, ``jupyter nbconvert --to html`` and readers without JavaScript
      show: an ``<img>`` with a ``data:`` address survives the sanitiser of an untrusted
      notebook), followed by the spec as inert JSON (``<script type="application/json">``), which
      ``_static/tradetalks-charts.js`` draws live on the site with the local Vega bundle
      (``_static/vega-bundle.js``; no CDN, no inline script, no eval). The element id is
      derived from a hash of the spec, so the same chart gives byte-identical HTML on every
      run (strict nbval compares ``text/html``). The image is rendered offline by vl-convert at
      :data:`STATIC_WIDTH` pixels (a chart sized to its container has no container here),
      then stored as a compact indexed PNG (:func:`.png.compact_png`).
    * ``text/plain`` -- the chart's title and its one-sentence description.

    The image and the spec are stored once: no front end here renders Vega-Lite 6 (a separate
    ``application/vnd.vegalite`` entry would never be shown) and none needs a separate
    ``image/png`` entry, so each would only double the notebook's weight.

Tables
    :func:`table_html` wraps a DataFrame in an object whose ``_repr_html_`` is an
    escaped, deterministic ``<table>`` (no random ids), whose ``to_markdown`` is
    an escaped pipe table (used by the LaTeX builder) and whose ``repr`` is plain text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from .. import escaping
from . import image_cache
from .bundle import BUNDLE_FILENAME, vl_version
from .png import compact_png

__all__ = [
    "RENDERER_NAME",
    "CHART_CLASS",
    "TABLE_CLASS",
    "BUNDLE_FILENAME",
    "EMBED_OPTIONS",
    "PNG_SCALE",
    "enable",
    "chart_mimebundle",
    "chart_html",
    "chart_png",
    "chart_id",
    "canonical_json",
    "script_safe_json",
    "table_html",
    "Table",
]

RENDERER_NAME = "tradetalks"
CHART_CLASS = "tradetalks-chart"
TABLE_CLASS = "tradetalks-table"
#: vega-embed options used for every chart (SVG so charts print as vectors).
#: "ast": Vega evaluates expressions with its interpreter instead of generated code (no eval, so the
#: site's Content-Security-Policy needs no 'unsafe-eval').
EMBED_OPTIONS: dict[str, Any] = {"renderer": "svg", "actions": False, "mode": "vega-lite", "ast": True}
#: Scale factor of the static image (1: a pixel per CSS pixel at STATIC_WIDTH).
PNG_SCALE = 1.0
#: Width in pixels of the static image of a chart drawn to its container's width (``width: "container"``):
#: the image has no container, so it is laid out at this width (the live chart on the site takes the
#: width it is given, from a phone to a printed page).
STATIC_WIDTH = 640


# --------------------------------------------------------------------------- #
# JSON helpers
# --------------------------------------------------------------------------- #
def canonical_json(obj: Any) -> str:
    """Canonical JSON text: sorted keys, no insignificant whitespace, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def script_safe_json(obj: Any) -> str:
    """JSON text that can be placed verbatim inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\uXXXX`` escapes (valid
    inside JSON/JS strings, and these characters only ever occur inside strings in
    JSON), so a value such as ``</script><script>alert(1)</script>`` or ``<!--``
    cannot end the script element or change how the HTML parser reads it.
    """
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return _SCRIPT_ESCAPE_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


def chart_id(spec: Mapping[str, Any]) -> str:
    """``chart-`` + first 16 hex digits of the SHA-256 of the canonical JSON spec."""
    digest = hashlib.sha256(canonical_json(spec).encode("ascii")).hexdigest()
    return f"chart-{digest[:16]}"


# --------------------------------------------------------------------------- #
# Charts
# --------------------------------------------------------------------------- #
def _title_text(spec: Mapping[str, Any]) -> str:
    """Plain-text title of a (possibly compound) Vega-Lite spec."""

    def from_title(title: Any) -> str | None:
        if isinstance(title, Mapping):
            title = title.get("text")
        if isinstance(title, (list, tuple)):
            title = " ".join(str(t) for t in title)
        if isinstance(title, str) and title.strip():
            return " ".join(title.split())
        return None

    found = from_title(spec.get("title"))
    if found:
        return found
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key) or []:
            if isinstance(sub, Mapping):
                found = _title_text(sub)
                if found:
                    return found
    sub = spec.get("spec")
    if isinstance(sub, Mapping):
        return _title_text(sub)
    return ""


def _description(spec: Mapping[str, Any]) -> str:
    """The chart's one-sentence description (its accessible name), or its title."""
    text = spec.get("description")
    return " ".join(text.split()) if isinstance(text, str) and text.strip() else (_title_text(spec) or "Chart")


def chart_html(spec: Mapping[str, Any], *, png: bytes | None = None,
               embed_options: Mapping[str, Any] | None = None) -> str:
    """Deterministic HTML of a chart: a container holding a static image of it (what a notebook front
    end, nbconvert or a reader without JavaScript sees), and the spec as inert JSON data. On the site,
    ``tradetalks-charts.js`` (one file, loaded by every page) draws the live chart with the local Vega
    bundle in place of the image. No inline script: the site's Content-Security-Policy forbids them."""
    element_id = chart_id(spec)
    options = dict(EMBED_OPTIONS)
    if embed_options:
        options.update(embed_options)
    label = escaping.html_text(_description(spec))
    image = ""
    if png is not None:
        image = (f'<img class="{CHART_CLASS}-static" alt="{label}" '
                 f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">')
    payload = script_safe_json({"spec": spec, "options": options})
    return (f'<div class="{CHART_CLASS}" id="{element_id}" role="img" aria-label="{label}">{image}</div>'
            f'<script type="application/json" class="{CHART_CLASS}-data" data-chart="{element_id}">{payload}</script>')


_render_seconds = [0.0]


def take_render_seconds() -> float:
    """Seconds spent rendering chart images since the last call (the build reports it per page)."""
    seconds, _render_seconds[0] = _render_seconds[0], 0.0
    return seconds


def static_spec(spec: Mapping[str, Any], width: int = STATIC_WIDTH) -> dict[str, Any]:
    """The spec as its static image draws it: a chart sized to its container gets a fixed ``width``."""
    out = dict(spec)
    if out.get("width") == "container":
        out["width"] = width
    return out


def chart_png(spec: Mapping[str, Any], *, scale: float = PNG_SCALE) -> bytes:
    """PNG of ``spec`` rendered offline by vl-convert with Altair's Vega-Lite version (a chart sized to
    its container is drawn :data:`STATIC_WIDTH` pixels wide); read from the image cache where one is named
    (:mod:`.image_cache`)."""
    import vl_convert as vlc

    t0 = time.perf_counter()
    try:
        static = static_spec(spec)
        cache = image_cache.folder()
        image_key = image_cache.key(canonical_json(static), vl_version(), scale) if cache else ""
        if cache and (image := image_cache.get(cache, image_key)) is not None:
            return image
        image = compact_png(vlc.vegalite_to_png(static, vl_version=vl_version(), scale=scale))
        if cache:
            image_cache.put(cache, image_key, image)
        return image
    finally:
        _render_seconds[0] += time.perf_counter() - t0


def _plain_text(value: Any) -> Any:
    """The spec with every string made one line of plain text (as tables show data text)."""
    if isinstance(value, str):
        return escaping.plain(value)
    if isinstance(value, list):
        return [_plain_text(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain_text(v) for k, v in value.items()}
    return value


def chart_mimebundle(spec: Mapping[str, Any], **options: Any) -> dict[str, Any]:
    """The mime bundle for one chart spec (what the ``tradetalks`` renderer returns): HTML (the
    static image, drawn live on the site) and, for viewers without HTML, the chart's description
    as plain text."""
    spec = dict(spec, datasets=_plain_text(spec["datasets"])) if "datasets" in spec else spec
    return {
        "text/html": chart_html(spec, png=chart_png(spec), embed_options=options.get("embed_options")),
        "text/plain": "\n".join(dict.fromkeys([_title_text(spec) or "Chart", _description(spec)])),
    }


def _renderer(spec: dict, **options: Any) -> dict[str, Any]:
    return chart_mimebundle(spec, **options)


def enable() -> None:
    """Register and enable the ``tradetalks`` Altair renderer."""
    import altair as alt

    alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)


# --------------------------------------------------------------------------- #
# Tables
# --------------------------------------------------------------------------- #
_md_escape = escaping.myst
_SAFE_HREF = re.compile(r"^(https?://[^\s\"'<>]+|[A-Za-z0-9_.-]*\.html(#[A-Za-z0-9_.-]+)?|#[A-Za-z0-9_.-]+)$")


class Links:
    """A table cell of links: (href, text, title) each, shown as escaped ``<a>`` elements in HTML and as
    their text elsewhere. Only pages of the site, anchors and http(s) addresses are linked."""

    def __init__(self, links: list[tuple[str, str, str]], sep: str = " "):
        self.links, self.sep = list(links), sep

    def __str__(self) -> str:
        return self.sep.join(text for _href, text, _title in self.links)

    def html(self) -> str:
        h = escaping.html_text
        parts = []
        for href, text, title in self.links:
            if not _SAFE_HREF.match(href):
                parts.append(h(text))
                continue
            extra = ' rel="noopener" class="external"' if href.startswith("http") else ""
            named = f' title="{h(title)}"' if title else ""
            parts.append(f'<a href="{h(href)}"{named}{extra}>{h(text)}</a>')
        return self.sep.join(parts)


class Table:
    """A DataFrame shown as a plain, escaped, deterministic table."""

    def __init__(self, df: Any, caption: str | None = None, classes: tuple[str, ...] = (),
                 row_ids: list[str] | None = None):
        self.df = df
        self.caption = caption
        self.classes = (TABLE_CLASS, *classes)
        self.row_ids = row_ids  # an anchor per row (e.g. each source), so other pages can link to it

    def _display_frame(self) -> Any:
        """The frame as shown: missing values blank in every column type."""
        import pandas as pd

        df = self.df
        if not isinstance(df, pd.DataFrame):
            df = pd.DataFrame(df)
        out = df.copy()
        for i in range(out.shape[1]):
            col = out.iloc[:, i]
            if not col.isna().any() or pd.api.types.is_float_dtype(col.dtype):
                continue
            if pd.api.types.is_datetime64_any_dtype(col.dtype):
                valid = col.dropna()
                date_only = bool((valid == valid.dt.normalize()).all())
                text = col.dt.strftime("%Y-%m-%d") if date_only else col.astype(str)
                out.isetitem(i, text.where(col.notna(), ""))
            else:
                out.isetitem(i, col.astype(object).where(col.notna(), ""))
        return out

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        import pandas as pd

        df = self._display_frame()
        header = [str(c) for c in df.columns]
        rows = []
        for record in df.itertuples(index=False, name=None):
            rows.append([v if isinstance(v, Links) else ("" if _is_missing(v, pd) else str(v)) for v in record])
        return header, rows

    def to_html(self) -> str:
        """The table in a box of its own that scrolls sideways when the table is wider than the page;
        every header and cell is data text, escaped (and made one line) by :mod:`tradetalks.escaping`."""
        header, rows = self._cells()
        h = escaping.html_text
        parts = [f'<div class="{TABLE_CLASS}-wrap"><table class="{" ".join(self.classes)}">']
        if self.caption:
            parts.append(f"<caption>{h(self.caption)}</caption>")
        prose = _prose_columns(rows, len(header))
        parts.append("<thead><tr>" + "".join(f'<th scope="col"{PROSE_HEADER if wide else ""}>{h(c)}</th>'
                                             for c, wide in zip(header, prose)) + "</tr></thead>")
        parts.append("<tbody>")
        cell = lambda v: v.html() if isinstance(v, Links) else h(v)
        ids = self.row_ids or [None] * len(rows)
        parts += [(f'<tr id="{h(rid)}">' if rid else "<tr>") + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                  for rid, row in zip(ids, rows)]
        parts.append("</tbody></table></div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_markdown(self) -> str:
        """The table as an escaped pipe table (not a display hook: a notebook stores the HTML only, so
        each table is not kept three times over)."""
        header, rows = self._cells()
        lines = []
        if self.caption:
            lines += [f"**{_md_escape(self.caption)}**", ""]
        if not header:
            return "\n".join(lines + ["(no columns)"])
        lines.append("| " + " | ".join(_md_escape(h) for h in header) + " |")
        lines.append("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            lines.append("| " + " | ".join(_md_escape(str(v)) for v in row) + " |")
        if not rows:
            lines += ["", "(no rows)"]
        return "\n".join(lines)

    def to_text(self) -> str:
        """The whole table as plain text (for a terminal)."""
        text = self._display_frame().to_string(index=False, na_rep="", max_rows=None, max_cols=None, max_colwidth=None)
        return f"{self.caption}\n{text}" if self.caption else text

    def __repr__(self) -> str:
        """What a notebook stores as the table's plain-text output: its caption and size (the HTML holds
        the table itself)."""
        rows = len(self.df)
        return f"{self.caption or 'Table'} ({rows} row{'s' if rows != 1 else ''})"

    __str__ = to_text


def _is_missing(value: Any, pd: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


#: Marks the header of a column of sentences: on a phone it keeps a readable width (the table then
#: scrolls in its box) instead of being squeezed to a word a line.
PROSE_HEADER = f' class="{TABLE_CLASS}-prose"'
#: Average characters a cell from which a column counts as sentences.
PROSE_CHARS = 40


def _prose_columns(rows: list[list[Any]], columns: int) -> list[bool]:
    """For each column, whether its cells hold sentences (on average at least PROSE_CHARS characters)."""
    if not rows:
        return [False] * columns
    return [sum(len(str(row[i])) for row in rows if not isinstance(row[i], Links)) / len(rows) >= PROSE_CHARS
            for i in range(columns)]


def table_html(df: Any, *, caption: str | None = None, **options: Any) -> Table:
    """Wrap ``df`` for display: escaped HTML table with a header row and no random ids
    (``options``: :class:`Table`'s ``classes`` and ``row_ids``).

    Display the returned object as the last expression of a cell (or with
    ``IPython.display.display``).  Every cell value is shown as literal text.
    """
    return Table(df, caption=caption, **options)
