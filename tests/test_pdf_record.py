"""The record a print leaves beside its PDF: the PDF is printed again exactly when something it is printed
from changed (:mod:`tradetalks.pdf.record`)."""
from __future__ import annotations

import json

import pytest

from tradetalks.book.plan import load_plan
from tradetalks.paths import DEFAULT_PLAN
from tradetalks.pdf.printer import PrintResult
from tradetalks.pdf.record import RecordError, print_key, record_path, still_printed, write_record

PDF_NAME = "book.pdf"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "html"
    (site / "generated").mkdir(parents=True)
    (site / "_static").mkdir()
    (site / "generated" / "overview.html").write_text("<p>one</p>", encoding="utf-8")
    (site / "_static" / "tradetalks.css").write_text("p {}", encoding="utf-8")
    return site


@pytest.fixture
def printed(tmp_path):
    pdf = tmp_path / "pdf" / PDF_NAME
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.7 three pages")
    return PrintResult(path=pdf, pages=3, size=pdf.stat().st_size, charts_expected=2, charts_drawn=2,
                       toc=[("Overview", 3)], passes=2, seconds=12.5, chromium="131.0", chart_titles=["A", "B"])


def key_of(site):
    return print_key(site, load_plan(DEFAULT_PLAN), PDF_NAME, CHROMIUM)


def test_a_recorded_print_stands_while_its_key_holds(printed):
    write_record(printed, "k1")
    kept = still_printed(printed.path, "k1")
    assert kept is not None and kept.kept and not printed.kept
    assert (kept.path, kept.pages, kept.toc, kept.chart_titles) == (printed.path, 3, [("Overview", 3)], ["A", "B"])
    assert record_path(printed.path).name == "book.print.json"


def test_a_record_does_not_stand_for_another_key_a_changed_pdf_or_a_broken_record(printed):
    """Another key or a changed PDF: printed again; a damaged record: said so (docs/faults.md pdf-damaged-record)."""
    assert still_printed(printed.path, "k1") is None, "no record yet"
    write_record(printed, "k1")
    assert still_printed(printed.path, "k2") is None
    printed.path.write_bytes(b"%PDF-1.7 another print, longer")
    assert still_printed(printed.path, "k1") is None
    record_path(printed.path).write_text("{not json", encoding="utf-8")
    with pytest.raises(RecordError, match="not JSON"):
        still_printed(printed.path, "k1")
    other_shape = {"path": PDF_NAME, "size": printed.path.stat().st_size, "unknown": 1}
    record_path(printed.path).write_text(json.dumps({"key": "k1", "result": other_shape}), encoding="utf-8")
    with pytest.raises(RecordError, match="another shape"):
        still_printed(printed.path, "k1")


def test_the_key_changes_with_every_file_of_the_site_but_the_pdf_copy(site):
    before = key_of(site)
    assert key_of(site) == before
    (site / "_static" / PDF_NAME).write_bytes(b"%PDF copy the site links")
    assert key_of(site) == before, "the copy of the PDF in the site is not something it is printed from"
    (site / "generated" / "overview.html").write_text("<p>two</p>", encoding="utf-8")
    edited = key_of(site)
    assert edited != before
    (site / "generated" / "actors.html").write_text("<p>new</p>", encoding="utf-8")
    assert key_of(site) != edited
    assert print_key(site, load_plan(DEFAULT_PLAN), PDF_NAME, "/nowhere/chromium-9") != key_of(site)
