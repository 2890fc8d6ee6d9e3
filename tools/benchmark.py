"""Build benchmark of the report book: ``python -m tools.benchmark``.

A script with figures in its output (not a timed test). In one run, on the same content, it prints:

1. **Build times** of the real book (``book/plan.yml``): a clean build
   (``tradetalks.book.build.build(plan, out=<work>/clean, force=True)``), a no-op rebuild (the same call
   again on the same output folder, nothing changed) and the time of every notebook (from
   ``<out>/build-stats.json``, or the build's progress lines when an older build writes no stats).
2. **Jupyter Book's own execution** of the same notebooks: the executed notebooks of the clean
   build (``<out>/notebooks/*.ipynb``, already post-processed, parameters injected) with their
   outputs cleared, in a copy of the staging layout (``_config.yml`` from ``book/`` with
   ``execute_notebooks`` set to ``force`` or ``cache``, ``_toc.yml`` from
   :func:`tradetalks.book.jupyterbook.toc_yaml`, ``_static/`` with the Vega bundle and the data), built by
   ``jupyter-book build`` with the same flags as the build: ``force``, then ``cache`` cold and warm.
3. **Bytes per page** of the built site: each HTML page's size, the chart specs and the chart data
   embedded in it, its tables; the shared ``_static/vega-bundle.js`` counted once.
4. **Scale**: for each factor (``--factors 10,100,1000``) a synthetic data folder
   (:func:`tools.synthetic.generate`) and a build of the real plan against it (a copy of the
   plan with ``defaults.data_dir`` pointing there), with its time and page weight. A build that
   fails or times out is reported as a failure line with its error; the benchmark goes on.

Every build and every ``jupyter-book`` run is its own process (so a run can be stopped at
``--timeout`` and one run's memory or caches do not help the next); build times are those of the
``build()`` call measured inside that process, the process start is shown separately.

Options: ``--quick`` (factor 10 only, no Jupyter Book cache comparison), ``--factors``,
``--out DIR`` (keep every output there, with ``benchmark.json``), ``--timeout`` (seconds per build),
``--jobs``, ``--skip-jb``.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import inspect
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tradetalks.paths import BOOK_DIR, REPO_ROOT

__all__ = ["main", "page_weights", "BuildRun", "JBRun"]

DEFAULT_PLAN = BOOK_DIR / "plan.yml"
_MARK = "@@TRADETALKS-BENCHMARK@@ "
KB = 1024
#: Target: no page heavier than this, beyond the shared chart library.
PAGE_LIMIT = 150 * KB
#: Targets (name, description) checked in the summary.
TARGETS = {
    "noop": "no-op rebuild <= 10% of the clean build",
    "jb": "clean build <= 0.6 x Jupyter Book force",
    "x100": "100x data build <= 2 x clean build",
    "page": "no page over 150 KB beyond the shared chart library",
}


# --------------------------------------------------------------------------- #
# Running things in their own process, with a time limit
# --------------------------------------------------------------------------- #
def _kill_tree(proc: subprocess.Popen) -> None:
    """Stop ``proc`` and every process it started (kernels run in their own sessions)."""
    victims = []
    try:
        import psutil

        with contextlib.suppress(psutil.Error):
            victims = psutil.Process(proc.pid).children(recursive=True)
    except ImportError:  # pragma: no cover
        pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)  # the child leads its own process group
    for p in victims:
        with contextlib.suppress(Exception):
            p.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for p in victims:
        with contextlib.suppress(Exception):
            if p.is_running():
                p.kill()


def _run(cmd: Sequence[str], log: Path, timeout: float | None, cwd: Path | None = None) -> tuple[int | None, float]:
    """Run ``cmd`` with stdout+stderr to ``log``; return (exit code or None on timeout, wall seconds)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    log.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(list(cmd), stdout=fh, stderr=subprocess.STDOUT, cwd=str(cwd) if cwd else None,
                                env=env, start_new_session=True)
        try:
            code: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc)
            code = None
        except BaseException:  # Ctrl-C: do not leave a build running
            _kill_tree(proc)
            raise
    return code, time.perf_counter() - t0


