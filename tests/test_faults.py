"""The bad-input and fault catalogue (docs/faults.md): every row is caused here, and its exit status and
message are checked as the document states them, with no traceback. The document is the expectation:
a row without a case here, or a case without a row, fails too."""
from __future__ import annotations

import errno
import inspect
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers.data import Data
from tradetalks import cli
from tradetalks.paths import BOOK_DIR, DEFAULT_DATA_DIR, DEFAULT_PLAN, REPO_ROOT

CATALOGUE = REPO_ROOT / "docs" / "faults.md"
ROW = re.compile(r"^\| (?P<id>[a-z0-9-]+) \| .*? \| (?P<exit>\d+) \| `(?P<message>.*)` \|$")


def catalogue() -> dict[str, tuple[int, str]]:
    rows = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows[m["id"]] = (int(m["exit"]), m["message"])
    return rows


# --------------------------------------------------------------------------- helpers on a data copy
def event_with(data: Data, table: str) -> str:
    """An event id that has rows in ``table``."""
    return data.rows(table)[0]["event_id"]


def validate(data: Data) -> list[str]:
    return ["validate", str(data.dir)]


# --------------------------------------------------------------------------- the cases
def _csv_unclosed(d):
    rows = (d.dir / "actors.csv").read_text(encoding="utf-8").splitlines()
    first = rows[1].split(",", 2)
    rows[1] = f'{first[0]},"{first[1]},{first[2]}'
    (d.dir / "actors.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return validate(d)


def _csv_field_count(d):
    with open(d.dir / "sticking_points.csv", "a", encoding="utf-8") as fh:
        fh.write("extra-point,Extra,tariffs\n")
    return validate(d)


def _drop_column(d, table, column):
    rows = d.rows(table)
    fields = [f for f in rows[0] if f != column]
    d.write(table, rows, fields)


def _csv_missing_column(d):
    _drop_column(d, "events", "type")
    return validate(d)


def _csv_unknown_column(d):
    rows = d.rows("actors")
    for r in rows:
        r["colour"] = "red"
    d.write("actors", rows, list(rows[0]))
    return validate(d)


def _csv_duplicate_column(d):
    path = d.dir / "sticking_points.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("name", "id", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return validate(d)


def _csv_not_utf8(d):
    path = d.dir / "actors.csv"
    path.write_bytes(path.read_bytes() + "zz-x,Fran\u00e7ois,,third_party,person,,Someone,\n".encode("latin-1"))
    return validate(d)


def _csv_header_only(d, tables=("events",)):
    for table in tables:
        path = d.dir / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return validate(d)


def _duplicate_id(d):
    rows = d.rows("actors")
    rows[1]["id"] = rows[0]["id"]
    d.write("actors", rows)
    return validate(d)


def _all_header_only(d):
    return _csv_header_only(d, [r["name"] for r in d.descriptor()["resources"]])


CASES = {
    "csv-unclosed-quote": _csv_unclosed,
    "csv-field-count": _csv_field_count,
    "csv-missing-column": _csv_missing_column,
    "csv-unknown-column": _csv_unknown_column,
    "csv-duplicate-column": _csv_duplicate_column,
    "csv-not-utf8": _csv_not_utf8,
    "csv-header-only": _csv_header_only,
    "all-header-only": _all_header_only,
    "value-duplicate-id": lambda d: _duplicate_id(d),
    "value-unknown-reference": lambda d: (d.set("event_actors", "actor_id", "nobody-at-all"), validate(d))[1],
    "value-bad-date": lambda d: (d.set("events", "start_date", "2025-05-32"), validate(d))[1],
    "value-end-before-start": lambda d: (d.set("events", "end_date", "2025-01-01", lambda r: r["start_date"] > "2025-01-02"), validate(d))[1],
    "value-outside-window": lambda d: (d.set("events", "start_date", "2031-01-01"), validate(d))[1],
    "value-not-in-enum": lambda d: (d.set("events", "type", "party"), validate(d))[1],
    "value-pattern": lambda d: (d.set("sticking_points", "id", "Bad Id"), validate(d))[1],
    "value-required-missing": lambda d: (d.set("events", "title", ""), validate(d))[1],
    "value-nan": lambda d: (d.set("tariff_steps", "rate_pct", "nan"), validate(d))[1],
    "value-infinity": lambda d: (d.set("tariff_steps", "rate_pct", "inf"), validate(d))[1],
    "value-negative": lambda d: (d.set("tariff_steps", "rate_pct", "-5"), validate(d))[1],
    "value-nul-byte": lambda d: (d.set("events", "title", "A title\x00with a NUL"), validate(d))[1],
    "value-control-char": lambda d: (d.set("events", "summary", "ring \x07 the bell"), validate(d))[1],
    "value-formula": lambda d: (d.set("events", "title", '=HYPERLINK("http://127.0.0.1/x","click")'), validate(d))[1],
    "file-missing": lambda d: ((d.dir / "phases.csv").unlink(), validate(d))[1],
    "folder-missing": lambda d: ["validate", str(d.dir / "no-such-folder")],
}


def _file_symlink(d):
    secret = d.dir.parent / "secret.txt"
    secret.write_text("id,name\nSECRET-CONTENT,never shown\n", encoding="utf-8")
    (d.dir / "phases.csv").unlink()
    (d.dir / "phases.csv").symlink_to(secret)
    return validate(d)


def _file_fifo(d):
    (d.dir / "phases.csv").unlink()
    os.mkfifo(d.dir / "phases.csv")
    return validate(d)


def _file_folder(d):
    (d.dir / "phases.csv").unlink()
    (d.dir / "phases.csv").mkdir()
    return validate(d)


def _file_unreadable(d, monkeypatch):
    real_open = os.open
    target = str(d.dir / "phases.csv")

    def deny(path, *args, **kwargs):  # as root, chmod cannot take read access away: simulate it
        if str(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", target)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    return validate(d)


def _descriptor(edit):
    def case(d):
        desc = d.descriptor()
        edit(d, desc)
        d.save_descriptor(desc)
        return validate(d)
    return case


def _field(desc, d, table, name):
    return next(f for f in d.resource(desc, table)["schema"]["fields"] if f["name"] == name)


CASES.update({
    "file-symlink": _file_symlink,
    "file-fifo": _file_fifo,
    "file-folder": _file_folder,
    "file-unreadable": _file_unreadable,
    "descriptor-missing": lambda d: ((d.dir / "datapackage.json").unlink(), validate(d))[1],
    "descriptor-invalid-json": lambda d: ((d.dir / "datapackage.json").write_text("{ not json", encoding="utf-8"), validate(d))[1],
    "descriptor-not-object": lambda d: ((d.dir / "datapackage.json").write_text("[1, 2]", encoding="utf-8"), validate(d))[1],
    "descriptor-missing-table": _descriptor(lambda d, desc: desc["resources"].remove(d.resource(desc, "events"))),
    "descriptor-field-not-object": _descriptor(lambda d, desc: d.resource(desc, "actors")["schema"]["fields"].__setitem__(0, "id")),
    "descriptor-bad-pattern": _descriptor(lambda d, desc: _field(desc, d, "actors", "id")["constraints"].__setitem__("pattern", "([a-z")),
    "descriptor-minimum-text": _descriptor(lambda d, desc: _field(desc, d, "tariff_steps", "rate_pct")["constraints"].__setitem__("minimum", "0")),
    "descriptor-unsafe-path": _descriptor(lambda d, desc: d.resource(desc, "phases").__setitem__("path", "../outside.csv")),
    "descriptor-reversed-window": _descriptor(lambda d, desc: desc.__setitem__("window", {"start": "2026-12-31", "end": "2018-01-01"})),
    "descriptor-bad-type": _descriptor(lambda d, desc: _field(desc, d, "tariff_steps", "rate_pct").__setitem__("type", "money")),
})


def _quote_misattributed(d):
    rows = d.rows("statements")
    row = rows[0]
    other = next(a["id"] for a in d.rows("actors") if a["id"] != row["actor_id"])
    row.update(kind="quote", source_attributes_to=other)
    d.write("statements", rows)
    return validate(d)


def _unattributed(d):
    d.set("event_sticking_points", "support", "unattributed_commentary")
    return validate(d)


def _link_source_not_cited(d):
    rows = d.rows("event_actors")
    cited = {(r["event_id"], r["source_id"]) for r in d.rows("event_sources")}
    other = next(s["id"] for s in d.rows("sources") if (rows[0]["event_id"], s["id"]) not in cited)
    rows[0]["source_id"] = other
    d.write("event_actors", rows)
    return validate(d)


def _suspended(missing):
    def case(d):
        rows = d.rows("event_sticking_points")
        row = next(r for r in rows if r["status"] == "suspended")
        row[missing] = ""
        d.write("event_sticking_points", rows)
        return validate(d)
    return case


def _identifier(d):
    d.set("sources", "identifier", "Order 14257", lambda r: r["kind"] == "executive_order")
    return validate(d)


def _event_without_source(d):
    d.add("events", id="2025-06-01-unsourced", start_date="2025-06-01", date_precision="day", status="occurred",
          type="statement", title="An event nobody reports", summary="No source cites it.")
    return validate(d)


def _steps_out_of_order(d):
    rows = d.rows("tariff_steps")
    us = [r for r in rows if r["imposing_side"] == "united_states"]
    us[-1]["in_force"] = "2018-01-02"
    d.write("tariff_steps", rows)
    return validate(d)


def _alias_two_actors(d):
    alias = d.rows("actor_aliases")[0]
    other = next(a["id"] for a in d.rows("actors") if a["id"] != alias["actor_id"])
    d.add("actor_aliases", alias=alias["alias"], actor_id=other, kind="variant")
    return validate(d)


def _outcome_before_round(d):
    rounds = [e for e in d.rows("events") if e["type"] == "talks_round"]
    later = rounds[-1]
    earlier = next(e for e in d.rows("events") if e["start_date"] < later["start_date"])
    d.add("round_outcomes", round_id=later["id"], event_id=earlier["id"])
    return validate(d)


CASES.update({
    "rule-quote-misattributed": _quote_misattributed,
    "rule-unattributed-commentary": _unattributed,
    "rule-link-source-not-cited": _link_source_not_cited,
    "rule-suspended-no-expiry": _suspended("expires"),
    "rule-suspended-no-remains": _suspended("remains"),
    "rule-identifier-format": _identifier,
    "rule-event-without-source": _event_without_source,
    "rule-steps-out-of-order": _steps_out_of_order,
    "rule-alias-two-actors": _alias_two_actors,
    "rule-outcome-before-round": _outcome_before_round,
})


# --------------------------------------------------------------------------- the plan
def _plan(edit):
    def case(d):
        plan = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
        text = edit(plan)
        path = d.dir.parent / "plan.yml"
        path.write_text(text if isinstance(text, str) else yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
        return ["build", "--plan", str(path), "--out", str(d.dir.parent / "out")]
    return case


def _page(plan, name):
    return next(p for p in plan["pages"] if p["name"] == name)


CASES.update({
    "plan-missing": lambda d: ["build", "--plan", str(d.dir.parent / "nowhere.yml"), "--out", str(d.dir.parent / "out")],
    "plan-not-yaml": _plan(lambda plan: "pages: [unclosed\n"),
    "plan-unknown-key": _plan(lambda plan: plan.__setitem__("page", plan.pop("pages"))),
    "plan-template-missing": _plan(lambda plan: _page(plan, "actors").__setitem__("template", "notebooks/nowhere.ipynb")),
    "plan-unknown-parameter": _plan(lambda plan: _page(plan, "actors")["parameters"].__setitem__("colour", "red")),
    "plan-window-reversed": _plan(lambda plan: plan["defaults"].update(window_start="2025-06-01", window_end="2025-05-01")),
    "plan-window-bad-date": _plan(lambda plan: plan["defaults"].update(window_start="June 2025")),
    "plan-for-each-unknown": _plan(lambda plan: _page(plan, "point").__setitem__("for_each", "countries")),
    "plan-duplicate-name": _plan(lambda plan: _page(plan, "timeline").__setitem__("name", "actors")),
})


# --------------------------------------------------------------------------- the command line
def _report(*args):
    return lambda d: ["report", *[a.format(tmp=d.dir.parent) for a in args]]


def _report_out_file(d):
    (d.dir.parent / "a-file.txt").write_text("mine\n", encoding="utf-8")
    return ["report", "--out", str(d.dir.parent / "a-file.txt")]


def _report_out_foreign(d):
    folder = d.dir.parent / "my-files"
    folder.mkdir()
    (folder / "thesis.docx").write_text("mine\n", encoding="utf-8")
    return ["report", "--out", str(folder)]


def _no_events(d):
    days = sorted({e["start_date"] for e in d.rows("events")} | {e["end_date"] for e in d.rows("events") if e["end_date"]})
    first = days[0]
    return ["report", "--out", str(d.dir.parent / "r"), "--start", "2018-01-01", "--end",
            (__import__("datetime").date.fromisoformat(first) - __import__("datetime").timedelta(days=1)).isoformat()]


def _pdf_no_chromium(d, monkeypatch):
    monkeypatch.setenv("TRADETALKS_CHROMIUM", str(d.dir.parent / "no-chromium-here"))
    return ["pdf", "--build", "never"]


def _pdf_damaged_record(d, monkeypatch):
    """The record beside an earlier PDF is damaged: the PDF is printed again (the printing itself stubbed:
    what is checked is what the export makes of the record)."""
    from types import SimpleNamespace

    from tradetalks.book.plan import load_plan
    from tradetalks.pdf import export
    from tradetalks.pdf.assemble import book_title
    from tradetalks.pdf.printer import PrintResult
    from tradetalks.pdf.record import record_path
    from tradetalks.pdf.site import pdf_name

    site, out = d.dir.parent / "site", d.dir.parent / "pdf"
    (site / "_static").mkdir(parents=True)
    (site / "index.html").write_text("<p>site</p>", encoding="utf-8")
    pdf = out / pdf_name(book_title(load_plan(DEFAULT_PLAN)))
    out.mkdir()
    pdf.write_bytes(b"%PDF-1.7 an earlier print")
    record_path(pdf).write_text('{"key": "damaged', encoding="utf-8")

    def fake_print(book, target, **options):
        target.write_bytes(b"%PDF-1.7 printed again")
        return PrintResult(path=target, pages=1, size=target.stat().st_size, charts_expected=0, charts_drawn=0,
                           toc=[], passes=1, seconds=0.1)

    monkeypatch.setattr(export, "missing_requirements", lambda: [])
    monkeypatch.setattr(export, "site_problems", lambda *a, **k: None)
    monkeypatch.setattr(export, "assemble_book", lambda *a, **k: SimpleNamespace(chapters=[]))
    monkeypatch.setattr(export, "print_book", fake_print)
    return ["pdf", "--build", "never", "--site", str(site), "--out", str(out)]


def _ingest_no_date(d):
    article = d.dir.parent / "undated.txt"
    article.write_text("Scott Bessent said the talks were productive.\n", encoding="utf-8")
    return ["ingest", str(article), "--out", str(d.dir.parent / "r.yaml")]


def _ingest_apply_invalid(d):
    article = REPO_ROOT / "tests" / "fixtures" / "ingest" / "wrong_official.txt"
    review = d.dir.parent / "review.yaml"
    assert cli.main(["ingest", str(article), "--published", "2025-06-06", "--out", str(review), "--data", str(d.dir)]) == 0
    doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    row = next(r for r in doc["rows"] if any(k in r["fields"] for k in ("date", "start_date")))
    row["decision"] = "accept"
    row["fields"]["date" if "date" in row["fields"] else "start_date"] = "2025-02-30"
    review.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return ["ingest", "--apply", str(review), "--data", str(d.dir)]


CASES.update({
    "ingest-missing-article": lambda d: ["ingest", str(d.dir.parent / "no-such-article.txt")],
    "ingest-no-date": _ingest_no_date,
    "ingest-bad-published": lambda d: ["ingest", str(REPO_ROOT / "tests" / "fixtures" / "ingest" / "no_date.txt"),
                                       "--published", "6 June", "--out", str(d.dir.parent / "r.yaml")],
    "ingest-apply-invalid": _ingest_apply_invalid,
})


CASES.update({
    "cli-unknown-command": lambda d: ["publish"],
    "cli-unknown-option": lambda d: ["build", "--frobnicate"],
    "report-out-repo": lambda d: ["report", "--out", str(REPO_ROOT)],
    "report-out-book": lambda d: ["report", "--out", str(BOOK_DIR)],
    "report-out-site": lambda d: ["report", "--out", str(BOOK_DIR / "_build" / "html" / "custom")],
    "report-out-file": _report_out_file,
    "report-out-foreign": _report_out_foreign,
    "report-unknown-point": _report("--out", "{tmp}/r", "--sticking-point", "rare-earth"),
    "report-empty-actor": _report("--out", "{tmp}/r", "--actor", ""),
    "report-unknown-actor": _report("--out", "{tmp}/r", "--actor", "Nobody Atall"),
    "report-reversed-window": _report("--out", "{tmp}/r", "--start", "2025-06-01", "--end", "2025-05-01"),
    "report-outside-data": _report("--out", "{tmp}/r", "--start", "2016-01-01"),
    "report-bad-date": _report("--out", "{tmp}/r", "--end", "31/05/2025"),
    "report-no-events": _no_events,
    "pdf-no-chromium": _pdf_no_chromium,
    "pdf-damaged-record": _pdf_damaged_record,
})


# --------------------------------------------------------------------------- the machine and the build
def _fail_mkdtemp(err):
    def case(d, monkeypatch):
        import tempfile

        def fail(*args, **kwargs):
            raise OSError(err, os.strerror(err), kwargs.get("dir") or "book/_build")
        monkeypatch.setattr(tempfile, "mkdtemp", fail)
        return ["build", "--force"]
    return case


def _interrupted(d, monkeypatch):
    import tradetalks.book.build as build_module

    def stop(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(build_module, "build", stop)
    return ["build"]


CASES.update({
    "build-read-only": _fail_mkdtemp(errno.EROFS),
    "build-disk-full": _fail_mkdtemp(errno.ENOSPC),
    "build-interrupted": _interrupted,
})
# Cases that need a built fixture book; they are in this file's last tests.
BUILT = ("build-corrupt-cache", "build-killed-leftovers", "build-notebook-fails", "build-unsafe-page")


def test_every_row_of_the_catalogue_has_a_case_and_every_case_a_row():
    rows = set(catalogue())
    assert rows, "no rows read from docs/faults.md"
    assert rows - set(CASES) - set(BUILT) == set()
    assert set(CASES) | set(BUILT) <= rows
    assert len(rows) >= 40


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_fault(case_id, tmp_path, capsys, monkeypatch):
    expected_exit, message = catalogue()[case_id]
    data = Data(tmp_path / "data")
    shutil.copytree(DEFAULT_DATA_DIR, data.dir)
    cause = CASES[case_id]
    wants = "monkeypatch" in inspect.signature(cause).parameters
    argv = cause(data, monkeypatch=monkeypatch) if wants else cause(data)
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == expected_exit, text
    assert message in text, text
    assert "Traceback" not in text
    assert "SECRET-CONTENT" not in text  # a linked file's content is never shown


# --------------------------------------------------------------------------- faults of a real build
@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    """A two-page plan built once; the cases below break it in different ways. Its pages are two of the
    book's quickest: the glossary (as the home page) and the actors (which the failing case needs)."""
    root = tmp_path_factory.mktemp("faults")
    plan = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    plan["pages"] = [_page(plan, "glossary"), _page(plan, "actors")]
    (root / "plan.yml").write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return root


def _build(root, capsys, force=False, plan=None):
    from tradetalks.book.build import build

    # one worker: two small pages (a second would only start another kernel)
    result = build(plan or root / "plan.yml", out=root / "out", book_dir=BOOK_DIR, root=REPO_ROOT, force=force, jobs=1)
    out = capsys.readouterr()
    return (0 if isinstance(result, Path) else result), out.out + out.err


def test_fault_build_corrupt_cache(small_book, capsys):
    expected_exit, message = catalogue()["build-corrupt-cache"]
    code, _ = _build(small_book, capsys)
    assert code == 0
    for entry in (small_book / "out" / "cache").glob("*.ipynb"):
        entry.write_bytes(b"\xff\xfe not a notebook")
    (small_book / "out" / "build-stats.json").unlink()  # not a no-op: the pages are looked up in the cache
    code, text = _build(small_book, capsys)
    assert code == expected_exit and message in text, text
    assert "Traceback" not in text


def test_fault_build_killed_leftovers(small_book, capsys):
    expected_exit, message = catalogue()["build-killed-leftovers"]
    left = small_book / "out" / "staging-killed1234"
    (left / "generated").mkdir(parents=True)
    # any build clears them first, one with nothing to do too (the book was built by the case above, or here)
    code, text = _build(small_book, capsys)
    assert code == expected_exit and message in text, text
    assert not left.exists()


def test_fault_build_notebook_fails(small_book, capsys, tmp_path):
    expected_exit, message = catalogue()["build-notebook-fails"]
    site_before = (small_book / "out" / "html" / "index.html").read_bytes() if (small_book / "out" / "html").exists() else None
    plan = yaml.safe_load((small_book / "plan.yml").read_text(encoding="utf-8"))
    plan["pages"][1]["parameters"] = {"side": "nowhere"}  # the actors page raises on an unknown side
    path = tmp_path / "plan.yml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    code, text = _build(small_book, capsys, plan=path)
    assert code == expected_exit and message in text, text
    assert "side must be one of" in text and "Traceback" not in text
    if site_before is not None:
        assert (small_book / "out" / "html" / "index.html").read_bytes() == site_before


def test_fault_build_unsafe_page(tmp_path):
    from tradetalks.book.harden import UnsafePageError, check_article

    expected_exit, message = catalogue()["build-unsafe-page"]
    page = tmp_path / "page.html"
    with pytest.raises(UnsafePageError, match="inline <script>"):
        check_article(page, "<html><article><p>x</p><script>alert(1)</script></article></html>")
    with pytest.raises(UnsafePageError, match="event-handler"):
        check_article(page, '<html><article><img src=x onerror="alert(1)"></article></html>')
    check_article(page, '<article><script type="application/json">{"a": 1}</script></article>')  # data is fine
    assert expected_exit == 4 and message == "Refused to publish"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


@pytest.mark.build
def test_a_killed_build_takes_its_workers_and_kernels_with_it(tmp_path):
    """kill -9 of a build: its worker processes die with it and their kernels follow (no orphans)."""
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "TMPDIR": str(tmp_path)}  # the kernels' socket folder goes in here
    build = subprocess.Popen([sys.executable, "-m", "tradetalks", "build", "--force", "--out", str(tmp_path / "out")],
                             cwd=REPO_ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not _processes_mentioning(f"{tmp_path}/tradetalks-kernels-") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(f"{tmp_path}/tradetalks-kernels-"), "no kernel started"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while _processes_mentioning(f"{tmp_path}/tradetalks-kernels-") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(f"{tmp_path}/tradetalks-kernels-") == []
