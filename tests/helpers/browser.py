"""Look at the built site as a reader's browser does: Debian's Chromium, driven by Playwright.

Used by the browser tests (and usable from a shell): serve a built site on 127.0.0.1, open each page,
and record what happened: every request and the host it went to, failed requests, console errors,
dialogs, how many chart containers drew an SVG with marks, and a screenshot of the page's top.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tradetalks.paths import REPO_ROOT
from tradetalks.pdf.chromium import CHROMIUM_ARGS, find_chromium  # noqa: F401  (used by the tests too)

#: Where the browser tests leave their screenshots for a person to look at.
SCREENSHOTS = REPO_ROOT / "book" / "_build" / "screenshots"


def screenshot_path(page_path: str, width: int) -> Path:
    """``generated/timeline.html`` at 390 px -> ``SCREENSHOTS/generated_timeline-390.png``."""
    return SCREENSHOTS / f"{page_path.replace('/', '_').removesuffix('.html')}-{width}.png"


INSTALL_HINT = "apt-get install -y chromium fonts-noto-cjk   (or: make system-deps)"

# A chart counts as drawn when tradetalks-charts.js says so and its container holds an SVG whose Vega
# mark groups contain shapes.
DRAWN_CHARTS_JS = """() => Array.from(document.querySelectorAll('div.tradetalks-chart')).map(el => {
  const svg = el.querySelector('svg');
  const marks = svg ? svg.querySelectorAll('g[class^="mark-"] path, g[class^="mark-"] rect, g[class^="mark-"] line, g[class^="mark-"] text').length : 0;
  return {id: el.id, svg: !!svg, marks: marks, drawn: el.getAttribute('data-drawn') || '',
          static: !!el.querySelector('img.tradetalks-chart-static'),
          label: el.getAttribute('aria-label') || '', role: el.getAttribute('role') || ''};
})"""
# Records every Content-Security-Policy violation (the site's policy forbids inline script and other hosts).
CSP_RECORDER = ("window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
                "e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));")
ALL_CHARTS_SETTLED = ("() => Array.from(document.querySelectorAll('div.tradetalks-chart'))"
                      ".every(el => ['yes', 'failed'].includes(el.getAttribute('data-drawn')))")


def is_foreign(request_url: str, site_url: str) -> bool:
    """True for a request to another host (or scheme) than the site's; inline data is never foreign."""
    u, site = urlparse(request_url), urlparse(site_url)
    if u.scheme in ("data", "blob", "about"):
        return False
    if u.scheme == "file" and site.scheme == "file":
        return False
    return (u.scheme, u.netloc) != (site.scheme, site.netloc)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def launch() -> Iterator[object]:
    """A headless system Chromium under Playwright (yields the Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError(f"Chromium is not installed; install it with: {INSTALL_HINT}")
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageVisit:
    url: str
    final_url: str = ""
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    scroll_width: int = 0  # the page's width as laid out: more than the viewport means it scrolls sideways
    screenshot: Path | None = None

    def foreign_requests(self, site_url: str) -> list[str]:
        """Requests to any host other than the site's own."""
        return [u for u in self.requests if is_foreign(u, site_url)]

    @property
    def undrawn_charts(self) -> list[dict]:
        return [c for c in self.charts if c["drawn"] != "yes" or not c["svg"] or c["marks"] == 0]


def open_page(browser, url: str, *, screenshot: Path | None = None, width: int = 1280, settle_ms: int = 0):
    """Open ``url`` in a fresh context, recording everything; returns (PageVisit, page, context)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    visit = PageVisit(url)
    # Requests to any other host are recorded (below) but never leave the machine.
    context.route("**/*", lambda route: route.abort() if is_foreign(route.request.url, url) else route.continue_())
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: visit.failed_requests.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))

    def on_dialog(dialog):
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url, wait_until="load")
    # Network quiet also covers a redirect page (the book's index.html): what is measured is the page
    # it leads to, fully loaded.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=10_000)
    page.wait_for_load_state("load")
    with contextlib.suppress(Exception):
        # charts draw asynchronously; wait until each is drawn or has failed (or give up: counted undrawn)
        page.wait_for_function(ALL_CHARTS_SETTLED, timeout=15_000)
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    visit.csp_violations = page.evaluate("() => window.__cspViolations || []")
    visit.scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    visit.final_url = page.url
    visit.charts = page.evaluate(DRAWN_CHARTS_JS)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        # the top of the page, up to three screens: what a reader sees first, and a long page's
        # full screenshot costs seconds
        height = min(page.evaluate("() => document.documentElement.scrollHeight"), 3 * 900)
        page.screenshot(path=str(screenshot), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
        visit.screenshot = screenshot
    return visit, page, context


@contextlib.contextmanager
def opened(browser, url: str, **options) -> Iterator[tuple[PageVisit, object]]:
    """:func:`open_page` for a ``with`` block: yields (PageVisit, page) and closes the page afterwards."""
    visit, page, context = open_page(browser, url, **options)
    try:
        yield visit, page
    finally:
        context.close()


def visit_page(browser, url: str, *, screenshot: Path | None = None) -> PageVisit:
    with opened(browser, url, screenshot=screenshot) as (visit, _page):
        return visit


def hover_tooltip(page, mark_selector: str, index: int = 0) -> str:
    """Hover over the ``index``-th element matching ``mark_selector``; return the Vega tooltip's text ('' if none)."""
    mark = page.locator(mark_selector).nth(index)
    mark.scroll_into_view_if_needed()
    mark.hover(force=True)
    tip = page.locator("#vg-tooltip-element.visible")
    try:
        tip.wait_for(state="visible", timeout=3000)
    except Exception:
        return ""
    return tip.inner_text()
