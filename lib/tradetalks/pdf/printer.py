"""Printing the assembled book with the system Chromium (Playwright): charts drawn, contents page
numbers filled in by a second pass."""
from __future__ import annotations

import html as _html
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assemble import Book
from .chromium import CHROMIUM_ARGS, find_chromium
from .site import CHART_TIMEOUT, EXIT_REQUIREMENTS, INSTALL_SYSTEM, MARGIN_BOXES_SINCE, PAGE_MARGIN, PdfError


# Printing
# --------------------------------------------------------------------------- #
@dataclass
class PrintResult:
    path: Path
    pages: int
    size: int                          # bytes
    charts_expected: int               # div.tradetalks-chart in the printed document
    charts_drawn: int                  # of which hold a drawn <svg>
    toc: list[tuple[str, int]]         # (heading, page) as printed in the contents
    passes: int
    seconds: float
    chromium: str = ""
    chart_titles: list[str] = field(default_factory=list)
    overflows: list[str] = field(default_factory=list)  # what is wider than the text (should be none)
    refused: list[str] = field(default_factory=list)    # requests to other hosts, refused
    kept: bool = False                                   # not printed again: the record of an earlier print


_ALL_CHARTS_SETTLED = """() => {
  const charts = [...document.querySelectorAll('div.tradetalks-chart')];
  return charts.every(el => el.getAttribute('data-drawn') === 'yes' || el.getAttribute('data-drawn') === 'failed');
}"""

_CHART_STATE = """() => [...document.querySelectorAll('div.tradetalks-chart')].map(el => {
  const svg = el.querySelector('svg.marks');
  const box = svg ? svg.getBoundingClientRect() : null;
  const title = svg ? [...svg.querySelectorAll('.role-title-text text, .role-title text')].map(t => t.textContent).join(' ') : '';
  return {
    id: el.id,
    drawn: !!svg && box.width > 10 && box.height > 10 && svg.querySelectorAll('path, rect, line, text').length > 3,
    title: title,
    page: el.closest('.book-chapter') ? el.closest('.book-chapter').dataset.page : '',
    error: svg ? '' : el.textContent.trim().slice(0, 300),
  };
})"""

#: The text width in CSS pixels (A4 less the side margins); the window is this wide
#: and in print media while the overflow check below runs.
TEXT_WIDTH_PX = round((210 - 17 - 17) / 25.4 * 96)

_OVERFLOWS = """() => {
  const body = document.querySelector('main.book-body');
  const right = body.getBoundingClientRect().right + 1;
  const where = el => {
    const ch = el.closest('.book-chapter');
    const cap = el.closest('table') && el.closest('table').querySelector('caption');
    return (ch ? ch.dataset.page + ': ' : '') + (cap ? 'table "' + cap.textContent.trim().slice(0, 60) + '": ' : '')
      + el.tagName.toLowerCase() + ' "' + el.textContent.trim().slice(0, 40) + '"';
  };
  const out = [];
  for (const el of body.querySelectorAll('table, svg.marks, p, li, h1, h2, h3, pre, img, code')) {
    const r = el.getBoundingClientRect();
    if (r.right > right) out.push(where(el) + ' ends ' + Math.round(r.right - right + 1) + 'px past the text width');
  }
  for (const cell of body.querySelectorAll('td, th')) {
    if (cell.scrollWidth > cell.clientWidth + 1) out.push(where(cell) + ' is wider than its column');
  }
  return out;
}"""

_SET_PAGE_NUMBERS = """(numbers) => {
  for (const el of document.querySelectorAll('.toc-page')) {
    const n = numbers[el.dataset.target];
    el.textContent = n ? String(n) : '';
  }
}"""


def _outline(pdf: Path) -> tuple[int, list[tuple[str, int]]]:
    """(page count, [(heading, page), ...] of the PDF outline in document order)."""
    proc = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
        capture_output=True, text=True, errors="replace",
    )
    if proc.returncode != 0:
        raise PdfError(f"pdftohtml could not read {pdf}: {proc.stderr.strip()}")
    pages = len(re.findall(r"<page number=", proc.stdout))
    items = [
        (" ".join(_html.unescape(re.sub(r"<[^>]+>", "", text)).split()), int(page))
        for page, text in re.findall(r'<item page="(\d+)"[^>]*>(.*?)</item>', proc.stdout, flags=re.S)
    ]
    return pages, items


