"""Fast rebuilds: a page is executed again only when something it depends on changed.

Each test builds small books into a temporary folder (not timed: the counts of executed and reused
pages are what is checked, from <out>/build-stats.json). The first build of the fixture project is made
once and copied for each test (a build's keys hold no path of its own: the copy is up to date). The
books are tiny: they are built with one worker.
"""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest
import yaml

from tradetalks.book.build import build
from tradetalks.paths import DEFAULT_DATA_DIR, REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "build"

pytestmark = pytest.mark.build


def stats(out):
    return json.loads((out / "build-stats.json").read_text(encoding="utf-8"))


def executed(out):
    return sorted(p["name"] for p in stats(out)["pages"] if not p["cached"])


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """A root with its own copies of the fixture templates and a plan using alpha twice and beta once,
    built once."""
    root = tmp_path_factory.mktemp("project")
    (root / "tpl").mkdir()
    for name in ("alpha", "beta"):
        shutil.copy2(FIXTURES / f"{name}.ipynb", root / "tpl" / f"{name}.ipynb")
    plan = {"defaults": {"data_dir": "", "window_start": "2025-01-20", "window_end": "2025-11-10"},
            "pages": [{"name": "alpha", "template": "tpl/alpha.ipynb", "title": "Alpha", "parameters": {"label": "one"}},
                      {"name": "alpha-two", "template": "tpl/alpha.ipynb", "title": "Alpha two", "parameters": {"label": "two"}},
                      {"name": "beta", "template": "tpl/beta.ipynb", "title": "Beta", "parameters": {}}]}
    (root / "plan.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    run(root)
    assert executed(root / "out") == ["alpha", "alpha-two", "beta"]
    return root


@pytest.fixture
def project(first_build, tmp_path):
    """A copy of the built project for one test to change and build again."""
    shutil.copytree(first_build, tmp_path / "project", symlinks=True)
    return tmp_path / "project"


def run(project, **kw):
    result = build(project / "plan.yml", out=project / "out", root=project, book_dir=REPO_ROOT / "book", jobs=1, **kw)
    assert not isinstance(result, int), f"build failed with exit code {result}"
    return result


def test_a_rebuild_with_nothing_changed_executes_nothing(project, capsys):
    assert executed(project / "out") == ["alpha", "alpha-two", "beta"]  # the first build, copied
    site = (project / "out" / "html" / "generated" / "alpha.html").read_bytes()
    run(project)
    assert executed(project / "out") == []
    assert stats(project / "out")["cached"] == 3
    assert "nothing changed since the last build" in capsys.readouterr().out
    assert (project / "out" / "html" / "generated" / "alpha.html").read_bytes() == site


def test_changing_one_template_re_executes_only_its_pages(project):
    path = project / "tpl" / "beta.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A paragraph added to beta only."))
    nbformat.write(nb, path)
    run(project)
    assert executed(project / "out") == ["beta"]
    html = (project / "out" / "html" / "generated" / "beta.html").read_text(encoding="utf-8")
    assert "A paragraph added to beta only." in html
    # the other pages are still in the site, rebuilt from their cached notebooks
    assert "WINDOW" in (project / "out" / "html" / "generated" / "alpha-two.html").read_text(encoding="utf-8")


def test_changing_one_page_parameter_re_executes_only_that_page(project):
    plan = yaml.safe_load((project / "plan.yml").read_text(encoding="utf-8"))
    plan["pages"][1]["parameters"]["label"] = "changed"
    (project / "plan.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    run(project)
    assert executed(project / "out") == ["alpha-two"]
    assert "changed" in (project / "out" / "html" / "generated" / "alpha-two.html").read_text(encoding="utf-8")


def test_force_executes_everything(project):
    run(project, force=True)
    assert executed(project / "out") == ["alpha", "alpha-two", "beta"]


def test_editing_one_data_value_shows_up_in_the_rebuilt_site(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    # the page of the round whose title is edited (a page of the book's that shows it, and quick to run)
    plan = {"defaults": {"data_dir": str(data), "window_start": "2025-01-20", "window_end": "2025-11-10"},
            "pages": [{"name": "stockholm", "template": "notebooks/round.ipynb", "title": "Stockholm",
                       "parameters": {"round_id": "2025-07-28-stockholm-talks"}}]}
    (tmp_path / "plan.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    out = tmp_path / "out"
    page = out / "html" / "generated" / "stockholm.html"

    def rebuild():
        assert not isinstance(build(tmp_path / "plan.yml", out=out, book_dir=REPO_ROOT / "book", jobs=1), int)

    rebuild()
    assert "Stockholm talks: third round" in page.read_text(encoding="utf-8")
    assert "Stockholm talks: third round (edited)" not in page.read_text(encoding="utf-8")
    events = data / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(
        "Stockholm talks: third round", "Stockholm talks: third round (edited)"), encoding="utf-8")
    rebuild()
    assert executed(out) == ["stockholm"]
    assert "Stockholm talks: third round (edited)" in page.read_text(encoding="utf-8")

