"""One-command build of the report book (``tradetalks build``).

In order:

1. read the plan and validate every data folder it uses (stop with exit code 1 on bad data);
2. make a fresh staging folder: the book's source, the chart bundle, the declared data files;
3. execute every page (:mod:`.execute`: parallel workers, one long-lived kernel each), reusing the
   cached result of every page whose inputs did not change (:mod:`.cache`);
4. tag the executed notebooks for a code-free report and write ``_toc.yml`` (:mod:`.postprocess`);
5. ``jupyter-book build`` with warnings as errors (:mod:`.jupyterbook`);
6. publish by swapping folders: ``<out>/html`` (the site) and ``<out>/notebooks`` (the executed
   notebooks, for nbval). Until this last step nothing published is touched, so a failed build
   leaves the previous site as it was (:mod:`.publish`).

Exit codes: 1 data invalid, 2 plan invalid, 3 a notebook failed, 4 jupyter-book failed,
5 publishing failed, 6 a file could not be written (disk full, read-only folder).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..charts import image_cache
from ..paths import DEFAULT_PLAN, REPO_ROOT, resolve_data_dir
from . import processes
from .cache import PageCache, data_fingerprint, page_key
from .chart_images import externalise_chart_images
from .citations import settle_citations
from .execute import CELL_TIMEOUT, Job, PageResult, run_pages
from .glossary_links import link_site
from .harden import UnsafePageError, harden_site
from .home_page import complete_home_page
from .jupyterbook import GENERATED, LOG_NAME, run_jupyter_book, summarise_log, toc_yaml
from .links import dead_links
from .plan import Page, Plan, PlanError, expand_pages, load_plan
from .postprocess import postprocess_notebook
from .provenance import footer_html
from .publish import STAGING_PREFIX, build_lock, publish, remove_leftovers
from .search import write_search_pages
from .stage import book_inputs, stage_book, stage_data

EXIT_OK = 0
EXIT_DATA = 1
EXIT_PLAN = 2
EXIT_NOTEBOOK = 3
EXIT_BOOK = 4
EXIT_PUBLISH = 5
EXIT_IO = 6
STATS_FILE = "build-stats.json"


def _err(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr, flush=True)


def _data_dirs(pages: Sequence[Page], root: Path) -> list[Path]:
    out: list[Path] = []
    for page in pages:
        d = resolve_data_dir(page.parameters.get("data_dir"), root=root)
        if d not in out:
            out.append(d)
    return out


def _validate_data(data_dirs: Sequence[Path]) -> str | None:
    """Run the project's loader on every data folder; return the problems or None."""
    from ..data import DataValidationError, load_dataset

    messages = []
    for data_dir in data_dirs:
        try:
            load_dataset(data_dir)
        except DataValidationError as exc:
            messages.append(f"Data validation failed: {exc}")
    return "\n\n".join(messages) if messages else None


def _window_note(plan: Plan, root: Path) -> str | None:
    """One line when the plan's window leaves recorded events out of the book."""
    from ..analysis.windows import QueryError, window
    from ..data import load_dataset

    start, end = plan.defaults.get("window_start"), plan.defaults.get("window_end")
    if not start and not end:
        return None
    ds = load_dataset(resolve_data_dir(plan.defaults.get("data_dir"), root=root))
    try:
        s, e = window(ds, start, end)
    except QueryError:
        return None  # the page that uses it reports the problem
    last = ds.events["end_date"].fillna(ds.events["start_date"])
    outside = int(((ds.events["start_date"] > e) | (last < s)).sum())
    if not outside:
        return None
    return (f"note: the plan's window {s.date()} to {e.date()} leaves out {outside} of the {len(ds.events)} recorded "
            f"events (book/plan.yml defaults; remove window_start/window_end to follow the data)")


def _with_absolute_data_dirs(pages: Sequence[Page], root: Path) -> list[Page]:
    """Pages whose data_dir is an absolute path (the notebooks also run under nbval, from another
    working directory); "" keeps meaning "the repository's data folder"."""
    out = []
    for page in pages:
        params = dict(page.parameters)
        if params.get("data_dir"):
            params["data_dir"] = str(resolve_data_dir(params["data_dir"], root=root))
        out.append(Page(page.name, page.template, page.title, params, page.for_each, page.parent))
    return out