def _locate(entries: Sequence[tuple[str, str]], outline: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Page of each (anchor, heading), matching headings to outline items in order."""
    found: dict[str, int] = {}
    cursor = 0
    for anchor, heading in entries:
        for i in range(cursor, len(outline)):
            if outline[i][0] == heading:
                found[anchor] = outline[i][1]
                cursor = i + 1
                break
    return found


def _chromium_major(version: str) -> int:
    m = re.match(r"(\d+)", version or "")
    return int(m.group(1)) if m else 0


def print_book(
    book: Book,
    out_pdf: str | os.PathLike[str],
    *,
    keep_html: bool = False,
    chromium: str | None = None,
    timeout: float = CHART_TIMEOUT,
) -> PrintResult:
    """Print ``book`` to ``out_pdf`` (written atomically) and return what was printed."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    out_pdf = Path(out_pdf).resolve()
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError(f"Chromium not found; install it with: {INSTALL_SYSTEM}", EXIT_REQUIREMENTS)

    work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out_pdf.parent))
    try:
        source = work / "book.html"
        source.write_text(book.html, encoding="utf-8")
        entries = book.toc_entries()
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            except PlaywrightError as exc:
                raise PdfError(f"could not start Chromium ({chromium}): {exc}") from None
            try:
                version = browser.version
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                refused: list[str] = []

                def local_only(route: Any) -> None:
                    if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                        route.continue_()
                    else:
                        refused.append(route.request.url)
                        route.abort()

                page.route("**/*", local_only)
                page.set_viewport_size({"width": TEXT_WIDTH_PX, "height": 1100})
                page.emulate_media(media="print")
                page.goto(source.as_uri(), wait_until="load")
                try:
                    page.wait_for_function(_ALL_CHARTS_SETTLED, timeout=timeout * 1000)
                except PlaywrightError:
                    pass  # reported below, chart by chart
                page.evaluate("document.fonts.ready.then(() => true)")
                charts = page.evaluate(_CHART_STATE)
                failed = [c for c in charts if not c["drawn"]]
                if failed:
                    detail = "\n".join(f"  {c['page']}: {c['id']}: {c['error'] or 'no drawn <svg>'}" for c in failed)
                    raise PdfError(
                        f"{len(failed)} of {len(charts)} charts were not drawn; nothing was printed.\n{detail}"
                        + (f"\nPage errors: {'; '.join(errors[:5])}" if errors else "")
                    )

                overflows = page.evaluate(_OVERFLOWS)

                pdf_options: dict[str, Any] = dict(
                    format="A4", print_background=True, outline=True, tagged=True,
                    prefer_css_page_size=True, margin=PAGE_MARGIN,
                )
                if _chromium_major(version) < MARGIN_BOXES_SINCE:
                    # No CSS margin boxes: Chromium's own footer carries the page number.
                    pdf_options.update(
                        display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=(
                            '<div style="width:100%;text-align:center;font-size:9pt;color:#333;'
                            'font-family:sans-serif"><span class="pageNumber"></span></div>'
                        ),
                    )

                trial = work / "trial.pdf"
                numbers: dict[str, int] = {}
                passes = 0
                for passes in range(1, 5):
                    page.pdf(path=str(trial), **pdf_options)
                    n_pages, outline = _outline(trial)
                    located = _locate(entries, outline)
                    if located == numbers and passes > 1:
                        break  # the contents show the pages the headings are on
                    numbers = located
                    page.evaluate(_SET_PAGE_NUMBERS, numbers)
                else:
                    raise PdfError("the page numbers of the contents did not settle after 4 prints")
            finally:
                browser.close()

        if keep_html:
            shutil.copy2(source, out_pdf.with_suffix(".html"))
        os.replace(trial, out_pdf)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    missing = [heading for anchor, heading in entries if anchor not in numbers]
    if missing:
        raise PdfError(f"printed, but these headings are not in the PDF outline: {', '.join(missing)}")
    return PrintResult(
        path=out_pdf,
        pages=n_pages,
        size=out_pdf.stat().st_size,
        charts_expected=len(charts),
        charts_drawn=sum(1 for c in charts if c["drawn"]),
        toc=[(heading, numbers[anchor]) for anchor, heading in entries],
        passes=passes,
        seconds=time.perf_counter() - started,
        chromium=version,
        chart_titles=[c["title"] for c in charts],
        overflows=overflows,
        refused=refused,
    )


# --------------------------------------------------------------------------- #
# export_pdf() and main()
# --------------------------------------------------------------------------- #