def _tail(text: str, n: int = 8) -> list[str]:
    noise = ("resource_tracker", "warnings.warn(")
    return [ln for ln in text.rstrip().splitlines() if ln.strip() and not any(x in ln for x in noise)][-n:]


def _failure_detail(log_text: str) -> str:
    """The informative part of a failed build's log: its FAILED block, data problems, or its last lines."""
    lines = log_text.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith(("FAILED:", "Data validation failed", "jupyter-book build failed", "Traceback")):
            block = [ln]
            for nxt in lines[i + 1: i + 14]:
                if nxt.startswith("Build stopped") or (nxt.startswith("[") and "/" in nxt.split()[0]):
                    break
                block.append(nxt)
            if ln.startswith("Traceback"):
                block = lines[i:][-6:]
            return "\n".join(block).rstrip()
    return "\n".join(_tail(log_text))


# --------------------------------------------------------------------------- #
# Builds
# --------------------------------------------------------------------------- #
@dataclass
class BuildRun:
    label: str
    out: str
    ok: bool
    seconds: float | None = None  # the build() call, measured in its process
    wall: float = 0.0  # the whole process
    forced: bool = False
    error: str | None = None
    stats: dict[str, Any] | None = None  # <out>/build-stats.json of this run
    page_seconds: dict[str, float] = field(default_factory=dict)
    log: str = ""


def _child_build(spec: dict[str, Any]) -> int:
    """In a fresh process: call tradetalks.book.build.build once and report on stdout."""
    report: dict[str, Any] = {"forced": False}
    t0 = time.perf_counter()
    try:
        from tradetalks import build as b

        kwargs: dict[str, Any] = {"out": spec["out"], "book_dir": spec["book_dir"]}
        if spec.get("jobs"):
            kwargs["jobs"] = spec["jobs"]
        if spec.get("force"):
            if "force" in inspect.signature(b.build).parameters:
                kwargs["force"] = True
                report["forced"] = True
            else:
                print("note: build() has no `force` keyword; building without it", flush=True)
        t0 = time.perf_counter()
        result = b.build(spec["plan"], **kwargs)
        report["seconds"] = time.perf_counter() - t0
        report["ok"] = isinstance(result, Path)
        report["result"] = str(result)
        if not report["ok"]:
            report["error"] = f"build() returned exit code {result}"
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        import traceback

        traceback.print_exc()
        report.update(ok=False, seconds=time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}")
    sys.stdout.flush()
    sys.stderr.flush()
    print(_MARK + json.dumps(report), flush=True)
    return 0 if report["ok"] else 1


_PROGRESS_RE = re.compile(r"^\[\d+/\d+\] (\S+) (?:(\d+(?:\.\d+)?)s|unchanged)", re.M)


def run_build(label: str, plan: Path, out: Path, *, force: bool, timeout: float | None, jobs: int | None,
              book_dir: Path = BOOK_DIR, logs: Path) -> BuildRun:
    """One build of ``plan`` into ``out`` in its own process."""
    stats_file = out / "build-stats.json"
    before = stats_file.stat().st_mtime_ns if stats_file.is_file() else None
    spec = {"plan": str(plan), "out": str(out), "book_dir": str(book_dir), "force": force, "jobs": jobs}
    log = logs / f"{label}.log"
    code, wall = _run([sys.executable, "-m", "tools.benchmark", "--child-build", json.dumps(spec)],
                      log, timeout, cwd=REPO_ROOT)
    text = log.read_text(encoding="utf-8", errors="replace")
    run = BuildRun(label=label, out=str(out), ok=False, wall=wall, log=str(log))
    marks = [ln for ln in text.splitlines() if ln.startswith(_MARK)]
    if code is None:
        run.error = f"timed out after {timeout:.0f}s (stopped); last output:\n" + "\n".join(_tail(text, 6))
        return run
    if not marks:
        run.error = f"the build process ended with exit code {code} and no result:\n" + _failure_detail(text)
        return run
    rep = json.loads(marks[-1][len(_MARK):])
    run.ok, run.seconds, run.forced = bool(rep.get("ok")), rep.get("seconds"), bool(rep.get("forced"))
    if not run.ok:
        run.error = (rep.get("error") or "failed") + "\n" + _failure_detail(text)
        return run
    if stats_file.is_file() and stats_file.stat().st_mtime_ns != before:
        with contextlib.suppress(ValueError, OSError):
            run.stats = json.loads(stats_file.read_text(encoding="utf-8"))
    if run.stats and isinstance(run.stats.get("pages"), list):
        run.page_seconds = {p["name"]: float(p.get("seconds") or 0.0) for p in run.stats["pages"]}
    else:  # older build.py: its progress lines "[3/25] actors 4.2s"
        run.page_seconds = {m.group(1): float(m.group(2) or 0.0) for m in _PROGRESS_RE.finditer(text)}
    return run


