"""The PDF export's requirements and the built site it prints: which pages, in which order, and
whether the site is there and up to date."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..book.plan import Plan, expand_pages
from ..paths import BUILD_DIR, REPO_ROOT, REQUIREMENTS, resolve_data_dir
from ..paths import STYLESHEET as _STYLESHEET
from .chromium import CHROMIUM_ENV, find_chromium


def pdf_name(title: str) -> str:
    """The PDF's file name from the book's title: 'The US–China trade negotiations' ->
    'the-us-china-trade-negotiations.pdf' (letters and digits of any script kept, the rest a dash)."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", title).casefold()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")[:120].strip("-_")
    return f"{slug or 'report'}.pdf"


DEFAULT_SITE = BUILD_DIR / "html"
DEFAULT_OUT = BUILD_DIR / "pdf"
#: The stylesheet of the book (screen + print); read from the source so print-CSS edits need no rebuild.
STYLESHEET = _STYLESHEET
SYSTEM_PACKAGES = "chromium fonts-noto-cjk poppler-utils"
INSTALL_SYSTEM = (
    f"{'' if os.geteuid() == 0 else 'sudo '}apt-get install -y {SYSTEM_PACKAGES}"
    "    (or run: make system-deps)"
)
INSTALL_PYTHON = f"{sys.executable} -m pip install -r {REQUIREMENTS}    (or run: make venv)"
#: First Chromium with CSS page margin boxes (page numbers from ``@page`` rules).
MARGIN_BOXES_SINCE = 131
#: Seconds to wait for every chart to be drawn.
CHART_TIMEOUT = 60
PAGE_MARGIN = {"top": "20mm", "bottom": "18mm", "left": "17mm", "right": "17mm"}

EXIT_OK = 0
EXIT_REQUIREMENTS = 1
EXIT_BUILD = 2
EXIT_PRINT = 3


class PdfError(RuntimeError):
    """The PDF could not be made; ``str()`` says why and what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_PRINT):
        super().__init__(message)
        self.exit_code = exit_code


# --------------------------------------------------------------------------- #
# Requirements
# --------------------------------------------------------------------------- #
def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return bool(out.strip())


def missing_requirements() -> list[str]:
    """One line per missing requirement, each with its install command (empty: all there)."""
    problems: list[str] = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append(f"the Python package playwright is not installed; install it with: {INSTALL_PYTHON}")
    try:
        import bs4  # noqa: F401
    except ImportError:
        problems.append(f"the Python package beautifulsoup4 is not installed; install it with: {INSTALL_PYTHON}")
    system = []
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen and find_chromium() is None:
        problems.append(f"{CHROMIUM_ENV} is set to {chosen}, which is not an executable file; point it at a "
                        f"Chromium or unset it to use the system one")
    elif find_chromium() is None:
        system.append("Chromium (/usr/bin/chromium)")
    if not (shutil.which("pdftohtml") and shutil.which("pdftotext")):
        system.append("poppler-utils (pdftohtml, pdftotext)")
    if not _has_cjk_font():
        system.append("a CJK font (fonts-noto-cjk) for the Chinese names")
    if system:
        problems.append(f"missing {', '.join(system)}; install with: {INSTALL_SYSTEM}")
    return problems


# --------------------------------------------------------------------------- #
# The built site
# --------------------------------------------------------------------------- #
def page_file(site: Path, name: str) -> Path:
    return site / "generated" / f"{name}.html"


def _inputs_of(plan: Plan) -> list[Path]:
    """Files the built site is made from (plan, config, templates, data); for the staleness check."""
    files = [plan.path, plan.path.parent / "_config.yml"]
    files += [p.template for p in plan.pages]
    folders = {resolve_data_dir(p.parameters.get("data_dir"), root=REPO_ROOT) for p in plan.pages}
    for d in folders:
        if d.is_dir():
            files += [f for f in d.iterdir() if f.is_file()]
    return [f for f in files if f.is_file()]


def book_pages(plan: Plan) -> list[tuple[Any, str | None]]:
    """The built book's pages in reading order, each with the chapter it is a section of (or None).

    As the build does: an entry repeated ``for_each`` item of the data becomes one page per
    item, and a page with a ``parent`` is listed under that earlier chapter (the first page,
    the book's root, has no sections).
    """
    pages = list(plan.pages)
    if any(p.for_each for p in pages):
        pages = expand_pages(pages)
    chapters: list[Any] = []
    children: dict[str, list[Any]] = {}
    for i, page in enumerate(pages):
        parent = getattr(page, "parent", None)
        if i > 0 and parent is not None and parent in children:
            children[parent].append(page)
        else:
            chapters.append(page)
            if i > 0:
                children[page.name] = []
    out: list[tuple[Any, str | None]] = []
    for page in chapters:
        out.append((page, None))
        out += [(child, page.name) for child in children.get(page.name, [])]
    return out


def site_problems(site: Path, plan: Plan, *, check_age: bool = True) -> str | None:
    """Why the site cannot be printed as is (missing or older than its inputs), or None."""
    try:
        pages = [p for p, _ in book_pages(plan)]
    except Exception as exc:  # e.g. the data cannot be read to expand repeated pages
        return f"the pages of {plan.path} cannot be listed ({exc})"
    missing = [p.name for p in pages if not page_file(site, p.name).is_file()]
    if not (site / "index.html").is_file() or missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        what = f"pages {shown} are missing" if missing and (site / "index.html").is_file() else "it is not built"
        return f"the book in {site} cannot be printed: {what}"
    if check_age:
        built = min(page_file(site, p.name).stat().st_mtime for p in pages)
        newer = [f for f in _inputs_of(plan) if f.stat().st_mtime > built]
        if newer:
            names = ", ".join(str(f.relative_to(REPO_ROOT)) if f.is_relative_to(REPO_ROOT) else str(f) for f in newer[:4])
            more = f" and {len(newer) - 4} more" if len(newer) > 4 else ""
            return f"the book in {site} is older than {names}{more}"
    return None


# --------------------------------------------------------------------------- #
