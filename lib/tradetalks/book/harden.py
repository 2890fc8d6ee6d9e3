"""The built site made safe to publish: a Content-Security-Policy on every page, and no inline script.

Jupyter Book's theme writes small inline scripts (the colour mode, Sphinx's page options, the toggle
buttons' settings). Each is moved, unchanged and in place, into a file of the site, so the policy can
allow scripts from the site's own files only (``script-src 'self'``): nothing inline, no event-handler
attribute, no other host, no ``eval``. An inline script or event-handler attribute inside a page's
article could only come from text that escaped escaping, so it stops the build instead of being moved.
"""
from __future__ import annotations

import functools
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from .processes import map_in_children
from .provenance import SITE_ROOT

#: The policy every page carries (as <meta http-equiv>; the site is static and often opened from disk).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
SCRIPTS_DIR = "_static/page-scripts"

_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_DATA_TYPES = ("application/json", "application/ld+json")


class _Scanner(HTMLParser):
    """Finds inline scripts and event-handler attributes, as a browser's parser sees the markup
    (text inside attribute values or escaped text is not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.found: list[tuple[bool, str]] = []  # (in the article, what)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        names = dict(attrs)
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.found.append((self.depth > 0, f"an event-handler attribute {name}= on <{tag}>"))
        if tag == "script" and "src" not in names and (names.get("type") or "").lower() not in _DATA_TYPES:
            self.found.append((self.depth > 0, "an inline <script>"))

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def _scan(text: str) -> list[tuple[bool, str]]:
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.found


class UnsafePageError(Exception):
    """A page holds script in its content: text that should have been escaped was not."""


def _is_data(attrs: str) -> bool:
    m = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs, re.I)
    return bool(m) and m.group(1).lower() in _DATA_TYPES


def check_article(page: Path, text: str) -> None:
    """Refuse a page whose article holds an inline script or an event-handler attribute."""
    for in_article, what in _scan(text):
        if in_article:
            raise UnsafePageError(f"{page.name}: {what} in the page's content")


def harden_page(page: Path, site: Path) -> None:
    text = page.read_text(encoding="utf-8")
    check_article(page, text)
    up = "../" * (len(page.relative_to(site).parts) - 1)

    def externalise(m: re.Match) -> str:
        attrs, body = m.group("attrs"), m.group("body")
        if _is_data(attrs) or "src=" in attrs.lower() or not body.strip():
            return m.group(0)
        name = hashlib.sha256(body.encode("utf-8")).hexdigest()[:20] + ".js"
        target = site / SCRIPTS_DIR / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
        return f'<script{attrs} src="{up}{SCRIPTS_DIR}/{name}"></script>'

    text = _SCRIPT.sub(externalise, text).replace(SITE_ROOT, up)
    left = [what for _in_article, what in _scan(text)]
    if left:
        raise UnsafePageError(f"{page.name}: {left[0]} the theme wrote, which the policy would block")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    text = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n    " + meta, text, count=1, flags=re.I)
    page.write_text(text, encoding="utf-8")


def harden_site(site: Path, workers: int = 1) -> int:
    """Harden every HTML page of ``site`` (``workers`` pages at a time); return how many."""
    pages = [p for p in sorted(site.rglob("*.html")) if p.relative_to(site).parts[0] not in ("_static", "_sources")]
    map_in_children(functools.partial(harden_page, site=site), pages, workers)
    return len(pages)