# --------------------------------------------------------------------------- #
# Jupyter Book's own execution
# --------------------------------------------------------------------------- #
@dataclass
class JBRun:
    label: str
    ok: bool
    seconds: float
    error: str | None = None
    executed: dict[str, float] = field(default_factory=dict)  # notebook -> seconds, as myst-nb logged it
    cached: int = 0
    log: str = ""


def _expanded_pages(plan: Path):
    """The plan's pages after for_each expansion, with data_dir resolved as build() does."""
    from tradetalks import build as b

    p = b.load_plan(plan, root=REPO_ROOT)
    pages = []
    for page in p.pages:
        params = dict(page.parameters)
        d = b._resolve_data_dir(params.get("data_dir"), REPO_ROOT)
        if d is not None:
            params["data_dir"] = str(d)
        pages.append(b.Page(page.name, page.template, page.title, params, page.for_each, page.parent))
    return b.expand_pages(pages), p.defaults


def stage_jupyter_book(target: Path, notebooks: Path, plan: Path, mode: str, book_dir: Path = BOOK_DIR) -> Path:
    """A staging folder like build.py's, holding ``notebooks`` without outputs, for ``execute_notebooks: mode``."""
    import nbformat
    import yaml

    from tradetalks import build as b

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    # the same staging as the build's, then execution switched on in its _config.yml
    b._stage_book(book_dir, target)
    pages, defaults = _expanded_pages(plan)
    b._stage_data(b._resolve_data_dir(defaults.get("data_dir"), REPO_ROOT), target)
    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8"))
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = mode
    execute["timeout"] = getattr(b, "CELL_TIMEOUT", 600)  # as papermill gets it (Jupyter Book's default is 30 s)
    (target / "_config.yml").write_text("# benchmark copy of book/_config.yml\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (target / "_toc.yml").write_text(b.toc_yaml(pages), encoding="utf-8")
    gen = target / getattr(b, "GENERATED", "generated")
    gen.mkdir()
    missing = [p.name for p in pages if not (notebooks / f"{p.name}.ipynb").is_file()]
    if missing:
        raise FileNotFoundError(f"executed notebooks missing from {notebooks}: {', '.join(missing)}")
    for page in pages:
        nb = nbformat.read(str(notebooks / f"{page.name}.ipynb"), as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
                cell.metadata.pop("execution", None)
        nb.metadata.pop("papermill", None)
        nbformat.write(nb, str(gen / f"{page.name}.ipynb"))
    return target


_EXECUTED_RE = re.compile(r"(?:^|/)([\w.-]+?)(?:\.ipynb)?:\s*Executed notebook in ([\d.]+) seconds", re.M)


def run_jupyter_book(label: str, source: Path, *, timeout: float | None, logs: Path) -> JBRun:
    """``jupyter-book build`` with build.py's flags, in its own process."""
    log = logs / f"{label}.log"
    runner = ("import sys; from jupyter_book.cli.main import main; "
              "sys.argv[0] = 'jupyter-book'; sys.exit(main())")
    cmd = [sys.executable, "-c", runner, "build", str(source), "--builder", "html", "-W", "-n", "--keep-going"]
    code, wall = _run(cmd, log, timeout, cwd=source)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", log.read_text(encoding="utf-8", errors="replace"))
    run = JBRun(label=label, ok=code == 0, seconds=wall, log=str(log))
    run.executed = {m.group(1): float(m.group(2)) for m in _EXECUTED_RE.finditer(text)}
    run.cached = len(re.findall(r"Using cached notebook", text))
    if code is None:
        run.error = f"timed out after {timeout:.0f}s (stopped)"
    elif code != 0:
        problems = [ln.strip() for ln in text.splitlines()
                    if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|Error:", ln)]
        run.error = f"exit code {code}: " + ("\n".join(problems[:8]) or "\n".join(_tail(text, 8)))
    return run


# --------------------------------------------------------------------------- #
# Page weight
# --------------------------------------------------------------------------- #
_SPEC_RE = re.compile(r"\bvar spec = (\{.*?\});\n", re.S)
_TABLE_RE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def _data_bytes(spec: Any) -> int:
    """Bytes of inline data in a Vega-Lite spec: top-level ``datasets`` and any ``data.values``."""
    total = 0
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, dict):
                total += len(json.dumps(value, separators=(",", ":")))
            elif key == "data" and isinstance(value, dict) and "values" in value:
                total += len(json.dumps(value["values"], separators=(",", ":")))
            else:
                total += _data_bytes(value)
    elif isinstance(spec, list):
        total += sum(_data_bytes(v) for v in spec)
    return total


def page_weights(html_dir: Path) -> dict[str, Any]:
    """Size of every HTML page with its embedded charts and tables, and of the site."""
    from tradetalks.charts.bundle import BUNDLE_FILENAME

    html_dir = Path(html_dir)
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir).as_posix()
        if rel.startswith(("_static/", "_sources/")):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        specs = [m.group(1) for m in _SPEC_RE.finditer(text)]
        data = 0
        for s in specs:
            with contextlib.suppress(ValueError):
                data += _data_bytes(json.loads(s))
        pages.append({
            "page": rel, "bytes": path.stat().st_size, "charts": len(specs),
            "chart_bytes": sum(len(s.encode()) for s in specs), "chart_data_bytes": data,
            "table_bytes": sum(len(m.group(0).encode()) for m in _TABLE_RE.finditer(text)),
        })
    groups = {"pages": 0, "_static": 0, "_sources": 0, "other": 0}
    total = 0
    for path in html_dir.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        rel = path.relative_to(html_dir).as_posix()
        if path.suffix == ".html" and not rel.startswith(("_static/", "_sources/")):
            groups["pages"] += size
        elif rel.startswith("_static/"):
            groups["_static"] += size
        elif rel.startswith("_sources/"):
            groups["_sources"] += size
        else:
            groups["other"] += size
    bundle = html_dir / "_static" / BUNDLE_FILENAME
    largest = max(pages, key=lambda p: p["bytes"]) if pages else None
    return {"pages": pages, "largest": largest, "bundle_bytes": bundle.stat().st_size if bundle.is_file() else 0,
            "total_bytes": total, "groups": groups,
            "data_bytes": sum(f.stat().st_size for f in (html_dir / "_static" / "data").glob("*")
                              if f.is_file()) if (html_dir / "_static" / "data").is_dir() else 0}


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #
def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> str:
    cells = [[str(h) for h in headers]] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    fmt = lambda r: "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return "\n".join([fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]])


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f} s"


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / KB:,.1f} KB"


