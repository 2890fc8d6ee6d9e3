"""Look at the built site as a reader's browser does: Debian's Chromium, driven by Playwright.

Used by the browser tests (and usable from a shell): serve a built site on 127.0.0.1, open each page,
and record what happened: every request and the host it went to, failed requests, console errors,
dialogs, how many chart containers drew an SVG with marks, and a screenshot of the page's top.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import socket
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
# Charts draw asynchronously: a page is measured once each chart is drawn or has failed -- or can never be
# drawn: after the load event tradetalks-charts.js has run (it starts on DOMContentLoaded), so a chart it did
# not start, or one it cannot draw because the Vega bundle did not load, stays as it is (and counts undrawn).
ALL_CHARTS_SETTLED = """() => Array.from(document.querySelectorAll('div.tradetalks-chart')).every(el => {
  const state = el.getAttribute('data-drawn');
  if (state === 'yes' || state === 'failed') return true;
  return document.readyState === 'complete' && (!state || typeof window.vegaEmbed !== 'function');
})"""
# A page that sends the reader on at once (the book's index.html): what is measured is the page it leads to.
REDIRECTS_JS = "() => !!document.querySelector('meta[http-equiv=\"refresh\" i]')"
PAGE_STATE_JS = """async () => {
  await document.fonts.ready;  // laid out in its own fonts before anything is measured
  return {csp: window.__cspViolations || [], scrollWidth: document.documentElement.scrollWidth,
          charts: (DRAWN_CHARTS_JS)()};
}""".replace("DRAWN_CHARTS_JS", DRAWN_CHARTS_JS)


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
    measured: object = None  # what the caller's own script (``measure``) returned on the page

    def foreign_requests(self, site_url: str) -> list[str]:
        """Requests to any host other than the site's own."""
        return [u for u in self.requests if is_foreign(u, site_url)]

    @property
    def undrawn_charts(self) -> list[dict]:
        return [c for c in self.charts if c["drawn"] != "yes" or not c["svg"] or c["marks"] == 0]


