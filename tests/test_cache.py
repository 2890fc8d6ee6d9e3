"""Page-cache keys are exact: a page runs again when the code it runs changes, and not otherwise."""
from __future__ import annotations

import shutil

import pytest


@pytest.mark.parametrize("edited, re_executes", [
    ("report/common.py", True), ("charts/render.py", True), ("analysis/queries.py", True), ("data/load.py", True),
    ("book/fresh_page.py", True),
    ("pdf/export.py", False), ("cli.py", False), ("book/build.py", False), ("book/custom.py", False),
    ("ingest/__init__.py", False),
])
def test_cache_key_follows_the_code_a_page_runs(tmp_path, monkeypatch, edited, re_executes):
    from tradetalks.book import cache
    from tradetalks.paths import PACKAGE_DIR

    copy = tmp_path / "tradetalks"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", copy)
    before = cache.environment_fingerprint.__wrapped__()
    target = copy / edited
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert (cache.environment_fingerprint.__wrapped__() != before) == re_executes
