"""Fixtures shared by the tests that need the built book or a browser."""
from __future__ import annotations

import pytest

from helpers import browser
from tradetalks.paths import REPO_ROOT

SITE = REPO_ROOT / "book" / "_build" / "html"


@pytest.fixture(scope="session")
def built_site():
    """The published site of `make book`; a clear failure (not a skip) when it is missing."""
    if not (SITE / "index.html").is_file():
        pytest.fail("the book is not built: run `make book` (or `make test`, which builds it first)")
    return SITE


@pytest.fixture(scope="module")
def chromium():
    """A headless system Chromium per test module: Playwright's sync API allows one driver at a time
    in a process, and the PDF export starts its own, so none may outlive its module."""
    with browser.launch() as b:
        yield b