class Tab:
    """A browser context with one tab at one width, recording everything a page does.

    Reused from page to page (:meth:`visit`), the recorders start afresh with each page: every
    navigation gets its own :class:`PageVisit` (and the CSP recorder is an init script, run in each
    new document), and after each page the tab goes to ``about:blank``, so whatever the page does
    until it is gone is counted against it and nothing of it against the next.

    Requests to any other host than the site's are recorded but never leave the machine: the context
    sends everything but the site's own requests (loopback addresses included) to a proxy that is a
    bound, never listening, local port, where they fail. (Routing them in Playwright instead would turn
    the browser's cache off: every page would load and compile the Vega bundle again.)
    """

    def __init__(self, browser, width: int = 1280, height: int = 900):
        self.browser, self.width, self.height = browser, width, height
        self.context = self.page = None
        self._site: str | None = None
        self._dead_end: socket.socket | None = None
        self.current = PageVisit("about:blank")
        self._in_flight: set = set()  # requests neither finished nor failed yet

    def _open_context(self, url: str) -> None:
        """A context for ``url``'s site (a new one when the site changes)."""
        u = urlparse(url)
        site = f"{u.scheme}://{u.netloc}"
        if self.context is not None and site == self._site:
            return
        self.close()
        self._site = site
        self._dead_end = socket.socket()
        self._dead_end.bind(("127.0.0.1", 0))  # never listens: a connection to it is refused
        proxy = {"server": f"http://127.0.0.1:{self._dead_end.getsockname()[1]}", "bypass": f"<-loopback>,{u.netloc}"}
        self.context = self.browser.new_context(viewport={"width": self.width, "height": self.height}, proxy=proxy)
        self.context.add_init_script(CSP_RECORDER)
        page = self.page = self.context.new_page()
        page.on("request", self._on_request)
        page.on("requestfinished", lambda r: self._in_flight.discard(r))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", lambda r: self.current.failed_requests.append(f"{r.url} (HTTP {r.status})")
                if r.status >= 400 else None)
        page.on("console", lambda m: self.current.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.current.page_errors.append(str(e)))
        page.on("dialog", self._on_dialog)

    def _on_request(self, request) -> None:
        self.current.requests.append(request.url)
        self._in_flight.add(request)

    def _on_request_failed(self, request) -> None:
        self._in_flight.discard(request)
        self.current.failed_requests.append(f"{request.url} ({request.failure})")

    def _wait_for_requests(self) -> None:
        """Until every request made so far (e.g. the favicon's, after the load event) has finished or failed."""
        for _ in range(10):
            if not self._in_flight:
                return
            for request in list(self._in_flight):
                response = request.response()  # waits for the response, or None when the request failed
                if response is not None:
                    response.finished()  # waits for its body

    def _on_dialog(self, dialog) -> None:
        self.current.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str, *, screenshot: Path | None = None, measure: str | None = None) -> PageVisit:
        """Go to ``url`` and wait for its load event, a redirect's target and its charts (each drawn or
        failed); then record its state, run ``measure`` (JavaScript) on it and take a screenshot of its top."""
        from playwright.sync_api import Error as PlaywrightError

        self._open_context(url)
        self._in_flight.clear()
        visit = self.current = PageVisit(url)
        page = self.page
        page.goto(url, wait_until="load")
        try:
            redirects = page.evaluate(REDIRECTS_JS)
        except PlaywrightError:  # already on its way to the next page
            redirects = True
        if redirects:
            page.wait_for_url(lambda u: u != url, wait_until="load", timeout=10_000)
        with contextlib.suppress(PlaywrightError):
            # charts draw asynchronously; wait until each is drawn or has failed (or give up: counted undrawn)
            page.wait_for_function(ALL_CHARTS_SETTLED, timeout=15_000)
        state = page.evaluate(PAGE_STATE_JS)
        visit.csp_violations, visit.scroll_width, visit.charts = state["csp"], state["scrollWidth"], state["charts"]
        visit.final_url = page.url
        if measure is not None:
            visit.measured = page.evaluate(measure)
        if screenshot is not None:
            # the top of the page, one screen: what a reader sees first
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
            visit.screenshot = screenshot
        return visit

    def visit(self, url: str, **options) -> PageVisit:
        """:meth:`open` a page, then leave it for ``about:blank`` once its requests are done (its recorders
        still listening: leaving cuts no request short)."""
        visit = self.open(url, **options)
        self._wait_for_requests()
        self.page.goto("about:blank")
        return visit

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = self.page = None
        if self._dead_end is not None:
            self._dead_end.close()
            self._dead_end = None


@contextlib.contextmanager
def tab(browser, width: int = 1280) -> Iterator[Tab]:
    """A :class:`Tab` for a ``with`` block, closed afterwards."""
    t = Tab(browser, width)
    try:
        yield t
    finally:
        t.close()


@contextlib.contextmanager
def opened(browser, url: str, *, width: int = 1280, **options) -> Iterator[tuple[PageVisit, object]]:
    """One page in a fresh context: yields (PageVisit, page) to interact with, and closes it afterwards."""
    with tab(browser, width) as t:
        yield t.open(url, **options), t.page


def visit_page(browser, url: str, *, screenshot: Path | None = None) -> PageVisit:
    with opened(browser, url, screenshot=screenshot) as (visit, _page):
        return visit


def hover_tooltip(page, mark_selector: str, index: int = 0) -> str:
    """Hover over the ``index``-th element matching ``mark_selector``; return the Vega tooltip's text ('' if none)."""
    page.mouse.move(0, 0)  # off the chart first: the last tooltip goes, and nothing lies between pointer and mark
    mark = page.locator(mark_selector).nth(index)
    mark.scroll_into_view_if_needed()
    mark.hover(force=True)
    tip = page.locator("#vg-tooltip-element.visible")
    try:
        tip.wait_for(state="visible", timeout=3000)
    except Exception:
        return ""
    return tip.inner_text()