def _describe_failure(page: Page, result: PageResult, root: Path) -> str:
    try:
        shown = page.template.relative_to(root)
    except ValueError:
        shown = page.template
    lines = [f"FAILED: page {page.name!r}, notebook {shown}"]
    if result.source is not None:
        lines.append(f"  cell {result.cell_index} of the template (0-based):")
        head = result.source.splitlines()
        lines += [f"    | {line}" for line in head[:8]] + (["    | ..."] if len(head) > 8 else [])
    lines.append(f"  {result.ename}: {result.evalue}")
    return "\n".join(lines)


def _site_key(page_keys: Mapping[str, str], book_dir: Path, pages: Sequence[Page]) -> str:
    """Everything the published site depends on: every page's key, the table of contents, the book's
    files, the build's own code and the day (every page's footer carries the build date)."""
    h = hashlib.sha256(json.dumps(sorted(page_keys.items())).encode())
    h.update(toc_yaml(pages).encode())
    h.update(_dt.datetime.now(_dt.timezone.utc).date().isoformat().encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    for f in book_inputs(book_dir):
        h.update(str(f.relative_to(book_dir)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def read_stats(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((out_dir / STATS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_stats(out_dir: Path, stats: dict[str, Any]) -> None:
    """``<out>/build-stats.json``: what the last build executed and reused, and where the time went."""
    (out_dir / STATS_FILE).write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")


class _Failed(Exception):
    def __init__(self, code: int, *lines: str):
        super().__init__("\n".join(lines))
        self.code = code


def build(
    plan_path: str | os.PathLike[str] = DEFAULT_PLAN,
    *,
    jobs: int | None = None,
    out: str | os.PathLike[str] | None = None,
    keep_staging: bool = False,
    force: bool = False,
    book_dir: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    timeout: int = CELL_TIMEOUT,
) -> Path | int:
    """Build the book; return the published ``index.html`` or a non-zero exit code.

    plan_path     the plan (default ``<repo>/book/plan.yml``).
    jobs          parallel workers, one kernel each (default ``os.cpu_count()``).
    out           output root (default ``<book_dir>/_build``): the site goes to
                  ``<out>/html``, executed notebooks to ``<out>/notebooks``.
    keep_staging  keep the staging folder (also on failure) for inspection.
    force         execute every notebook even if its cached result is still valid (and draw every chart).
    book_dir      folder with ``_config.yml``, ``_static/``, ``_templates/`` and extra ``*.md``
                  (default: the plan's folder).
    root          folder that template paths and relative ``data_dir`` values are
                  relative to, and the notebooks' working directory (default: the repo).
    timeout       seconds a single cell may run.
    """
    if multiprocessing.parent_process() is not None and multiprocessing.current_process().name.startswith(
        ("SpawnProcess", "ForkServerProcess")
    ):
        # A script without `if __name__ == "__main__":` is re-imported by every worker process;
        # building again there would wait forever on the lock.
        raise RuntimeError(
            "tradetalks.book.build.build() was called inside a worker process: guard the "
            "calling script with `if __name__ == \"__main__\":`"
        )
    started = time.perf_counter()
    root_dir = Path(root).resolve() if root is not None else REPO_ROOT
    plan_file = Path(plan_path).resolve()
    book = Path(book_dir).resolve() if book_dir is not None else plan_file.parent
    out_dir = Path(out).resolve() if out is not None else book / "_build"
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    try:
        return _build(plan_file, book, out_dir, root_dir, jobs, keep_staging, force, timeout, started)
    except _Failed as exc:
        _err(str(exc))
        return exc.code


def _build(plan_file: Path, book: Path, out_dir: Path, root_dir: Path, jobs: int, keep_staging: bool,
           force: bool, timeout: int, started: float) -> Path:
    # 0. the plan (cheap, and needed to know which data folders to validate)
    try:
        plan: Plan = load_plan(plan_file, root=root_dir)
    except PlanError as exc:
        raise _Failed(EXIT_PLAN, str(exc)) from None
    if not (book / "_config.yml").is_file():
        raise _Failed(EXIT_PLAN, f"{book / '_config.yml'} not found")

    # 1. the data
    data_dirs = _data_dirs(plan.pages, root_dir)
    problems = _validate_data(data_dirs)
    if problems:
        raise _Failed(EXIT_DATA, problems, "", "Build stopped: fix the data first. Nothing was built or published.")
    print(f"data ok ({len(data_dirs)} folder{'s' if len(data_dirs) != 1 else ''})", flush=True)
    note = _window_note(plan, root_dir)
    if note:
        print(note, flush=True)

    try:
        pages = expand_pages(_with_absolute_data_dirs(plan.pages, root_dir))
    except ValueError as exc:  # e.g. a for_each page whose filter names an unknown item
        raise _Failed(EXIT_PLAN, f"{plan_file}: {exc}") from None
    names = [p.name for p in pages]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _Failed(EXIT_PLAN, f"{plan_file}: pages would share a file name: {', '.join(duplicates)}")

    with build_lock(out_dir):
        for leftover in remove_leftovers(out_dir):
            print(f"removed {leftover.name}, left behind by a build that was stopped", flush=True)
        cache = PageCache(out_dir / "cache")
        fingerprints: dict[str, str] = {}
        keys = {}
        for page in pages:
            d = str(resolve_data_dir(page.parameters.get("data_dir")))
            fingerprints.setdefault(d, data_fingerprint(d))
            keys[page.name] = page_key(page.template, page.parameters, fingerprints[d])
        site_key = _site_key(keys, book, pages)
        if not force and read_stats(out_dir).get("site_key") == site_key and (out_dir / "html" / "index.html").is_file():
            print(f"nothing changed since the last build: {len(pages)} pages up to date", flush=True)
            _write_stats(out_dir, {**read_stats(out_dir), "pages": [{"name": p.name, "seconds": 0.0, "cached": True}
                                                                    for p in pages],
                                   "executed": 0, "cached": len(pages),
                                   "total_seconds": round(time.perf_counter() - started, 3)})
            index = out_dir / "html" / "index.html"
            print(index, flush=True)
            return index
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        ok = False
        try:
            index = _build_in(staging, plan, pages, keys, cache, book, out_dir, root_dir, jobs, force, timeout,
                              site_key, started)
            ok = True
            return index
        finally:
            if keep_staging:
                _err(f"Staging kept for inspection: {staging} (jupyter-book log: jupyter-book.log)")
            else:
                shutil.rmtree(staging, ignore_errors=True)
            if not ok:
                _err("Build stopped. The published site was not changed.")


def _build_in(staging: Path, plan: Plan, pages: list[Page], keys: dict[str, str], cache: PageCache, book: Path,
              out_dir: Path, root_dir: Path, jobs: int, force: bool, timeout: int, site_key: str,
              started: float) -> Path:
    import nbformat

    # 2. staging (the fork server of the workers and Jupyter Book starts its imports meanwhile)
    processes.start()
    data_dir = resolve_data_dir(plan.defaults.get("data_dir"), root=root_dir)
    stage_book(book, staging)
    stage_data(data_dir, staging)
    _add_footer(staging, data_dir)
    generated = staging / GENERATED
    generated.mkdir()

    # 3. execute (or reuse cached pages)
    page_stats: dict[str, dict[str, Any]] = {}
    if force:  # every chart drawn again too
        shutil.rmtree(cache.chart_images, ignore_errors=True)
    to_run: list[Job] = []
    total = len(pages)
    for page in pages:
        hit = None if force else cache.get(keys[page.name])
        if hit is None:
            to_run.append(Job(page.name, page.template, generated / f"{page.name}.ipynb", page.parameters))
            continue
        shutil.copyfile(hit, generated / f"{page.name}.ipynb")
        page_stats[page.name] = {"name": page.name, "seconds": 0.0, "cached": True}
        print(f"[{len(page_stats)}/{total}] {page.name} unchanged (cached)", flush=True)
    for warning in cache.warnings:
        print(f"warning: {warning}", flush=True)
    by_name = {p.name: p for p in pages}
    failures: list[str] = []

    def done(result: PageResult) -> bool:
        if not result.ok:
            print(f"[{len(page_stats) + 1}/{total}] {result.name} FAILED", flush=True)
            failures.append(_describe_failure(by_name[result.name], result, root_dir))
            return False
        page_stats[result.name] = {"name": result.name, "seconds": round(result.seconds, 3), "cached": False,
                                   "render_seconds": round(result.render_seconds, 3)}
        retried = f" (run again after its kernel failed: {result.ename})" if result.attempts > 1 else ""
        print(f"[{len(page_stats)}/{total}] {result.name} {result.seconds:.1f}s{retried}", flush=True)
        refused = cache.put(keys[result.name], generated / f"{result.name}.ipynb")
        if refused:
            print(f"warning: page {result.name} not cached: {refused}", flush=True)
            for text in result.stderr:
                print("  stderr: " + text.strip().replace("\n", "\n          "), flush=True)
        return True

    t_exec = time.perf_counter()
    _results, workers = run_pages(to_run, cwd=root_dir, workers=jobs, timeout=timeout, on_done=done,
                                  environment={image_cache.ENV: str(cache.chart_images)})
    execute_seconds = time.perf_counter() - t_exec
    if failures:
        raise _Failed(EXIT_NOTEBOOK, failures[0])

    # 4. post-process + toc
    for page in pages:
        path = generated / f"{page.name}.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        postprocess_notebook(nb, title=page.title)
        nbformat.write(nb, str(path))
    (staging / "_toc.yml").write_text(toc_yaml(pages), encoding="utf-8")

    # 5. jupyter-book
    t0 = time.perf_counter()
    code, log = run_jupyter_book(staging)
    (staging / LOG_NAME).write_text(log, encoding="utf-8")
    if code != 0:
        raise _Failed(EXIT_BOOK, f"jupyter-book build failed (exit code {code}; warnings are errors here).",
                      summarise_log(log))
    book_seconds = time.perf_counter() - t0
    print(f"jupyter-book build {book_seconds:.1f}s", flush=True)
    html = staging / "_build" / "html"
    if not (html / "index.html").is_file():
        raise _Failed(EXIT_BOOK, f"jupyter-book produced no {html / 'index.html'}; nothing published.")
    externalise_chart_images(html)
    complete_home_page(html, str(_config(staging).get("title") or ""))
    link_site(html, workers=jobs)
    unlinked = settle_citations(html)[1]
    if unlinked:
        print(f"{unlinked} citation{'s' if unlinked != 1 else ''} name sources that no page of the plan lists: "
              "shown as numbers without links.", flush=True)
    write_search_pages(html, workers=jobs)
    try:
        harden_site(html, workers=jobs)
    except UnsafePageError as exc:
        raise _Failed(EXIT_BOOK, f"Refused to publish: {exc}. Text from the data must be escaped where it enters a page.") from None
    dead = dead_links(html)
    if dead:
        shown = "\n".join(f"  {d}" for d in dead[:40]) + (f"\n  ... and {len(dead) - 40} more" if len(dead) > 40 else "")
        raise _Failed(EXIT_BOOK, f"Refused to publish: {len(dead)} link{'s' if len(dead) != 1 else ''} of the site lead nowhere:",
                      shown)

    # 6. publish
    try:
        publish([(html, out_dir / "html"), (generated, out_dir / "notebooks")])
    except OSError as exc:
        raise _Failed(EXIT_PUBLISH, f"Publishing failed: {exc}. The previous site was restored.") from None
    cache.prune(set(keys.values()))
    executed = [page_stats[p.name] for p in pages if p.name in page_stats]
    _write_stats(out_dir, {
        "site_key": site_key,
        "built": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "pages": executed,
        "executed": sum(not st["cached"] for st in executed),
        "cached": sum(st["cached"] for st in executed),
        "workers": [{"kernel_start_seconds": round(w.kernel_start_seconds, 3),
                     "imports_seconds": round(w.warm_up_seconds, 3)} for w in workers],
        "execute_seconds": round(execute_seconds, 3), "book_seconds": round(book_seconds, 3),
        "total_seconds": round(time.perf_counter() - started, 3),
    })
    index = out_dir / "html" / "index.html"
    print(f"built {len(pages)} pages in {time.perf_counter() - started:.1f}s", flush=True)
    print(index, flush=True)
    return index


def _config(staging: Path) -> dict:
    """The staged Jupyter Book configuration."""
    import yaml

    return yaml.safe_load((staging / "_config.yml").read_text(encoding="utf-8"))


def _add_footer(staging: Path, data_dir: Path) -> None:
    """The staged config gets the footer every page carries: the data's version and the build date."""
    import yaml

    config_file = staging / "_config.yml"
    config = _config(staging)
    config.setdefault("html", {})["extra_footer"] = footer_html(data_dir, str(config.get("title") or ""))
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tradetalks build",
        description="Validate the data, execute the notebooks of the plan and build the book.",
    )
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="plan file (default: book/plan.yml)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks executed in parallel, one kernel each (default: the number of cores)")
    parser.add_argument("--out", default=None,
                        help="output root; the site goes to OUT/html, notebooks to OUT/notebooks "
                        "(default: the plan's folder/_build)")
    parser.add_argument("--keep-staging", action="store_true", help="keep the staging folder")
    parser.add_argument("--force", action="store_true",
                        help="execute every notebook, ignoring cached results (they are refreshed)")
    args = parser.parse_args(argv)
    result = build(args.plan, jobs=args.jobs, out=args.out, keep_staging=args.keep_staging, force=args.force)
    return EXIT_OK if isinstance(result, Path) else int(result)
