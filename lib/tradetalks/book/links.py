"""Every link of a built site leads somewhere: each page, anchor, script, stylesheet and image a page
refers to exists in the site. Links Jupyter Book checks itself are Sphinx references; this also covers
the links the pages write as HTML (between rounds, to sources, to data files)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # http:, https:, mailto:, data: ...


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("preconnect", "dns-prefetch")):
                self.refs.append(a[key])


def _scan(page: Path, cache: dict[Path, _Refs]) -> _Refs:
    if page not in cache:
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        cache[page] = parser
    return cache[page]


def dead_links(site: Path) -> list[str]:
    """'page -> target (what is missing)' for every link of the site that leads nowhere."""
    site = site.resolve()
    cache: dict[Path, _Refs] = {}
    dead = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("_static/", "_sources/")):
            continue
        for ref in _scan(page, cache).refs:
            if _EXTERNAL.match(ref) or ref.startswith("//"):
                continue
            parts = urlsplit(ref)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if parts.path.endswith(".pdf") and target.parent == site / "_static":
                continue  # the book as a PDF: printed from the published site, after the build (make book)
            if parts.path and (not target.is_relative_to(site) or not target.exists()):
                dead.append(f"{rel} -> {ref} (no such file in the site)")
                continue
            if target.is_dir():
                target = target / "index.html"
            if parts.fragment and target.suffix == ".html" and target.is_file():
                if unquote(parts.fragment) not in _scan(target, cache).ids:
                    dead.append(f"{rel} -> {ref} (no anchor #{parts.fragment} in {target.relative_to(site)})")
    return dead
