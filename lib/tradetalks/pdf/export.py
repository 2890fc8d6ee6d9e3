"""PDF export of the report book: ``tradetalks pdf`` (``make pdf``).

The PDF is printed from the *built* site (``book/_build/html``, made by
:func:`tradetalks.book.build.build`) with the system Chromium driven by Playwright:

1. :func:`assemble_book` reads the ``<article>`` of every page of ``book/plan.yml``
   from the built site, in the plan's order, and writes one HTML document: a title
   page, a table of contents, then one chapter per page (:func:`book_pages`: pages
   repeated ``for_each`` item once per item; a page with a ``parent`` as a section of
   that chapter, its headings one level down).  Ids and in-book links are
   made unique per chapter, links to files of the site become plain text, heading
   anchors and any code input are dropped.  The charts keep the exact ``<div>`` +
   ``<script>`` of the site and are drawn by the same local Vega bundle, as SVG
   (vector, selectable text).
2. :func:`print_book` loads that document in headless Chromium (every request that
   is not a local file is refused), waits until every chart container holds a drawn
   ``<svg>``, prints it (A4, print stylesheet ``tradetalks.css``, PDF outline and
   tags), reads back on which page each chapter and section starts (from the PDF
   outline, with poppler's ``pdftohtml -xml``), writes those page numbers into the
   table of contents and prints again.

Page numbers, the running chapter title and the unnumbered title page are CSS page
margin boxes (``@page { @bottom-center {...} }``, Chromium 131+).  With an older
Chromium the page number is printed through Chromium's footer template instead.

Exit codes of :func:`main`: 0 done, 1 a requirement is missing (the message gives
the install line), 2 the book is not built (or out of date) and was not or could not
be built, 3 printing failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..book.plan import PlanError, load_plan
from ..paths import DEFAULT_PLAN
from .assemble import assemble_book, book_title
from .chromium import find_chromium
from .printer import PrintResult, print_book
from .record import RecordError, print_key, still_printed, write_record
from .site import (
    DEFAULT_OUT,
    DEFAULT_SITE,
    EXIT_BUILD,
    EXIT_OK,
    EXIT_REQUIREMENTS,
    PdfError,
    missing_requirements,
    pdf_name,
    site_problems,
)


def export_pdf(
    out: str | os.PathLike[str] | None = None,
    *,
    site: str | os.PathLike[str] | None = None,
    plan_path: str | os.PathLike[str] = DEFAULT_PLAN,
    build: str = "auto",
    keep_html: bool = False,
    quiet: bool = False,
    force: bool = False,
) -> PrintResult:
    """Print the built book to ``<out>/<its title as a file name>.pdf``.

    out     folder of the PDF (default ``book/_build/pdf``).
    site    the built site (default ``book/_build/html``).
    build   ``"auto"``: build the book first if it is missing or older than the plan,
            templates or data; ``"always"``; ``"never"``: stop if it is missing.
    Raises :class:`PdfError` (with an exit code) on failure.
    """
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    if build not in ("auto", "always", "never"):
        raise ValueError(f"build must be 'auto', 'always' or 'never', not {build!r}")
    problems = missing_requirements()
    if problems:
        raise PdfError("Cannot make the PDF:\n" + "\n".join(f"  - {p}" for p in problems), EXIT_REQUIREMENTS)
    try:
        plan = load_plan(plan_path)
    except PlanError as exc:
        raise PdfError(str(exc), EXIT_BUILD) from None
    default_site = site is None
    site_dir = Path(site).resolve() if site is not None else DEFAULT_SITE
    out_dir = Path(out).resolve() if out is not None else DEFAULT_OUT

    reason = "a build was asked for" if build == "always" else site_problems(site_dir, plan, check_age=build == "auto")
    if reason:
        if build == "never" or not default_site:
            raise PdfError(f"{reason}. Build it first: make book", EXIT_BUILD)
        say(f"Building the book first ({reason}) ...")
        from ..book.build import build as build_book

        result = build_book(plan.path)
        if not isinstance(result, Path):
            raise PdfError(f"building the book failed (exit code {result}); no PDF was made.", EXIT_BUILD)
        site_dir = result.parent

    target = out_dir / pdf_name(book_title(plan))
    chromium = find_chromium() or ""
    key = print_key(site_dir, plan, target.name, chromium)
    kept = None
    if not (force or keep_html):
        try:
            kept = still_printed(target, key)
        except RecordError as exc:
            print(f"warning: {exc}; printing the PDF again.", file=sys.stderr, flush=True)
    if kept is not None:
        say(f"The PDF is up to date: nothing it is printed from changed since {target.name} was printed.")
        result = kept
    else:
        book = assemble_book(site_dir, plan)
        top = sum(1 for c in book.chapters if c.parent is None)
        say(f"Printing {len(book.chapters)} pages of the site as {top} chapters with Chromium ...")
        result = print_book(book, target, keep_html=keep_html, chromium=chromium or None)
    # The site links its PDF (in every page's footer): a copy goes into the site it was printed from.
    copy = site_dir / "_static" / result.path.name
    if kept is None or not copy.is_file() or copy.stat().st_size != result.size:
        shutil.copyfile(result.path, copy)
    if kept is None:
        write_record(result, key)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tradetalks pdf",
        description="Print the built report book as one PDF (title page, contents, every section, "
        "page numbers) with the system Chromium; prints the PDF's path.",
    )
    parser.add_argument("--out", default=None, help=f"folder of the PDF (default: {DEFAULT_OUT})")
    parser.add_argument("--site", default=None, help=f"the built site to print (default: {DEFAULT_SITE})")
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="plan file (default: %(default)s)")
    parser.add_argument(
        "--build", choices=("auto", "always", "never"), default="auto",
        help="build the book first: auto = when missing or older than its data/templates (default), "
        "always, or never",
    )
    parser.add_argument("--keep-html", action="store_true", help="also keep the printed HTML next to the PDF")
    parser.add_argument("--force", action="store_true",
                        help="print even if the PDF there is still the print of this same site")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = export_pdf(args.out, site=args.site, plan_path=args.plan, build=args.build, keep_html=args.keep_html,
                            force=args.force)
    except PdfError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    for problem in result.overflows:
        print(f"warning: {problem}", file=sys.stderr)
    for url in result.refused:
        print(f"warning: the book asked for {url} (refused: the PDF uses local files only)", file=sys.stderr)
    how = ("kept from the last print" if result.kept else
           f"printing {result.seconds:.1f}s, {result.passes} passes")
    print(
        f"{result.pages} pages, {result.size / 1e6:.1f} MB, {result.charts_drawn} charts drawn as vector, "
        f"in {time.perf_counter() - started:.1f}s ({how})",
        flush=True,
    )
    print(result.path, flush=True)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
