"""The weight of each page of a built book: its HTML and its executed notebook, beyond the one shared
chart bundle (``_static/vega-bundle.js``, counted once)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

KB = 1024
#: Target: no page heavier than this (HTML, and executed notebook), beyond the shared chart bundle.
PAGE_LIMIT = 150 * KB
_DATA = re.compile(r"<script\b(?=[^>]*\bclass=\"tradetalks-chart-data\")[^>]*>(.*?)</script>", re.S)
_IMAGES = re.compile(r'src="data:image/png;base64,([^"]*)"')
_TABLES = re.compile(r"<table\b.*?</table>", re.S | re.I)


def page_weights(out: Path) -> list[dict[str, Any]]:
    """Per page of ``out/html/generated``: bytes of HTML, of chart specs, chart images and tables in it,
    and of its executed notebook in ``out/notebooks``."""
    rows = []
    for html in sorted((out / "html" / "generated").glob("*.html")):
        text = html.read_text(encoding="utf-8", errors="replace")
        notebook = out / "notebooks" / f"{html.stem}.ipynb"
        rows.append({
            "page": html.stem, "html": html.stat().st_size,
            "notebook": notebook.stat().st_size if notebook.is_file() else 0,
            "chart_specs": sum(len(m.encode()) for m in _DATA.findall(text)),
            "chart_images": sum(len(m) for m in _IMAGES.findall(text)),
            "tables": sum(len(m.encode()) for m in _TABLES.findall(text)),
        })
    return rows


def over_limit(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['page']} ({'HTML' if r['html'] > PAGE_LIMIT else 'notebook'} "
            f"{max(r['html'], r['notebook']) / KB:.0f} KB)" for r in rows if max(r["html"], r["notebook"]) > PAGE_LIMIT]