def _mb(n: int | None) -> str:
    return "—" if n is None else f"{n / KB / KB:,.2f} MB"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _r(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("MET" if ok else "NOT MET")


def _say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def _section(title: str) -> None:
    _say("", title, "=" * len(title))


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + ln for ln in text.splitlines())


def _load_line(when: str) -> str:
    """The machine's load average: timings are only comparable on an otherwise idle machine."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:  # pragma: no cover
        return f"load average {when}: unknown"
    cores = os.cpu_count() or 1
    busy = " — the machine is busy with other work: timings are inflated and less comparable" if five > 0.5 * cores else ""
    return f"load average {when}: {one:.2f} (1 min), {five:.2f} (5 min) on {cores} cores{busy}"


def _build_row(run: BuildRun, clean: BuildRun | None = None) -> list[Any]:
    st = run.stats or {}
    return [run.label, "ok" if run.ok else "FAILED", _s(run.seconds), _s(run.wall),
            _s(st.get("execute_seconds")), _s(st.get("book_seconds")),
            f"{st.get('executed', '?')}/{st.get('cached', '?')}" if st else "—",
            _r(_ratio(run.seconds, clean.seconds)) if clean and run.ok and clean.ok else "—"]


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #
def _factors(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--factors takes integers separated by commas, not {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("--factors takes integers >= 1")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child-build"]:
        return _child_build(json.loads(argv[1]))
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="factor 10 only and no Jupyter Book cache comparison (force only)")
    parser.add_argument("--factors", type=_factors, default=None,
                        help="synthetic data sizes to build, e.g. 10,100,1000 (default: 10,100,1000; --quick: 10)")
    parser.add_argument("--out", default=None, help="keep every output in this folder (default: a temporary folder, removed)")
    parser.add_argument("--plan", default=str(DEFAULT_PLAN), help="plan to build (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds a build or a jupyter-book run may take before it is stopped (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel notebooks in each build (default: the build's)")
    parser.add_argument("--skip-jb", action="store_true", help="no Jupyter Book comparison")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default: %(default)s)")
    args = parser.parse_args(argv)
    factors = args.factors or ([10] if args.quick else [10, 100, 1000])
    plan = Path(args.plan).resolve()

    if args.out:
        work = Path(args.out).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tradetalks-benchmark-"))
    logs = work / "logs"
    results: dict[str, Any] = {"factors": factors, "quick": args.quick, "plan": str(plan)}
    started = time.perf_counter()
    try:
        return _benchmark(args, plan, work, logs, factors, results)
    finally:
        results["benchmark_seconds"] = time.perf_counter() - started
        if args.out:
            (work / "benchmark.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
            _say("", f"Outputs kept in {work} (logs in {logs}, figures in benchmark.json)")
        else:
            shutil.rmtree(work, ignore_errors=True)
        _say(f"Benchmark took {time.perf_counter() - started:.0f} s.")


def _benchmark(args, plan: Path, work: Path, logs: Path, factors: list[int], results: dict[str, Any]) -> int:
    from tradetalks import build as b

    has_force = "force" in inspect.signature(b.build).parameters
    _say(f"tradetalks build benchmark — plan {plan}",
         f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; work folder {work}",
         f"build() {'has' if has_force else 'has NO'} `force` keyword; jobs {args.jobs or 'default'}; "
         f"time limit {args.timeout:.0f} s per build",
         _load_line("at start"))

    # 1. clean build and no-op rebuild of the real book
    _section("1. Build of the real book")
    clean_out = work / "clean"
    if clean_out.exists():
        shutil.rmtree(clean_out)
    _say("clean build ...")
    clean = run_build("clean", plan, clean_out, force=True, timeout=args.timeout, jobs=args.jobs, logs=logs)
    noop = None
    if clean.ok:
        _say("no-op rebuild ...")
        noop = run_build("no-op", plan, clean_out, force=False, timeout=args.timeout, jobs=args.jobs, logs=logs)
    results["clean"], results["noop"] = asdict(clean), asdict(noop) if noop else None
    rows = [_build_row(clean)] + ([_build_row(noop, clean)] if noop else [])
    _say("", _table(["build", "result", "build()", "process", "execute", "jupyter-book", "executed/cached", "÷ clean"],
                    rows, right=[2, 3, 4, 5, 6, 7]))
    for run in (clean, noop):
        if run and not run.ok:
            _say(f"  {run.label} FAILED: {run.error.splitlines()[0]}", _indent("\n".join(run.error.splitlines()[1:])))
    if noop and noop.ok and noop.stats and noop.stats.get("executed"):
        _say(f"  note: the no-op rebuild executed {noop.stats['executed']} page(s): something changed between the "
             "two builds (a lib file edited meanwhile?) or the cache missed")
    if clean.ok and clean.stats is None:
        _say("  note: no build-stats.json was written; per-notebook times come from the progress lines")

    # per notebook
    jb_runs: dict[str, JBRun] = {}
    if clean.ok and not args.skip_jb:
        _section("2. The same notebooks executed by Jupyter Book")
        modes = [("jb-force", "force")] if args.quick else [("jb-force", "force"), ("jb-cache", "cache")]
        for label, mode in modes:
            try:
                source = stage_jupyter_book(work / label, clean_out / "notebooks", plan, mode)
            except Exception as exc:  # noqa: BLE001
                jb_runs[label] = JBRun(label, False, 0.0, error=f"staging failed: {type(exc).__name__}: {exc}")
                continue
            _say(f"jupyter-book build, execute_notebooks: {mode} ...")
            jb_runs[label] = run_jupyter_book(label, source, timeout=args.timeout, logs=logs)
            if mode == "cache" and jb_runs[label].ok:
                jb_runs[label].label = "jb-cache-cold"
                _say("jupyter-book build, execute_notebooks: cache, again (warm) ...")
                jb_runs["jb-cache-warm"] = run_jupyter_book("jb-cache-warm", source, timeout=args.timeout, logs=logs)
        results["jupyter_book"] = {k: asdict(v) for k, v in jb_runs.items()}
        rows = []
        for run in jb_runs.values():
            rows.append([run.label, "ok" if run.ok else "FAILED", _s(run.seconds), len(run.executed), run.cached,
                         _s(sum(run.executed.values()) if run.executed else None)])
        _say("", _table(["jupyter-book run", "result", "time (process)", "notebooks executed", "from cache",
                         "sum of execution"], rows, right=[2, 3, 4, 5]))
        for run in jb_runs.values():
            if not run.ok:
                _say(f"  {run.label} FAILED: {run.error.splitlines()[0]}", _indent("\n".join(run.error.splitlines()[1:])))

    if clean.ok:
        _section("Time per notebook (seconds)")
        names = list(clean.page_seconds) or []
        jbf = jb_runs.get("jb-force")
        headers = ["page", "clean build", "no-op"] + (["JB force"] if jbf and jbf.executed else [])
        rows = []
        for name in names:
            row = [name, f"{clean.page_seconds[name]:.1f}"]
            if noop and noop.ok:
                cached = next((p.get("cached") for p in (noop.stats or {}).get("pages", []) if p["name"] == name), None)
                row.append("cached" if cached else (f"{noop.page_seconds.get(name, 0):.1f}" if name in noop.page_seconds else "—"))
            else:
                row.append("—")
            if jbf and jbf.executed:
                row.append(f"{jbf.executed[name]:.1f}" if name in jbf.executed else "—")
            rows.append(row)
        total = ["sum", f"{sum(clean.page_seconds.values()):.1f}",
                 f"{sum(noop.page_seconds.values()):.1f}" if noop and noop.ok else "—"]
        if jbf and jbf.executed:
            total.append(f"{sum(jbf.executed.values()):.1f}")
        rows.append(total)
        _say(_table(headers, rows, right=list(range(1, len(headers)))))
        if clean.page_seconds:
            slow = max(clean.page_seconds, key=clean.page_seconds.get)
            _say(f"slowest notebook: {slow} {clean.page_seconds[slow]:.1f} s; pages {len(clean.page_seconds)}; "
                 f"sum of notebook times ÷ execute step = "
                 f"{_r(_ratio(sum(clean.page_seconds.values()), (clean.stats or {}).get('execute_seconds')))} (parallelism)")

    # 3. bytes per page
    weights = None
    if clean.ok:
        _section("3. Bytes per page (clean build of the real book)")
        weights = page_weights(clean_out / "html")
        results["page_weights"] = weights
        rows = [[p["page"], _kb(p["bytes"]), p["charts"], _kb(p["chart_bytes"]), _kb(p["chart_data_bytes"]),
                 _kb(p["table_bytes"]), "yes" if p["bytes"] > PAGE_LIMIT else ""]
                for p in sorted(weights["pages"], key=lambda p: -p["bytes"])]
        _say(_table(["page", "HTML", "charts", "chart specs", "of which data", "tables", "> 150 KB"], rows,
                    right=[1, 2, 3, 4, 5]))
        lg, g = weights["largest"], weights["groups"]
        _say("", f"shared chart library _static/vega-bundle.js: {_kb(weights['bundle_bytes'])} (counted once)",
             f"largest page: {lg['page']} {_kb(lg['bytes'])} — {'under' if lg['bytes'] <= PAGE_LIMIT else 'OVER'} 150 KB",
             f"site: {_mb(weights['total_bytes'])} in all = pages {_mb(g['pages'])} + _static {_mb(g['_static'])} "
             f"(data copy {_mb(weights['data_bytes'])}) + _sources {_mb(g['_sources'])} + other {_mb(g['other'])}")

    # 4. scale
    _section("4. Scale: the real plan on synthetic data")
    import yaml

    from tools.synthetic import generate

    scale: list[dict[str, Any]] = []
    for factor in factors:
        entry: dict[str, Any] = {"factor": factor}
        scale.append(entry)
        try:
            t0 = time.perf_counter()
            data = generate(work / f"data-x{factor}", factor, seed=args.seed)
            entry["generate_seconds"] = time.perf_counter() - t0
            with open(data / "events.csv", encoding="utf-8", newline="") as fh:
                entry["events"] = sum(1 for _ in csv.reader(fh)) - 1
            t0 = time.perf_counter()
            from tradetalks.data import load_dataset

            load_dataset(data)
            entry["load_seconds"] = time.perf_counter() - t0
            spec = yaml.safe_load(plan.read_text(encoding="utf-8"))
            spec.setdefault("defaults", {})["data_dir"] = str(data)
            scaled_plan = work / f"plan-x{factor}.yml"
            scaled_plan.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001
            entry.update(ok=False, error=f"preparing the data failed: {type(exc).__name__}: {exc}")
            _say(f"{factor}x: FAILED — {entry['error']}")
            continue
        _say(f"{factor}x: {entry['events']:,} events (generated in {entry['generate_seconds']:.1f} s, "
             f"load_dataset {entry['load_seconds']:.1f} s); building ...")
        out = work / f"scale-x{factor}"
        if out.exists():
            shutil.rmtree(out)
        run = run_build(f"scale-x{factor}", scaled_plan, out, force=True, timeout=args.timeout, jobs=args.jobs, logs=logs)
        entry["build"] = asdict(run)
        entry["ok"] = run.ok
        if run.ok:
            w = page_weights(out / "html")
            entry["weights"] = {k: w[k] for k in ("largest", "bundle_bytes", "total_bytes", "groups", "data_bytes")}
            entry["pages_over_limit"] = [p["page"] for p in w["pages"] if p["bytes"] > PAGE_LIMIT]
            entry["heavy_pages"] = sorted((p for p in w["pages"] if p["bytes"] > PAGE_LIMIT), key=lambda p: -p["bytes"])
        else:
            entry["error"] = run.error
    rows = []
    for e in scale:
        run = e.get("build") or {}
        w = e.get("weights") or {}
        lg = w.get("largest") or {}
        rows.append([f"{e['factor']}x", f"{e.get('events', 0):,}", "ok" if e.get("ok") else "FAILED",
                     _s(run.get("seconds")) if e.get("ok") else _s(run.get("wall")),
                     _r(_ratio(run.get("seconds"), clean.seconds)) if e.get("ok") and clean.ok else "—",
                     _s((run.get("stats") or {}).get("execute_seconds")),
                     _s((run.get("stats") or {}).get("book_seconds")),
                     f"{lg.get('page', '—')} {_kb(lg.get('bytes'))}" if lg else "—",
                     str(len(e.get("pages_over_limit", []))) if e.get("ok") else "—",
                     _mb(w.get("total_bytes")) if w else "—"])
    if clean.ok:
        rows.insert(0, ["1x (real)", "?", "ok", _s(clean.seconds), "1.00",
                        _s((clean.stats or {}).get("execute_seconds")), _s((clean.stats or {}).get("book_seconds")),
                        f"{weights['largest']['page']} {_kb(weights['largest']['bytes'])}" if weights else "—",
                        str(sum(p["bytes"] > PAGE_LIMIT for p in weights["pages"])) if weights else "—",
                        _mb(weights["total_bytes"]) if weights else "—"])
        with contextlib.suppress(Exception):
            from tradetalks.data import load_dataset

            rows[0][1] = f"{len(load_dataset().events):,}"
    _say("", _table(["data", "events", "result", "build time", "÷ clean", "execute", "jupyter-book", "largest page",
                     "pages > 150 KB", "site"], rows, right=[1, 3, 4, 5, 6, 8, 9]))
    for e in scale:
        if not e.get("ok"):
            _say(f"  {e['factor']}x FAILED: {e.get('error', '').splitlines()[0] if e.get('error') else ''}",
                 _indent("\n".join((e.get("error") or "").splitlines()[1:])))
        elif e.get("pages_over_limit"):
            _say(f"  {e['factor']}x: {len(e['pages_over_limit'])} page(s) over 150 KB:")
            _say(_indent(_table(["page", "HTML", "charts", "chart specs", "of which data", "tables"],
                                [[p["page"], _kb(p["bytes"]), p["charts"], _kb(p["chart_bytes"]),
                                  _kb(p["chart_data_bytes"]), _kb(p["table_bytes"])] for p in e["heavy_pages"]],
                                right=[1, 2, 3, 4, 5])))
    results["scale"] = scale

    # summary
    _section("Summary")
    _say(_load_line("at the end"), "")
    jbf = jb_runs.get("jb-force")
    cold, warm = jb_runs.get("jb-cache-cold") or jb_runs.get("jb-cache"), jb_runs.get("jb-cache-warm")
    ok_time = lambda r: r.seconds if r is not None and r.ok else None
    ratios = [
        ("clean build", _s(ok_time(clean)), ""),
        ("no-op rebuild", _s(ok_time(noop)), f"no-op ÷ clean = {_r(_ratio(ok_time(noop), ok_time(clean)))}"),
        ("Jupyter Book force", _s(ok_time(jbf)), f"clean ÷ JB force = {_r(_ratio(ok_time(clean), ok_time(jbf)))}"),
        ("Jupyter Book cache, cold", _s(ok_time(cold)), f"clean ÷ JB cache cold = {_r(_ratio(ok_time(clean), ok_time(cold)))}"),
        ("Jupyter Book cache, warm", _s(ok_time(warm)), f"no-op ÷ JB cache warm = {_r(_ratio(ok_time(noop), ok_time(warm)))}"),
    ]
    _say(_table(["what", "time", "ratio"], ratios, right=[1]))
    x100 = next((e for e in scale if e["factor"] == 100), None)
    t100 = (x100 or {}).get("build", {}).get("seconds") if x100 and x100.get("ok") else None
    all_pages = [] if weights is None else [weights["largest"]["bytes"]]
    all_pages += [e["weights"]["largest"]["bytes"] for e in scale if e.get("ok") and e["weights"].get("largest")]
    checks = {
        "noop": None if ok_time(noop) is None or ok_time(clean) is None else ok_time(noop) <= 0.10 * ok_time(clean),
        "jb": None if ok_time(jbf) is None or ok_time(clean) is None else ok_time(clean) <= 0.6 * ok_time(jbf),
        "x100": None if x100 is None else (False if t100 is None or ok_time(clean) is None else t100 <= 2 * ok_time(clean)),
        "page": None if not all_pages else max(all_pages) <= PAGE_LIMIT,
    }
    details = {
        "noop": f"{_r(_ratio(ok_time(noop), ok_time(clean)))} (target ≤ 0.10)",
        "jb": f"{_r(_ratio(ok_time(clean), ok_time(jbf)))} (target ≤ 0.60)",
        "x100": ("100x build failed" if x100 and not x100.get("ok") else
                 f"{_r(_ratio(t100, ok_time(clean)))} (target ≤ 2.00)" if x100 else "100x not in --factors"),
        "page": (f"largest {_kb(max(all_pages))} over sizes built "
                 f"({', '.join(['1x'] * (weights is not None) + [str(e['factor']) + 'x' for e in scale if e.get('ok')])})"
                 if all_pages else "no site built"),
    }
    _say("", "Targets:")
    _say(_table(["target", "figure", "verdict"], [[TARGETS[k], details[k], _verdict(v)] for k, v in checks.items()]))
    results["targets"] = {k: {"target": TARGETS[k], "met": v, "figure": details[k]} for k, v in checks.items()}
    failed = [r.label for r in (clean, noop) if r is not None and not r.ok]
    failed += [r.label for r in jb_runs.values() if not r.ok]
    failed += [f"scale-x{e['factor']}" for e in scale if not e.get("ok")]
    if failed:
        where = f"logs in {logs}" if args.out else "rerun with --out DIR to keep the logs"
        _say("", f"Runs that failed: {', '.join(failed)} (details above; {where})")
    return 0 if clean.ok else 1


if __name__ == "__main__":
    sys.exit(main())
