"""Fixtures shared by the tests that need the built book or a browser."""
from __future__ import annotations

import os

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


# --------------------------------------------------------------------------- tiers
# `make check` runs the tests that need neither a built book, nor a browser, nor a build of their own
# (pytest -m "not site and not browser and not build"); `make test` runs everything.
TIER_OF_FIXTURE = {"built_site": "site", "chromium": "browser", "built": "build", "hostile_book": "build",
                   "small_book": "build", "project": "build", "printed": "browser"}


def pytest_configure(config):
    for name, text in (("site", "reads the book built by `make book`"), ("browser", "drives Chromium"),
                       ("build", "builds a book of its own")):
        config.addinivalue_line("markers", f"{name}: {text}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in TIER_OF_FIXTURE:
                item.add_marker(TIER_OF_FIXTURE[fixture])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under `make test` (TRADETALKS_NO_SKIPS=1) a skipped test fails: every part is required there."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("TRADETALKS_NO_SKIPS") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but every test is required under `make test`: {reason}"
